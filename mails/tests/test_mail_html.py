"""The sanitiser of a mail's HTML (``mails.mail_html``): hostile markup never survives."""

from __future__ import annotations

import re

import pytest

from mails.mail_html import sanitise

HOSTILE = {
    "script": "<p>hi</p><script>alert(1)</script><SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "event handlers": '<img src="https://a.example/x.png" onerror="alert(1)">'
    '<body onload=alert(2)><div onclick="alert(3)" onmouseover=alert(4)>x</div>'
    '<a href="https://a.example" onfocus=x>a</a>',
    "javascript urls": '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a>'
    '<a href="jav&#x09;ascript:alert(1)">c</a><img src="javascript:alert(1)">'
    '<a href="vbscript:msgbox(1)">d</a><a href="data:text/html,<script>alert(1)</script>">e</a>',
    "css expression": '<div style="width: expression(alert(1))">a</div>'
    '<p style="color:red;background:url(https://t.example/p.gif)">b</p>'
    '<p style="behavior:url(x.htc)">c</p><p style="-moz-binding:url(x.xml#xss)">d</p>'
    '<p style="wid\\74h: expr\\65ssion(alert(1))">e</p><style>@import "https://e.example/x.css";</style>',
    "svg": '<svg onload="alert(1)"><script>alert(2)</script><a xlink:href="javascript:alert(3)">'
    '<text>t</text></a></svg><img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base href": '<base href="https://evil.example/"><a href="/relative">r</a>',
    "form action": '<form action="https://evil.example/steal" method="post">'
    '<input name="password" type="password"><button formaction="https://evil.example">go</button>'
    "</form>",
    "frames and objects": '<iframe src="https://evil.example"></iframe><object data="x.swf">'
    '</object><embed src="x.swf"><link rel="stylesheet" href="https://evil.example/x.css">',
}
# What must appear nowhere in the output, whatever the input above.
FORBIDDEN = re.compile(
    r"<script|<style|<svg|<meta|<base|<form|<input|<button|<iframe|<object|<embed|<link|"
    r"\son\w+=|javascript:|vbscript:|data:text|expression|url\(|behavior|binding|formaction|"
    r"evil\.example|image/svg",
    re.I,
)


@pytest.mark.parametrize("allow_images", [False, True])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markup_never_survives(name: str, allow_images: bool) -> None:
    out = sanitise(HOSTILE[name], allow_images=allow_images).markup
    assert not FORBIDDEN.search(out), out


def test_the_forbidden_pattern_would_catch_the_raw_input() -> None:
    # The test above proves something only if the pattern matches every hostile sample.
    for name, markup in HOSTILE.items():
        assert FORBIDDEN.search(markup), name


def test_ordinary_mail_markup_is_kept() -> None:
    markup = (
        '<table width="600" cellpadding="4"><tr><td style="color:#333;font-size:14px" '
        'align="center"><b>Hello</b> <a href="https://jobs.example/apply?id=7&amp;a=b">apply</a>'
        '</td></tr></table><p dir="rtl">שלום</p>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">'
    )
    out = sanitise(markup, allow_images=False).markup
    assert '<td style="color:#333;font-size:14px" align="center"><b>Hello</b>' in out
    assert (
        '<a href="https://jobs.example/apply?id=7&amp;a=b" target="_blank" '
        'rel="noopener noreferrer">apply</a>' in out
    )
    assert '<p dir="rtl">שלום</p>' in out
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in out


def test_every_link_opens_apart_without_a_referrer() -> None:
    out = sanitise(
        '<a href="https://a.example" target="_self" rel="opener">a</a>'
        '<a href="mailto:x@y.example">m</a>',
        allow_images=False,
    ).markup
    links = re.findall(r"<a [^>]*>", out)
    assert len(links) == 2
    for link in links:
        assert 'target="_blank"' in link
        assert 'rel="noopener noreferrer"' in link
        assert "_self" not in link
        assert 'opener"' not in link.replace("noopener", "")


def test_remote_images_lose_their_address_until_allowed() -> None:
    markup = '<img src="https://img.example/logo.png" width="200" alt="Logo">'
    blocked = sanitise(markup, allow_images=False)
    assert blocked.markup == '<img width="200" alt="Logo">'
    assert blocked.blocked_images == 1
    shown = sanitise(markup, allow_images=True)
    assert 'src="https://img.example/logo.png"' in shown.markup
    assert shown.blocked_images == 0


@pytest.mark.parametrize(
    "pixel",
    [
        '<img src="https://t.example/a.gif" width="1" height="1">',
        '<img src="https://t.example/a.gif" width="0" height="0" alt="">',
        '<img src="https://t.example/a.gif" style="width:1px;height:1px">',
        '<img src="https://click.example/wf/open?upn=abc">',
        '<img src="https://mail.example/track/open/123.png" width="600">',
    ],
)
def test_tracking_pixels_are_removed_even_when_images_are_allowed(pixel: str) -> None:
    for allow in (False, True):
        result = sanitise(f"<p>x</p>{pixel}", allow_images=allow)
        assert "t.example" not in result.markup
        assert "<img" not in result.markup
        assert result.removed_pixels == 1


def test_the_messages_own_images_are_inlined_and_unknown_cids_dropped() -> None:
    data_uri = "data:image/png;base64,iVBORw0KGgo="
    markup = '<img src="cid:logo@birch" alt="logo"><img src="cid:missing@x" alt="gone">'
    result = sanitise(markup, allow_images=False, inline={"logo@birch": data_uri})
    assert f'<img src="{data_uri}" alt="logo">' in result.markup
    assert '<img alt="gone">' in result.markup
    assert "cid:" not in result.markup
    assert result.blocked_images == 0  # not remote: nothing was held back
