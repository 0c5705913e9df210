"""The one seam for Gmail API calls: google-api-python-client, quota, retries, domain errors.

Every call goes through ``GmailClient``; HTTP failures become the domain exceptions below, so
the sync engine never sees an ``HttpError``. The API root comes from settings (Google or the
emulator) and the discovery document is the one bundled with the client library.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import marshal
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import google.auth.credentials
import httplib2
from django.conf import settings
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient import discovery_cache
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError
from googleapiclient.http import build_http

from accounts import google as google_oauth
from accounts.errors import GoogleError, TransientError, UnrecoverableError
from mailbox_project import metrics
from mails.gmail_batch import GetRequests, LeanBatchHttpRequest
from mails.quota import QuotaBucket, cost

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = [
    "GmailClient",
    "HistoryExpired",
    "MalformedResponse",
    "MessageGone",
    "RateLimited",
    "TransientError",
    "UnrecoverableError",
]


LIST_FIELDS = "messages(id,threadId),nextPageToken,resultSizeEstimate"
# format=full, measured against raw by bench/parse.py: 5-12x faster to parse (Gmail has
# already split the MIME tree) and a fraction of the bytes (attachments come by id, not inline).
GET_FORMAT = "full"
GET_FIELDS = "id,threadId,labelIds,snippet,historyId,internalDate,sizeEstimate,payload"
# A full resync reads only the labels of messages it has stored already (same quota cost,
# a fraction of the bytes).
LABELS_FORMAT = "minimal"
LABELS_FIELDS = "id,labelIds"
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 32.0
# Per HTTP call to Gmail (each batch is one call): a dead connection must not hang a worker.
HTTP_TIMEOUT_SECONDS = 60
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
GONE_USER_REASONS = {"failedPrecondition", "accountDisabled", "domainPolicy"}


class RateLimited(TransientError):
    """Gmail answered 429 / 403 rateLimitExceeded; ``retry_after`` seconds if Google said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class HistoryExpired(GoogleError):
    """history.list answered 404: the start history id is too old; a full sync is needed."""


class MessageGone(GoogleError):
    """messages.get answered 404: the message was deleted since it was listed."""


class MalformedResponse(TransientError):
    """Gmail answered 2xx with a body that is not what its API reference documents.

    Treated as transient: nothing is written before a response is validated, so retrying
    loses nothing, and a garbled body (a proxy, a partial outage) is more likely to pass than
    a documented response shape to change. If it persists, the task's retries run out and
    the sync chain tries again later, with the error on the sync state for staff to see.
    """


def _field(body: Mapping[str, Any], key: str, kind: type[T], default: T | None = None) -> T:
    """Return ``body[key]`` as ``kind`` (ints also from their decimal text), or raise."""
    value = body.get(key, default)
    if kind is int and isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise MalformedResponse(f"Gmail response field {key!r}: {type(value).__name__}")
    return value


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedResponse(f"Gmail {what} is not an object: {type(value).__name__}")
    return value


