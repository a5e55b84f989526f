"""The "Log in with …" providers that have a Social application, for every page's use.

Guests see them under each post's comment form. Like the site's header, the list is
kept under the content generation and put in every page's context (`login_providers`),
so any page warms it and the post page keeps its query budget; a Social application is
public (accounts.apps), so changing one makes it, and the pages showing it, afresh.
"""

from allauth.socialaccount.adapter import get_adapter
from django.templatetags.static import static

from core import generation

CACHE_SECONDS = 60 * 60
# Providers with an icon in static/img/providers/<id>.svg; others show their name only.
ICONS = frozenset({"facebook", "github", "google"})


def login_providers(request):
    """[{"id", "name", "login_url"}] for each provider with a Social application."""
    return generation.kept(
        ("login-providers",),
        lambda: [
            {"id": provider.id, "name": provider.name, "login_url": provider.get_login_url(request)}
            for provider in get_adapter().list_providers(request)
        ],
        CACHE_SECONDS,
    )


def context(request):
    """Context processor: `login_providers`."""
    return {"login_providers": login_providers(request)}


def icon_url(provider_id):
    return static(f"img/providers/{provider_id}.svg") if provider_id in ICONS else ""
