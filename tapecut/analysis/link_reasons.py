"""A duplicate link's reason, in the reader's language.

``DuplicateLink.reason`` is a short log kept in one language for the API and the audit trail:
the duplicates stage writes its signals ("text overlap 0.82 (…), meaning 0.91 (…), the same
numbers", tapecut.analysis.duplicate_links), the merge actions their verbs ("Merged by hand:",
"Unmerged:", "Rejected:", tapecut.analysis.actions) followed by what a person typed. The report
page shows it through ``reason_shown``: the machine's words translated, a person's words as
they were written.
"""

from __future__ import annotations

import re

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SIGNALS = re.compile(
    r"text overlap (?P<lexical>\d+(?:\.\d+)?) \(Jaccard of 5-character shingles\), "
    r"meaning (?P<semantic>-?\d+(?:\.\d+)?) \(centred cosine\), "
    r"(?P<numbers>the same numbers|different numbers)"
)
# The verbs the merge actions write, each with its words for the reader.
VERBS = {
    "Merged automatically": gettext_lazy("Merged automatically"),
    "Merged by hand": gettext_lazy("Merged by hand"),
    "Unmerged": gettext_lazy("Unmerged"),
    "Rejected": gettext_lazy("Rejected"),
}
VERB = re.compile(rf"^(?P<verb>{'|'.join(map(re.escape, VERBS))})(?::\s*|$)")


def _signals(m: re.Match[str]) -> str:
    numbers = (
        _("the same numbers") if m["numbers"] == "the same numbers" else _("different numbers")
    )
    text = _(
        "text overlap %(lexical)s (Jaccard of 5-character shingles), "
        "meaning %(semantic)s (centred cosine), %(numbers)s"
    )
    return text % {
        "lexical": number_format(float(m["lexical"]), 2),
        "semantic": number_format(float(m["semantic"]), 2),
        "numbers": numbers,
    }


def _line(line: str) -> str:
    m = VERB.match(line)
    if m is None:
        return SIGNALS.sub(_signals, line)
    rest = SIGNALS.sub(_signals, line[m.end() :])
    verb = str(VERBS[m["verb"]])
    return f"{verb}: {rest}" if rest else verb


def reason_shown(reason: str) -> str:
    """``reason`` with the words Tapecut wrote in the active language, line by line."""
    return "\n".join(_line(line) for line in (reason or "").split("\n"))
