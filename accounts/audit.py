"""Support access: who among staff may see mail contents and analysis details, and the record.

Staff see metadata (users, sync states, cache figures, a message's addresses, dates, labels and
size). Contents — a message's subject, snippet, body and attachment names; an analysis's company,
position and details — need the ``accounts.support_access`` permission, and every page that
shows them to staff writes an ``AuditEvent`` per person whose data it showed. The person reads
those events on their account page.

Superusers hold every permission in Django, this one included: withholding it would be theatre,
as a superuser can grant it to themselves. What they cannot do is look without a record: the
audit is written for every look by anyone, superuser or not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from accounts.models import AuditEvent, User

PERMISSION = "accounts.support_access"
# The account page shows this many of the most recent events.
RECENT_EVENTS = 50


def has_support_access(user: Any) -> bool:
    """Return whether this signed-in staff member may see contents (and so be audited)."""
    return bool(user.is_active and user.is_staff and user.has_perm(PERMISSION))


def _actor(actor: User) -> dict[str, Any]:
    return {"actor": actor, "actor_email": actor.email}


def record(actor: User, owner_id: Any, what: AuditEvent.What, object_id: str = "") -> None:
    """Write that ``actor`` looked at one item of the person ``owner_id``."""
    AuditEvent.objects.create(
        user_id=owner_id, what=what, object_id=str(object_id), **_actor(actor)
    )


def record_list(actor: User, owner_ids: Iterable[Any], what: AuditEvent.What) -> None:
    """Write one event per person with items on a list page ``actor`` looked at (and how many)."""
    counts = Counter(owner_ids)
    AuditEvent.objects.bulk_create(
        AuditEvent(user_id=owner_id, what=what, count=count, **_actor(actor))
        for owner_id, count in counts.items()
    )


def recent_for(user: User) -> list[AuditEvent]:
    """Return the person's most recent events, newest first (index ``audit_user_recent``)."""
    return list(AuditEvent.objects.filter(user=user).order_by("-at")[:RECENT_EVENTS])
