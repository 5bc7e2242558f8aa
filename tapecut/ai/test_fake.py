import numpy as np

from tapecut.ai import safety
from tapecut.ai.backends.fake import FakeChat, FakeEmbedder
from tapecut.ai.base import CallContext, ChatModel, Embedder

CTX = CallContext("embedding")


def test_fake_embedder_is_deterministic_normalised_and_keeps_its_calls():
    texts = [
        "Der Antrag braucht drei Stempel",
        "Der Antrag braucht drei Stempel.",
        "Kantine zu",
        "",
    ]
    first = FakeEmbedder().embed(texts, CTX)
    embedder = FakeEmbedder()
    again = embedder.embed(texts, CTX)
    assert isinstance(embedder, Embedder)
    assert first.dtype == np.float32 and first.shape == (4, embedder.dim)
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert first[0] @ first[1] > 0.95 > first[0] @ first[2]
    assert embedder.calls == [(texts, CTX)]
    assert embedder.embed([], CTX).shape == (0, embedder.dim)


def test_fake_chat_answers_a_label_that_parses_or_what_was_queued():
    chat = FakeChat()
    assert isinstance(chat, ChatModel)
    label = safety.ask_for_label(
        chat, ["Reisekosten: drei Unterschriften", "Reisekosten Formular"], CTX
    )
    assert label is not None and "reisekosten" in label.title.lower()
    chat.replies.append("plain words")
    assert chat.complete("s", "u", CTX).text == "plain words"
    assert len(chat.calls) == 2
