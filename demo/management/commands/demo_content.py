"""`manage.py demo_content`: fill an empty site with a realistic blog and its discussions.

The blog of an invented association publishing essays on peace and diplomacy
(demo/blog_data.py, its essays and pages in demo/content/): authors, a category tree,
posts in every state, images drawn with Pillow (demo/drawings.py), pages, the site's
settings and its header navigation; then threaded discussions under several posts
(demo/discussions.py), all in one transaction.

Every object is found by a natural key (username, category path, author and
post slug, page path, post and image alt text, navigation target) and only
created when it is missing; anything that exists, whether it is ours or not,
is left as it is, and of the site settings only the fields still blank (or the
default title) are filled in. A post's images, tags, categories and picks are
made with the post. A post that has any demo comments gets no more, and comments
anybody else wrote are left alone. A second run therefore creates and changes
nothing, except that `--admin-login` gives the "admin" superuser a new password
each time.

The comments are saved level by level with `bulk_create`, so `Comment.prepare()` gives
them the path, depth and HTML `Comment.save()` would (discussions.unsaved_comment).
"""

import random
import secrets
from collections import Counter
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from blog.models import Category, NavigationItem, Page, Post, PostImage, SiteSettings
from comments.models import Comment, ModerationEvent, refresh_comment_counts
from demo import blog_data, discussions, drawings

# Where the printed admin login points unless --site-url says otherwise.
SITE_URL = "http://127.0.0.1:8000"
ADMIN_USERNAME = "admin"


