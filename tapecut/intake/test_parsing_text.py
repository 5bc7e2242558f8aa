"""The text helpers under the parser: charsets, mojibake, encoded words, parameters, flowed."""

from __future__ import annotations

import pytest

from tapecut.intake.mime_body import unflow
from tapecut.intake.mime_headers import decode_value, message_ids, params, parse_date
from tapecut.intake.mime_text import decode_bytes, repair_mojibake


def mangle(text: str, times: int) -> str:
    """UTF-8 read as Windows-1252, ``times`` over: what broken gateways do (bytes that
    Windows-1252 leaves undefined come through as Latin-1 controls, as in browsers)."""
    for _ in range(times):
        text = "".join(
            bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
        )
    return text


@pytest.mark.parametrize(
    "text",
    [
        "Empfangsbestätigung nach § 6",
        "Grüße aus Köln, Straße",
        "„Anführung“ – und … “quotes”",
        "naïve café, señor",
        "Привет",
        "Preis: 20 €",
    ],
)
@pytest.mark.parametrize("times", [1, 2, 3])
def test_mojibake_is_undone_however_often_it_happened(text: str, times: int):
    assert repair_mojibake(mangle(text, times)) == text


@pytest.mark.parametrize(
    "text",
    [
        "Grüße aus Köln",
        "„Gruß“ und Fuß…",  # ß before “ is valid UTF-8 as bytes, but not plausible text
        "Ärger über Öl",
        "ASCII only",
        "",
    ],
)
def test_correct_text_is_left_alone(text: str):
    assert repair_mojibake(text) == text


def test_parts_mangled_a_different_number_of_times_are_each_repaired():
    mixed = mangle("Bestätigung", 3) + " nach " + mangle("§", 4)
    assert repair_mojibake(mixed) == "Bestätigung nach §"


def test_leftover_c1_controls_are_windows_1252():
    assert repair_mojibake("Preis: 5 \x80") == "Preis: 5 €"


@pytest.mark.parametrize(
    ("data", "charset", "text", "note"),
    [
        ("Grüße".encode(), "utf-8", "Grüße", ""),
        ("Grüße".encode("latin-1"), "iso-8859-1", "Grüße", ""),
        ("Grüße".encode(), "iso-8859-1", "Grüße", "declared cp1252 but the text is UTF-8"),
        ("Grüße".encode("latin-1"), "utf-8", "Grüße", "text does not match charset"),
        ("Grüße".encode("latin-1"), "x-mac-klingon", "Grüße", "unknown charset"),
        ("Grüße".encode("latin-1"), "us-ascii", "Grüße", "text does not match charset"),
        ("Grüße".encode("latin-1"), "undefined", "Grüße", "unknown charset"),  # a Python codec
        ("Grüße".encode("latin-1"), "base64", "Grüße", "unknown charset"),
        ("Grüße".encode("latin-1"), None, "Grüße", ""),
        ("Привет, как дела? Всё хорошо, спасибо.".encode("cp1251"), None, "Привет", ""),
        ("Grüße aus Köln".encode()[:-1] + b"\xe4", "utf-8", "Grüße aus Köl", "utf-8"),
        (b"", "utf-8", "", ""),
    ],
)
def test_decode_bytes(data: bytes, charset: str | None, text: str, note: str):
    decoded, said = decode_bytes(data, charset)
    assert decoded.startswith(text)
    assert note in said


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("=?utf-8?q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        ("=?utf-8?b?w6Q=?= =?utf-8?b?w7Y=?=", "äö"),  # whitespace between words dropped
        ("=?utf-8?b?ww==?= =?utf-8?b?pA==?=", "ä"),  # a character split across two words
        ("Bescheid =?iso-8859-1?q?f=FCr?= Sie", "Bescheid für Sie"),
        ("=?x-unknown?q?K=E4the?=", "Käthe"),
        ("=?utf-8*de?q?Stra=C3=9Fe?=", "Straße"),
        ("=?utf-8?b?!!!?=", "=?utf-8?b?!!!?="),
        ("Stra\udcdfe", "Straße"),  # raw Latin-1 byte kept by the email package as an escape
        ("folded\r\n line", "folded line"),
    ],
)
def test_decode_value(raw: str, value: str):
    assert decode_value(raw) == value


def test_rfc2231_parameters_with_continuations_and_charsets():
    found = params(
        "attachment; filename*0*=iso-8859-1''Antrag%20f%FCr%20; filename*1*=%DCbertrag.doc;"
        ' size="12"'
    )
    assert found == {"filename": "Antrag für Übertrag.doc", "size": "12"}
    # Thunderbird splits an encoded word across continuations; the standard library mangles it.
    split = params('attachment; filename*0="=?UTF-8?Q?M=C3=BCller_26.xl"; filename*1="sx?="')
    assert split["filename"] == "Müller 26.xlsx"
    assert params('text/plain; name="a;b.txt"')["name"] == "a;b.txt"


def test_message_ids_and_dates():
    assert message_ids(" <a b@x>\r\n\t<c@y> ") == ("<ab@x>", "<c@y>")
    assert message_ids("bare@id") == ("<bare@id>",)
    assert parse_date("nonsense") is None
    assert parse_date("") is None
    when = parse_date("Wed, 26 Mar 2025 10:00:00 -0000")
    assert when is not None and when.tzinfo is not None


def test_unflow_joins_soft_breaks_per_quote_depth():
    flowed = "Hello \nworld.\n> quoted \n> line\n-- \nsig"
    assert unflow(flowed, delsp=False) == "Hello world.\n> quoted line\n-- \nsig"
    assert unflow("ab \ncd", delsp=True) == "abcd"
