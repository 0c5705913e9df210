"""The Gmail API methods the emulator implements, and their routes.

Implemented: users.getProfile, watch, stop; messages.list, get, modify, trash, untrash,
delete, batchModify, attachments.get; history.list; labels.list, get; threads.get.
Handlers run with the emulator's lock held and return JSON-able data, pre-rendered
JSON bytes, or None (204 No Content).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import render
from .errors import ApiError, bad_request, not_found
from .httpmsg import Request
from .mailbox import UNSETTABLE_LABELS, Mailbox, StoredMessage
from .query import QueryError, compile_query
from .state import Emulator
from .tokens import AccessToken

GMAIL = "https://www.googleapis.com/auth/gmail."
FULL_ACCESS = "https://mail.google.com/"
READ = frozenset({GMAIL + "readonly", GMAIL + "modify", FULL_ACCESS, GMAIL + "metadata"})
LABELS = READ | {GMAIL + "labels"}
MODIFY = frozenset({GMAIL + "modify", FULL_ACCESS})
DELETE = frozenset({FULL_ACCESS})
HISTORY_TYPES = ("messageAdded", "messageDeleted", "labelAdded", "labelRemoved")


@dataclass(slots=True)
class Call:
    """One authorised call: the request, the caller's mailbox and path arguments."""

    request: Request
    mailbox: Mailbox
    token: AccessToken
    args: tuple[str, ...]


Handler = Callable[["GmailMethods", Call], Any]


@dataclass(slots=True, frozen=True)
class Route:
    """A Gmail method: its discovery name, handler, scopes and query parameters."""

    name: str
    handler: Handler
    scopes: frozenset[str]
    params: frozenset[str] = frozenset()


