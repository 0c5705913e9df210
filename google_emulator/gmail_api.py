"""Gmail API v1 request handling: routing, auth, scopes, quota, faults, methods.

Paths are exactly those the bundled discovery document gives the real client
(``/gmail/v1/users/{userId}/...``).  Every call goes through :meth:`GmailApi.handle`,
whether it arrived on its own or inside a batch, so it is authenticated, charged and
fault-injected the same way.  Implemented methods: users.getProfile, watch, stop;
messages.list, get, modify, trash, untrash, delete, batchModify, attachments.get;
history.list; labels.list, get; threads.get.  Other Gmail methods answer 501.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import errors, render
from .errors import ApiError, bad_request, not_found
from .fields import FieldsError, apply_fields, parse_fields
from .httpmsg import JSON_TYPE, Request, Response, error_response, json_response
from .mailbox import UNSETTABLE_LABELS, Mailbox
from .query import QueryError, compile_query
from .quota import AccountGate
from .state import Emulator
from .tokens import AccessToken

GMAIL = "https://www.googleapis.com/auth/gmail."
FULL_ACCESS = "https://mail.google.com/"
READ = frozenset({GMAIL + "readonly", GMAIL + "modify", FULL_ACCESS, GMAIL + "metadata"})
LABELS = READ | {GMAIL + "labels"}
MODIFY = frozenset({GMAIL + "modify", FULL_ACCESS})
DELETE = frozenset({FULL_ACCESS})
COMMON_PARAMS = frozenset(
    {"alt", "fields", "prettyPrint", "quotaUser", "key", "access_token", "oauth_token"}
    | {"$.xgafv", "callback", "upload_protocol", "uploadType", "userIp"}
)
HISTORY_TYPES = ("messageAdded", "messageDeleted", "labelAdded", "labelRemoved")
NOT_IMPLEMENTED = ("drafts", "settings", "threads", "messages", "labels")


@dataclass(slots=True)
class Call:
    """One authorised call: the request, the caller's mailbox and path arguments."""

    request: Request
    mailbox: Mailbox
    token: AccessToken
    args: tuple[str, ...]


Handler = Callable[["GmailApi", Call], Any]


@dataclass(slots=True, frozen=True)
class Route:
    """A Gmail method: its discovery name, handler, scopes and query parameters."""

    name: str
    handler: Handler
    scopes: frozenset[str]
    params: frozenset[str] = frozenset()


def _raw_token(req: Request) -> str:
    """Return the bearer token from the Authorization header or the query string."""
    scheme, _, value = req.headers.get("authorization", "").partition(" ")
    raw = value.strip() if scheme.lower() == "bearer" else ""
    return raw or req.param("access_token") or req.param("oauth_token") or ""


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


