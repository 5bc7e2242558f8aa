"""Bounding the work an HTML mail can make the sanitiser do: pure functions, one linear pass.

nh3 (html5ever underneath) is quadratic in how deeply elements nest: a mail of 100,000 nested
``<div>`` took over 100 seconds. Before sanitising, ``flatten`` walks the tags once and replaces
every tag beyond ``MAX_DEPTH`` open elements by a space (a space, not nothing: removing
``<div>`` from ``<<div>div>`` would make a new tag). It counts the way the HTML parser could
count at most: elements that close themselves (``p``, ``li``, ``td`` …) and void elements do not
stack; an end tag closes only what is open above the nearest table-like boundary, as the parser's
scope rules do. It also adds up the depth at every tag, the work the sanitiser is going to do;
above ``MAX_WORK`` the caller shows the text instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_DEPTH = 100
# Sum over all tags of the open elements at that tag: 1 MB of ordinary mail stays far below.
MAX_WORK = 20_000_000

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
# Closed by the next one of their kind or by their parent: they never pile up.
SELF_CLOSING = {
    "p", "li", "dt", "dd", "td", "th", "tr", "tbody", "thead", "tfoot", "colgroup", "caption",
    "option", "optgroup", "rb", "rt", "rp",
}  # fmt: skip
# An end tag does not reach past these (HTML's "has an element in scope").
BOUNDARIES = {
    "table", "td", "th", "caption", "html", "template", "applet", "object", "marquee", "svg",
    "math",
}  # fmt: skip

# A tag runs to the next ">" (or further, inside quotes: never shorter). Possessive, and only
# searched up to the last ">", so that every start matches and the scan stays linear.
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*+)[^>]*+>")


@dataclass(frozen=True)
class Flattened:
    html: str
    max_depth: int  # the deepest nesting kept
    dropped: int  # tags replaced by a space
    work: int  # sum of the depth at each tag kept

    @property
    def too_costly(self) -> bool:
        return self.work > MAX_WORK


def flatten(markup: str, max_depth: int = MAX_DEPTH) -> Flattened:
    """``markup`` with no element nested deeper than ``max_depth``; linear in its length."""
    out: list[str] = []
    stack: list[str] = []
    pos = deepest = dropped = work = 0
    for match in _TAG.finditer(markup, 0, markup.rfind(">") + 1):
        closing, name = match.group(1) == "/", match.group(2).lower()
        keep = _close(stack, name) if closing else _open(stack, name, max_depth)
        out.append(markup[pos : match.start()])
        out.append(match.group(0) if keep else " ")
        if keep:
            deepest = max(deepest, len(stack))
            work += len(stack)
        else:
            dropped += 1
        pos = match.end()
    out.append(markup[pos:])
    return Flattened("".join(out), deepest, dropped, work)


def _open(stack: list[str], name: str, max_depth: int) -> bool:
    if name in VOID or name in SELF_CLOSING:
        return True
    if len(stack) >= max_depth:
        return False
    stack.append(name)
    return True


def _close(stack: list[str], name: str) -> bool:
    if name in VOID or name in SELF_CLOSING:
        return True
    # Bounded by max_depth: the stack never grows beyond it.
    for index in range(len(stack) - 1, -1, -1):
        if stack[index] == name:
            del stack[index:]
            return True
        if stack[index] in BOUNDARIES:
            break
    # Nothing of that name is open (its start tag was dropped, or never was): the parser
    # ignores such an end tag, so it can go.
    return False


def strip_tags(markup: str) -> str:
    """The text of ``markup`` without its tags (entities left as they are), in one pass."""
    return _TAG.sub(" ", markup[: markup.rfind(">") + 1]) + markup[markup.rfind(">") + 1 :]
