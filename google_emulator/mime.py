"""RFC 822 bytes → the Gmail API's view of a message (payload tree, headers, snippet).

Parsing happens once, when a message enters a mailbox, so serving ``format=full`` is a
dictionary lookup.  It never raises: a message Python's parser cannot handle is served
as one ``text/plain`` part holding the raw bytes, the way Gmail still shows broken mail.

Choices that mirror Gmail (and that clients must therefore handle):

* header values are unfolded and RFC 2047-decoded; ``partId`` is ``""`` for the top
  part, then ``"0"``, ``"1"``, ``"0.1"`` ...; multipart nodes have ``body: {"size": 0}``;
* ``body.data`` is URL-safe base64 *with* padding of the transfer-decoded bytes; text
  parts are converted to UTF-8;
* attachment parts (a filename, ``Content-Disposition: attachment`` or a non-text type)
  larger than :data:`ATTACHMENT_INLINE_LIMIT` get ``body: {"attachmentId", "size"}`` and
  are fetched with ``messages.attachments.get``; smaller ones are inlined as ``data``;
* an attached message (``message/rfc822``, ``message/global``) is a part of its own
  (its filename, headers, ``body.size`` of the enclosed message's bytes, an attachmentId
  above the inline limit) whose ``parts`` hold the enclosed message's tree, its top part
  numbered ``<partId>.0`` and carrying the enclosed message's headers;
* the snippet is the first ~200 characters of the text, whitespace collapsed, and
  HTML-escaped exactly like Gmail's (``'`` → ``&#39;``, ``&`` → ``&amp;`` ...).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email.utils
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from typing import Any

from .bodytext import shown_text
from .wordmatch import SearchIndex, build_index

ATTACHMENT_INLINE_LIMIT = 4096
# Parts whose body is a whole message, served with that message's tree as their ``parts``.
EMBEDDED_MESSAGE_TYPES = ("message/rfc822", "message/global")
SNIPPET_LENGTH = 200

_UNFOLD = re.compile(r"\r?\n(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_WS = re.compile(r"\s+")
# Legacy charset labels and the supersets senders actually write in them (WHATWG).
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}
# The href of an <a> or <area> tag, quoted or not (Mailbox reads has:youtube & co. there).
_LINK_TAG = re.compile(r"<(?:a|area)\b([^>]*)>", re.I)
_HREF = re.compile(r"""(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# A header name, then blanks before its colon (RFC 5322 4.5.1 obs-optional).
_SPACED_NAME = re.compile(rb"^([!-9;-~]{1,76})[ \t]+:", re.M)
_PLAIN_NAME = re.compile(rb"^[!-9;-~]{1,76}:", re.M)
_DROP_BLOCKS = re.compile(r"<(style|script|head|title)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
# Inline elements sit inside words ("Inter<b>view</b>"): removing them must not split
# the word, while block elements and line breaks separate text.
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|big|cite|code|em|font|i|kbd|mark|q|s|small|span|strike|strong"
    r"|sub|sup|u|var)\b[^>]*>",
    re.I,
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Tags that start a new line of text (paragraphs, line breaks, blocks, rows), as Mailbox's
# HTML reader breaks them: the HTML alternative is compared with the plain text by lines.
_LINE_TAG = re.compile(
    r"</?(?:p|h[1-6]|blockquote|table|ul|ol|pre|hr|br|div|li|tr|dd|dt|dl|section|article"
    r"|header|footer|address|aside|nav|main|figure|figcaption|form|fieldset|center|caption"
    r"|tbody|thead|tfoot|option)\b[^>]*>",
    re.I,
)
_SNIPPET_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
)


def b64url(data: bytes) -> str:
    """Return URL-safe base64 with padding, as the Gmail API encodes ``data``/``raw``."""
    return base64.urlsafe_b64encode(data).decode("ascii")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(slots=True)
class ParsedMessage:
    """Everything derived from a message's RFC 822 bytes, computed once."""

    payload: dict[str, Any]
    headers: list[dict[str, str]]
    snippet: str
    subject: str
    sender: str
    # The text Mailbox shows (plain, else HTML's text) and the HTML alternative's text
    # when the plain one is shown: both are searched, as Gmail searches every text part.
    body_text: str
    alternative_text: str
    filenames: list[str]
    attachments: dict[str, tuple[str, int]]
    date_ms: int | None
    # The http(s) targets of the HTML parts' links: has:youtube and friends read them too.
    links: list[str] = field(default_factory=list)
    # Parts listed as attachments (has:attachment), named or not; an attached message's
    # own files are not the message's.
    attachment_count: int = 0
    payload_json: bytes = b""
    _header_index: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    _search_index: SearchIndex | None = None

    def __post_init__(self) -> None:
        self.payload_json = _dumps(self.payload)
        for header in self.headers:
            self._header_index.setdefault(header["name"].lower(), []).append(header)

    @property
    def has_attachment(self) -> bool:
        """Return True if the message lists an attachment (named or not)."""
        return self.attachment_count > 0

    def headers_named(self, names: list[str]) -> list[dict[str, str]]:
        """Return the top-level headers whose names are in ``names`` (case-insensitive).

        Gmail returns them in message order, not in the order they were asked for.
        """
        wanted = {n.lower() for n in names}
        return [h for h in self.headers if h["name"].lower() in wanted]

    def header(self, name: str) -> str:
        """Return the first top-level header value with this name, or ''."""
        found = self._header_index.get(name.lower())
        return found[0]["value"] if found else ""

    def header_values(self, name: str) -> list[str]:
        """Return every top-level header value with this name, in message order."""
        return [h["value"] for h in self._header_index.get(name.lower(), [])]

    def search_index(self) -> SearchIndex:
        """Return the message's words as ``q`` matches them, built on first use."""
        if self._search_index is None:
            self._search_index = build_index(self)
        return self._search_index


def clean_text(value: str) -> str:
    """Replace undecodable bytes (surrogate escapes) so the text can be JSON-encoded."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def decode_header_value(value: str) -> str:
    """Return a header value unfolded and with RFC 2047 encoded-words decoded.

    Written out rather than ``email.header.decode_header``, which re-encodes the text
    around encoded-words with ``raw-unicode-escape`` and so turns a non-ASCII letter or a
    replacement character beside them into six-character ``\\uXXXX`` escapes.  8-bit
    bytes inside an encoded-word are decoded with the word's declared charset; adjacent
    words in one charset are decoded together, because mailers split a multi-byte
    character across two words.
    """
    value = _UNFOLD.sub("", value)
    if "=?" not in value:
        return clean_text(value)
    pieces: list[str] = []
    position = 0
    after_word = False
    charset, pending = "", bytearray()  # the bytes of adjacent words in one charset
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        position = match.end()
        data = _word_bytes(match)
        word_charset = match.group(1).split("*", 1)[0].lower()  # RFC 2231 adds "*language"
        # RFC 2047 6.2: blanks between two adjacent encoded-words are not displayed.
        joined = after_word and not between.strip(" \t")
        if pending and not (joined and data is not None and word_charset == charset):
            pieces.append(decode_word_bytes(bytes(pending), charset))
            pending.clear()
        if not joined:
            pieces.append(clean_text(between))
        if data is None:  # broken base64: keep the word as sent
            pieces.append(clean_text(match.group(0)))
            after_word = False
            continue
        charset, after_word = word_charset, True
        pending += data
    if pending:
        pieces.append(decode_word_bytes(bytes(pending), charset))
    pieces.append(clean_text(value[position:]))
    return "".join(pieces)


def _word_bytes(match: re.Match[str]) -> bytes | None:
    encoding, text = match.group(2).upper(), match.group(3)
    # 8-bit bytes written raw inside a word come back from compat32 as surrogate escapes.
    data = text.encode("utf-8", "surrogateescape")
    try:
        if encoding == "Q":
            return binascii.a2b_qp(data.replace(b"_", b" "))
        return base64.b64decode(data + b"=" * (-len(data) % 4))
    except (ValueError, binascii.Error):
        return None


def decode_word_bytes(data: bytes, charset: str) -> str:
    """Return the bytes of encoded-words in ``charset`` as text, never failing.

    A legacy label is read as its usual superset (GB2312 as GB18030, Latin-1 as
    Windows-1252), as mail clients do (WHATWG Encoding Standard). Bytes that charset cannot
    read are read as UTF-8 when only a few of them are broken, else with replacements (a
    word labelled UTF-8 as Windows-1252: a stray Latin-1 byte), as Mailbox's own parser
    does; an unknown charset is read like undeclared text.
    """
    try:
        codec = codecs.lookup(charset).name
        codec = _SUPERSETS.get(codec, codec)
        return data.decode(codec)
    except LookupError:
        return data.decode("utf-8", "replace")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "replace")
    eight_bit = sum(1 for byte in data if byte >= 0x80)
    if text.count("\ufffd") * 5 <= eight_bit:  # a valid character costs 2-4 bytes
        return text
    return data.decode("cp1252" if codec == "utf-8" else codec, "replace")


def html_to_text(markup: str) -> str:
    """Return the visible text of an HTML body (good enough for snippets and search)."""
    markup = _COMMENT.sub(" ", _DROP_BLOCKS.sub(" ", markup))
    # Line ends in the source are blanks; only block tags and <br> break lines.
    markup = _LINE_TAG.sub("\n", _INLINE_TAG.sub("", _WS.sub(" ", markup)))
    return html.unescape(_TAG.sub(" ", markup))


def only_in_alternative(alternative: str, shown: str) -> str:
    """Return the lines of an HTML alternative's text that the shown text lacks.

    Mailbox keeps only these (most mail says the same in both): a phrase is then found in
    the HTML's own lines, never across a line the plain text already has.
    """
    plain = " ".join(shown.split()).casefold()
    lines = (" ".join(line.split()) for line in alternative.splitlines())
    return "\n".join(line for line in lines if line and line.casefold() not in plain)


def make_snippet(text: str) -> str:
    """Return Gmail's snippet for a body text: collapsed, cut, HTML-escaped."""
    collapsed = _WS.sub(" ", text).strip()
    return collapsed[:SNIPPET_LENGTH].rstrip().translate(_SNIPPET_ESCAPES)


class _UnfoldingMessage(Message):
    """A compat32 message whose boundary is unfolded and whose transfer encoding is read
    without its surrounding blanks, as Gmail reads them.

    A boundary folded inside its quotes (``boundary="a<CRLF> b"``) means ``a b``
    (RFC 5322 unfolding removes only the CRLF); Python keeps the CRLF and then finds no
    delimiter line, serving the whole multipart as one opaque part.
    """

    def get_boundary(self, failobj: Any = None) -> Any:
        boundary = super().get_boundary(failobj)
        return _UNFOLD.sub("", boundary) if isinstance(boundary, str) else boundary

    def get(self, name: str, failobj: Any = None) -> Any:
        # compat32 compares the lower-cased Content-Transfer-Encoding with "base64" as it
        # stands, so " Base64 " (stray blanks, which senders write) would decode nothing.
        value = super().get(name, failobj)
        if name.lower() == "content-transfer-encoding" and isinstance(value, str):
            return value.strip()
        return value


class _Walker:
    """Walks one parsed message, building the payload tree and collecting file names,
    attachment bodies and links (the text shown is chosen from the tree: ``bodytext``)."""

    def __init__(self, raw: bytes, attachments: dict[str, tuple[str, int]] | None = None) -> None:
        self.digest = hashlib.sha256(raw).hexdigest()
        self.filenames: list[str] = []
        # Shared with the walkers of enclosed messages: every attachmentId of the message.
        self.attachments: dict[str, tuple[str, int]] = {} if attachments is None else attachments
        self.links: list[str] = []
        self.listed_attachments = 0

    def part(self, msg: Message, part_id: str) -> dict[str, Any]:
        headers = [{"name": k, "value": decode_header_value(v)} for k, v in msg.raw_items()]
        mime_type = msg.get_content_type()
        filename = _filename(msg)
        node: dict[str, Any] = {
            "partId": part_id,
            "mimeType": mime_type,
            "filename": filename,
            "headers": headers,
        }
        prefix = f"{part_id}." if part_id else ""
        if msg.is_multipart() and mime_type.startswith("multipart/"):
            node["body"] = {"size": 0}
            children = msg.get_payload()
            assert isinstance(children, list)
            node["parts"] = [self.part(c, f"{prefix}{i}") for i, c in enumerate(children)]
            return node
        node["body"] = self.body(msg, part_id, mime_type, filename)
        enclosed = _enclosed_message(msg, mime_type)
        if enclosed is not None:
            node["parts"] = [self.enclosed(enclosed, f"{prefix}0")]
        return node

    def enclosed(self, msg: Message, part_id: str) -> dict[str, Any]:
        """Return the tree of an attached message; its file names and links stay its own
        (Mailbox, like Gmail, lists the attached message, not the files inside it)."""
        inner = _Walker(b"", self.attachments)
        inner.digest = self.digest  # attachment ids stay unique: they include the partId
        return inner.part(msg, part_id)

    def body(self, msg: Message, part_id: str, mime_type: str, filename: str) -> dict[str, Any]:
        data = _leaf_bytes(msg)
        # get_content_disposition() also copes with the Header object compat32 returns
        # for a value holding 8-bit bytes (a raw UTF-8 filename, say).
        disposition = msg.get_content_disposition()
        is_attachment = bool(filename) or disposition == "attachment"
        is_attachment = is_attachment or not mime_type.startswith("text/")
        if mime_type.startswith("text/") and not filename:
            data = _to_utf8(data, msg.get_content_charset())
            if mime_type == "text/html":
                self.links.extend(_links(data.decode("utf-8", "replace")))
        if filename:
            self.filenames.append(filename)
        main_type = mime_type.split("/", 1)[0]
        # What Gmail and Mailbox list as an attachment (has:attachment): a named part, one
        # sent as an attachment, a file of any non-text type, an attached message.
        listed = bool(filename) or disposition == "attachment"
        if (
            listed
            or main_type not in ("text", "message", "multipart")
            or mime_type in EMBEDDED_MESSAGE_TYPES
        ):
            self.listed_attachments += 1
        size = len(data)
        # Gmail inlines small attachments as ``data`` too (clients see no attachmentId).
        if is_attachment and size > ATTACHMENT_INLINE_LIMIT:
            attachment_id = self.attachment_id(part_id)
            self.attachments[attachment_id] = (b64url(data), size)
            return {"attachmentId": attachment_id, "size": size}
        if not size:
            return {"size": 0}
        return {"size": size, "data": b64url(data)}

    def attachment_id(self, part_id: str) -> str:
        # Gmail's ids are long opaque strings; ours are stable per content and part.
        seed = hashlib.sha256(f"{self.digest}:{part_id}".encode()).digest()
        return "ANGjdJ" + base64.urlsafe_b64encode(seed + seed[:12]).decode().rstrip("=")


def _filename(msg: Message) -> str:
    probe = msg
    params = [
        (key, value)
        for key, value in msg.raw_items()
        if key.lower() in ("content-disposition", "content-type")
    ]
    if any(clean_text(value) != value for _, value in params):
        # 8-bit bytes in a parameter (a raw UTF-8 filename): compat32 hands back a Header
        # whose text is replacement characters, so read the parameters from the raw
        # value decoded as UTF-8 instead.
        probe = Message()
        for key, value in params:
            probe[key] = _UNFOLD.sub("", clean_text(value))
    try:
        name = probe.get_filename()
    except Exception:  # noqa: BLE001 - broken RFC 2231 parameters: no filename
        return ""
    return decode_header_value(name) if name else ""


def _links(markup: str) -> list[str]:
    """Return the http(s) targets of the links of an HTML part (whitespace dropped, as
    browsers do)."""
    found: list[str] = []
    for tag in _LINK_TAG.finditer(markup):
        href = _HREF.search(tag.group(1))
        if href is not None:
            target = "".join(html.unescape(next(g for g in href.groups() if g is not None)).split())
            if target.lower().startswith(("http://", "https://")):
                found.append(target[:300])
    return found


def _enclosed_message(msg: Message, mime_type: str) -> Message | None:
    """Return the message a ``message/rfc822`` part holds, or None (not one, or unparsed)."""
    if mime_type not in EMBEDDED_MESSAGE_TYPES:
        return None
    inner = msg.get_payload()
    if isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], Message):
        return inner[0]
    return None