class GmailApi:
    """Routes and serves Gmail API calls against an :class:`Emulator`."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    # -- pipeline --------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        """Serve one Gmail call (never raises)."""
        gate = None
        try:
            route, user_id, args = self._route(req)
            token = self._authenticate(req)
            if not (token.scopes & route.scopes):
                raise errors.insufficient_scope(route.name)
            email = self._resolve_user(user_id, token)
            gate = self.emulator.gate(email)
            retry_after = gate.charge(route.name)
            if retry_after is not None:
                raise errors.rate_limited(retry_after, gate.limits.exceeded_status)
            if not req.in_batch and not gate.acquire():
                raise errors.rate_limited(1, 429, concurrent=True)
            try:
                response = self._invoke(req, route, email, token, args, gate.fault())
            finally:
                if not req.in_batch:
                    gate.release()
        except ApiError as exc:
            response = error_response(exc)
            if gate is None and exc.code == 401:
                gate = self._owner_gate(req)
        if gate is not None:
            gate.record_status(response.status)
        return response

    def _owner_gate(self, req: Request) -> AccountGate | None:
        """Return the gate of the account an expired or revoked token belongs to."""
        known = self.emulator.tokens.access_tokens.get(_raw_token(req))
        return self.emulator.gate(known.email) if known is not None else None

    def _invoke(
        self,
        req: Request,
        route: Route,
        email: str,
        token: AccessToken,
        args: tuple[str, ...],
        fault: int | None,
    ) -> Response:
        latency = self.emulator.gate(email).limits.latency_ms
        if latency and not req.in_batch:
            time.sleep(latency / 1000)
        if fault is not None:
            raise errors.injected_fault(fault)
        unknown = set(req.query) - COMMON_PARAMS - route.params
        if unknown:
            name = sorted(unknown)[0]
            raise bad_request(
                f'Invalid JSON payload received. Unknown name "{name}": '
                "Cannot bind query parameter. Field '{name}' could not be found in request "
                "message."
            )
        alt = req.param("alt")
        if alt not in (None, "json"):
            raise bad_request(f"Unsupported alt parameter: {alt}")
        call = Call(req, self.emulator.mailbox(email), token, args)
        with self.emulator.lock:
            result = route.handler(self, call)
        return self._respond(req, result)

    @staticmethod
    def _respond(req: Request, result: Any) -> Response:
        if result is None:
            return Response(204, b"", JSON_TYPE)
        fields = req.param("fields")
        if fields:
            try:
                mask = parse_fields(fields)
            except FieldsError as exc:
                raise bad_request(str(exc), "invalidParameter") from None
            data = json.loads(result) if isinstance(result, bytes) else result
            return json_response(apply_fields(data, mask))
        if isinstance(result, bytes):
            return Response(200, result, JSON_TYPE)
        return json_response(result)

    def _route(self, req: Request) -> tuple[Route, str, tuple[str, ...]]:
        parts = req.path.split("/")
        # ['', 'gmail', 'v1', 'users', userId, *rest]
        if len(parts) < 6 or parts[1:4] != ["gmail", "v1", "users"] or not parts[4]:
            raise not_found(f"Not found: {req.path}")
        rest = parts[5:]
        found = _match(req.method, rest)
        if found is None:
            if rest and rest[0] in NOT_IMPLEMENTED:
                raise ApiError(
                    501,
                    f"{req.method} {req.path} is not implemented by the emulator",
                    "notImplemented",
                )
            raise not_found(f"Not found: {req.method} {req.path}")
        route, args = found
        return route, parts[4], args

    def _authenticate(self, req: Request) -> AccessToken:
        raw = _raw_token(req)
        token = self.emulator.tokens.access(raw) if raw else None
        if token is None:
            raise errors.unauthenticated()
        return token

    def _resolve_user(self, user_id: str, token: AccessToken) -> str:
        if user_id == "me" or user_id.lower() == token.email:
            return token.email
        raise errors.delegation_denied(user_id)

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

    def _message(self, call: Call, message_id: str) -> Any:
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
    ("GET", "profile"): Route("users.getProfile", GmailApi.get_profile, LABELS),
    ("POST", "watch"): Route("users.watch", GmailApi.watch, READ),
    ("POST", "stop"): Route("users.stop", GmailApi.stop, READ),
    ("GET", "messages"): Route("users.messages.list", GmailApi.list_messages, READ, _LIST),
    ("GET", "messages/*"): Route("users.messages.get", GmailApi.get_message, READ, _GET),
    ("DELETE", "messages/*"): Route("users.messages.delete", GmailApi.delete, DELETE),
    ("POST", "messages/batchModify"): Route(
        "users.messages.batchModify", GmailApi.batch_modify, MODIFY
    ),
    ("POST", "messages/*/modify"): Route("users.messages.modify", GmailApi.modify, MODIFY),
    ("POST", "messages/*/trash"): Route("users.messages.trash", GmailApi.trash, MODIFY),
    ("POST", "messages/*/untrash"): Route("users.messages.untrash", GmailApi.untrash, MODIFY),
    ("GET", "messages/*/attachments/*"): Route(
        "users.messages.attachments.get", GmailApi.attachment, READ
    ),
    ("GET", "history"): Route("users.history.list", GmailApi.history, READ, _HISTORY),
    ("GET", "labels"): Route("users.labels.list", GmailApi.labels, LABELS),
    ("GET", "labels/*"): Route("users.labels.get", GmailApi.label, LABELS),
    ("GET", "threads/*"): Route("users.threads.get", GmailApi.thread, READ, _GET),
}


def _match(method: str, rest: list[str]) -> tuple[Route, tuple[str, ...]] | None:
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
