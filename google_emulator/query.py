"""The subset of Gmail's search syntax (``q=``) the emulator understands.

Supported (anything else is answered with 400 ``invalidArgument``, so a client never
silently gets results for a query the emulator did not understand):

* bare words and ``"quoted phrases"`` — whole words, case- and accent-insensitive (Latin,
  Greek and Cyrillic accents only), a phrase within one field value; CJK text as
  overlapping bigrams, so a word inside a longer run is found (see ``wordmatch``);
* ``from:`` ``to:`` ``cc:`` ``bcc:`` ``deliveredto:`` (Delivered-To, X-Original-To)
  ``list:`` — a whole address, a local part or a domain (``from:lever.co``), or words of
  the display name or address (``to:garcia``, ``from:"first last"``); ``me`` is the
  account; ``subject:`` ``filename:`` — words of that field; ``rfc822msgid:``;
* ``label:`` (id, name, or name with ``-`` for spaces), ``in:`` (inbox, sent, trash,
  spam, draft(s), starred, important, unread, anywhere), ``is:`` (unread, read, starred,
  important), ``category:`` (primary, personal, social, promotions, updates, forums),
  ``has:attachment`` and ``has:drive|document|spreadsheet|presentation|youtube`` (links
  in the text or the HTML's hrefs), ``has:userlabels`` / ``has:nouserlabels``;
* ``after:`` ``before:`` (``YYYY/MM/DD``, ``YYYY-MM-DD``, ``MM/DD/YYYY`` or epoch seconds;
  dates are midnight UTC — Gmail uses the account's time zone), ``newer_than:``
  ``older_than:`` (``Nd``, ``Nm``, ``Ny``: calendar months and years),
  ``larger:`` ``smaller:`` (``10K``, ``2M``);
* ``a AROUND n b`` (words or phrases within ``n`` words of each other in one field value,
  either order; 5 without ``n``);
* ``-term`` negation, implicit or explicit ``AND``, ``OR``, ``( ... )`` grouping and
  ``{a b}`` (= a OR b), also as operator values: ``from:(greenhouse.io OR lever.co)``;
  ``a|b`` is ``a OR b``; an operator's value may follow a space (``from: lever.co``).
  As in Gmail, ``OR`` binds tighter than AND: ``a b OR c`` is ``a AND (b OR c)``.

The matching rules are Mailbox's (``mails/search``), restated in ``wordmatch``: a test
runs the same queries through both and compares the results.

Like Gmail, SPAM and TRASH are searched only if the query names them (``in:spam``,
``label:trash``, ``in:anywhere``) or ``includeSpamTrash=true``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from .mailbox import Mailbox, StoredMessage
from .wordmatch import LINKS, fold, message_id_term, words

Predicate = Callable[[StoredMessage], bool]

# "|" is OR, as Gmail reads it in filters ("from:(a@x.com|b@y.com)").
_TOKEN = re.compile(
    r'\s*(?:(?P<punct>[(){}])|(?P<pipe>\|)|"(?P<phrase>[^"]*)"?|(?P<word>[^\s(){}"|]+))'
)
_DAY_MS = 86_400_000
_SIZES = {"": 1, "k": 1024, "m": 1024 * 1024}
MAX_AROUND = 100
# ASCII digits only: str.isdigit() also takes "²", which int() refuses.
_DIGITS = re.compile(r"[0-9]+")
_HAS = frozenset({"attachment", *LINKS})
# A whole address, a domain or a dotted local part is one exact term; other values are words.
_ADDRESS = re.compile(r"[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+")
_DOTTED = re.compile(r"@?[^\s@.]+(?:\.[^\s@.]+)+")
_WORD_OPERATORS = frozenset({"from", "to", "cc", "bcc", "list", "deliveredto"})
_IN = {
    "inbox": "INBOX",
    "sent": "SENT",
    "trash": "TRASH",
    "spam": "SPAM",
    "draft": "DRAFT",
    "drafts": "DRAFT",
    "starred": "STARRED",
    "important": "IMPORTANT",
    "unread": "UNREAD",
    "chats": "CHAT",
}
_CATEGORIES = {
    "primary": "CATEGORY_PERSONAL",
    "personal": "CATEGORY_PERSONAL",
    "social": "CATEGORY_SOCIAL",
    "promotions": "CATEGORY_PROMOTIONS",
    "updates": "CATEGORY_UPDATES",
    "forums": "CATEGORY_FORUMS",
}
OPERATORS = frozenset(
    {"subject", "label", "in", "is", "category", "has", "filename", "rfc822msgid"}
    | {"after", "before", "newer", "older", "newer_than", "older_than", "larger", "smaller"}
    | _WORD_OPERATORS
)


class QueryError(ValueError):
    """The query uses syntax outside the supported subset."""


@dataclass(slots=True)
class CompiledQuery:
    """A parsed query bound to one mailbox."""

    match: Predicate
    includes_spam_trash: bool


def compile_query(text: str, mailbox: Mailbox, now_ms: int | None = None) -> CompiledQuery:
    """Parse ``text`` and return a predicate over the mailbox's messages."""
    parser = _Parser(_tokenize(text), mailbox, now_ms or int(time.time() * 1000))
    if not parser.tokens:
        return CompiledQuery(lambda m: True, False)
    predicate = parser.and_expr(None)
    if parser.pos < len(parser.tokens):
        raise QueryError(f"Unexpected {parser.tokens[parser.pos][1]!r} in query")
    return CompiledQuery(predicate, parser.spam_trash)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        if m.group("punct"):
            tokens.append(("punct", m.group("punct")))
        elif m.group("pipe"):
            if _joins(tokens, text[m.end() :]):
                tokens.append(("word", "OR"))  # else punctuation with nothing to join: ignored
        elif m.group("phrase") is not None:
            tokens.append(("phrase", m.group("phrase")))
        elif m.group("word") == "-" and text[m.end() : m.end() + 1] in {"(", "{", '"'}:
            tokens.append(("neg", "-"))  # -(a OR b), -{a b}, -"a phrase"
        elif m.group("word"):
            tokens.append(("word", m.group("word")))
    return tokens


