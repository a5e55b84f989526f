from core import generation

from .models import NavigationItem, SiteSettings


def site(request):
    """The site's settings and header navigation, kept until content changes."""
    chrome = generation.kept(("site-chrome",), _chrome, 60 * 60)
    return {"site_settings": chrome["settings"], "navigation": chrome["navigation"]}


def _chrome():
    navigation = NavigationItem.objects.select_related("page", "category")
    return {
        "settings": SiteSettings.load(),
        "navigation": [{"label": item.get_label(), "url": item.get_url()} for item in navigation],
    }
