from django.contrib.sites.requests import RequestSite


class KeepSiteSettingsMiddleware:
    """allauth's sign-in pages put the request's host in their context as `site`, hiding
    the site settings that base.html shows under that name (blog.context_processors.site);
    take it out again, so every account page has the site's own header and footer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if isinstance((response.context_data or {}).get("site"), RequestSite):
            del response.context_data["site"]
        return response