_CONNECTIVE = re.compile(r"(?:OR|AND|AROUND)(?=[\s(){}\"|]|$)")


def _joins(before: list[tuple[str, str]], after: str) -> bool:
    """Whether a ``|`` stands between two terms (as Mailbox's lexer decides it)."""
    rest = after.lstrip()
    if not before or not rest or rest[0] in ")}|" or _CONNECTIVE.match(rest):
        return False
    kind, text = before[-1]
    opens = (kind == "punct" and text in "({") or kind == "neg"
    connects = kind == "word" and (text in {"OR", "AND", "AROUND", "-"} or text.endswith(":"))
    return not (opens or connects)


def _phrase(found: list[str], field: str | None) -> Predicate:
    """Words (adjacent and in order when several) in any field value, or in ``field``'s."""
    prefix = f"{field}:" if field else ""
    terms = [prefix + word for word in dict.fromkeys(found)]
    if not terms:
        return lambda m: True  # punctuation only: Gmail ignores it
    if len(found) == 1:
        term = terms[0]
        return lambda m: term in m.content.search_index().terms
    line = rf"^{re.escape(field)}:[^\n]*" if field else ""
    pattern = re.compile(rf"{line} {' '.join(re.escape(w) for w in found)}(?: |$)", re.M)

    def match(m: StoredMessage) -> bool:
        index = m.content.search_index()
        return all(t in index.terms for t in terms) and pattern.search(index.text) is not None

    return match


_ENDS = (("word", "OR"), ("word", "AND"), ("word", "AROUND"), ("punct", ")"), ("punct", "}"))