def _items(body: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """Return the objects listed under ``key`` (absent means none), or raise."""
    return [_mapping(item, key) for item in _field(body, key, list, [])]


def _message_id(item: Mapping[str, Any]) -> str:
    return _field(_mapping(item.get("message"), "history message"), "id", str)


@dataclass(frozen=True)
class Profile:
    """users.getProfile: the mailbox's address, size and current history id."""

    email_address: str
    messages_total: int
    history_id: int

    @classmethod
    def from_api(cls, body: object) -> Profile:
        body = _mapping(body, "profile")
        return cls(
            _field(body, "emailAddress", str),
            _field(body, "messagesTotal", int, 0),
            _field(body, "historyId", int),
        )


@dataclass(frozen=True)
class ListPage:
    """One messages.list page."""

    ids: list[tuple[str, str]]  # (message id, thread id), newest first
    next_page_token: str | None
    result_size_estimate: int

    @classmethod
    def from_api(cls, body: object) -> ListPage:
        body = _mapping(body, "messages.list page")
        ids = [
            (_field(m, "id", str), _field(m, "threadId", str, "")) for m in _items(body, "messages")
        ]
        token = _field(body, "nextPageToken", str, "") or None
        return cls(ids, token, _field(body, "resultSizeEstimate", int, 0))


@dataclass(frozen=True)
class LabelChange:
    """Labels added to or removed from one message."""

    gmail_id: str
    op: Literal["add", "remove"]
    label_ids: tuple[str, ...]


LABEL_CHANGE_KEYS: tuple[tuple[str, Literal["add", "remove"]], ...] = (
    ("labelsAdded", "add"),
    ("labelsRemoved", "remove"),
)


@dataclass(frozen=True)
class HistoryRecord:
    """One history record: what it added, deleted and relabelled, in that order."""

    added: tuple[str, ...]
    deleted: tuple[str, ...]
    label_changes: tuple[LabelChange, ...]

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> HistoryRecord:
        changes = [
            LabelChange(_message_id(item), op, tuple(_field(item, "labelIds", list)))
            for key, op in LABEL_CHANGE_KEYS
            for item in _items(body, key)
        ]
        if not all(isinstance(label, str) for c in changes for label in c.label_ids):
            raise MalformedResponse("Gmail history labelIds holds a non-string")
        return cls(
            tuple(_message_id(item) for item in _items(body, "messagesAdded")),
            tuple(_message_id(item) for item in _items(body, "messagesDeleted")),
            tuple(changes),
        )


@dataclass(frozen=True)
class HistoryPage:
    """One history.list page: its records, oldest first, and the mailbox's history id."""

    records: tuple[HistoryRecord, ...]
    history_id: int | None
    next_page_token: str | None

    @classmethod
    def from_api(cls, body: object) -> HistoryPage:
        body = _mapping(body, "history.list page")
        history_id = _field(body, "historyId", int) if "historyId" in body else None
        return cls(
            tuple(HistoryRecord.from_api(record) for record in _items(body, "history")),
            history_id,
            _field(body, "nextPageToken", str, "") or None,
        )


@dataclass(frozen=True)
class GmailLabel:
    """One labels.list entry (entries without an id are skipped: nothing can carry them)."""

    label_id: str
    name: str
    system: bool

    @classmethod
    def list_from_api(cls, body: object) -> list[GmailLabel]:
        entries = _items(_mapping(body, "labels.list"), "labels")
        return [
            cls(str(e["id"]), str(e.get("name") or e["id"]), e.get("type") == "system")
            for e in entries
            if e.get("id")
        ]


@dataclass(frozen=True)
class Watch:
    """users.watch: the history id push starts from and when the watch expires."""

    history_id: int
    expiration: datetime

    @classmethod
    def from_api(cls, body: object) -> Watch:
        body = _mapping(body, "watch response")
        millis = _field(body, "expiration", int)
        return cls(_field(body, "historyId", int), datetime.fromtimestamp(millis / 1000, tz=UTC))


@dataclass(frozen=True)
class AttachmentBody:
    """messages.attachments.get: one part's bytes (decoded from base64url) and its size."""

    data: bytes
    size: int

    @classmethod
    def from_api(cls, body: object) -> AttachmentBody:
        body = _mapping(body, "attachment")
        text = _field(body, "data", str, "")
        try:
            data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, binascii.Error) as exc:
            raise MalformedResponse("Gmail attachment data is not base64url") from exc
        return cls(data, _field(body, "size", int, len(data)))


@dataclass(frozen=True)
class RawMessage:
    """messages.get format=raw: the message's RFC 822 bytes, as Gmail holds them."""

    id: str
    data: bytes

    @classmethod
    def from_api(cls, body: object) -> RawMessage:
        body = _mapping(body, "message")
        text = _field(body, "raw", str, "")
        try:
            data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, binascii.Error) as exc:
            raise MalformedResponse("Gmail raw message is not base64url") from exc
        return cls(_field(body, "id", str, ""), data)


@dataclass
class FetchResult:
    """What a batched fetch produced: messages by id, and ids that failed for good."""

    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    # Why some ids were not fetched this time (transient); they are fetched by a later step.
    error: TransientError | None = None


