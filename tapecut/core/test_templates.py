"""Every page's title block is plain words: markup there shows as text in the browser's tab."""

from __future__ import annotations

import re
from pathlib import Path

TAPECUT = Path(__file__).resolve().parent.parent
TITLE = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)


def test_no_title_block_holds_markup() -> None:
    templates = [p for p in TAPECUT.rglob("templates/**/*.html")]
    assert templates
    bad = {
        str(path.relative_to(TAPECUT)): title[:80]
        for path in templates
        for title in TITLE.findall(path.read_text(encoding="utf-8"))
        if "<" in title or "\n" in title.strip()
    }
    assert not bad, bad
