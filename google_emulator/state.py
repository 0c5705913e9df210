"""The emulator's state and its Python control API.

:class:`Emulator` owns every mailbox, the OAuth token store, per-account limits and
the push notifier.  Everything that changes a mailbox goes through one ``RLock`` and
through the methods here, so the HTTP control endpoints, the demo thread and tests
all produce the same history records and push notifications as real mail would.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import generator, jobmail
from .config import EmulatorConfig
from .live import LiveMail
from .loader import read_messages
from .mailbox import Mailbox, StoredMessage, Watch
from .mime import ParsedMessage, parse_message
from .push import PushNotifier, PushTarget
from .quota import AccountGate, Limits
from .tokens import DEFAULT_TEST_SCOPES, Account, OAuthClient, TokenStore

log = logging.getLogger(__name__)

WATCH_LIFETIME_MS = 7 * 86_400_000
DEMO_KINDS = ("job", "job", "newsletter", "personal", "promotion", "update", "job_alert")
MAIL_KINDS = frozenset(
    {"job", *jobmail.STATUSES, "job_alert", "newsletter", "promotion", "personal"}
    | {"update", "social", "forum", "spam"}
)


@dataclass(slots=True, frozen=True)
class _Snapshot:
    """What :meth:`Emulator.reset` restores for one account."""

    email: str
    name: str
    sub: str
    messages: tuple[tuple[str, str, int, tuple[str, ...], int, bytes, ParsedMessage], ...]
    history_id: int
    user_labels: tuple[tuple[str, str], ...]
    truth: tuple[tuple[str, dict[str, Any]], ...]
    seq: int


def now_ms() -> int:
    """Return the current time in epoch milliseconds."""
    return int(time.time() * 1000)


class Emulator:
    """All state of one emulated Google: accounts, mailboxes, tokens, limits, push."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.lock = threading.RLock()
        self.mailboxes: dict[str, Mailbox] = {}
        self.gates: dict[str, AccountGate] = {}
        self.counters = {"http_requests": 0, "batch_requests": 0}
        client = OAuthClient(
            self.config.client_id, self.config.client_secret, tuple(self.config.redirect_uris)
        )
        self.tokens = TokenStore(client, self._oauth_account, self.config.access_token_lifetime)
        self.push = PushNotifier(PushTarget(self.config.push_url, self.config.push_token))
        self._seq: dict[str, int] = {}
        self._live: dict[str, LiveMail] = {}
        self._demo_stop: threading.Event | None = None
        self._build()
        self._snapshots = [self._snapshot(m, self._seq[m.email]) for m in self.mailboxes.values()]
        if self.config.demo_new_mail_every:
            self.start_demo(self.config.demo_new_mail_every)

    # -- building and resetting -------------------------------------------------------

    def _build(self) -> None:
        cfg = self.config
        for index in range(cfg.accounts):
            spec = generator.account_spec(index, cfg.seed)
            mailbox = self._new_mailbox(spec.email, spec.name, spec.sub)
            for name in generator.USER_LABELS:
                mailbox.add_user_label(name)
            mailbox.history_id = 1000 + 97 * index
            gen = generator.MailboxGenerator(spec, cfg.seed, index, cfg.anchor_date)
            self._fill(mailbox, gen.generate(cfg.messages))
        if cfg.load_eml and self.mailboxes:
            first = next(iter(self.mailboxes))
            for path in cfg.load_eml:
                self.load_eml(first, path)
        for mailbox in self.mailboxes.values():
            mailbox.expire_history()  # start-up mail has no history records, like old mail

    def _new_mailbox(self, email: str, name: str, sub: str) -> Mailbox:
        mailbox = Mailbox(email.lower(), name, sub, self.config.history_retention)
        self.mailboxes[mailbox.email] = mailbox
        self.gates[mailbox.email] = AccountGate(self._default_limits(), f"{self.config.seed}")
        self._seq[mailbox.email] = 0
        return mailbox

    def _default_limits(self) -> Limits:
        cfg = self.config
        return Limits(
            units_per_second=cfg.quota_units_per_second or None,
            concurrent_limit=cfg.concurrent_limit or None,
            exceeded_status=cfg.quota_exceeded_status,
            fault_rate=cfg.fault_rate,
            fault_statuses=tuple(cfg.fault_statuses),
            latency_ms=cfg.latency_ms,
        )

    def _fill(self, mailbox: Mailbox, drafts: list[generator.Draft]) -> None:
        threads: dict[str, str] = {}
        for draft in drafts:
            message_id = self._next_id(mailbox)
            thread_id = threads.setdefault(draft.thread_key, message_id)
            labels = [mailbox.add_user_label(label) for label in draft.labels]
            message = StoredMessage(
                message_id,
                thread_id,
                draft.internal_date,
                labels,
                mailbox.next_history_id(),
                draft.raw,
                parse_message(draft.raw),
            )
            mailbox.insert(message, record=False)
            if draft.truth is not None:
                mailbox.truth[message_id] = dict(draft.truth)

    def _next_id(self, mailbox: Mailbox) -> str:
        index = list(self.mailboxes).index(mailbox.email)
        while True:
            seq = self._seq[mailbox.email]
            self._seq[mailbox.email] = seq + 1
            candidate = generator.message_id_for(self.config.seed, index, seq)
            if candidate not in mailbox.messages:
                return candidate

    @staticmethod
    def _snapshot(mailbox: Mailbox, seq: int) -> _Snapshot:
        messages = tuple(
            (m.id, m.thread_id, m.internal_date, tuple(m.label_ids), m.history_id, m.raw, m.content)
            for m in mailbox.newest_first()
        )
        return _Snapshot(
            mailbox.email,
            mailbox.name,
            mailbox.sub,
            messages[::-1],
            mailbox.history_id,
            tuple(mailbox.user_labels.items()),
            tuple((k, dict(v)) for k, v in mailbox.truth.items()),
            seq,
        )

    def reset(self) -> None:
        """Restore the start-up mailboxes; forget tokens, watches, stats and limits."""
        self.stop_demo()
        with self.lock:
            self.mailboxes.clear()
            self.gates.clear()
            self._live.clear()
            for snap in self._snapshots:
                mailbox = self._new_mailbox(snap.email, snap.name, snap.sub)
                mailbox.user_labels.update(snap.user_labels)
                for mid, tid, date, labels, hid, raw, content in snap.messages:
                    message = StoredMessage(mid, tid, date, list(labels), hid, raw, content)
                    mailbox.insert(message, record=False)
                mailbox.history_id = snap.history_id
                mailbox.truth.update((k, dict(v)) for k, v in snap.truth)
                mailbox.expire_history()
                self._seq[mailbox.email] = snap.seq
            self.tokens.clear()
            self.counters = {"http_requests": 0, "batch_requests": 0}
            self.push.reset(PushTarget(self.config.push_url, self.config.push_token))
            self.push.sent = self.push.failed = 0
        if self.config.demo_new_mail_every:
            self.start_demo(self.config.demo_new_mail_every)

    def close(self) -> None:
        """Stop background threads (push sender, demo)."""
        self.stop_demo()
        self.push.stop()

    # -- lookups ----------------------------------------------------------------------

    @property
    def emails(self) -> list[str]:
        """Return the account addresses, in account order."""
        return list(self.mailboxes)

    def mailbox(self, email: str) -> Mailbox:
        """Return an account's mailbox (KeyError for unknown accounts)."""
        try:
            return self.mailboxes[email.lower()]
        except KeyError:
            raise KeyError(f"no emulated account {email!r}") from None

    def gate(self, email: str) -> AccountGate:
        """Return an account's limits/faults/stats gate."""
        return self.gates[email.lower()]

    def _oauth_account(self, email: str) -> Account | None:
        mailbox = self.mailboxes.get(email.lower())
        if mailbox is None:
            return None
        return Account(mailbox.email, mailbox.name, mailbox.sub, mailbox.picture)

    # -- mutations (each one is a Gmail history record and may trigger a push) --------

    def deliver(
        self,
        email: str,
        raw: bytes | None = None,
        *,
        kind: str | None = None,
        labels: Iterable[str] | None = None,
        thread_id: str | None = None,
        internal_date: int | None = None,
    ) -> str:
        """Deliver a message (``raw`` bytes, or a generated one of ``kind``); return its id.

        ``kind`` is ``job`` (a random job status), one of the job statuses
        (``rejection``, ``offer`` ...), or ``job_alert``, ``newsletter``, ``promotion``,
        ``personal``, ``update``, ``social``, ``forum``, ``spam``.  ``labels`` are ids or
        names (unknown names create user labels); by default generated mail keeps its
        generated labels and raw mail gets INBOX + UNREAD.
        """
        with self.lock:
            mailbox = self.mailbox(email)
            if thread_id is not None and thread_id not in mailbox.threads:
                raise KeyError(f"unknown thread {thread_id!r}")
            if raw is None and kind is not None and kind not in MAIL_KINDS:
                raise ValueError(f"unknown kind {kind!r}; one of {sorted(MAIL_KINDS)}")
            truth: dict[str, Any] | None = None
            if raw is None:
                draft = self._generate(mailbox, kind or "job", thread_id)
                raw, default_labels, truth = draft.raw, draft.labels, draft.truth
            else:
                default_labels = ["INBOX", "UNREAD"]
            content = parse_message(raw)
            thread_id = thread_id or self._thread_of(mailbox, content)
            message_id = self._next_id(mailbox)
            label_ids = [mailbox.add_user_label(label) for label in (labels or default_labels)]
            message = StoredMessage(
                message_id,
                thread_id or message_id,
                internal_date if internal_date is not None else now_ms(),
                list(dict.fromkeys(label_ids)),
                0,
                raw,
                content,
            )
            mailbox.insert(message)
            if truth is not None:
                mailbox.truth[message_id] = dict(truth)
            self._changed(mailbox, message.label_ids)
            return message_id

    def _thread_of(self, mailbox: Mailbox, content: ParsedMessage) -> str | None:
        """Return the thread a reply belongs to, from In-Reply-To/References."""
        refs = f"{content.header('References')} {content.header('In-Reply-To')}".split()
        if not refs:
            return None
        wanted = set(refs)
        for message in mailbox.newest_first():
            if message.content.header("Message-ID") in wanted:
                return message.thread_id
        return None

    def _generate(self, mailbox: Mailbox, kind: str, thread_id: str | None) -> generator.Draft:
        live = self._live.get(mailbox.email)
        if live is None:
            index = list(self.mailboxes).index(mailbox.email)
            live = self._live[mailbox.email] = LiveMail(mailbox, self.config.seed, index)
        return live.generate(kind, thread_id)

    def delete(self, email: str, message_id: str) -> None:
        """Delete a message permanently (KeyError if unknown)."""
        with self.lock:
            mailbox = self.mailbox(email)
            if message_id not in mailbox.messages:
                raise KeyError(f"unknown message {message_id!r}")
            message = mailbox.remove(message_id)
            self._changed(mailbox, message.label_ids)

    def modify_labels(
        self,
        email: str,
        message_id: str,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> list[str]:
        """Add/remove labels (ids or names); return the message's labels after it."""
        with self.lock:
            mailbox = self.mailbox(email)
            if message_id not in mailbox.messages:
                raise KeyError(f"unknown message {message_id!r}")
            add_ids = [self._label(mailbox, label) for label in add]
            remove_ids = [self._label(mailbox, label) for label in remove]
            before = mailbox.messages[message_id].history_id
            message = mailbox.change_labels(message_id, add_ids, remove_ids)
            if message.history_id != before:
                self._changed(mailbox, [*message.label_ids, *remove_ids])
            return list(message.label_ids)

    @staticmethod
    def _label(mailbox: Mailbox, name_or_id: str) -> str:
        label_id = mailbox.label_id_for(name_or_id)
        if label_id is None:
            raise ValueError(f"Invalid label: {name_or_id}")
        return label_id

    def _changed(self, mailbox: Mailbox, labels: Iterable[str]) -> None:
        watch = mailbox.watch
        if watch is None or watch.expiration_ms <= now_ms():
            return
        if watch.label_ids:
            touched = bool(set(watch.label_ids) & set(labels))
            if touched == (watch.label_filter_behavior == "exclude"):
                return
        self.push.notify(mailbox.email, mailbox.history_id, watch.topic_name)

    def expire_history(self, email: str) -> int:
        """Make every earlier startHistoryId answer 404; return the current historyId."""
        with self.lock:
            mailbox = self.mailbox(email)
            mailbox.expire_history()
            return mailbox.history_id

    def load_eml(self, email: str, path: str | os.PathLike[str]) -> list[str]:
        """Deliver every message in an .eml file, a directory of them, or an mbox."""
        ids = []
        for raw in read_messages(path):
            content = parse_message(raw)
            when = content.date_ms if content.date_ms and content.date_ms > 0 else now_ms()
            ids.append(self.deliver(email, raw, labels=["INBOX"], internal_date=when))
        return ids

    # -- watch ------------------------------------------------------------------------

    def watch(
        self, email: str, topic_name: str, label_ids: Iterable[str] = (), behavior: str = "include"
    ) -> tuple[int, int]:
        """Start (or renew) push notifications; return (historyId, expiration ms)."""
        with self.lock:
            mailbox = self.mailbox(email)
            expiration = now_ms() + WATCH_LIFETIME_MS
            mailbox.watch = Watch(topic_name, tuple(label_ids), behavior, expiration)
            return mailbox.history_id, expiration

    def stop_watch(self, email: str) -> None:
        """Stop push notifications for an account."""
        with self.lock:
            self.mailbox(email).watch = None

    def configure_push(self, url: str | None, token: str | None = None) -> None:
        """Set where pushes are POSTed and the bearer token they carry."""
        self.push.reset(PushTarget(url, token))

    # -- tokens -----------------------------------------------------------------------

    def issue_tokens(
        self,
        email: str,
        scopes: Iterable[str] = DEFAULT_TEST_SCOPES,
        *,
        offline: bool = True,
        client_id: str | None = None,
    ) -> dict[str, Any]:
        """Return a token response for ``email`` without the consent page (for tests)."""
        with self.lock:
            return self.tokens.issue(self.mailbox(email).email, scopes, client_id, offline)

    def revoke_tokens(self, email: str) -> int:
        """Revoke all refresh and access tokens of an account; return how many."""
        with self.lock:
            return self.tokens.revoke_account(self.mailbox(email).email)

    def expire_access_token(self, token_or_email: str) -> int:
        """Expire one access token, or all of an account's; return how many."""
        with self.lock:
            return self.tokens.expire_access(
                token_or_email.lower() if "@" in token_or_email else token_or_email
            )

    # -- limits -----------------------------------------------------------------------

    def _gates_for(self, email: str | None) -> list[AccountGate]:
        return list(self.gates.values()) if email is None else [self.gate(email)]

    def set_quota(
        self,
        email: str | None,
        units_per_second: float | None,
        concurrent_limit: int | None = None,
        exceeded_status: int = 429,
    ) -> None:
        """Set an account's (or, with None, every account's) quota; 0/None = off."""
        for gate in self._gates_for(email):
            limits = gate.limits
            limits = Limits(
                units_per_second or None,
                concurrent_limit or None,
                exceeded_status,
                limits.fault_rate,
                limits.fault_statuses,
                limits.latency_ms,
            )
            gate.configure(limits)

    def set_faults(
        self,
        email: str | None,
        error_rate: float,
        statuses: Iterable[int] = (500, 503),
        latency_ms: float = 0.0,
    ) -> None:
        """Inject 5xx answers at ``error_rate`` and add ``latency_ms`` to every call."""
        for gate in self._gates_for(email):
            limits = gate.limits
            gate.configure(
                Limits(
                    limits.units_per_second,
                    limits.concurrent_limit,
                    limits.exceeded_status,
                    error_rate,
                    tuple(statuses),
                    latency_ms,
                )
            )

    # -- demo -------------------------------------------------------------------------

    def start_demo(self, every_seconds: float) -> None:
        """Deliver a generated message to a random account every ``every_seconds``."""
        self.stop_demo()
        stop = threading.Event()
        self._demo_stop = stop
        rng = random.Random(f"{self.config.seed}:demo")

        def run() -> None:
            while not stop.wait(every_seconds):
                try:
                    email = rng.choice(self.emails)
                    self.deliver(email, kind=rng.choice(DEMO_KINDS))
                except Exception:  # the demo must never take the emulator down
                    log.exception("demo delivery failed")

        threading.Thread(target=run, name="gmail-demo", daemon=True).start()

    def stop_demo(self) -> None:
        """Stop the demo delivery thread, if running."""
        if self._demo_stop is not None:
            self._demo_stop.set()
            self._demo_stop = None

    # -- reports ----------------------------------------------------------------------

    def stats(self, email: str | None = None) -> dict[str, Any]:
        """Return call counters per account (or for one account) and global counters."""
        if email is not None:
            return self.gate(email).stats.as_dict()
        return {
            "accounts": {e: g.stats.as_dict() for e, g in self.gates.items()},
            **self.counters,
            "push_sent": self.push.sent,
            "push_failed": self.push.failed,
        }

    def truth(self, email: str) -> list[dict[str, Any]]:
        """Return the generator's ground truth for received messages, oldest first."""
        with self.lock:
            return self.mailbox(email).truth_rows()

    def summary(self) -> dict[str, Any]:
        """Return a JSON-friendly overview of every account."""
        with self.lock:
            accounts = [
                {**m.summary(), "limits": self.gates[m.email].limits.as_dict()}
                for m in self.mailboxes.values()
            ]
            return {
                "accounts": accounts,
                "clientId": self.config.client_id,
                "redirectUris": list(self.config.redirect_uris),
                "pushUrl": self.push.target.url,
            }
