"""Old post addresses: after a slug or date change, the old URL answers 301 to the new one."""

from django.http import Http404, HttpResponsePermanentRedirect

from .models import Post


def current_url(request):
    """The current address of the post that used to live at this path, if the viewer may see it."""
    user = getattr(request, "user", None)
    posts = Post.objects.visible_to(user) if user is not None else Post.objects.published()
    post = posts.filter(old_paths__path=request.path).only("slug", "published_at").first()
    if post is None:
        return None
    url = post.get_absolute_url()
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


class OldPathRedirectMiddleware:
    """Acts only on a 404, so a live post at a path always wins over an old address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or getattr(request, "_old_path_checked", False):
            return response
        return self._redirect(request) or response

    def process_exception(self, request, exception):
        # A post URL that finds no post raises Http404: answer before the 404 page renders.
        if isinstance(exception, Http404):
            return self._redirect(request)
        return None

    def _redirect(self, request):
        request._old_path_checked = True
        url = current_url(request)
        return HttpResponsePermanentRedirect(url) if url else None
