"""The Markdown editor's endpoints: live preview and drag-and-drop image upload.

django-markdownx's own views answer anyone and skip our validation; these answer
only staff who may write posts, and use Colloquy's renderer and image checks.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .forms import ImageUploadForm
from .models import PostImage
from .rendering import image_ids, markdown_problem, render_markdown


def _require_writer(request):
    if not (request.user.has_perm("blog.add_post") or request.user.has_perm("blog.change_post")):
        raise PermissionDenied


@require_POST
@staff_member_required
def markdown_preview(request):
    _require_writer(request)
    text = request.POST.get("content", "")
    problem = markdown_problem(text)
    if problem:
        return HttpResponse(format_html('<p class="markdown-problem" role="alert">{}</p>', problem))
    # An image the user may not use shows as missing: none of its words or addresses.
    images = PostImage.objects.usable_by(request.user).in_bulk(image_ids(text))
    html = render_markdown(text, images, mark_missing=True)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_POST
@staff_member_required
def image_upload(request):
    _require_writer(request)
    if not request.user.has_perm("blog.add_postimage"):
        raise PermissionDenied
    form = ImageUploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return JsonResponse({"errors": errors, "message": " ".join(errors)}, status=400)
    image = form.save()
    return JsonResponse(
        {
            "id": image.pk,
            "image_code": image.markdown,
            "url": image.image.url,
            "alt_text": image.alt_text,
        },
        status=201,
    )
