from django.core.cache import cache

from core import generation

from .models import NavigationItem, SiteSettings


def site(request):
    """The site's settings and header navigation, cached until content changes."""
    key = generation.cache_key("site-chrome")
    chrome = cache.get(key)
    if chrome is None:
        settings = SiteSettings.load()
        navigation = [
            {"label": item.get_label(), "url": item.get_url()}
            for item in NavigationItem.objects.select_related("page", "category")
        ]
        chrome = {"settings": settings, "navigation": navigation}
        # Creating the settings row on a new site bumps the generation: store under the new one.
        cache.set(generation.cache_key("site-chrome"), chrome, 60 * 60)
    return {"site_settings": chrome["settings"], "navigation": chrome["navigation"]}
