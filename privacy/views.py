"""Your data: start an export, follow it, download it; delete the account."""

from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from privacy import deletion, storage
from privacy import export as exports
from privacy.models import DataExport
from privacy.tasks import build_export


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def latest_export(user: User) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-created_at").first()


@require_POST
@login_required
def start_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = latest_export(user)
    busy = (DataExport.Status.QUEUED, DataExport.Status.RUNNING)
    if current is not None and current.status in busy:
        messages.info(request, "Your export is already being built.")
        return redirect("accounts:account")
    export = exports.start(user)
    try:
        build_export.delay(str(export.pk))
    except Exception:  # noqa: BLE001 - any broker failure: say so, never a 500
        exports.fail(export, "The export could not be queued. Please try again later.")
        messages.error(request, "The export could not be started just now. Try again later.")
        return redirect("accounts:account")
    messages.info(request, "Your export is being built; this page shows its progress.")
    return redirect("accounts:account")


@require_GET
@login_required
def export_status(request: HttpRequest) -> JsonResponse:
    """The latest export's progress, polled by static/privacy/export.js."""
    export = latest_export(_user(request))
    if export is None:
        return JsonResponse({"status": "none"})
    return JsonResponse(
        {
            "status": export.status,
            "label": export.get_status_display(),
            "done": export.done,
            "total": export.total,
            "percent": export.percent,
            "downloadable": export.is_downloadable(),
        }
    )


@require_GET
@login_required
def download(request: HttpRequest, export_id: str) -> FileResponse:
    """The owner's ready, unexpired zip; anything else is a 404."""
    try:
        pk = ObjectId(export_id)
    except (InvalidId, TypeError) as exc:
        raise Http404("No such export.") from exc
    export = DataExport.objects.filter(pk=pk, user=_user(request)).first()
    if export is None or not export.is_downloadable():
        raise Http404("No such export.")
    try:
        handle = storage.path_of(export.file_name).open("rb")
    except OSError as exc:
        raise Http404("No such export.") from exc
    day = export.created_at.strftime("%Y-%m-%d")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"mailbox-export-{day}.zip",
        content_type="application/zip",
    )


class DeleteAccountForm(forms.Form):
    email = forms.CharField(label="Type your email address to confirm", max_length=254)

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_email(self) -> str:
        typed = str(self.cleaned_data["email"]).strip().lower()
        if typed != self.user.email.lower():
            raise forms.ValidationError("That is not your email address; nothing was deleted.")
        return typed


@require_http_methods(["GET", "POST"])
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        deletion.delete_account(user)
        logout(request)
        messages.info(request, "Your account and everything Mailbox held about you are deleted.")
        return redirect("accounts:sign_in")
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/delete_account.html", {"form": form}, status=status)