def _leaf_bytes(msg: Message) -> bytes:
    try:
        if msg.get_content_type() == "message/rfc822" or msg.is_multipart():
            inner = msg.get_payload()
            if isinstance(inner, list):
                return b"".join(m.as_bytes() for m in inner if isinstance(m, Message))
        data = msg.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encoding: keep the raw text
        data = None
    if isinstance(data, bytes):
        return data
    raw = msg.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _to_utf8(data: bytes, charset: str | None) -> bytes:
    if charset:
        try:
            return data.decode(charset, "replace").encode("utf-8")
        except (LookupError, ValueError):  # unknown or unusable charset: as undeclared
            pass
    # Undeclared: UTF-8 where it is, U+FFFD where it is not, so that what is served as
    # text is always valid UTF-8, as Gmail's is.
    return data.decode("utf-8", "replace").encode("utf-8")


def _date_ms(value: str) -> int | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return None
    try:
        return int(parsed.timestamp() * 1000)
    except (OverflowError, OSError, ValueError):
        return None


def _tidy_header_names(raw: bytes) -> bytes:
    """Return ``raw`` with blanks before a header colon removed (``Subject : x``).

    RFC 5322's obsolete syntax allows them; Python's parser takes such a line for the end
    of the headers (or the first one for an mbox ``From `` line) and serves the rest of the
    message as body text, while Gmail reads the headers.
    """
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw
    # Without one ordinary header line the text is not a header block (RFC 5322's own
    # obsolete-syntax example is all spaced names and a stray line): leave it alone, as
    # Mailbox's parser does.
    if not _SPACED_NAME.search(head) or not _PLAIN_NAME.search(head):
        return raw
    return _SPACED_NAME.sub(rb"\1:", head) + raw[len(head) :]


