"""``/_emulator/...``: JSON control endpoints mirroring the Python API of :class:`Emulator`.

For tests and demos that run the emulator as a separate process.  They are not
authenticated — bind the emulator to localhost.

GET  /_emulator/state                         summary of every account
GET  /_emulator/stats[?email=]                call counters, quota units, 429s, faults
GET  /_emulator/truth/{email}                 ground truth of generated mail
POST /_emulator/deliver        {email, raw?, raw_base64?, kind?, labels?, thread_id?,
                                internal_date?}                         → {id}
POST /_emulator/delete         {email, id}
POST /_emulator/modify-labels  {email, id, add?, remove?}              → {labelIds}
POST /_emulator/expire-history {email}                                 → {historyId}
POST /_emulator/revoke-tokens  {email}                                 → {revoked}
POST /_emulator/expire-access-token {token | email}                   → {expired}
POST /_emulator/issue-tokens   {email, scopes?, offline?}              → token response
POST /_emulator/quota          {email?, units_per_second, concurrent_limit?, exceeded_status?}
POST /_emulator/faults         {email?, error_rate, statuses?, latency_ms?}
POST /_emulator/push           {url, token?}
POST /_emulator/demo           {every_seconds}  (0 or null stops it)
POST /_emulator/load-eml       {email, path}                           → {ids}
POST /_emulator/reset
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from .httpmsg import Request, Response, json_response
from .state import Emulator

PREFIX = "/_emulator/"


class ControlError(Exception):
    """A bad control request (400) or unknown account/message (404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _str(body: dict[str, Any], key: str, required: bool = True) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ControlError(f"{key!r} must be a non-empty string")
    return value


def _list(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ControlError(f"{key!r} must be a list of strings")
    return value


class ControlEndpoints:
    """Serves the ``/_emulator/`` endpoints."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._posts: dict[str, Callable[[dict[str, Any]], Any]] = {
            "deliver": self.deliver,
            "delete": self.delete,
            "modify-labels": lambda b: {
                "labelIds": self.emulator.modify_labels(
                    _str(b, "email"), _str(b, "id"), _list(b, "add"), _list(b, "remove")
                )
            },
            "expire-history": lambda b: {
                "historyId": str(self.emulator.expire_history(_str(b, "email")))
            },
            "revoke-tokens": lambda b: {"revoked": self.emulator.revoke_tokens(_str(b, "email"))},
            "expire-access-token": lambda b: {
                "expired": self.emulator.expire_access_token(
                    _str(b, "token", False) or _str(b, "email")
                )
            },
            "issue-tokens": self.issue_tokens,
            "quota": self.quota,
            "faults": self.faults,
            "push": self.push,
            "demo": self.demo,
            "load-eml": lambda b: {
                "ids": self.emulator.load_eml(_str(b, "email"), _str(b, "path"))
            },
            "reset": self.reset,
        }

    def handle(self, req: Request) -> Response:
        """Serve one control request (never raises)."""
        name = req.path[len(PREFIX) :]
        try:
            if req.method == "GET":
                return json_response(self._get(name, req))
            if req.method != "POST" or name not in self._posts:
                raise ControlError(f"unknown control endpoint {req.method} {req.path}", 404)
            body = json.loads(req.body or b"{}")
            if not isinstance(body, dict):
                raise ControlError("body must be a JSON object")
            return json_response(self._posts[name](body))
        except ControlError as exc:
            return json_response({"error": str(exc)}, exc.status)
        except KeyError as exc:
            return json_response({"error": str(exc.args[0] if exc.args else exc)}, 404)
        except (ValueError, OSError) as exc:
            return json_response({"error": str(exc)}, 400)

    def _get(self, name: str, req: Request) -> Any:
        if name == "state":
            return self.emulator.summary()
        if name == "stats":
            return self.emulator.stats(req.param("email"))
        if name.startswith("truth/"):
            return {"messages": self.emulator.truth(name.removeprefix("truth/"))}
        raise ControlError(f"unknown control endpoint GET {req.path}", 404)

    def delete(self, body: dict[str, Any]) -> Any:
        self.emulator.delete(_str(body, "email"), _str(body, "id"))
        return {}

    def push(self, body: dict[str, Any]) -> Any:
        url = _str(body, "url", False) or None
        if url is not None and not url.startswith(("http://", "https://")):
            raise ControlError("url must be http(s)")
        self.emulator.configure_push(url, _str(body, "token", False) or None)
        return {}

    def reset(self, body: dict[str, Any]) -> Any:
        self.emulator.reset()
        return {}

    def deliver(self, body: dict[str, Any]) -> Any:
        raw: bytes | None = None
        if body.get("raw_base64") is not None:
            try:
                raw = base64.b64decode(_str(body, "raw_base64"))
            except binascii.Error:
                raise ControlError("raw_base64 is not valid base64") from None
        elif body.get("raw") is not None:
            raw = _str(body, "raw").encode("utf-8")
        internal_date = body.get("internal_date")
        if internal_date is not None and not isinstance(internal_date, int):
            raise ControlError("internal_date must be epoch milliseconds")
        labels = _list(body, "labels") if body.get("labels") is not None else None
        message_id = self.emulator.deliver(
            _str(body, "email"),
            raw,
            kind=_str(body, "kind", False) or None,
            labels=labels,
            thread_id=_str(body, "thread_id", False) or None,
            internal_date=internal_date,
        )
        return {"id": message_id}

    def issue_tokens(self, body: dict[str, Any]) -> Any:
        scopes = _list(body, "scopes")
        email = _str(body, "email")
        offline = bool(body.get("offline", True))
        if scopes:
            return self.emulator.issue_tokens(email, scopes, offline=offline)
        return self.emulator.issue_tokens(email, offline=offline)

    def quota(self, body: dict[str, Any]) -> Any:
        units = body.get("units_per_second")
        limit = body.get("concurrent_limit")
        status = body.get("exceeded_status", 429)
        if units is not None and not isinstance(units, int | float):
            raise ControlError("units_per_second must be a number or null")
        if limit is not None and not isinstance(limit, int):
            raise ControlError("concurrent_limit must be an integer or null")
        if status not in (429, 403):
            raise ControlError("exceeded_status must be 429 or 403")
        email = _str(body, "email", False) or None
        self.emulator.set_quota(email, units, limit, status)
        return {}

    def faults(self, body: dict[str, Any]) -> Any:
        rate = body.get("error_rate", 0.0)
        statuses = body.get("statuses", [500, 503])
        latency = body.get("latency_ms", 0.0)
        if not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise ControlError("error_rate must be between 0 and 1")
        if not isinstance(statuses, list) or not all(isinstance(s, int) for s in statuses):
            raise ControlError("statuses must be a list of integers")
        if not isinstance(latency, int | float) or latency < 0:
            raise ControlError("latency_ms must be a non-negative number")
        email = _str(body, "email", False) or None
        self.emulator.set_faults(email, float(rate), statuses, float(latency))
        return {}

    def demo(self, body: dict[str, Any]) -> Any:
        every = body.get("every_seconds")
        if every is None or every == 0:
            self.emulator.stop_demo()
        elif isinstance(every, int | float) and every > 0:
            self.emulator.start_demo(float(every))
        else:
            raise ControlError("every_seconds must be a positive number (0/null stops)")
        return {}
