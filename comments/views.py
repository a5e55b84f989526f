"""Posting, editing, deleting and reporting comments, comment permalinks and old anchors."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blog.models import Post
from blog.views import post_page_context
from core.net import client_ip

from . import antispam, services, thread
from .apps import AUTHOR_COOKIE, PENDING_COOKIE
from .forms import CommentEditForm, CommentForm, ReportForm
from .models import Comment

COOKIE_SALT = "comments"
AUTHOR_COOKIE_AGE = 60 * 60 * 24 * 365
PENDING_COOKIE_AGE = 60 * 60 * 24 * 30


def own_pending_ids(request):
    """Ids of the pending comments this browser sent, so it can show them as awaiting."""
    value = request.get_signed_cookie(PENDING_COOKIE, default="", salt=COOKIE_SALT)
    return [int(part) for part in value.split(",") if part.isdigit()]


def remembered_author(request):
    try:
        return signing.loads(
            request.get_signed_cookie(AUTHOR_COOKIE, default="", salt=COOKIE_SALT) or "e30"
        )
    except signing.BadSignature:
        return {}


def _enforce_csrf_for_members(request):
    """Guests post from cached pages without a token; signed-in readers keep CSRF checks."""
    if request.user.is_authenticated:
        return CsrfViewMiddleware(lambda req: None).process_view(request, None, (), {})
    return None


def _rejected(request, target, message, body, status):
    return render(
        request,
        "comments/rejected.html",
        {"target": target, "message": message, "body": body},
        status=status,
    )


@csrf_exempt
@require_POST
def post_comment(request, post_id):
    refusal = _enforce_csrf_for_members(request)
    if refusal is not None:
        return refusal
    post = get_object_or_404(Post.objects.published().without_texts(), pk=post_id)
    body = request.POST.get("body", "")
    if not post.accepts_comments:
        return _rejected(request, post, "Comments are closed on this post.", body, 403)

    form = CommentForm(request.POST, post=post, user=request.user)
    if form.is_valid():
        comment = form.build_comment(client_ip(request), request.META.get("HTTP_USER_AGENT", ""))
        try:
            services.submit(comment, request, notify=form.cleaned_data.get("notify", False))
        except antispam.RateLimited as error:
            return _rejected(request, post, str(error), body, 429)
        except antispam.Rejected as error:
            form.add_error(None, str(error))
        else:
            return _after_posting(request, form, comment)

    # A fresh token, so sending again works even when the old form had expired.
    form.data = form.data.copy()
    form.data["token"] = antispam.form_token(post)
    post.refresh_from_db(fields=Post.TEXTS)  # the page shows them: one query, not five
    context = post_page_context(request, post)
    context["comment_form"] = form
    return render(request, "blog/post_detail.html", context, status=400)


def _after_posting(request, form, comment):
    response = HttpResponseRedirect(_location(comment, own_pending=[comment.pk]))
    if form.user is None:
        if form.cleaned_data.get("remember"):
            author = {key: form.cleaned_data[key] for key in ("name", "email", "url")}
            response.set_signed_cookie(
                AUTHOR_COOKIE, signing.dumps(author), salt=COOKIE_SALT,
                max_age=AUTHOR_COOKIE_AGE, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        else:
            response.delete_cookie(AUTHOR_COOKIE)
    if comment.status == Comment.Status.PENDING:
        pending = [*own_pending_ids(request), comment.pk][-20:]
        response.set_signed_cookie(
            PENDING_COOKIE, ",".join(map(str, pending)), salt=COOKIE_SALT,
            max_age=PENDING_COOKIE_AGE, httponly=True, samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )  # fmt: skip
    return response


def _location(comment, own_pending=()):
    """The post's or page's address, on the comment page that shows `comment`, at its anchor."""
    page, per_page = 1, thread.threads_per_page()
    # A discussion with no more comments than a page has threads is on one page: no need
    # to read it (a post counts its approved comments; the reader's pending ones add few).
    few = comment.post_id and comment.post.comment_count + len(own_pending) <= per_page
    if settings.COMMENTS_THREADS_PER_PAGE or not few:
        comments = list(Comment.objects.thread_of(comment.target))
        groups = thread.top_level_groups(thread.visible_nodes(comments, own_pending))
        page = thread.page_of(comment, groups, per_page, settings.COMMENTS_NEWEST_FIRST)
    query = f"?{urlencode({'cpage': page})}" if page > 1 else ""
    return f"{comment.target.get_absolute_url()}{query}#{comment.anchor}"


def _show(request, comment):
    """Redirect to `comment` in its discussion, if this reader may see it there."""
    visible = comment.is_public or comment.pk in own_pending_ids(request)
    if not (visible and comment.target_is_public):
        raise Http404("No such comment.")
    return HttpResponseRedirect(_location(comment, own_pending_ids(request)))


def permalink(request, pk):
    return _show(request, get_object_or_404(Comment.objects.select_related("post", "page"), pk=pk))


# The kinds of discussion an old anchor can be in, and the lookup of their comments; by
# pk, since that lookup turns an id too large for the database into no match, not an error.
ANCHOR_KINDS = {"post": "post__pk", "page": "page__pk"}


def anchor(request, kind, target_id, number):
    """Where `#comment-<number>` on a post or page is: old links name comments on any
    comment page, and fragments never reach the server, so the page's script asks here."""
    if kind not in ANCHOR_KINDS:
        raise Http404("No such discussion.")
    named = Q(legacy_id=number) | Q(legacy_id__isnull=True, pk=number)
    comment = (
        Comment.objects.select_related("post", "page")
        .filter(named, **{ANCHOR_KINDS[kind]: target_id})
        # Should both match, the imported comment wins: the old links were made for it.
        .order_by(F("legacy_id").asc(nulls_last=True))
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    return _show(request, comment)


def _own_comment(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post", "page"), pk=pk)
    if comment.user_id != request.user.pk:
        raise PermissionDenied
    return comment


@login_required
def edit_comment(request, pk):
    comment = _own_comment(request, pk)
    if not comment.can_be_edited_by(request.user):
        minutes = settings.COMMENTS_EDIT_MINUTES
        return _rejected(
            request, comment.target,
            f"Comments can be edited for {minutes} minutes after posting.", comment.body, 403,
        )  # fmt: skip
    form = CommentEditForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        services.edit(comment, form.cleaned_data["body"])
        return HttpResponseRedirect(_location(comment, own_pending_ids(request)))
    return render(
        request,
        "comments/edit.html",
        {"form": form, "comment": comment, "target": comment.target},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def delete_comment(request, pk):
    comment = _own_comment(request, pk)
    services.set_status(
        comment, Comment.Status.REMOVED, actor=request.user, action="deleted by author"
    )
    return HttpResponseRedirect(f"{comment.target.get_absolute_url()}#comments")


@csrf_exempt
@require_POST
def report_comment(request, pk):
    refusal = _enforce_csrf_for_members(request)
    if refusal is not None:
        return refusal
    comment = get_object_or_404(
        Comment.objects.approved().on_public_targets().select_related("post", "page"), pk=pk
    )
    form = ReportForm(request.POST)
    if not form.is_valid():
        errors = " ".join(form.errors["reason"])
        context = {"comment": comment, "message": errors, "reason": form.data.get("reason")}
        return render(request, "comments/report_refused.html", context, status=400)
    services.report(
        comment,
        user=request.user if request.user.is_authenticated else None,
        ip_address=client_ip(request),
        reason=form.cleaned_data["reason"],
    )
    return render(request, "comments/reported.html", {"comment": comment})
