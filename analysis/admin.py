"""Admin of the analysis cache: browse email_analysis_cache, see each tier's counters, purge.

Entries are read-only here: an analysis is the classifier's output, so the only edits that make
sense are forgetting it (in all three tiers, not just MongoDB) or computing it again.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from accounts.admin import SupportAccessAdmin
from accounts.models import AuditEvent
from analysis import cache, service, tasks
from analysis.models import EmailAnalysis
from analysis.status import Status
from mailbox_project.ids import UserId
from mailbox_project.ids import user_id as as_user_id


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(status.value, status.value.replace("_", " ")) for status in Status]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(result__status=value) if value else queryset


def _by_user(queryset: QuerySet[EmailAnalysis]) -> dict[UserId, list[str]]:
    grouped: dict[UserId, list[str]] = defaultdict(list)
    for pk, message_id in queryset.values_list("user_id", "message_id"):
        grouped[as_user_id(pk)].append(message_id)
    return grouped


@admin.register(EmailAnalysis)
class EmailAnalysisAdmin(SupportAccessAdmin[EmailAnalysis]):
    """Analyses: the status is metadata (a label, like Gmail's, that the cache figures filter by);
    the company, the position and the details text in ``result`` need support access."""

    list_display = ("message_id", "user", "status", "classifier_version", "cached_at")
    support_list_display = (
        "message_id",
        "user",
        "status",
        "company",
        "classifier_version",
        "cached_at",
    )
    search_fields = ("message_id", "user__email")
    list_filter = (StatusFilter, "classifier_version")
    list_select_related = ("user",)
    ordering = ("-cached_at",)
    readonly_fields = ("user", "message_id", "cached_at", "classifier_version", "status", "result")
    content_fields = ("result",)
    audit_item = AuditEvent.What.ANALYSIS
    audit_list = AuditEvent.What.ANALYSIS_LIST

    def audited_id(self, obj: EmailAnalysis) -> str:
        # The Gmail id: the person can open that email.
        return obj.message_id

    actions = ("purge_selected", "purge_users", "reanalyse_selected")

    @admin.display(description="status")
    def status(self, obj: EmailAnalysis) -> str:
        return str(obj.result.get("status", ""))

    @admin.display(description="company")
    def company(self, obj: EmailAnalysis) -> str:
        return str(obj.result.get("company", ""))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Django's bulk delete would empty MongoDB only, leaving copies in Redis and L1.
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    def delete_model(self, request: HttpRequest, obj: EmailAnalysis) -> None:
        service.forget(obj.user_id, [obj.message_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EmailAnalysis]) -> None:
        for user_id, message_ids in _by_user(queryset).items():
            service.forget(user_id, message_ids)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context = {**(extra_context or {}), **cache_report()}
        return super().changelist_view(request, extra_context=context)  # type: ignore[return-value]

    @admin.action(description="Purge selected entries from all three tiers", permissions=["delete"])
    def purge_selected(self, request: HttpRequest, queryset: QuerySet[EmailAnalysis]) -> None:
        grouped = _by_user(queryset)
        self.delete_queryset(request, queryset)
        count = sum(len(ids) for ids in grouped.values())
        self.message_user(request, f"Purged {count} entries of {len(grouped)} users.")

    @admin.action(
        description="Purge everything of the selected entries' users", permissions=["delete"]
    )
    def purge_users(self, request: HttpRequest, queryset: QuerySet[EmailAnalysis]) -> None:
        users = {as_user_id(pk) for pk in queryset.values_list("user_id", flat=True)}
        count = sum(service.purge_user(user_id) for user_id in users)
        self.message_user(request, f"Purged all {count} entries of {len(users)} users.")

    @admin.action(description="Re-analyse selected entries")
    def reanalyse_selected(self, request: HttpRequest, queryset: QuerySet[EmailAnalysis]) -> None:
        grouped = _by_user(queryset)
        total = sum(len(ids) for ids in grouped.values())
        if total > settings.ANALYSIS_BATCH_SIZE:
            # More than a batch would hold the admin's request too long: the workers do it.
            batches = sum(tasks.enqueue(u, ids, force=True) for u, ids in grouped.items())
            self.message_user(request, f"Queued re-analysis of {total} entries ({batches} tasks).")
            return
        outcomes = [service.run(u, ids, force=True) for u, ids in grouped.items()]
        failed = sum(len(o.failed) for o in outcomes)
        level = messages.WARNING if failed else messages.SUCCESS
        done = sum(o.analysed for o in outcomes)
        self.message_user(request, f"Re-analysed {done} entries, {failed} failed.", level)


def cache_report() -> dict[str, Any]:
    """Return the tier counters and Redis usage the change list shows above the entries."""
    stats = cache.stats()
    return {
        "tier_rows": [
            {"name": name, "label": label, **stats[name]}
            for name, label in (
                ("l1", "L1 — each process (TTLCache)"),
                ("l2", "L2 — Redis"),
                ("l3", "L3 — MongoDB"),
            )
        ],
        "redis_usage": cache.redis_usage(),
    }
