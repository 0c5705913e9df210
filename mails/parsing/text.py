"""Body text: HTML → readable text, plain-text tidying, and the stored-size cap."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Mongo documents are capped at 16 MB and search indexes choke long before: keep 100 KB.
BODY_TEXT_LIMIT = 100 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u200b]+")
_TRAILING = re.compile(r"[ \t]+\n")
_LEADING = re.compile(r"\n[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>")
_WS = re.compile(r"\s+")

# Their content is code or metadata, never text a reader sees.
_SKIPPED = frozenset({"script", "style", "title", "template", "xml"})
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "hr"}
)
_LINE = frozenset(
    {
        "br", "div", "li", "tr", "dd", "dt", "dl", "section", "article", "header", "footer",
        "address", "aside", "nav", "main", "figure", "figcaption", "form", "fieldset",
        "center", "caption", "tbody", "thead", "tfoot", "option",
    }
)  # fmt: skip
_CELL = frozenset({"td", "th"})
_FEED_CHUNK = 64 * 1024
_MAX_TITLE_PIECES = 1000


class _TextExtractor(HTMLParser):
    """Collects visible text, with line breaks where block elements start and end."""

    def __init__(self, max_chars: int) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.length = 0
        self.max_chars = max_chars
        self.skipping: list[str] = []
        # An unclosed <title> swallows the whole document; its text is then all we have.
        self.title: list[str] = []
        self.pre_depth = 0
        self.newlines = 0  # line breaks at the end of the text so far

    @property
    def full(self) -> bool:
        return self.length >= self.max_chars

    def _emit(self, text: str) -> None:
        if text and not self.full:
            self.pieces.append(text)
            self.length += len(text)
            self.newlines = 0 if text.strip(" ") else self.newlines

    def _newlines(self, count: int) -> None:
        # Nested blocks (<div><p>) close together: one break, not a column of blank lines.
        if self.newlines < count and self.pieces:
            self._emit("\n" * (count - self.newlines))
            self.newlines = count

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping.append(tag)
        elif tag == "pre":
            self.pre_depth += 1
        self._break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>: one break, and never an unclosed skipped element (<script/>).
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:
            # Close up to the matching start: unclosed inner elements end with it.
            while self.skipping and self.skipping.pop() != tag:
                pass
        elif tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag != "br":
            self._break(tag)

    def _break(self, tag: str) -> None:
        if self.skipping:
            return
        if tag in _PARAGRAPH:
            self._newlines(2)
        elif tag == "br":
            self._emit("\n")
            self.newlines += 1
        elif tag in _LINE:
            self._newlines(1)
        elif tag in _CELL:
            self._emit(" ")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            if self.skipping[0] == "title" and len(self.title) < _MAX_TITLE_PIECES:
                self.title.append(data)
            return
        self._emit(data if self.pre_depth else _WS.sub(" ", data))


def html_to_text(markup: str, max_chars: int = BODY_TEXT_LIMIT) -> tuple[str, bool]:
    """Return the visible text of HTML (about ``max_chars`` of it), and whether it parsed.

    Scripts, styles and comments are dropped, entities decoded, whitespace collapsed, with
    line breaks kept for block elements. Markup the parser chokes on is stripped by regex.
    """
    parser = _TextExtractor(max_chars)
    try:
        for start in range(0, len(markup), _FEED_CHUNK):
            parser.feed(markup[start : start + _FEED_CHUNK])
            if parser.full:
                break
        else:
            parser.close()
    except Exception:  # noqa: BLE001 -- html.parser has asserted on odd declarations
        return tidy_text(_TAG.sub(" ", markup[: max_chars * 4])), False
    text = tidy_text("".join(parser.pieces))
    if not text and parser.title:
        text = tidy_text(_WS.sub(" ", "".join(parser.title))[:max_chars])
    return text, True


def tidy_text(text: str) -> str:
    """Return text with unified line ends, no control characters and at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", _CONTROL.sub("", text))
    text = _LEADING.sub("\n", _TRAILING.sub("\n", text))
    return _BLANK_LINES.sub("\n\n", text).strip()


def cap_utf8(text: str, limit: int = BODY_TEXT_LIMIT) -> str:
    """Return ``text`` cut to at most ``limit`` bytes of UTF-8, on a character boundary."""
    if len(text) * 4 <= limit:
        return text
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return text
    # "ignore" drops only the partial character the byte cut left at the end.
    return encoded[:limit].decode("utf-8", "ignore")