class UserCredentials(google.auth.credentials.Credentials):
    """google-auth credentials backed by ``accounts.google`` for one user.

    googleapiclient calls ``refresh`` when the token has expired and once after a 401, so the
    library's own retry does "refresh once, then try again"; the refresh itself happens under
    the per-user lock in ``accounts.google``.
    """

    def __init__(self, user: User) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._user = user
        self._use(*google_oauth.access_credentials(user))

    def _use(self, token: str, expires_at: datetime) -> None:
        self.token = token
        # google-auth compares expiry with a naive UTC "now".
        self.expiry = expires_at.astimezone(UTC).replace(tzinfo=None)

    def refresh(self, request: Any) -> None:
        self._use(*google_oauth.access_credentials(self._user, rejected=self.token))


def _ignore(body: object) -> None:
    """The response of a call whose body says nothing (users.stop answers empty)."""


def _error_details(error: HttpError) -> tuple[int, str, str]:
    """Return (status, first reason, message) of a Google error response."""
    status = int(error.resp.status)
    reason, message = "", ""
    try:
        body = json.loads(error.content or b"{}")
        details = body.get("error", {})
        message = str(details.get("message", ""))
        errors = details.get("errors") or [{}]
        reason = str(errors[0].get("reason", ""))
    except (ValueError, AttributeError, TypeError):
        pass
    return status, reason, message


def _retry_after(error: HttpError) -> float | None:
    value = error.resp.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def translate(error: HttpError, *, on_404: Callable[[], GoogleError] | None = None) -> Exception:
    """Return the domain exception for a Gmail ``HttpError``."""
    status, reason, message = _error_details(error)
    if status == 429 or (status == 403 and reason in RATE_LIMIT_REASONS):
        return RateLimited(f"{status} {reason}", _retry_after(error))
    if status >= 500:
        return TransientError(f"Gmail answered {status}")
    if status == 404 and on_404 is not None:
        return on_404()
    if status == 401:
        # The refreshed token was refused too: access is gone.
        return UnrecoverableError("Gmail refused a freshly refreshed token", needs_reconnect=True)
    if status == 403 and (
        reason in {"insufficientPermissions", "forbidden"} or "scope" in message.lower()
    ):
        return UnrecoverableError(f"Gmail access denied ({reason})", needs_reconnect=True)
    if status == 403 or (status == 400 and reason in GONE_USER_REASONS):
        return UnrecoverableError(f"Gmail refused the mailbox ({status} {reason}): {message}")
    return UnrecoverableError(f"Gmail answered {status} {reason}: {message}")


def backoff_delay(attempt: int, retry_after: float | None = None) -> float:
    """Return the wait before retry ``attempt`` (1-based): Retry-After, else capped + jittered."""
    if retry_after is not None:
        return min(retry_after, BACKOFF_CAP_SECONDS)
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography


@functools.cache
def _gmail_discovery() -> bytes:
    """Gmail's discovery document (the client library's static copy), parsed once.

    Every fetch thread of every sync step builds a service: parsing the 150 KB of JSON each
    time cost about 3 ms, a page's 5 builds 3% of the sync's CPU. Each service gets a copy of
    its own (``marshal.loads``, a third of the parse), as building one writes into it.
    """
    return marshal.dumps(json.loads(discovery_cache.get_static_doc("gmail", "v1")))


def _build_service(http: Any, api_root: str | None = None) -> Any:
    """Return a Gmail service whose requests go through ``http``."""
    return build_from_document(
        marshal.loads(_gmail_discovery()),  # noqa: S302 - bytes this process made
        http=http,
        client_options={"api_endpoint": api_root or settings.GMAIL_API_ROOT},
    )


@functools.lru_cache(maxsize=4)
def _shared_messages(api_root: str) -> Any:
    """Return a ``users().messages()`` resource to make requests from, built once per API root.

    A request made from it is sent on the HTTP object ``GetRequests`` puts in it: the
    resource's own (never used) holds no credentials. Requests carry nothing of a user but
    the token, which ``LeanBatchHttpRequest`` takes from the HTTP object it sends on.
    """
    return _build_service(httplib2.Http(), api_root).users().messages()


