"""What a job-application email says happened: the ``Status`` every part of the app names.

A module of its own, importing nothing of the app: models, forms and the tracker name statuses
without loading the rule engines.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """What a job-application email says happened."""

    APPLICATION_CONFIRMATION = "application_confirmation"
    REJECTION = "rejection"
    INTERVIEW_INVITATION = "interview_invitation"
    ASSESSMENT = "assessment"
    OFFER = "offer"
    INFORMATION_REQUEST = "information_request"
    ACTION_REQUIRED = "action_required"
    WITHDRAWAL = "withdrawal"
    NOT_JOB_RELATED = "not_job_related"
