"""A mail's HTML made safe to show: nh3 (the ammonia sanitiser) plus our image policy.

What comes out holds no script, no event handler, no form, no ``<meta>``/``<base>``, no
``<style>`` element, no SVG, no ``javascript:``/``data:`` link, and no CSS that could run
(``expression()``) or fetch (``url()``); links open in a new window with
``rel="noopener noreferrer"``. Remote images keep their address only when the person chose to
see this sender's images, and tracking pixels (images of 0–2 px, or at well-known tracking
paths) are removed either way. The page that shows the result adds a second wall: a
sandboxed frame with its own CSP (``mails.views.mail_html_frame``), so even a sanitiser bug
could not run a script or load a remote file the person did not allow.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

import nh3

# nh3's defaults plus the layout tags and attributes mail is written with (tables, fonts).
TAGS = frozenset(nh3.ALLOWED_TAGS | {"font", "center", "big", "tfoot", "section", "main"})
_COMMON = {"style", "dir", "lang", "title", "align", "valign", "width", "height", "bgcolor"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "a": {"href", "hreflang", "name"},
    "img": {"src", "alt", "border"},
    "font": {"color", "face", "size"},
    "table": {"border", "cellpadding", "cellspacing", "summary"},
    "td": {"colspan", "rowspan", "nowrap"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "hr": {"size", "noshade"},
}
# CSS properties that only lay out or colour: nothing here takes a url() or positions over
# the page. A declaration naming anything else is dropped by nh3.
STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "font", "font-family", "font-size", "font-style",
        "font-weight", "font-variant", "text-align", "text-decoration", "text-indent",
        "text-transform", "line-height", "letter-spacing", "word-spacing", "white-space",
        "word-break", "overflow-wrap", "direction", "vertical-align", "display",
        "width", "height", "max-width", "min-width", "max-height", "min-height",
        "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
        "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
        "border", "border-top", "border-right", "border-bottom", "border-left",
        "border-color", "border-style", "border-width", "border-radius", "border-collapse",
        "border-spacing", "table-layout", "list-style-type", "opacity",
    }
)  # fmt: skip
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "data", "cid"})
# A style value holding any of these is dropped whole: old IE's expression(), url() fetches,
# behaviours/bindings, and CSS escapes that could spell them in disguise.
_UNSAFE_STYLE = re.compile(r"expression|url\s*\(|behavior|binding|javascript|\\|@import", re.I)
_DATA_IMAGE = re.compile(r"data:image/(png|gif|jpeg|webp);base64,", re.I)
_REMOTE = re.compile(r"^https?://", re.I)
# nh3 serialises attributes double-quoted with ``"``, ``<`` and ``>`` escaped, so a tag ends
# at the first ``>``.
_IMG_TAG = re.compile(r"<img\b([^>]*)>", re.I)
_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
_PIXEL_PATH = re.compile(
    r"(/open(ed)?\b|/pixel|/track(ing)?/|/beacon|/wf/open|/o\.gif|/t\.gif|/e/o/|/ss/o/)", re.I
)
_PX = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$", re.I)
_STYLE_SIZE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*([^;]+)", re.I)


@dataclass(frozen=True)
class SafeHtml:
    """Sanitised markup and what the image policy held back."""

    markup: str
    blocked_images: int  # remote images shown without their address (not allowed yet)
    removed_pixels: int  # tracking pixels removed whatever the choice


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute hook: drop dangerous styles, non-web links and non-image data."""
    if name == "style":
        return None if _UNSAFE_STYLE.search(value) else value
    if name == "href":
        return value if value.lower().startswith(("http:", "https:", "mailto:", "tel:")) else None
    if name == "src":
        if tag == "img" and (_REMOTE.match(value) or _DATA_IMAGE.match(value) or _is_cid(value)):
            return value  # cid: is resolved (or dropped) after cleaning, in ``sanitise``
        return None  # relative paths, other data: types
    return value


def _is_cid(value: str) -> bool:
    return value[:4].lower() == "cid:"


def sanitise(
    markup: str, *, allow_images: bool, inline: Mapping[str, str] | None = None
) -> SafeHtml:
    """Return ``markup`` made safe to show, remote images only if ``allow_images``.

    ``inline`` maps a ``cid:`` reference (the Content-ID without ``<>``) to the ``data:`` URI of
    the message's own image part; those are part of the mail, not fetched, so always shown.
    """
    cleaned = nh3.clean(
        markup,
        tags=set(TAGS),
        clean_content_tags={"script", "style", "template", "svg", "math", "noscript", "title"},
        attributes=ATTRIBUTES,
        attribute_filter=_keep_attribute,
        filter_style_properties=set(STYLE_PROPERTIES),
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )
    counts = {"blocked": 0, "pixels": 0}

    def image(match: re.Match[str]) -> str:
        attrs = [(m.group(1).lower(), m.group(2)) for m in _ATTR.finditer(match.group(1))]
        src = html.unescape(next((v for k, v in attrs if k == "src" and v), ""))
        if _is_cid(src):
            found = (inline or {}).get(unquote(src[4:]).strip("<>"))
            rest = [(k, v) for k, v in attrs if k != "src"]
            return _tag([("src", html.escape(found)), *rest] if found else rest)
        if not _REMOTE.match(src):
            return match.group(0)
        if _is_pixel(dict(attrs), src):
            counts["pixels"] += 1
            return ""
        if allow_images:
            return match.group(0)
        counts["blocked"] += 1
        return _tag([(k, v) for k, v in attrs if k != "src"])

    result = _IMG_TAG.sub(image, cleaned)
    return SafeHtml(result, counts["blocked"], counts["pixels"])


def _tag(attrs: list[tuple[str, str | None]]) -> str:
    """Return an ``<img>`` of attributes already escaped (as nh3 serialised them)."""
    kept = " ".join(f'{k}="{v}"' if v is not None else k for k, v in attrs)
    return f"<img {kept}>" if kept else "<img>"


def _is_pixel(attrs: dict[str, str | None], src: str) -> bool:
    """Return True for an image too small to see (0–2 px) or at a known tracking path."""
    sizes = [attrs.get("width"), attrs.get("height")]
    sizes += [value for _, value in _STYLE_SIZE.findall(html.unescape(attrs.get("style") or ""))]
    for size in sizes:
        found = _PX.match(size or "")
        if found and float(found.group(1)) <= 2:
            return True
    return bool(_PIXEL_PATH.search(src))
