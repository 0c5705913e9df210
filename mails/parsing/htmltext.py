"""HTML → the text a reader sees (and where its links point), in linear time whatever the markup.

Not ``html.parser``: on Python 3.11 it takes quadratic time on unclosed tags
(CVE-2025-6069; 360 KB of ``<a href='`` took minutes). This scanner only ever moves
forward with ``str.find`` and regexes bounded to one tag, so spam cannot stall a sync.
An ``href`` is read from the attributes of the one ``<a>``/``<area>`` tag the scanner
matched, never searched for in the markup at large.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from mails.parsing.body_text import BODY_TEXT_LIMIT, tidy_text

# One tag: name, then attributes; a quote opens a value only right after "=" (as in HTML),
# and a quoted value may hold ">". Atomic groups never backtrack, so a failed match costs
# at most the bounded span it was given.
_TAG = re.compile(
    r"""<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?>[^>="']+|["']|=\s*(?>"[^"]*"|'[^']*'|[^\s>]*))*)>"""
)
_MAX_TAG = 8192
_TAG_START = re.compile(r"</?[a-zA-Z]")
# Whitespace runs that collapsing changes: not a lone space, most of any text's whitespace.
_WS = re.compile(r"(?: \s|[^\S ])\s*")

# Their content is code or metadata, never text a reader sees.
_SKIPPED = frozenset({"script", "style", "title", "template", "xml", "noscript"})
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

# Link targets kept per message: enough for a newsletter's links, bounded for the store.
MAX_LINKS = 100
MAX_LINK_CHARS = 300
_LINK_TAGS = frozenset({"a", "area"})
# One attribute of a tag's attribute text (the scanner's group 3), quoted or not.
_HREF = re.compile(r"""(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_WEB_SCHEMES = ("http://", "https://")


class _Text:
    """Visible text collected so far, with line breaks that never pile up."""

    def __init__(self, max_chars: int) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.max_chars = max_chars
        self.newlines = 0  # line breaks at the end of the text so far
        self.pre_depth = 0
        self.links: dict[str, None] = {}

    @property
    def full(self) -> bool:
        return self.length >= self.max_chars

    def text(self, raw: str) -> None:
        if not raw or self.full:
            return
        text = raw if self.pre_depth else _WS.sub(" ", raw)
        if "&" in text:  # what html.unescape looks for first, without the call
            text = html.unescape(text)
        self.pieces.append(text)
        self.length += len(text)
        if text.strip(" "):
            self.newlines = len(text) - len(text.rstrip("\n"))

    def breaks(self, count: int) -> None:
        # Nested blocks (<div><p>) close together: one break, not a column of blank lines.
        if self.newlines < count and self.pieces and not self.full:
            self.pieces.append("\n" * (count - self.newlines))
            self.newlines = count

    def link(self, attributes: str) -> None:
        """Keep the http(s) target of an ``<a href>``: "click here" may hide a YouTube link."""
        match = _HREF.search(attributes)
        if match is None or len(self.links) >= MAX_LINKS:
            return
        raw = next(group for group in match.groups() if group is not None)
        target = "".join(html.unescape(raw).split())  # browsers drop whitespace in URLs
        if target.lower().startswith(_WEB_SCHEMES):
            self.links[target[:MAX_LINK_CHARS]] = None

    def tag(self, name: str, closing: bool) -> None:
        if name == "pre":
            self.pre_depth = max(0, self.pre_depth + (-1 if closing else 1))
        if name in _PARAGRAPH:
            self.breaks(2)
        elif name == "br" and not closing:
            self.pieces.append("\n")
            self.newlines += 1
        elif name in _LINE:
            self.breaks(1)
        elif name in _CELL:
            self.text(" ")


class _Closers:
    """Finds closing tags; a name never closed after one point is never searched again
    (a thousand unclosed <title>s would otherwise make the scan quadratic)."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self._lower: str | None = None
        self.unclosed: set[str] = set()

    @property
    def lower(self) -> str:
        """The markup lower-cased, made only for a document with a script, style or title."""
        if self._lower is None:
            self._lower = self.markup.lower()
        return self._lower

    def find(self, name: str, start: int) -> int:
        """Return where ``</name`` starts at or after ``start``, or -1."""
        if name in self.unclosed:
            return -1
        found = self.lower.find(f"</{name}", start)
        if found < 0:
            self.unclosed.add(name)
        return found

    def element_end(self, name: str, start: int) -> int | None:
        """Return where the element opened before ``start`` ends, or None if it never does."""
        close = self.find(name, start)
        if close < 0:
            return None
        end = self.markup.find(">", close)
        return len(self.markup) if end < 0 else end + 1


# What follows "<" in a comment, declaration or processing instruction (``_special``).
_SPECIAL_STARTS = ("!", "?")


def _special(markup: str, at: int) -> int | None:
    """Return the end of a comment, declaration or processing instruction at ``at``."""
    if markup.startswith("<!--", at):
        end = markup.find("-->", at + 4)
        return len(markup) if end < 0 else end + 3
    if markup.startswith(("<!", "<?"), at):
        end = markup.find(">", at)
        return len(markup) if end < 0 else end + 1
    return None


# The tags ``_Text.tag`` does something for: any other tag is not handed to it (most tags of
# mail, <span>, <a>, <img>, <font>, and every closing one but these).
_LAYOUT = _PARAGRAPH | _LINE | _CELL | {"br", "pre"}


def _scan(markup: str, out: _Text) -> str:
    """Feed the text and tags of ``markup`` to ``out``; return the title if there is one.

    The loop runs once per tag of every HTML part read: the calls that would do nothing
    (empty text between two tags, a tag with no layout) are not made.
    """
    closers = _Closers(markup)
    position, title, size = 0, "", len(markup)
    while position < size and out.length < out.max_chars:
        at = markup.find("<", position)
        if at < 0:
            out.text(markup[position:])
            break
        if at > position:
            out.text(markup[position:at])
        if markup[at + 1 : at + 2] in _SPECIAL_STARTS:
            special = _special(markup, at)
            if special is not None:
                position = special
                continue
        match = _TAG.match(markup, at, min(size, at + _MAX_TAG))
        if match is None:
            if not _TAG_START.match(markup, at):
                out.text("<")  # "5 < 6" is text
                position = at + 1
                continue
            # A tag whose quotes never close: it ends at the next ">", or swallows the rest.
            end = markup.find(">", at)
            position = size if end < 0 else end + 1
            continue
        slash, name, attributes = match.groups()
        name, closing = name.lower(), bool(slash)
        position = match.end()
        if name in _SKIPPED and not closing and not attributes.rstrip().endswith("/"):
            element_end = closers.element_end(name, position)
            if element_end is not None:
                if name == "title":
                    title = markup[position : closers.find("title", position)]
                position = element_end
                continue
            if name != "title":  # an unclosed script or style hides the rest, as in browsers
                break
        if name in _LINK_TAGS and not closing:
            out.link(attributes)
        if name in _LAYOUT:
            out.tag(name, closing)
    return title


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What a reader sees of an HTML document, and the http(s) targets of its links."""

    text: str
    links: list[str]


def read_html(markup: str, max_chars: int = BODY_TEXT_LIMIT) -> HtmlText:
    """Return the visible text of HTML (about ``max_chars`` of it) and its links' targets.

    Scripts, styles and comments are dropped, entities decoded, whitespace collapsed, with
    line breaks kept for block elements. A document with no visible text but a title (a
    newsletter made only of images) gives its title. Links are the distinct http(s)
    ``href`` values of ``<a>`` and ``<area>`` (at most ``MAX_LINKS``) in the text read.
    """
    out = _Text(max_chars)
    title = _scan(markup, out)
    text = tidy_text("".join(out.pieces))
    links = list(out.links)
    if text or not title:
        return HtmlText(text, links)
    # Browsers show a title's markup literally; as a body it is read like any markup.
    out = _Text(max_chars)
    _scan(title, out)
    return HtmlText(tidy_text("".join(out.pieces)), links)


def html_to_text(markup: str, max_chars: int = BODY_TEXT_LIMIT) -> str:
    """Return the visible text of HTML, about ``max_chars`` of it (see ``read_html``)."""
    return read_html(markup, max_chars).text
