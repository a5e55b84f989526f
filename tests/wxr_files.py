"""WordPress exports written for the tests, shaped like WordPress writes them."""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

SITE = "https://peace.example.org"


def cdata(text):
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class WPComment:
    id: int
    content: str = "A thoughtful comment."
    author: str = "Guest Reader"
    email: str = "guest@example.com"
    url: str = "https://guest.example.com"
    ip: str = "203.0.113.9"
    date_gmt: str = "2015-03-02 10:00:00"
    approved: str = "1"
    type: str = ""
    parent: int = 0
    user_id: int = 0

    def xml(self):
        date = self.date_gmt
        return f"""
		<wp:comment>
			<wp:comment_id>{self.id}</wp:comment_id>
			<wp:comment_author>{cdata(self.author)}</wp:comment_author>
			<wp:comment_author_email>{escape(self.email)}</wp:comment_author_email>
			<wp:comment_author_url>{escape(self.url)}</wp:comment_author_url>
			<wp:comment_author_IP>{escape(self.ip)}</wp:comment_author_IP>
			<wp:comment_date>{date}</wp:comment_date>
			<wp:comment_date_gmt>{date}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(self.content)}</wp:comment_content>
			<wp:comment_approved>{self.approved}</wp:comment_approved>
			<wp:comment_type>{self.type}</wp:comment_type>
			<wp:comment_parent>{self.parent}</wp:comment_parent>
			<wp:comment_user_id>{self.user_id}</wp:comment_user_id>
		</wp:comment>"""


@dataclass
class WPItem:
    id: int
    title: str = "An essay on mediation"
    slug: str = ""
    type: str = "post"
    status: str = "publish"
    content: str = "Dialogue comes first.\n\nThen, trust."
    excerpt: str = ""
    creator: str = "jmontville"
    date_gmt: str = "2015-03-01 09:30:00"
    date: str = ""
    link: str = ""
    guid: str = ""
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    sticky: bool = False
    comment_status: str = "open"
    categories: list = field(default_factory=list)  # slugs
    tags: list = field(default_factory=list)  # slugs
    attachment_url: str = ""
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)

    def __post_init__(self):
        self.slug = self.slug or f"item-{self.id}"
        self.date = self.date or self.date_gmt
        if not self.link:
            day = self.date[:10].replace("-", "/")
            self.link = (
                f"{SITE}/{day}/{self.slug}/" if self.type == "post" else f"{SITE}/{self.slug}/"
            )
        self.guid = self.guid or f"{SITE}/?p={self.id}"

    def xml(self):
        terms = "".join(
            f'\n\t\t<category domain="category" nicename="{slug}">{cdata(slug.title())}</category>'
            for slug in self.categories
        ) + "".join(
            f'\n\t\t<category domain="post_tag" nicename="{slug}">{cdata(slug)}</category>'
            for slug in self.tags
        )
        meta = "".join(
            f"\n\t\t<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
            for key, value in self.meta.items()
        )
        attachment = (
            f"\n\t\t<wp:attachment_url>{escape(self.attachment_url)}</wp:attachment_url>"
            if self.attachment_url
            else ""
        )
        comments = "".join(comment.xml() for comment in self.comments)
        return f"""
	<item>
		<title>{escape(self.title)}</title>
		<link>{escape(self.link)}</link>
		<pubDate>Sun, 01 Mar 2015 09:30:00 +0000</pubDate>
		<dc:creator>{cdata(self.creator)}</dc:creator>
		<guid isPermaLink="false">{escape(self.guid)}</guid>
		<description></description>
		<content:encoded>{cdata(self.content)}</content:encoded>
		<excerpt:encoded>{cdata(self.excerpt)}</excerpt:encoded>
		<wp:post_id>{self.id}</wp:post_id>
		<wp:post_date>{self.date}</wp:post_date>
		<wp:post_date_gmt>{self.date_gmt}</wp:post_date_gmt>
		<wp:comment_status>{self.comment_status}</wp:comment_status>
		<wp:ping_status>open</wp:ping_status>
		<wp:post_name>{escape(self.slug)}</wp:post_name>
		<wp:status>{self.status}</wp:status>
		<wp:post_parent>{self.parent}</wp:post_parent>
		<wp:menu_order>{self.menu_order}</wp:menu_order>
		<wp:post_type>{self.type}</wp:post_type>
		<wp:post_password>{escape(self.password)}</wp:post_password>
		<wp:is_sticky>{int(self.sticky)}</wp:is_sticky>{attachment}{terms}{meta}{comments}
	</item>"""


AUTHORS = [
    ("jmontville", "jm@peace.example.org", "Joseph Montville", 2),
    ("editor", "ed@peace.example.org", "The Editors", 3),
]
CATEGORIES = [
    ("diplomacy", "", "Diplomacy", "Essays on diplomacy."),
    ("track-two", "diplomacy", "Track Two", "Unofficial dialogue."),
    ("news", "", "News", ""),
]
TAGS = [("mediation", "Mediation"), ("peace", "Peace")]


def export(items=(), *, version="1.2", scheme="http", authors=AUTHORS, categories=CATEGORIES,
           tags=TAGS):  # fmt: skip
    """The text of a WXR file holding `items` (WPItem) with the usual authors and terms."""
    ns = f"{scheme}://wordpress.org/export/{version}/"
    author_xml = "".join(
        f"""
	<wp:author><wp:author_id>{wp_id}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login><wp:author_email>{cdata(email)}</wp:author_email><wp:author_display_name>{cdata(name)}</wp:author_display_name><wp:author_first_name>{cdata("")}</wp:author_first_name><wp:author_last_name>{cdata("")}</wp:author_last_name></wp:author>"""  # noqa: E501
        for login, email, name, wp_id in authors
    )
    category_xml = "".join(
        f"""
	<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename><wp:category_parent>{parent}</wp:category_parent><wp:cat_name>{cdata(name)}</wp:cat_name><wp:category_description>{cdata(description)}</wp:category_description></wp:category>"""  # noqa: E501
        for n, (slug, parent, name, description) in enumerate(categories, start=1)
    )
    tag_xml = "".join(
        f"""
	<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug><wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>"""  # noqa: E501
        for n, (slug, name) in enumerate(tags, start=100)
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- generator="WordPress/6.4.3" created="2024-02-08 12:00" -->
<rss version="2.0"
	xmlns:excerpt="{ns}excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="{ns}"
>
<channel>
	<title>Peace Essays</title>
	<link>{SITE}</link>
	<description>Essays on peace and diplomacy</description>
	<language>en</language>
	<wp:wxr_version>{version}</wp:wxr_version>
	<wp:base_site_url>{SITE}</wp:base_site_url>
	<wp:base_blog_url>{SITE}</wp:base_blog_url>
{author_xml}{category_xml}{tag_xml}
{"".join(item.xml() for item in items)}
</channel>
</rss>
"""


def write(tmp_path, items=(), name="export.xml", **options):
    path = tmp_path / name
    path.write_text(export(items, **options), encoding="utf-8")
    return path
