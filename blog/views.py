"""The public site: home, posts, pages and archives, search, and liking posts."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import InvalidPage, Paginator
from django.core.paginator import Page as ListPage
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django.views.generic import ListView
from django.views.generic.dates import DayArchiveView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from core import generation

from . import likes, summaries
from . import search as search_index
from .models import PUBLICATION_DAYS, Category, Page, Post


class CountedPaginator(Paginator):
    """A paginator that counts its list once per content generation, not per request:
    counting a large archive's posts is the slowest query of its pages.

    Deep pages do not skip rows with OFFSET from the top of the list: every STRIDE-th
    row of the list (an anchor) is kept once per list generation, and a page starts
    after the anchor before it, so no page skips more than STRIDE rows however deep it
    is. Page 5,000 of 100,000 posts costs what page 100 does.

    `order` is the list's order; `starting(condition)` the list's rows that meet
    `condition`, with that condition first: SQLite reads a range of an index from the
    first bound of a column it is given, and the list's own bound (published before now)
    is at the top of the list."""

    STRIDE = 1000
    # The orders whose rows an anchor can start after (each list's, newest first): the
    # home page leads with sticky posts, date archives with the day (as their index does).
    ANCHORED = {
        ("-published_at", "-pk"): "newest",
        ("-sticky", "-published_at", "-pk"): "sticky",
        ("-publish_date", "-published_at", "-pk"): "dated",
    }

    def __init__(self, *args, count_key, order=(), starting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.anchored = self.ANCHORED.get(tuple(order)) if starting else None
        self.starting = starting

    @cached_property
    def count(self):
        return generation.kept(("post-count", self.count_key), self.count_all, 60 * 60, lists=True)

    def count_all(self):
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows, skip = self.object_list, bottom
        strides, rest = divmod(bottom, self.STRIDE)
        if strides and (after := self.after_anchor(strides)) is not None:
            rows, skip = self.starting(after), rest
        return ListPage(rows[skip : skip + top - bottom], number, self)

    def after_anchor(self, strides):
        """The condition for the rows after the list's `strides`-th anchor, or None if
        the list cannot start there (an order without anchors, a list shorter than
        the count said, more sticky posts than a stride)."""
        if self.anchored is None:
            return None
        anchor = self.anchor(strides)
        return _after(anchor, self.anchored) if anchor else None

    def anchor(self, stride):
        """The list's `stride`-th anchor ({} if it has none), kept once per list
        generation and found from the one before it."""
        return generation.kept(
            ("list-anchor", self.count_key, stride),
            lambda: self._find_anchor(stride),
            60 * 60,
            lists=True,
        )

    def _find_anchor(self, stride):
        rows = self.object_list
        if stride > 1:
            after = self.after_anchor(stride - 1)
            if after is None:
                return {}
            rows = self.starting(after)
        found = rows.values(*ANCHOR_FIELDS[self.anchored])[self.STRIDE - 1 : self.STRIDE]
        return found[0] if found else {}


# What an anchor holds: the columns of its order, all in the order's index (an anchor is
# found from the index alone, not from the posts' rows).
ANCHOR_FIELDS = {
    "newest": ("published_at", "pk"),
    "sticky": ("sticky", "published_at", "pk"),
    "dated": ("publish_date", "published_at", "pk"),
}


def _after(anchor, order):
    """Rows after `anchor` in a newest-first list, or None where no range holds them.
    Written as a range of the list's index (published on or before the anchor, and not
    sticky where stickiness leads the order; on or before its day where the day does)
    and a check of what they may share with it: an OR of the columns alone would have
    the database read the index from the top of the list to find them."""
    moment, pk = anchor["published_at"], anchor["pk"]
    after = Q(published_at__lte=moment) & (Q(published_at__lt=moment) | Q(pk__lt=pk))
    if order == "dated":
        day = anchor["publish_date"]
        return Q(publish_date__lte=day) & (Q(publish_date__lt=day) | after)
    if order == "sticky":
        if anchor["sticky"]:
            return None  # the rows after a sticky one are not one range
        # `sticky IN (false)`: SQLite takes `NOT sticky`, as Django writes sticky=False
        # for it, for a filter, not for a step down the index.
        return after & Q(sticky__in=[False])
    return after


class PostListMixin:
    """Paginated post summaries; `/page/N/` URLs carry the page number."""

    paginator_class = CountedPaginator

    template_name = "blog/post_list.html"
    context_object_name = "posts"
    page_kwarg = "page"
    allow_empty = True
    heading = ""
    order = ("-published_at", "-pk")

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        if kwargs.get(self.page_kwarg) in ("1", 1):
            # /page/1/ is the list itself; keep one address per page.
            return redirect(request.path.rsplit("page/", 1)[0], permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.listed(Post.objects.all())

    def listed(self, among):
        """The list's posts among `among` (all posts, or those after an anchor), in its
        order, with what its summaries show."""
        return self.posts(among).for_listing().order_by(*self.order)

    def get_paginator(self, *args, **kwargs):
        # Every page of one list has the same count: the list's address is its key.
        base = self.request.path.rsplit("page/", 1)[0]
        return super().get_paginator(
            *args,
            count_key=base,
            order=self.order,
            starting=lambda condition: self.listed(Post.objects.filter(condition)),
            **kwargs,
        )

    def posts(self, among):
        return among.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.get_heading()
        context["page_base"] = self.request.path.rsplit("page/", 1)[0]
        context["summaries"] = summaries.render(context["page_obj"].object_list)
        return context

    def get_heading(self):
        return self.heading


class HomeView(PostListMixin, ListView):
    template_name = "blog/home.html"
    order = ("-sticky", "-published_at", "-pk")  # sticky posts lead, as on WordPress


class DateArchiveMixin(PostListMixin):
    date_field = "publish_date"
    allow_future = True  # The published() queryset already hides scheduled posts.
    allow_empty = False
    make_object_list = True
    month_format = "%m"
    day_format = "%d"
    # Newest first, by day then moment: the order of the index that finds a year's, a
    # month's or a day's posts, so that they are not sorted on each request (the day is
    # the moment's, in the site's time zone).
    order = ("-publish_date", "-published_at", "-pk")

    def get(self, request, *args, **kwargs):
        # 404 before Django steps to the next day, month or year: 9999-12-31 has none.
        date_or_404(kwargs["year"], kwargs.get("month", 1), kwargs.get("day", 1))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # What the links to the previous and next year, month or day look at: each needs
        # one date, not a post with its author, image, categories and tags.
        return self.posts(Post.objects.all()).without_texts().order_by(*self.order)

    def get_dated_queryset(self, **lookup):
        self.dates = lookup
        return self.listed(Post.objects.all())

    def listed(self, among):
        return super().listed(among).without_texts().filter(**self.dates)

    def get_date_list(self, *args, **kwargs):
        return None


class YearArchive(DateArchiveMixin, YearArchiveView):
    def get_heading(self):
        return f"Posts from {self.get_year()}"


class MonthArchive(DateArchiveMixin, MonthArchiveView):
    def get_heading(self):
        month = datetime.date(int(self.get_year()), int(self.get_month()), 1)
        return f"Posts from {month:%B %Y}"


class DayArchive(DateArchiveMixin, DayArchiveView):
    def get_heading(self):
        day = datetime.date(int(self.get_year()), int(self.get_month()), int(self.get_day()))
        return f"Posts from {day:%B} {day.day}, {day.year}"


class CategoryArchive(PostListMixin, ListView):
    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, path=kwargs["path"].strip("/"))
        return super().get(request, *args, **kwargs)

    def posts(self, among):
        # A category's archive includes its sub-categories' posts.
        return among.published().filed_under(self.category)

    def get_heading(self):
        return f"Category: {self.category.name}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            archive_category=self.category,
            feed_title=f"Category: {self.category.name}",
            feed_url=reverse("blog:category_feed", kwargs={"path": self.category.path}),
            **kwargs,
        )


class TagArchive(PostListMixin, ListView):
    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(Tag, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def posts(self, among):
        return among.published().filter(tags=self.tag)

    def get_heading(self):
        return f"Tag: {self.tag.name}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            feed_title=f"Tag: {self.tag.name}",
            feed_url=reverse("blog:tag_feed", kwargs={"slug": self.tag.slug}),
            **kwargs,
        )


class AuthorArchive(PostListMixin, ListView):
    template_name = "blog/author.html"

    def get(self, request, *args, **kwargs):
        self.author = get_object_or_404(
            get_user_model(), username=kwargs["username"], is_active=True
        )
        return super().get(request, *args, **kwargs)

    def posts(self, among):
        return among.published().filter(author=self.author)

    def get_heading(self):
        return self.author.get_display_name()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            author=self.author,
            feed_title=f"Posts by {self.author.get_display_name()}",
            feed_url=reverse("blog:author_feed", kwargs={"username": self.author.username}),
            **kwargs,
        )


def date_or_404(year, month, day):
    """The date of an address, if a post may be published on it."""
    try:
        date = datetime.date(int(year), int(month), int(day))
    except ValueError as error:
        raise Http404("No such date.") from error
    first, last = PUBLICATION_DAYS
    if not first <= date <= last:
        raise Http404("No post is published on such a date.")
    return date


def post_detail(request, year, month, day, slug):
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author", "featured_image"),
        publish_date=date_or_404(year, month, day),
        slug=slug,
    )
    return render(request, "blog/post_detail.html", post_page_context(request, post))


def post_page_context(request, post):
    """What the post page shows; the comments app renders the page with it too. What is
    the same for everyone is made only when its kept fragment is (re)made."""
    return {
        "post": post,
        "related_posts": SimpleLazyObject(lambda: post.with_relations().related_posts()),
        "is_preview": not post.is_public,
        "likes": likes.for_page(post, request.user) if post.is_public else None,
        "likes_login_url": None if request.user.is_authenticated else likes.login_url(post),
    }


@require_POST
def like_post(request, post_id):
    """Like or unlike (`action`) a published post: scripts get JSON, forms go back to it."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    wants_json = _wants_json(request)
    if not request.user.is_authenticated:
        if wants_json:
            return JsonResponse({"login_url": likes.login_url(post)}, status=401)
        return redirect(likes.login_url(post))
    action = request.POST.get("action")
    if action not in ("like", "unlike"):
        return HttpResponseBadRequest("Say action=like or action=unlike.")
    count = (likes.like if action == "like" else likes.unlike)(post, request.user)
    if wants_json:
        return JsonResponse(
            {"liked": action == "like", "count": count, "summary": likes.summary(count)}
        )
    return redirect(f"{post.get_absolute_url()}#likes")


