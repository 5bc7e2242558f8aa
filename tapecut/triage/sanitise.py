"""Making hostile HTML mail safe to show: pure functions, no database.

What survives is text formatting, lists, tables and links. Nothing active and nothing remote:
no scripts, event handlers, styles, forms, frames, embedded objects, SVG or images (an image
from a server is a tracking pixel; an inline one is not worth the risk). Every link says where
it really goes, with its host in punycode so that a look-alike domain shows itself.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

from tapecut.triage.html_bounds import flatten

MAX_HTML_CHARS = 1_000_000

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# Removed together with everything inside them.
DROP_WITH_CONTENT = {
    "script", "style", "svg", "math", "iframe", "frame", "frameset", "object", "embed",
    "applet", "noscript", "template", "title", "head", "form", "select", "textarea", "button",
    "audio", "video", "canvas", "xml", "meta", "link", "base",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_MAX_SPAN = 50

_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL | re.IGNORECASE)
_HREF = re.compile(r'\bhref="([^"]*)"')
_TAG = re.compile(r"<[^>]*>")
_DOMAINISH = re.compile(r"(?:https?://)?([a-z0-9\u00a1-\uffff.-]+\.[a-z\u00a1-\uffff]{2,})", re.I)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name in {"colspan", "rowspan", "start"}:
        # A colspan of 100000 is a denial of service on the reader's browser.
        return str(min(int(value), _MAX_SPAN)) if value.strip().isdigit() else None
    return value


def clean_html(raw_html: str) -> str:
    """Sanitised HTML fragment with each link's real target printed after it.

    Bounded: at most ``MAX_HTML_CHARS``, nested at most ``html_bounds.MAX_DEPTH`` deep, and
    empty (show the text part instead) when even that would cost too much.
    """
    return clean_html_noted(raw_html)[0]


def clean_html_noted(raw_html: str) -> tuple[str, str]:
    """``clean_html`` and a note saying how the HTML was reduced ("" when it was not)."""
    notes = []
    if len(raw_html) > MAX_HTML_CHARS:
        notes.append(f"HTML cut to {MAX_HTML_CHARS:,} characters")
    flat = flatten(raw_html[:MAX_HTML_CHARS])
    if flat.too_costly:
        return "", "HTML too complex to show safely; text only"
    if flat.dropped:
        notes.append(f"HTML nested deeper than {flat.max_depth} levels flattened")
    return _sanitise(flat.html), "; ".join(notes)


def _sanitise(markup: str) -> str:
    cleaned = nh3.clean(
        markup,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
        url_schemes=URL_SCHEMES,
        # A relative link would point into Tapecut itself, with the reader's session.
        url_relative="deny",
    )
    return _ANCHOR.sub(_show_target, cleaned)


def _show_target(match: re.Match[str]) -> str:
    attrs, inner = match.group(1), match.group(2)
    href_match = _HREF.search(attrs)
    if not href_match:
        return inner
    href = html.unescape(href_match.group(1))
    shown = display_url(href)
    text = html.unescape(_TAG.sub("", inner)).strip()
    warn = ' data-mismatch="1"' if looks_misleading(text, href) else ""
    return (
        f'<a href="{html.escape(shown)}" rel="noopener noreferrer nofollow">{inner}</a>'
        f' <span class="link-target"{warn}>[{html.escape(shown)}]</span>'
    )


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _puny(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.encode("ascii", "backslashreplace").decode("ascii")


def display_url(href: str) -> str:
    """The URL as it really is: a non-ASCII host shown in punycode (xn--…)."""
    host = _host(href)
    if not host or host.isascii():
        return href
    return href.replace(host, _puny(host), 1) if host in href else _puny(host)


def looks_misleading(text: str, href: str) -> bool:
    """The link text names a domain other than the one the link goes to."""
    match = _DOMAINISH.search(text)
    target = _host(href)
    if not match or not target or href.lower().startswith("mailto:"):
        return False
    named = match.group(1).lower().strip(".")
    named, target = _puny(named), _puny(target)
    return not (target == named or target.endswith("." + named))