def _is_text(token: tuple[str, str]) -> bool:
    """A bare word or phrase: what AROUND joins."""
    kind, text = token
    if kind == "phrase":
        return True
    return kind == "word" and ":" not in text and not text.startswith("-") and token not in _ENDS


def _is_distance(token: tuple[str, str], following: list[tuple[str, str]]) -> bool:
    """The n of ``AROUND n b``: a number with another term after it."""
    return (
        token[0] == "word"
        and _DIGITS.fullmatch(token[1]) is not None
        and bool(following)
        and following[0] not in _ENDS
    )


def _near(left: str, right: str, distance: int) -> Predicate:
    """Both words (or phrases) in one field value, either order, at most ``distance`` words
    between them."""
    first, second = words(left), words(right)
    if not first or not second:
        raise QueryError("AROUND needs a word or phrase on each side")
    terms = list(dict.fromkeys([*first, *second]))
    one, other = " ".join(map(re.escape, first)), " ".join(map(re.escape, second))
    gap = rf"(?: [^ \n]+){{0,{distance}}}"
    pattern = re.compile(rf" (?:{one}{gap} {other}|{other}{gap} {one})(?: |$)", re.M)

    def match(m: StoredMessage) -> bool:
        index = m.content.search_index()
        return all(t in index.terms for t in terms) and pattern.search(index.text) is not None

    return match


def _is_value(word: str) -> bool:
    """Whether a word after ``op:`` and a space is that operator's value: not a connective,
    a negation or another operator."""
    name, colon, _ = word.partition(":")
    return (
        word not in {"OR", "AND", "AROUND"}
        and not word.startswith("-")
        and not (colon and name.lower() in OPERATORS)
    )


def _all(preds: list[Predicate]) -> Predicate:
    return preds[0] if len(preds) == 1 else (lambda m: all(p(m) for p in preds))


