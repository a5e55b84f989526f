from django import template

from accounts import social

register = template.Library()


@register.simple_tag(takes_context=True)
def login_providers(context):
    """{% login_providers as providers %}, for templates rendered without the page's context
    (the comment form is an inclusion tag's); the page's context processor warmed the cache."""
    return social.login_providers(context["request"])


@register.simple_tag
def provider_icon(provider_id):
    """{% provider_icon "github" as icon %}: the icon's static URL, or "" when there is none."""
    return social.icon_url(provider_id)
