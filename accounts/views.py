"""Sign-in, sign-out and the landing redirect."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST


@require_GET
def home(request: HttpRequest) -> HttpResponseRedirect:
    """Send a signed-in person to their mail, anyone else to the sign-in page."""
    return redirect("/mails" if request.user.is_authenticated else "accounts:sign_in")


@require_GET
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("/mails")
    return render(request, "accounts/sign_in.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)
    return redirect("accounts:sign_in")


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")
