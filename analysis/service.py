"""The analysis pipeline: classify a user's stored messages and keep the results in the cache.

``analyze`` is what the workers run for new mail and what re-analysis runs; ``results_for`` is
what every reader (tracker, badges, API) uses: the cache first, and on a full miss — the entry
aged out of MongoDB, or the classifier changed — the message is analysed on demand.
Tasks, the ``analyze_mailbox`` command and the admin's actions are thin wrappers around this.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from analysis import cache
from analysis.classify import EmailInput, classifier_version, classify
from analysis.engines.base import DOCUMENT_FIELDS
from analysis.models import EmailAnalysis
from analysis.results import AnalysisResult, CacheEntry
from analysis.signals import analysis_removed, analysis_stored
from mailbox_project.ids import UserId
from mails import store
from mails.models import Message
from mails.store import Document

logger = logging.getLogger(__name__)

Result = AnalysisResult
# Messages classified between two writes: what an interrupted task loses at most.
STORE_CHUNK = 50


@dataclass
class Outcome:
    """What one ``analyze`` call did: results by message id, and what it could not analyse.

    ``provisional`` lists results of a stand-in engine (the rules, when the configured LLM
    failed): served for ``ANALYSIS_FAILED_TTL`` from L1 and L2, then analysed again.
    """

    results: dict[str, Result] = field(default_factory=dict)
    analysed: int = 0
    failed: list[str] = field(default_factory=list)
    provisional: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.analysed} analysed, {len(self.failed)} failed"
        return f"{text}, {len(self.provisional)} provisional" if self.provisional else text


def _message_ids(gmail_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(str(m) for m in gmail_ids))


def analyze(user_id: UserId, gmail_ids: Iterable[str], *, force: bool = False) -> dict[str, Result]:
    """Return {gmail id: result} for the user's messages, classifying those not yet cached.

    With ``force`` every message is classified again. Results go through all cache tiers, and
    ``analysis_stored`` announces the fresh ones. Ids of messages the user does not have are
    ignored; a message whose classification fails is cached briefly as failed and left out,
    and a stand-in engine's result is cached briefly (see ``Outcome``).
    """
    return run(user_id, gmail_ids, force=force).results


def run(
    user_id: UserId,
    gmail_ids: Iterable[str],
    *,
    force: bool = False,
    outcome: Outcome | None = None,
) -> Outcome:
    """``analyze``, returning the whole ``Outcome`` (counts for tasks and commands).

    Results are stored every ``STORE_CHUNK`` messages, and a caller-supplied ``outcome`` shows
    what was stored so far if the call is interrupted (a task's soft time limit).
    """
    ids = _message_ids(gmail_ids)
    outcome = outcome if outcome is not None else Outcome()
    if not ids:
        return outcome
    if not force:
        cached = cache.get_many(user_id, ids)
        found = cache.results_only(cached)
        outcome.results.update(found)
        _settle_cached(user_id, found)
        # A failed marker means "tried moments ago": wait until it expires.
        ids = [m for m in ids if m not in cached]
    for start in range(0, len(ids), STORE_CHUNK):
        fresh, provisional = _classify(
            user_id, _load(user_id, ids[start : start + STORE_CHUNK]), outcome
        )
        _store(user_id, fresh, provisional)
        for results in (fresh, provisional):
            outcome.results.update(results)
            outcome.analysed += len(results)
        outcome.provisional.extend(provisional)
    return outcome


def unfinished(outcome: Outcome, gmail_ids: Iterable[str]) -> list[str]:
    """Return the ids an interrupted ``run`` neither stored nor marked failed."""
    done = set(outcome.results) | set(outcome.failed)
    return [m for m in _message_ids(gmail_ids) if m not in done]


def _load(user_id: UserId, gmail_ids: list[str]) -> list[Document]:
    """Return the stored documents to classify, only the fields the classifier reads."""
    return store.documents(user_id, gmail_ids, DOCUMENT_FIELDS) if gmail_ids else []


def _account_name(user_id: UserId) -> str:
    """Return the mailbox owner's Google profile name: the classifier never takes it for a
    company (a greeting or a forwarded application names the person themselves)."""
    return User.objects.filter(pk=user_id).values_list("name", flat=True).first() or ""


def _classify(
    user_id: UserId, documents: list[Document], outcome: Outcome
) -> tuple[dict[str, Result], dict[str, Result]]:
    """Return (results of the configured engine, results of a stand-in engine)."""
    fresh: dict[str, Result] = {}
    provisional: dict[str, Result] = {}
    version = classifier_version()
    account_name = _account_name(user_id) if documents else ""
    for document in documents:
        message_id = str(document["gmail_id"])
        try:
            email = EmailInput.from_document(document, account_name)
            analysis = classify(email)
        except Exception as exc:  # noqa: BLE001 - one bad email must not fail its batch
            # The type only: the message text may be personal mail.
            reason = f"{type(exc).__name__} while classifying"
            logger.warning(
                "analysis of message %s of user %s failed: %s", message_id, user_id, reason
            )
            cache.put_failed(user_id, message_id, reason)
            # Analysing it again would fail again: it is no longer pending, or reconciliation
            # would queue it forever. Readers still retry it once the failed marker expires.
            store.clear_pending(user_id, [message_id])
            outcome.failed.append(message_id)
            continue
        stand_in = analysis.engine_version not in ("", version)
        (provisional if stand_in else fresh)[message_id] = analysis.result(email)
    return fresh, provisional


def _store(user_id: UserId, fresh: dict[str, Result], provisional: dict[str, Result]) -> None:
    if not fresh and not provisional:
        return
    cache.put_many(user_id, fresh)
    cache.put_provisional(user_id, provisional)
    # A message deleted while it was being classified must not come back as an analysis.
    written = [*fresh, *provisional]
    kept = set(
        Message.objects.filter(user_id=user_id, gmail_id__in=written).values_list(
            "gmail_id", flat=True
        )
    )
    vanished = [m for m in written if m not in kept]
    if vanished:
        cache.delete(user_id, vanished)
        for message_id in vanished:
            fresh.pop(message_id, None)
            provisional.pop(message_id, None)
    if fresh or provisional:
        results = [*fresh.values(), *provisional.values()]
        analysis_stored.send(sender=EmailAnalysis, user_id=user_id, results=results)
    # Only now, with the result stored and placed on the tracker, is the message done. A
    # stand-in's result is not: it stays pending until the configured engine answers.
    store.clear_pending(user_id, list(fresh))


# --- Pending analyses --------------------------------------------------------------------------


def _settle_cached(user_id: UserId, results: dict[str, Result]) -> None:
    """Finish cached analyses of messages still pending: place them, then clear the marker.

    A message can be pending with its analysis stored when the analysing worker died (or the
    tracker failed) between the two; its result is announced again, since placing is
    idempotent. Only results in MongoDB count: one in Redis alone may be a stand-in's.
    """
    if not results:
        return
    pending = store.pending_among(user_id, list(results))
    if not pending:
        return
    durable = cache.current_ids(user_id, pending)
    if durable:
        stored = [results[m] for m in durable]
        analysis_stored.send(sender=EmailAnalysis, user_id=user_id, results=stored)
        store.clear_pending(user_id, durable)


def pending(user_id: UserId, older_than: timedelta, limit: int) -> list[str]:
    """Return up to ``limit`` of the user's message ids pending longer than ``older_than``."""
    return store.pending_since(user_id, timezone.now() - older_than, limit)


def results_for(
    user_id: UserId, gmail_ids: Iterable[str], *, compute_missing: bool = True
) -> dict[str, Result]:
    """Return {gmail id: result} of the user's messages from the cache.

    Messages found in no tier are analysed now when ``compute_missing`` (they aged out, or the
    classifier changed since). Failed markers (``cache.is_failed``) are left out: see
    ``entries_for``.
    """
    return cache.results_only(entries_for(user_id, gmail_ids, compute_missing=compute_missing))


def entries_for(
    user_id: UserId, gmail_ids: Iterable[str], *, compute_missing: bool = True
) -> dict[str, CacheEntry]:
    """``results_for`` with the failed markers: {gmail id: result or failed marker}."""
    ids = _message_ids(gmail_ids)
    found = cache.get_many(user_id, ids)
    missing = [m for m in ids if m not in found]
    if compute_missing and missing:
        found.update(analyze(user_id, missing, force=True))
    return found


def forget(user_id: UserId, gmail_ids: Iterable[str]) -> None:
    """Remove the analyses of these messages from every tier and announce it."""
    ids = _message_ids(gmail_ids)
    if not ids:
        return
    cache.delete(user_id, ids)
    analysis_removed.send(sender=EmailAnalysis, user_id=user_id, message_ids=ids)


def purge_user(user_id: UserId) -> int:
    """Remove all of the user's analyses from every tier, announce it; return how many."""
    ids = cache.stored_ids(user_id)
    count = cache.purge_user(user_id)
    if ids:
        analysis_removed.send(sender=EmailAnalysis, user_id=user_id, message_ids=ids)
    return count


def mailbox_batches(user_id: UserId, *, force: bool = False) -> Iterator[list[str]]:
    """Yield the user's message ids, newest first, in batches of ``ANALYSIS_BATCH_SIZE``.

    Without ``force``, only messages with no analysis in MongoDB under the current classifier.
    """
    size = settings.ANALYSIS_BATCH_SIZE
    ids = Message.objects.filter(user_id=user_id).order_by("-internal_date")
    batch: list[str] = []
    for gmail_id in ids.values_list("gmail_id", flat=True).iterator(chunk_size=2000):
        batch.append(gmail_id)
        if len(batch) == size:
            yield from _unanalysed(user_id, batch, force)
            batch = []
    if batch:
        yield from _unanalysed(user_id, batch, force)


def _unanalysed(user_id: UserId, batch: list[str], force: bool) -> Iterator[list[str]]:
    if not force:
        done = set(cache.current_ids(user_id, batch))
        batch = [m for m in batch if m not in done]
    if batch:
        yield batch
