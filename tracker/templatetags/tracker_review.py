"""``{% applications_to_review page_of_applications as review_ids %}`` for the list page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bson import ObjectId
from django import template

from mailbox_project.ids import user_id
from tracker.review import applications_to_review

register = template.Library()


@register.simple_tag(takes_context=True)
def applications_needing_review(context: Any, applications: Iterable[Any]) -> set[ObjectId]:
    """The ids of the page's applications that hold an email needing review."""
    owner = user_id(context["request"].user)
    return applications_to_review(owner, (getattr(a, "pk", a) for a in applications))
