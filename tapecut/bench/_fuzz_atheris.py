"""The atheris (libFuzzer) target of ``tapecut bench fuzz``; run as a child process.

``python -m tapecut.bench._fuzz_atheris [libFuzzer options] CORPUS_DIR``: the parser and its
helpers (and the standard library's ``email`` package) are instrumented for coverage, so that
libFuzzer steers towards inputs that reach new code. A crash is any exception other than
``MessageRejected``, a broken promise of ``ParsedMessage`` or an input slower than ``-timeout``.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["tapecut.intake", "email"]):
    from tapecut.intake.parsing import MessageRejected, parse_message


def one_input(data: bytes) -> None:
    try:
        parsed = parse_message(data)
    except MessageRejected:
        return
    if not isinstance(parsed.text, str) or not isinstance(parsed.body, str):
        raise TypeError("text and body must be str")
    for attachment in parsed.attachments:
        if attachment.size != len(attachment.data):
            raise ValueError(f"attachment size {attachment.size} != {len(attachment.data)}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