def _when(days, hour, minute):
    """`days` from today, at a local time of day."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class Command(BaseCommand):
    help = (
        "Fill the site with a demo blog (authors, categories, posts, images, pages, "
        "navigation) and threaded discussions under its posts. Safe to run again: it only "
        "creates what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-login",
            action="store_true",
            help=f'Ensure a superuser "{ADMIN_USERNAME}" exists, give it a new random '
            "password and print it.",
        )
        parser.add_argument(
            "--site-url",
            default=SITE_URL,
            help=f"Where the site is served, for the printed admin login (default: {SITE_URL}).",
        )

    # What the report counts, in its order.
    REPORTED = ("authors", "editors", "categories", "posts", "images", "pages",
                "navigation links", "discussions", "comments")  # fmt: skip

    def handle(self, *args, **options):
        self.created, self.present = Counter(), Counter()
        self.new_files = []
        self.site_url = options["site_url"]
        password = None
        try:
            with transaction.atomic():
                self.make_content()
                if options["admin_login"]:
                    password = self.make_admin()
        except BaseException:
            # The rows are rolled back; the files written for them go too.
            for name in self.new_files:
                default_storage.delete(name)
            raise
        self.report(password)

    def make_content(self):
        """Everything but the admin, in one transaction.

        The discussions find the demo's people and posts in `self.people` and
        `self.posts`, by username and by slug.
        """
        self.people = self.make_people()
        categories = self.make_categories()
        self.posts = self.make_posts(self.people, categories)
        pages = self.make_pages()
        self.make_settings(pages, categories)
        self.make_discussions()

    def tally(self, kind, created):
        (self.created if created else self.present)[kind] += 1

    # Content -----------------------------------------------------------------

    def make_people(self):
        User = get_user_model()
        people = {}
        for spec in blog_data.PEOPLE:
            fields = dict(spec)
            username, role = fields.pop("username"), fields.pop("role")
            person = User.objects.filter(username=username).first()
            created = person is None
            if created:
                person = User(username=username, **fields)
                person.set_unusable_password()
                person.save()
                person.groups.add(Group.objects.get(name=role))
                person.refresh_from_db()  # Joining a staff role set is_staff.
            self.tally("editors" if role == roles.EDITORS else "authors", created)
            people[username] = person
        return people

    def make_categories(self):
        categories = {}
        for name, slug, parent_slug, description in blog_data.CATEGORIES:
            parent = categories.get(parent_slug)
            path = f"{parent.path}/{slug}" if parent else slug
            category = Category.objects.filter(path=path).first()
            created = category is None
            if created:
                category = Category.objects.create(
                    name=name, slug=slug, parent=parent, description=description
                )
            self.tally("categories", created)
            categories[slug] = categories[path] = category
        return categories

    def make_posts(self, people, categories):
        posts, new = {}, []
        for spec in blog_data.posts():
            author = people[spec["author"]]
            post = Post.objects.filter(author=author, slug=spec["slug"]).first()
            created = post is None
            if created:
                post = self.make_post(spec, author, categories)
                new.append((post, spec))
            else:
                # Its images came with it; they are not made again, even if deleted.
                for key in blog_data.image_keys(spec):
                    if PostImage.objects.filter(
                        post=post, alt_text=blog_data.IMAGES[key][1]
                    ).exists():
                        self.tally("images", False)
            self.tally("posts", created)
            posts[spec["slug"]] = post
        for post, spec in new:
            picks = [posts[slug] for slug in spec.get("related", ())]
            if picks:
                post.related.add(*picks)
        return posts

    def make_post(self, spec, author, categories):
        published_at = _when(spec["days"], 9 + len(spec["slug"]) % 8, 15 * (len(spec["title"]) % 4))
        # A post of someone else's may own the slug on that day; move ours a day back.
        while Post.objects.filter(
            publish_date=timezone.localdate(published_at), slug=spec["slug"]
        ).exists():
            published_at -= timedelta(days=1)
        post = Post.objects.create(
            title=spec["title"],
            slug=spec["slug"],
            author=author,
            status=spec["status"],
            published_at=published_at,
            sticky=spec.get("sticky", False),
            excerpt=spec.get("excerpt", ""),
        )
        post.categories.set([categories[path] for path in spec["categories"]])
        post.tags.add(*spec["tags"])
        images = {key: self.make_image(post, key, author) for key in blog_data.image_keys(spec)}
        # The body can name the images only now that their records exist.
        post.body = blog_data.IMAGE_PLACEHOLDER.sub(
            lambda m: f"![](image:{images[m[1]].pk})", spec["body"]
        )
        post.featured_image = images.get(spec.get("featured"))
        post.save()
        return post

    def make_image(self, post, key, author):
        filename, alt_text, caption, credit = blog_data.IMAGES[key]
        record = PostImage.objects.filter(post=post, alt_text=alt_text).first()
        created = record is None
        if created:
            record = PostImage(
                post=post,
                image=ContentFile(drawings.make_picture(key), name=filename),
                alt_text=alt_text,
                caption=caption,
                credit=credit,
                uploaded_by=author,
            )
            record.save()
            self.new_files += [record.image.name, *record.renditions.values()]
        self.tally("images", created)
        return record

    def make_pages(self):
        pages = {}
        for path, title, order, body in blog_data.pages():
            parent_path, _, slug = path.rpartition("/")
            page = Page.objects.filter(path=path).first()
            created = page is None
            if created:
                page = Page.objects.create(
                    title=title,
                    slug=slug,
                    parent=pages.get(parent_path) if parent_path else None,
                    order=order,
                    body=body,
                    status=Page.Status.PUBLISHED,
                )
            self.tally("pages", created)
            pages[path] = page
        return pages

    def make_settings(self, pages, categories):
        settings = SiteSettings.load()
        # Fill in only what nobody has set yet.
        default_title = SiteSettings._meta.get_field("title").default
        changed = []
        for field, value in blog_data.SITE.items():
            current = getattr(settings, field)
            if not current or (field == "title" and current == default_title):
                setattr(settings, field, value)
                changed.append(field)
        if changed:
            settings.save()
        self.tally("site settings", bool(changed))
        for kind, path, order in blog_data.NAVIGATION:
            target = pages.get(path) if kind == "page" else categories.get(path)
            _, created = NavigationItem.objects.get_or_create(
                settings=settings, **{kind: target}, defaults={"order": order}
            )
            self.tally("navigation links", created)

    def make_admin(self):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username=ADMIN_USERNAME,
            defaults={"email": "admin@example.org", "display_name": "Site Admin"},
        )
        admin.is_active = admin.is_staff = admin.is_superuser = True
        password = secrets.token_urlsafe(12)
        admin.set_password(password)
        admin.save()
        self.tally("admin user", created)
        return password

    # Discussions -------------------------------------------------------------

    def make_discussions(self):
        now, discussed = timezone.now(), []
        for slug in [*discussions.DISCUSSIONS, discussions.LONG_DISCUSSION]:
            post = self.posts.get(slug)
            if post is None or not post.is_public:
                continue
            ours = post.comments.filter(user_agent=discussions.DEMO_AGENT).count()
            if ours:
                self.tally("discussions", False)
                self.present["comments"] += ours
                continue
            rng = random.Random(slug)  # The same discussion every time.
            if slug == discussions.LONG_DISCUSSION:
                roots = discussions.long_discussion(rng, post.author.username, self.people)
                gaps = {"thread_gap": 3, "reply_gap": 1.5}  # Hours, on average.
            else:
                roots, gaps = discussions.DISCUSSIONS[slug], {"thread_gap": 10, "reply_gap": 5}
            start, end = post.published_at + timedelta(minutes=20), now - timedelta(minutes=10)
            times = discussions.timeline(roots, start, end, rng, **gaps)
            self.created["comments"] += self.plant(post, roots, times, now)
            self.tally("discussions", True)
            discussed.append(post.pk)
        if discussed:
            refresh_comment_counts(discussed)

    def plant(self, post, roots, times, now):
        """Save a discussion level by level, each level in one query and in path order
        (parents need their ids before their replies can point at them)."""
        moderator = self.people[discussions.MODERATOR]
        level, saved, events = [(said, None) for said in roots], 0, []
        while level:
            comments = [
                discussions.unsaved_comment(post, said, parent, times[said], self.people)
                for said, parent in level
            ]
            Comment.objects.bulk_create(sorted(comments, key=lambda comment: comment.path))
            for (said, _), comment in zip(level, comments, strict=True):
                # A moderator stepped in after the last reply had come.
                decided = min(
                    max(times[s] for s in discussions.walk([said])) + timedelta(hours=2), now
                )
                events += discussions.moderation_events(comment, moderator, decided)
            saved += len(comments)
            level = [
                (reply, comment)
                for (said, _), comment in zip(level, comments, strict=True)
                for reply in said.replies
            ]
        ModerationEvent.objects.bulk_create(events)
        return saved

    # Output ------------------------------------------------------------------

    def report(self, password):
        self.stdout.write("Demo content:")
        for kind in self.REPORTED:
            self.stdout.write(
                f"  {kind:<17}{self.created[kind]:>4} created,{self.present[kind]:>4} already there"
            )
        filled = self.created["site settings"]
        self.stdout.write(
            f"  {'site settings':<17}{'filled in' if filled else 'left as they were'}"
        )
        made = sum(n for kind, n in self.created.items() if kind != "admin user")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo content created."
                if made
                else "Nothing to add: the demo content is all there."
            )
        )
        if password:
            url = self.site_url.rstrip("/") + reverse("admin:index")
            state = "created" if self.created["admin user"] else "given a new password"
            self.stdout.write(f"Superuser {ADMIN_USERNAME!r} {state}.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Admin login: {url}  user: {ADMIN_USERNAME}  password: {password}"
                )
            )