class GmailClient:
    """Gmail API v1 for one user."""

    def __init__(self, user: User, *, quota: QuotaBucket | None = None) -> None:
        self.user = user
        self.quota = quota or QuotaBucket(user.pk)
        self._credentials = UserCredentials(user)
        self._local = threading.local()
        self._batch_uri = f"{settings.GMAIL_API_ROOT}/batch/gmail/v1"

    def _http(self) -> AuthorizedHttp:
        """This thread's HTTP object: httplib2 connections must not be shared between threads."""
        http: AuthorizedHttp | None = getattr(self._local, "http", None)
        if http is None:
            raw = build_http()
            raw.timeout = HTTP_TIMEOUT_SECONDS
            http = self._local.http = AuthorizedHttp(self._credentials, http=raw)
        return http

    @property
    def _service(self) -> Any:
        """This thread's service, on this thread's HTTP object."""
        service = getattr(self._local, "service", None)
        if service is None:
            service = self._local.service = _build_service(self._http())
        return service

    def _get_requests(self, labels_only: bool) -> GetRequests:
        """Return this thread's maker of ``messages.get`` requests in one of the two shapes.

        Made from the process's shared ``users().messages()`` resource, each request sent on
        this thread's HTTP object: a fetch thread lives for one page of a full sync, and
        building a service of its own cost it more CPU than its page's batch requests.
        """
        makers: dict[tuple[str, str], GetRequests] | None
        makers = getattr(self._local, "get_requests", None)
        if makers is None:
            messages = _shared_messages(settings.GMAIL_API_ROOT)
            http = self._http()
            makers = self._local.get_requests = {
                shape: GetRequests(messages, http, userId="me", format=shape[0], fields=shape[1])
                for shape in ((LABELS_FORMAT, LABELS_FIELDS), (GET_FORMAT, GET_FIELDS))
            }
        return makers[(LABELS_FORMAT, LABELS_FIELDS) if labels_only else (GET_FORMAT, GET_FIELDS)]

    # --- single calls -------------------------------------------------------------------

    def _call(
        self,
        method: str,
        request: Any,
        parse: Callable[[object], T],
        on_404: Callable[[], GoogleError] | None = None,
    ) -> T:
        """Execute one request with quota, retrying rate limits and transient failures.

        The response is validated by ``parse`` (a record's ``from_api``) inside the retry
        loop, so a malformed body is retried like any transient failure.
        """
        units = cost(method)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            epoch = self.quota.spend(units)
            try:
                response = request.execute(num_retries=0)
            except HttpError as exc:
                error = translate(exc, on_404=on_404)
            except (TimeoutError, OSError, httplib2.HttpLib2Error) as exc:
                error = TransientError(f"{method}: {type(exc).__name__}")
            else:
                metrics.gmail_call(method)
                self.quota.report(epoch, ok=1, refused=0, ok_units=units)
                try:
                    return parse(response)
                except MalformedResponse as exc:
                    logger.warning("%s: %s", method, exc)
                    error = exc
            if not isinstance(error, MalformedResponse):
                metrics.gmail_call(method, error)
            if isinstance(error, RateLimited):
                self.quota.report(epoch, ok=0, refused=1)
            if not isinstance(error, TransientError) or attempt == MAX_ATTEMPTS:
                raise error
            retry_after = error.retry_after if isinstance(error, RateLimited) else None
            time.sleep(backoff_delay(attempt, retry_after))
        raise AssertionError("unreachable")

    def get_profile(self) -> Profile:
        """Return the profile: email address, messages total, history id."""
        # https://developers.google.com/workspace/gmail/api/reference/rest/v1/users/getProfile
        request = self._service.users().getProfile(userId="me")
        return self._call("getProfile", request, Profile.from_api)

    def list_messages(self, page_token: str | None, max_results: int = 500) -> ListPage:
        """Return one page of message ids, newest first, spam and trash included."""
        # https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/list
        request = (
            self._service.users()
            .messages()
            .list(
                userId="me",
                maxResults=max_results,
                pageToken=page_token or None,
                includeSpamTrash=True,
                fields=LIST_FIELDS,
            )
        )
        return self._call("messages.list", request, ListPage.from_api)

    def iter_history(self, start_history_id: int) -> Iterator[HistoryPage]:
        """Yield history.list pages from ``start_history_id``, oldest first.

        Raises ``HistoryExpired`` when Gmail no longer has history that old.
        """
        # https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.history/list
        page_token: str | None = None
        while True:
            request = (
                self._service.users()
                .history()
                .list(
                    userId="me",
                    startHistoryId=str(start_history_id),
                    maxResults=500,
                    pageToken=page_token,
                    historyTypes=["messageAdded", "messageDeleted", "labelAdded", "labelRemoved"],
                )
            )
            page = self._call(
                "history.list", request, HistoryPage.from_api, on_404=lambda: HistoryExpired()
            )
            yield page
            page_token = page.next_page_token
            if not page_token:
                return

    def list_labels(self) -> list[GmailLabel]:
        """Return the mailbox's labels."""
        # https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.labels/list
        request = self._service.users().labels().list(userId="me")
        return self._call("labels.list", request, GmailLabel.list_from_api)

    def watch(self, topic: str) -> Watch:
        """Start push notifications to ``topic``."""
        # https://developers.google.com/workspace/gmail/api/reference/rest/v1/users/watch
        request = self._service.users().watch(userId="me", body={"topicName": topic})
        return self._call("watch", request, Watch.from_api)

    def get_attachment(self, message_id: str, attachment_id: str) -> AttachmentBody:
        """Return one attachment's bytes (a download, fetched when asked for).

        Raises ``MessageGone`` when Gmail no longer has the message or the part.
        """
        # https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages.attachments/get
        request = (
            self._service.users()
            .messages()
            .attachments()
            .get(userId="me", messageId=message_id, id=attachment_id)
        )
        return self._call(
            "attachments.get", request, AttachmentBody.from_api, on_404=lambda: MessageGone()
        )

    def get_raw_message(self, message_id: str) -> RawMessage:
        """Return one message's RFC 822 bytes (the data export's mbox; 5 units).

        Raises ``MessageGone`` when Gmail no longer has the message.
        """
        # https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/get
        request = self._service.users().messages().get(userId="me", id=message_id, format="raw")
        return self._call(
            "messages.get", request, RawMessage.from_api, on_404=lambda: MessageGone()
        )

    def stop_watch(self) -> None:
        """Stop push notifications for this mailbox."""
        self._call("stop", self._service.users().stop(userId="me"), _ignore)

    # --- batched messages.get -----------------------------------------------------------

    def get_messages(self, ids: Sequence[str]) -> FetchResult:
        """Fetch messages; see ``iter_messages``. Return all batches' results merged."""
        merged = FetchResult()
        for chunk in self.iter_messages(ids):
            merged.messages.update(chunk.messages)
            merged.gone.extend(chunk.gone)
            merged.failed.update(chunk.failed)
        return merged

    def iter_messages(
        self, ids: Sequence[str], *, labels_only: bool = False
    ) -> Iterator[FetchResult]:
        """Yield batches of messages in ``format=full`` as they arrive, retrying failed parts.

        With ``labels_only`` each message is just ``{"id", "labelIds"}`` (``format=minimal``).

        Batches hold at most 50 gets (fewer when the quota's burst is smaller) and run on
        ``GMAIL_FETCH_THREADS`` threads, so parsing and storing one batch overlaps waiting for
        the next; the shared quota bucket still paces them all. Deleted messages (404) are in
        ``gone``; messages that keep failing with a permanent error are in ``failed`` with the
        reason. Rate limits and transient errors of parts are retried with backoff; when they
        persist, ``RateLimited``/``TransientError`` is raised so the task retries later — but
        only after every other batch has been yielded, so nothing fetched is thrown away.
        """
        # https://developers.google.com/workspace/gmail/api/guides/batch
        pending = list(dict.fromkeys(ids))
        size = self.quota.max_batch(cost("messages.get"))
        chunks = [pending[start : start + size] for start in range(0, len(pending), size)]
        error: TransientError | None = None
        for result in self._fetch_chunks(chunks, labels_only):
            error = result.error or error
            yield result
        if error is not None:
            raise error

    def _fetch_chunks(self, chunks: list[list[str]], labels_only: bool) -> Iterator[FetchResult]:
        if len(chunks) <= 1 or settings.GMAIL_FETCH_THREADS <= 1:
            for chunk in chunks:
                yield self._fetch_chunk(chunk, labels_only)
            return
        with ThreadPoolExecutor(settings.GMAIL_FETCH_THREADS, "gmail-fetch") as pool:
            futures = [pool.submit(self._fetch_chunk, chunk, labels_only) for chunk in chunks]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()

    def _fetch_chunk(self, ids: list[str], labels_only: bool = False) -> FetchResult:
        """Fetch ``ids``, retrying failed parts; parts that keep failing end up unfetched."""
        result = FetchResult()
        pending = ids
        for attempt in range(1, MAX_ATTEMPTS + 1):
            retry, retry_after, last_error = self._fetch_parts(pending, result, labels_only)
            if not retry:
                return result
            if attempt == MAX_ATTEMPTS:
                result.error = last_error
                return result
            logger.info("retrying %d of %d batch parts", len(retry), len(pending))
            time.sleep(backoff_delay(attempt, retry_after))
            pending = retry
        return result

    def _fetch_parts(
        self, ids: list[str], result: FetchResult, labels_only: bool
    ) -> tuple[list[str], float | None, TransientError | None]:
        """Fetch ``ids`` in bursts the learned quota allows; return what to retry, and when."""
        retry: list[str] = []
        retry_after: float | None = None
        last_error: TransientError | None = None
        unit = cost("messages.get")
        while ids:
            # Sized now, not when the chunk was cut: the learned limit may have dropped since.
            burst, ids, epoch = self._reserve_burst(ids, unit)
            refused = 0
            for message_id, outcome in self._execute_batch(burst, labels_only).items():
                if isinstance(outcome, dict):
                    result.messages[message_id] = outcome
                elif isinstance(outcome, MessageGone):
                    result.gone.append(message_id)
                elif isinstance(outcome, TransientError):
                    retry.append(message_id)
                    last_error = outcome
                    if isinstance(outcome, RateLimited):
                        refused += 1
                        if outcome.retry_after is not None:
                            retry_after = max(retry_after or 0.0, outcome.retry_after)
                elif isinstance(outcome, UnrecoverableError) and outcome.needs_reconnect:
                    raise outcome
                else:
                    result.failed[message_id] = str(outcome)
            # 5xx parts are neither: they spent quota but say nothing about the rate granted.
            self.quota.report(epoch, ok=len(burst) - refused, refused=refused)
        return retry, retry_after, last_error

    def _reserve_burst(self, ids: list[str], unit: int) -> tuple[list[str], list[str], int]:
        """Return the next burst of ``ids``, the rest, and the quota epoch it was reserved in.

        Sized when its quota is granted, not when the chunk was cut: the learned limit may have
        dropped meanwhile, and a burst sized for the old one would mostly be refused.
        """
        while True:
            size = self.quota.max_batch(unit)
            epoch = self.quota.try_spend(unit * len(ids[:size]))
            if epoch is not None:
                return ids[:size], ids[size:], epoch

    def _execute_batch(
        self, ids: list[str], labels_only: bool = False
    ) -> dict[str, dict[str, Any] | Exception]:
        outcomes: dict[str, dict[str, Any] | Exception] = {}

        def on_response(request_id: str, response: Any, exception: Exception | None) -> None:
            if exception is None:
                outcomes[request_id] = response
            elif isinstance(exception, HttpError):
                outcomes[request_id] = translate(exception, on_404=lambda: MessageGone())
            else:
                outcomes[request_id] = TransientError(type(exception).__name__)

        batch = LeanBatchHttpRequest(callback=on_response, batch_uri=self._batch_uri)
        request = self._get_requests(labels_only)
        for message_id in ids:
            batch.add(request(message_id), request_id=message_id)
        try:
            batch.execute()
        except HttpError as exc:
            error = translate(exc)
            return dict.fromkeys(ids, error)
        except (TimeoutError, OSError, httplib2.HttpLib2Error) as exc:
            return dict.fromkeys(ids, TransientError(f"batch: {type(exc).__name__}"))
        # A part missing from the response is retried like a transient failure.
        for message_id in ids:
            outcomes.setdefault(message_id, TransientError("missing from batch response"))
        metrics.gmail_batch("messages.get", outcomes.values())
        return outcomes
