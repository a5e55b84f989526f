"""A person's own pages: their profile, their activity, their data export, deleting the account.

Everything here is about the signed-in user only; no address names another person.
What other apps keep about them comes from `personal_data`'s providers.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from . import avatars, personal_data
from .forms import DeleteAccountForm, ProfileForm


@never_cache
@login_required
def profile(request):
    # A fresh instance: a refused form must not leave typed values on request.user,
    # which the page shows as the saved profile.
    user = get_user_model()._default_manager.get(pk=request.user.pk)
    posted = request.method == "POST"
    form = ProfileForm(
        request.POST if posted else None, request.FILES if posted else None, instance=user
    )
    if posted:
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile is saved.")
            return redirect("profile:edit")
        messages.error(request, "Your profile is not saved yet: please correct what is marked.")
    return render(
        request,
        "accounts/profile.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def activity(request):
    sections = []
    for provider in personal_data.providers():
        section = provider.activity(request)
        if section is not None:
            template, context = section
            html = render_to_string(template, {"provider": provider, **context}, request=request)
            sections.append({"label": provider.label, "html": html})
    return render(request, "accounts/activity.html", {"sections": sections})


@login_required
@require_POST
def activity_action(request, provider):
    """A change asked for on the activity page (such as stopping e-mail about a thread),
    handed to the app that owns the data."""
    handler = personal_data.get(provider)
    if handler is None:
        raise Http404("No such section.")
    try:
        message = handler.act(request)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    messages.success(request, message)
    return redirect("profile:activity")


@never_cache
@login_required
@require_GET
def export(request):
    user = request.user
    data = {
        "exported_at": timezone.now(),
        **personal_data.export(user),
    }
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    filename = f"personal-data-{user.username}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{_ascii(filename)}"'
    return response


def _ascii(text):
    return "".join(char if char.isascii() and char not in '"\\' else "_" for char in text)


@never_cache
@login_required
def delete(request):
    user = request.user
    blockers = personal_data.deletion_blockers(user)
    form = DeleteAccountForm(user, request.POST if request.method == "POST" else None)
    context = {"form": form, "blockers": blockers, "has_password": user.has_usable_password()}
    if request.method != "POST":
        return render(request, "accounts/delete.html", context)
    if blockers:
        return render(request, "accounts/delete.html", context, status=409)
    if not form.is_valid():
        return render(request, "accounts/delete.html", context, status=400)
    avatar = user.avatar.name
    try:
        with transaction.atomic():
            for provider in personal_data.providers():
                provider.erase(user, remove_content=form.remove_content)
            user.delete()
            if avatar:
                storage = user.avatar.storage
                transaction.on_commit(lambda: storage.delete(avatar))
    except (ProtectedError, RestrictedError):
        # Something came to depend on the account since the page was shown.
        context["blockers"] = personal_data.deletion_blockers(user)
        return render(request, "accounts/delete.html", context, status=409)
    logout(request)
    return render(request, "accounts/deleted.html", {"removed": form.remove_content})


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24 * 365, immutable=True)
def initials_avatar(request, colour, initials):
    """The avatar of someone who uploaded none. Everything drawn is in the address, so
    it needs no query and may be cached for good."""
    if colour >= len(avatars.PALETTE) or not avatars.valid_initials(initials):
        raise Http404("No such avatar.")
    svg = render_to_string(
        "accounts/initials_avatar.svg",
        {"background": avatars.PALETTE[colour], "initials": initials},
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    # Opened on its own, the picture may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
