"""The "Log in with …" providers that have a Social application, for every page's use.

Guests see them under each post's comment form. Like the site's header, the list is
cached and put in every page's context (`login_providers`), so any page warms it and
the post page keeps its query budget; it is forgotten, and cached pages with it, when a
Social application changes.
"""

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.templatetags.static import static

from core import generation

CACHE_KEY = "social-login-providers"
CACHE_SECONDS = 60 * 60
# Providers with an icon in static/img/providers/<id>.svg; others show their name only.
ICONS = frozenset({"facebook", "github", "google"})


def login_providers(request):
    """[{"id", "name", "login_url"}] for each provider with a Social application."""
    providers = cache.get(CACHE_KEY)
    if providers is None:
        providers = [
            {"id": provider.id, "name": provider.name, "login_url": provider.get_login_url(request)}
            for provider in get_adapter().list_providers(request)
        ]
        cache.set(CACHE_KEY, providers, CACHE_SECONDS)
    return providers


def context(request):
    """Context processor: `login_providers`."""
    return {"login_providers": login_providers(request)}


def icon_url(provider_id):
    return static(f"img/providers/{provider_id}.svg") if provider_id in ICONS else ""


def forget_login_providers(**kwargs):
    cache.delete(CACHE_KEY)
    generation.bump()  # cached pages and comment forms show the icons


def connect_receivers():
    for signal in (post_save, post_delete):
        signal.connect(forget_login_providers, sender=SocialApp, dispatch_uid="login-providers")
