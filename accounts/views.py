"""Sign-in, sign-out, the landing redirect and the account pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import api_tokens, audit, google
from accounts.connection import google_state
from accounts.forms import ApiTokenForm, TimeZoneForm
from accounts.models import User
from accounts.time_zones import DEFAULT_TIME_ZONE, is_time_zone

# Set in the session once the browser's zone was offered, so it is offered once a session.
TIME_ZONE_DETECTED = "time_zone_detected"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
def home(request: HttpRequest) -> HttpResponseRedirect:
    """Send a signed-in person to their mail, anyone else to the sign-in page."""
    return redirect("/mails" if request.user.is_authenticated else "accounts:sign_in")


@require_GET
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not _user(request).needs_reconnect:
        return redirect("/mails")
    return render(request, "accounts/sign_in.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:sign_in")


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "google_connected": google.has_credentials(user),
        "google_state": google_state(user),
        "audit_events": audit.recent_for(user),
        "audit_limit": audit.RECENT_EVENTS,
        "time_zone_form": TimeZoneForm(initial={"time_zone": user.time_zone}),
    }
    return render(request, "accounts/account.html", context)


@require_POST
@login_required
def set_time_zone(request: HttpRequest) -> HttpResponse:
    """Save the zone chosen on the account page (a bad name: the page again, with a 400)."""
    user = _user(request)
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a time zone from the list.")
        return redirect("accounts:account")
    user.time_zone_chosen = True
    _save_time_zone(user, form.cleaned_data["time_zone"])
    request.session[TIME_ZONE_DETECTED] = True
    messages.info(request, f"Dates are now shown in {user.time_zone}.")
    return redirect("accounts:account")


@require_POST
@login_required
def detect_time_zone(request: HttpRequest) -> JsonResponse:
    """Take the browser's zone (posted once by static/accounts/time_zone.js) while the
    person's is still the default and was never picked by hand (``time_zone_chosen``); a name
    zoneinfo does not know is a 400."""
    user = _user(request)
    name = request.POST.get("time_zone", "").strip()
    if not is_time_zone(name):
        return JsonResponse(
            {"error": {"code": "bad_time_zone", "message": "Unknown zone."}}, status=400
        )
    request.session[TIME_ZONE_DETECTED] = True
    if not user.time_zone_chosen and user.time_zone == DEFAULT_TIME_ZONE and name != user.time_zone:
        _save_time_zone(user, name)
        return JsonResponse({"time_zone": name, "changed": True})
    return JsonResponse({"time_zone": user.time_zone, "changed": False})


def _save_time_zone(user: User, name: str) -> None:
    user.time_zone = name
    user.save(update_fields=["time_zone", "time_zone_chosen"])


@require_POST
@login_required
def disconnect_google(request: HttpRequest) -> HttpResponseRedirect:
    google.disconnect(_user(request))
    messages.info(request, "Disconnected: Mailbox no longer reads your Gmail.")
    return redirect("accounts:account")


@require_http_methods(["GET", "POST"])
@login_required
def api_tokens_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = api_tokens.create(
            user, form.cleaned_data["name"], form.cleaned_data["expires_in_days"]
        )
        form = ApiTokenForm()
    context = {"form": form, "issued": issued, "tokens": api_tokens.list_for(user)}
    response = render(request, "accounts/api_tokens.html", context)
    # The page may show a token once: it must never be cached anywhere.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def revoke_api_token(request: HttpRequest, session_id: str) -> HttpResponseRedirect:
    if not api_tokens.revoke(_user(request), session_id):
        raise Http404("No such token.")
    messages.info(request, "The token is revoked.")
    return redirect("accounts:api_tokens")