def parse_message(raw: bytes) -> ParsedMessage:
    """Return the Gmail view of ``raw``; never raises."""
    try:
        return _parse(raw)
    except Exception:  # noqa: BLE001 - RecursionError, parser bugs: serve the raw bytes
        return _fallback(raw)


def _parse(raw: bytes) -> ParsedMessage:
    msg = BytesParser(_UnfoldingMessage, policy=compat32).parsebytes(_tidy_header_names(raw))
    walker = _Walker(raw)
    payload = walker.part(msg, "")
    headers: list[dict[str, str]] = payload["headers"]
    by_name = {h["name"].lower(): h["value"] for h in reversed(headers)}
    return _finish(payload, headers, by_name, walker)


def _finish(
    payload: dict[str, Any],
    headers: list[dict[str, str]],
    by_name: dict[str, str],
    walker: _Walker,
) -> ParsedMessage:
    shown = shown_text(payload, html_to_text)
    text = shown.text
    return ParsedMessage(
        payload=payload,
        headers=headers,
        snippet=make_snippet(text),
        subject=by_name.get("subject", ""),
        sender=by_name.get("from", ""),
        body_text=text,
        alternative_text=only_in_alternative(shown.alternative, text),
        filenames=walker.filenames,
        attachments=walker.attachments,
        date_ms=_date_ms(by_name.get("date", "")),
        links=list(dict.fromkeys(walker.links))[:100],
        attachment_count=walker.listed_attachments,
    )


def _fallback(raw: bytes) -> ParsedMessage:
    head = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    headers: list[dict[str, str]] = []
    for line in head.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name and not name[0].isspace() and " " not in name:
            headers.append({"name": name, "value": value.strip()})
    walker = _Walker(raw)
    payload: dict[str, Any] = {
        "partId": "",
        "mimeType": "text/plain",
        "filename": "",
        "headers": headers,
        "body": {"size": len(raw), "data": b64url(raw)} if raw else {"size": 0},
    }
    by_name = {h["name"].lower(): h["value"] for h in reversed(headers)}
    return _finish(payload, headers, by_name, walker)