def _any(preds: list[Predicate]) -> Predicate:
    return preds[0] if len(preds) == 1 else (lambda m: any(p(m) for p in preds))


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], mailbox: Mailbox, now_ms: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.mailbox = mailbox
        self.now_ms = now_ms
        self.spam_trash = False

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise QueryError("Unexpected end of query")
        self.pos += 1
        return token

    def and_expr(self, value_of: str | None) -> Predicate:
        items: list[Predicate] = []
        while (token := self.peek()) is not None and token not in (
            ("punct", ")"),
            ("punct", "}"),
        ):
            if token == ("word", "AND"):
                self.pos += 1
                continue
            items.append(self.or_expr(value_of))
        if not items:
            raise QueryError("Empty expression in query")
        return _all(items)

    def or_expr(self, value_of: str | None) -> Predicate:
        branches = [self.near(value_of)]
        while self.peek() == ("word", "OR"):
            self.pos += 1
            if self.peek() in (None, *_ENDS):
                raise QueryError("OR needs a search term after it")
            branches.append(self.near(value_of))
        return _any(branches)

    def near(self, value_of: str | None) -> Predicate:
        """``a AROUND 5 b`` (binds tighter than OR; 5 when the number is left out)."""
        start = self.peek()
        predicate = self.unary(value_of)
        left = start[1] if start is not None and _is_text(start) else None
        while self.peek() == ("word", "AROUND"):
            self.pos += 1
            distance = 5
            token, following = self.peek(), self.tokens[self.pos + 1 : self.pos + 2]
            if token is not None and _is_distance(token, following):
                distance = int(token[1])
                self.pos += 1
                if distance > MAX_AROUND:  # as Mailbox: the regex window stays small
                    raise QueryError(f"AROUND takes at most {MAX_AROUND} words")
            right = self.peek()
            if value_of is not None or left is None or right is None or not _is_text(right):
                raise QueryError("AROUND needs a word or phrase on each side")
            self.pos += 1
            predicate = _all([predicate, _near(left, right[1], distance)])
            left = right[1]
        return predicate

    def unary(self, value_of: str | None) -> Predicate:
        kind, text = self.take()
        if (kind, text) == ("word", "AROUND"):
            raise QueryError("AROUND needs a word or phrase before it")
        if kind == "neg":
            negated = self.unary(value_of)
            return lambda m: not negated(m)
        if kind == "word" and text.startswith("-") and len(text) > 1:
            self.tokens.insert(self.pos, ("word", text[1:]))
            inner = self.unary(value_of)
            return lambda m: not inner(m)
        if kind == "punct" and text == "(":
            inner = self.and_expr(value_of)
            self.expect(")")
            return inner
        if kind == "punct" and text == "{":
            options: list[Predicate] = []
            while self.peek() not in (("punct", "}"), None):
                options.append(self.unary(value_of))
            self.expect("}")
            if not options:
                raise QueryError("Empty {} group in query")
            return _any(options)
        if kind == "punct":
            raise QueryError(f"Unexpected {text!r} in query")
        if value_of is not None:
            return self.operator(value_of, text)
        if kind == "word" and ":" in text:
            return self.operator_term(text)
        return _phrase(words(text), None)

    def expect(self, punct: str) -> None:
        if self.take() != ("punct", punct):
            raise QueryError(f"Expected {punct!r} in query")

    def operator_term(self, word: str) -> Predicate:
        name, _, value = word.partition(":")
        name = name.lower()
        if name not in OPERATORS:
            raise QueryError(f"Unsupported search operator {name + ':'!r}")
        if value:
            return self.operator(name, value)
        token = self.peek()
        if token is None:
            raise QueryError(f"Missing value for {name}:")
        if token[0] == "phrase":
            self.pos += 1
            return self.operator(name, token[1])
        if token[0] == "punct" and token[1] in "({":
            return self.unary(name)
        if token[0] == "word" and _is_value(token[1]):
            # "from: amy@example.com": Gmail reads a value after a space as the operator's.
            self.pos += 1
            return self.operator(name, token[1])
        raise QueryError(f"Missing value for {name}:")

    def operator(self, name: str, value: str) -> Predicate:
        raw, value = value, fold(value).strip()
        if not value:
            raise QueryError(f"Missing value for {name}:")
        if name in _WORD_OPERATORS:
            return self.address_operator(name, value)
        if name in ("subject", "filename"):
            return _phrase(words(value), name)
        if name == "rfc822msgid":
            term = message_id_term(value)
            return lambda m: term in m.content.search_index().terms
        if name in ("label", "in", "category", "is"):
            return self.label_operator(name, value, raw.strip())
        if name == "has" and value in ("userlabels", "nouserlabels"):
            made = self.mailbox.user_labels
            wanted = value == "userlabels"
            return lambda m: any(label in made for label in m.label_ids) == wanted
        if name == "has":
            if value not in _HAS:
                raise QueryError(f"Unsupported value has:{raw}")
            term = f"has:{value}"
            return lambda m: term in m.content.search_index().terms
        if name in ("larger", "smaller"):
            size = _size(value)
            if name == "larger":
                return lambda m: m.size_estimate > size
            return lambda m: m.size_estimate < size
        return self.date_operator(name, value)

    def address_operator(self, name: str, value: str) -> Predicate:
        """A whole address, local part or domain is one term; anything else, words."""
        if value == "me" and name != "list":
            value = fold(self.mailbox.email)
        if name == "list":
            value = value.replace("@", ".")  # list:info@example.com is info.example.com
        value = value.replace("*", "")  # a filter's wildcard: from:*@github.com is github.com
        if _ADDRESS.fullmatch(value) or _DOTTED.fullmatch(value):
            term = f"{name}:{value.lstrip('@')}"
            return lambda m: term in m.content.search_index().terms
        found = words(value)
        if not found:
            raise QueryError(f"{name}: needs a word to search for")
        return _phrase(found, name)

    def label_operator(self, name: str, value: str, raw: str = "") -> Predicate:
        if name == "is":
            if value == "read":
                return lambda m: "UNREAD" not in m.label_ids
            if value not in ("unread", "starred", "important"):
                raise QueryError(f"Unsupported value is:{value}")
            label = value.upper()
            return lambda m: label in m.label_ids
        if name == "category":
            if value not in _CATEGORIES:
                raise QueryError(f"Unknown category:{value}")
            label = _CATEGORIES[value]
            return lambda m: label in m.label_ids
        if name == "in" and value == "anywhere":
            self.spam_trash = True
            return lambda m: True
        if name == "in":
            if value not in _IN:
                raise QueryError(f"Unsupported value in:{value}")
            label = _IN[value]
        else:
            found = _label_id(self.mailbox, value, raw)
            if found is None:
                return lambda m: False  # Gmail: an unknown label matches nothing
            label = found
        if label in ("SPAM", "TRASH"):
            self.spam_trash = True
        return lambda m: label in m.label_ids

    def date_operator(self, name: str, value: str) -> Predicate:
        if name in ("newer_than", "older_than"):
            m = re.fullmatch(r"(\d{1,6})([dmy])", value)
            if not m:
                raise QueryError(f"Invalid {name}:{value}")
            limit = _ago(self.now_ms, int(m.group(1)), m.group(2))
            if name == "newer_than":
                return lambda msg: msg.internal_date > limit
            return lambda msg: msg.internal_date <= limit
        at = _date_ms(value)
        if name in ("after", "newer"):
            return lambda msg: msg.internal_date >= at
        return lambda msg: msg.internal_date < at


