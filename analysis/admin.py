from __future__ import annotations

from django.contrib import admin

from analysis.models import EmailAnalysis


@admin.register(EmailAnalysis)
class EmailAnalysisAdmin(admin.ModelAdmin[EmailAnalysis]):
    list_display = ("message_id", "user", "classifier_version", "cached_at")
    search_fields = ("message_id", "user__email")
    list_filter = ("classifier_version",)
    list_select_related = ("user",)
