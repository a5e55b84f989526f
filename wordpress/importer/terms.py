"""Categories (a tree, parents first) and tags, found again by slug on a second run."""

from django.db.models import Q
from django.utils.text import slugify
from taggit.models import Tag

from blog.models import Category
from blog.slugs import make_slug

from ..models import ImportedItem
from .common import clean_text, parents_first, unquote_slug, update

Kind = ImportedItem.Kind


def import_terms(state):
    known = state.known(Kind.CATEGORY)
    categories = {
        slug: term for (taxonomy, slug), term in state.terms.items() if taxonomy == "category"
    }
    for slug in parents_first(categories, lambda term: unquote_slug(term.parent)):
        _import_category(state, slug, categories[slug], known)
    known = state.known(Kind.TAG)
    for (taxonomy, slug), term in state.terms.items():
        if taxonomy == "post_tag":
            _import_tag(state, slug, term, known)


def _import_category(state, slug, term, known):
    parent_slug = unquote_slug(term.parent)
    parent = state.categories.get(parent_slug) if parent_slug else None
    if parent_slug and parent is None:
        state.report.problem(
            f"category {slug}",
            f"its parent “{parent_slug}” is not in the export; kept at the top level.",
        )
    name = clean_text(term.name) or slug
    wanted = {
        "name": name[:200],
        "description": clean_text(term.description),
        "parent": parent,
    }
    row = known.get(slug)
    category = row.category if row else None
    segment = make_slug(slug) or slugify(name, allow_unicode=True)[:200] or "category"
    if category is None:
        path = f"{parent.path}/{segment}" if parent else segment
        category = Category.objects.filter(path=path).first()
        if category is not None:
            state.report.problem(f"category {slug}", "merged with the existing category.")
    if category is None:
        category = Category(slug=segment, **wanted)
        category.save()
        outcome = "imported"
    else:
        outcome = update(category, wanted)
    state.categories[slug] = category
    state.remember(Kind.CATEGORY, slug, category=category, old_path=f"/category/{category.path}/")
    state.report.count("category", outcome)


def _import_tag(state, slug, term, known):
    name = (clean_text(term.name) or slug)[:100]
    row = known.get(slug)
    tag = row.tag if row else None
    segment = make_slug(slug, 100)
    if tag is None:
        tag = Tag.objects.filter(Q(slug=segment) | Q(name=name)).first()
    if tag is None:
        # Without a usable slug, taggit makes one from the name.
        tag = Tag.objects.create(name=name, slug=segment)
        outcome = "imported"
    else:
        outcome = "unchanged"
    state.tags[slug] = tag
    state.remember(Kind.TAG, slug, tag=tag, old_path=f"/tag/{slug}/")
    state.report.count("tag", outcome)