def _label_query_name(name: str) -> str:
    """Return how a query names a label: folded, blanks and "/" as "-" (as Gmail and
    Mailbox do: ``label:job-search`` is "Job search", ``label:uber`` is "Über")."""
    return re.sub(r"[\s/]+", "-", fold(name).strip())


def _label_id(mailbox: Mailbox, value: str, raw: str) -> str | None:
    """Return the id of the label a query names by id or by name, or None."""
    found = mailbox.label_id_for(raw) or mailbox.label_id_for(value)
    if found is not None:
        return found
    wanted = _label_query_name(value)
    for label_id, name in mailbox.user_labels.items():
        if _label_query_name(name) == wanted:
            return label_id
    return None


def _ago(now_ms: int, amount: int, unit: str) -> int:
    """Return ``now`` minus ``amount`` days, or calendar months or years, the day clamped to
    the target month's length (31 March minus 1m is 28 or 29 February), as Mailbox does."""
    if unit == "d":
        return now_ms - amount * _DAY_MS
    now = dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC)
    year, month = divmod(now.year * 12 + now.month - 1 - amount * (12 if unit == "y" else 1), 12)
    if year < 1:
        return -(10**15)  # before any mail
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return int(now.replace(year=year, month=month + 1, day=day).timestamp() * 1000)


def _date_ms(value: str) -> int:
    if _DIGITS.fullmatch(value) and len(value) <= 12:
        return int(value) * 1000
    iso = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", value)
    us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)  # Gmail help's MM/DD/YYYY
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    elif us:
        year, month, day = int(us[3]), int(us[1]), int(us[2])
    else:
        raise QueryError(f"Invalid date {value!r} (use YYYY/MM/DD or MM/DD/YYYY)")
    try:
        return int(dt.datetime(year, month, day, tzinfo=dt.UTC).timestamp() * 1000)
    except ValueError as exc:
        raise QueryError(f"Invalid date {value!r}") from exc


def _size(value: str) -> int:
    m = re.fullmatch(r"(\d{1,12})([km]?)b?", value)
    if not m:
        raise QueryError(f"Invalid size {value!r}")
    return int(m.group(1)) * _SIZES[m.group(2)]