def _wants_json(request):
    # A form's own Accept header also ends in */*; only asking for JSON first counts.
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or (
        request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    )


def page_detail(request, path):
    pages = Page.objects.all()
    if not (request.user.is_staff and request.user.has_perm("blog.view_page")):
        pages = pages.filter(status=Page.Status.PUBLISHED)
    page = get_object_or_404(pages.select_related("parent"), path=path.strip("/"))
    return render(
        request,
        "blog/page_detail.html",
        {"page": page, "is_preview": page.status != Page.Status.PUBLISHED},
    )


def search(request):
    """Published posts matching `?q=`, best first, `?page=N` at a time."""
    query = search_index.cleaned(request.GET.get("q", ""))
    context = {"query": query, "searched": search_index.has_words(query)}
    if context["searched"]:
        paginator = Paginator(search_index.find(query), settings.BLOG_POSTS_PER_PAGE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404("No such page of results.") from error
        context.update(
            paginator=paginator,
            page_obj=page,
            posts=page.object_list,
            previous_url=_search_url(query, page.previous_page_number())
            if page.has_previous()
            else None,
            next_url=_search_url(query, page.next_page_number()) if page.has_next() else None,
        )
    return render(request, "blog/search.html", context)


def _search_url(query, number):
    params = {"q": query, "page": number} if number > 1 else {"q": query}
    return f"{reverse('blog:search')}?{urlencode(params)}"