def _int_param(req: Request, name: str, default: int, maximum: int) -> int:
    value = req.param(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad_request(f"Invalid value for {name}: {value!r}") from None
    if number < 0:
        raise bad_request(f"Invalid value for {name}: {value!r}")
    return min(number or default, maximum)


class GmailMethods:
    """Implementations of the Gmail methods, against an :class:`Emulator`."""

    emulator: Emulator

    # -- users -----------------------------------------------------------------------

    def get_profile(self, call: Call) -> Any:
        mailbox = call.mailbox
        return {
            "emailAddress": mailbox.email,
            "messagesTotal": len(mailbox.messages),
            "threadsTotal": len(mailbox.threads),
            "historyId": str(mailbox.history_id),
        }

    def watch(self, call: Call) -> Any:
        body = call.request.json_body()
        topic = body.get("topicName")
        if not isinstance(topic, str) or not topic:
            raise bad_request("Invalid topicName: a topic name is required", "invalidArgument")
        if not topic.startswith("projects/") or "/topics/" not in topic:
            raise bad_request(f"Invalid topicName does not match projects/*/topics/*: {topic}")
        label_ids = body.get("labelIds") or []
        if not isinstance(label_ids, list) or not all(isinstance(x, str) for x in label_ids):
            raise bad_request("Invalid labelIds")
        for label in label_ids:
            if not call.mailbox.label_exists(label):
                raise bad_request(f"Invalid label: {label}")
        behavior = str(body.get("labelFilterBehavior") or body.get("labelFilterAction") or "")
        behavior = behavior.lower() or "include"
        history_id, expiration = self.emulator.watch(call.mailbox.email, topic, label_ids, behavior)
        return {"historyId": str(history_id), "expiration": str(expiration)}

    def stop(self, call: Call) -> Any:
        self.emulator.stop_watch(call.mailbox.email)
        return None

    # -- messages --------------------------------------------------------------------

    def _message(self, call: Call, message_id: str) -> StoredMessage:
        message = call.mailbox.messages.get(message_id)
        if message is None:
            raise not_found()
        return message

    def _format(self, call: Call) -> str:
        fmt = call.request.param("format") or "full"
        if fmt not in render.FORMATS:
            raise bad_request(
                f"Invalid value at 'format' (type.googleapis.com/gmail.Format), \"{fmt}\""
            )
        if fmt in ("full", "raw") and not (call.token.scopes & (READ - {GMAIL + "metadata"})):
            raise ApiError(403, f"Metadata scope doesn't allow format {fmt.upper()}", "forbidden")
        return fmt

    def get_message(self, call: Call) -> Any:
        fmt = self._format(call)
        message = self._message(call, call.args[0])
        return render.message_json(message, fmt, call.request.params("metadataHeaders"))

    def list_messages(self, call: Call) -> Any:
        req, mailbox = call.request, call.mailbox
        size = _int_param(req, "maxResults", 100, 500)
        q = req.param("q") or ""
        label_ids = req.params("labelIds")
        include_spam_trash = (req.param("includeSpamTrash") or "").lower() == "true"
        if q and not (call.token.scopes & (READ - {GMAIL + "metadata"})):
            raise ApiError(403, "Metadata scope does not support 'q' parameter", "forbidden")
        try:
            query = compile_query(q, mailbox)
        except QueryError as exc:
            raise bad_request(f"Invalid query: {exc}") from None
        wanted = [mailbox.label_id_for(label) for label in label_ids]
        if any(label is None for label in wanted):
            return {"resultSizeEstimate": 0}
        if include_spam_trash or query.includes_spam_trash or {"SPAM", "TRASH"} & set(label_ids):
            hidden: frozenset[str] = frozenset()
        else:
            hidden = frozenset({"SPAM", "TRASH"})
        fp = render.fingerprint(q, sorted(label_ids), include_spam_trash)
        token = req.param("pageToken")
        after: tuple[int, str] | None = None
        if token:
            position = render.decode_token(token, fp)
            if position is None:
                raise bad_request("Invalid pageToken")
            after = (position[0], f"{position[1]:016x}")
        # One pass over the whole mailbox: the page, and the exact total for
        # resultSizeEstimate (Gmail's is an estimate of the same number).
        page: list[dict[str, str]] = []
        total = 0
        last = None
        more = False
        for message in mailbox.newest_first():
            labels = message.label_ids
            if hidden and not hidden.isdisjoint(labels):
                continue
            if wanted and not all(label in labels for label in wanted):
                continue
            if q and not query.match(message):
                continue
            total += 1
            if after is not None and message.key >= after:
                continue
            if len(page) < size:
                page.append({"id": message.id, "threadId": message.thread_id})
                last = message
            else:
                more = True
        out: dict[str, Any] = {}
        if page:
            out["messages"] = page
        if more and last is not None:
            out["nextPageToken"] = render.encode_token((last.internal_date, int(last.id, 16)), fp)
        out["resultSizeEstimate"] = total
        return out

    def attachment(self, call: Call) -> Any:
        message = self._message(call, call.args[0])
        found = message.content.attachments.get(call.args[1])
        if found is None:
            raise bad_request("Invalid attachment token")
        data, size = found
        return {"attachmentId": call.args[1], "size": size, "data": data}

    def _labels_from_body(self, call: Call, body: dict[str, Any], key: str) -> list[str]:
        values = body.get(key) or []
        if not isinstance(values, list):
            raise bad_request(f"Invalid {key}")
        for label in values:
            if not isinstance(label, str) or not call.mailbox.label_exists(label):
                raise bad_request(f"Invalid label: {label}")
            if label in UNSETTABLE_LABELS:
                raise bad_request(f"Invalid label: {label}")
        return values

    def modify(self, call: Call) -> Any:
        body = call.request.json_body()
        add = self._labels_from_body(call, body, "addLabelIds")
        remove = self._labels_from_body(call, body, "removeLabelIds")
        self._message(call, call.args[0])
        self.emulator.modify_labels(call.mailbox.email, call.args[0], add, remove)
        return render.label_ref(call.mailbox.messages[call.args[0]])

    def trash(self, call: Call) -> Any:
        self._message(call, call.args[0])
        self.emulator.modify_labels(call.mailbox.email, call.args[0], ["TRASH"], ["INBOX"])
        return render.label_ref(call.mailbox.messages[call.args[0]])

    def untrash(self, call: Call) -> Any:
        message = self._message(call, call.args[0])
        add = [] if message.label_ids == ["SENT", "TRASH"] else ["INBOX"]
        self.emulator.modify_labels(call.mailbox.email, call.args[0], add, ["TRASH"])
        return render.label_ref(call.mailbox.messages[call.args[0]])

    def delete(self, call: Call) -> Any:
        self._message(call, call.args[0])
        self.emulator.delete(call.mailbox.email, call.args[0])
        return None

    def batch_modify(self, call: Call) -> Any:
        body = call.request.json_body()
        ids = body.get("ids") or []
        if not isinstance(ids, list) or len(ids) > 1000:
            raise bad_request("ids must be a list of at most 1000 message ids")
        add = self._labels_from_body(call, body, "addLabelIds")
        remove = self._labels_from_body(call, body, "removeLabelIds")
        for message_id in ids:
            if isinstance(message_id, str) and message_id in call.mailbox.messages:
                self.emulator.modify_labels(call.mailbox.email, message_id, add, remove)
        return None

    # -- history, labels, threads ---------------------------------------------------------

    def history(self, call: Call) -> Any:
        req, mailbox = call.request, call.mailbox
        start_text = req.param("startHistoryId")
        if not start_text:
            raise bad_request("Missing required parameter: startHistoryId", "required")
        try:
            start = int(start_text)
        except ValueError:
            raise bad_request(f"Invalid startHistoryId: {start_text}") from None
        types = req.params("historyTypes")
        for kind in types:
            if kind not in HISTORY_TYPES:
                raise bad_request(
                    f"Invalid value at 'history_types' (type.googleapis.com/"
                    f'gmail.HistoryType), "{kind}"'
                )
        label_id = req.param("labelId")
        size = _int_param(req, "maxResults", 100, 500)
        records = mailbox.history_after(start)
        if records is None:
            raise not_found()
        fp = render.fingerprint(start, sorted(types), label_id)
        token = req.param("pageToken")
        if token:
            position = render.decode_token(token, fp)
            if position is None:
                raise bad_request("Invalid pageToken")
            records = [r for r in records if r.id > position[0]]
        wanted = set(types) or None
        page: list[dict[str, Any]] = []
        out: dict[str, Any] = {}
        for record in records:
            if label_id and not record.involves_label(label_id):
                continue
            rendered = record.render(wanted)
            if rendered is None:
                continue
            if len(page) == size:
                last_id = int(page[-1]["id"])
                out["nextPageToken"] = render.encode_token((last_id, 0), fp)
                break
            page.append(rendered)
        if page:
            out = {"history": page, **out}
        out["historyId"] = str(mailbox.history_id)
        return out

    def labels(self, call: Call) -> Any:
        return {"labels": render.labels_list(call.mailbox)}

    def label(self, call: Call) -> Any:
        detail = render.label_detail(call.mailbox, call.args[0])
        if detail is None:
            raise not_found()
        return detail

    def thread(self, call: Call) -> Any:
        fmt = self._format(call)
        ids = call.mailbox.threads.get(call.args[0])
        if not ids:
            raise not_found()
        headers = call.request.params("metadataHeaders")
        messages = sorted((call.mailbox.messages[i] for i in ids), key=lambda m: m.key)
        return {
            "id": call.args[0],
            "historyId": str(max(m.history_id for m in messages)),
            "messages": [render.message_dict(m, fmt, headers) for m in messages],
        }


_LIST = frozenset({"maxResults", "pageToken", "q", "labelIds", "includeSpamTrash"})
_GET = frozenset({"format", "metadataHeaders"})
_HISTORY = frozenset({"startHistoryId", "historyTypes", "labelId", "maxResults", "pageToken"})
_ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "profile"): Route("users.getProfile", GmailMethods.get_profile, LABELS),
    ("POST", "watch"): Route("users.watch", GmailMethods.watch, READ),
    ("POST", "stop"): Route("users.stop", GmailMethods.stop, READ),
    ("GET", "messages"): Route("users.messages.list", GmailMethods.list_messages, READ, _LIST),
    ("GET", "messages/*"): Route("users.messages.get", GmailMethods.get_message, READ, _GET),
    ("DELETE", "messages/*"): Route("users.messages.delete", GmailMethods.delete, DELETE),
    ("POST", "messages/batchModify"): Route(
        "users.messages.batchModify", GmailMethods.batch_modify, MODIFY
    ),
    ("POST", "messages/*/modify"): Route("users.messages.modify", GmailMethods.modify, MODIFY),
    ("POST", "messages/*/trash"): Route("users.messages.trash", GmailMethods.trash, MODIFY),
    ("POST", "messages/*/untrash"): Route("users.messages.untrash", GmailMethods.untrash, MODIFY),
    ("GET", "messages/*/attachments/*"): Route(
        "users.messages.attachments.get", GmailMethods.attachment, READ
    ),
    ("GET", "history"): Route("users.history.list", GmailMethods.history, READ, _HISTORY),
    ("GET", "labels"): Route("users.labels.list", GmailMethods.labels, LABELS),
    ("GET", "labels/*"): Route("users.labels.get", GmailMethods.label, LABELS),
    ("GET", "threads/*"): Route("users.threads.get", GmailMethods.thread, READ, _GET),
}


def match_route(method: str, rest: list[str]) -> tuple[Route, tuple[str, ...]] | None:
    """Return the route for a path below ``users/{userId}/`` and its wildcard values."""
    exact = _ROUTES.get((method, "/".join(rest)))
    if exact is not None:
        return exact, ()
    if any(not part for part in rest):
        return None
    args = tuple(rest[1::2])
    pattern = "/".join(p if i % 2 == 0 else "*" for i, p in enumerate(rest))
    route = _ROUTES.get((method, pattern))
    return (route, args) if route is not None else None
