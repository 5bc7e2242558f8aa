"""Redaction: what must never reach a model, and what must survive."""

from __future__ import annotations

import pytest

from tapecut.analysis.stages.redaction import NullRedactor, redact, sender_names

LEAKS = [
    # text, what must be gone, placeholder
    ("Schreiben Sie an max.mustermann@firma.de bitte.", "max.mustermann@firma.de", "[EMAIL]"),
    ("Call me on +44 20 7946 0958 tomorrow.", "7946 0958", "[PHONE]"),
    ("Rückruf unter 0171 2345678 bitte.", "2345678", "[PHONE]"),
    ("Tel. 07531 123456", "123456", "[PHONE]"),
    ("IBAN: DE89 3704 0044 0532 0130 00", "0532 0130", "[IBAN]"),
    ("IBAN DE89370400440532013000 für die Erstattung", "DE89370400440532013000", "[IBAN]"),
    ("Hallo Frau Schneider, die Reise ist genehmigt.", "Schneider", "[NAME]"),
    ("Herr Dr. Meier sagt, es dauert 3 Tage.", "Meier", "[NAME]"),
    ("Dear John,\nthe form needs three signatures.", "John", "[NAME]"),
    ("Mit freundlichen Grüßen\nMax Mustermann", "Mustermann", "[NAME]"),
    ("Best regards,\nJane Smith", "Smith", "[NAME]"),
    ("Viele Grüße, Anna", "Anna", "[NAME]"),
]


@pytest.mark.parametrize(("text", "secret", "placeholder"), LEAKS)
def test_personal_data_is_replaced(text: str, secret: str, placeholder: str) -> None:
    out = redact(text).text
    assert secret not in out
    assert placeholder in out


def test_the_senders_own_name_parts_go_everywhere() -> None:
    names = sender_names("Max Mustermann", "max.mustermann@corp.example")
    assert {"Max", "Mustermann", "max", "mustermann"} <= set(names)
    out = redact("Mustermann here: MAX needs a signature from his boss.", names)
    assert "Mustermann" not in out.text and "MAX" not in out.text
    assert out.counts["name"] == 2


def test_the_problem_itself_survives() -> None:
    text = (
        "Hallo zusammen, Strassenlaterne Nr. 20 Steinstr. Hoehe Haus-Nr. 14 defekt. "
        "Es dauert 2 Stunden."
    )
    out = redact(text)
    assert out.text == text
    assert sum(out.counts.values()) == 0


def test_forms_of_address_stay_names_go() -> None:
    out = redact("Hallo Frau Schneider, Herr Dr. Meier und Frau Dr. Anna Berg.").text
    assert out == "Hallo Frau [NAME], Herr Dr. [NAME] und Frau Dr. [NAME] [NAME]."


def test_a_word_that_merely_starts_like_a_name_stays() -> None:
    out = redact("Maximum three signatures, says Max.", ["Max"]).text
    assert out.startswith("Maximum") and out.endswith("[NAME].")


def test_no_leak_on_many_signatures() -> None:
    for i in range(200):
        phone = f"+49 30 {1000000 + i * 7919}"
        mail = f"person{i}@example.org"
        text = f"Problem {i}.\n\nViele Grüße\nKim Beispiel{i}\n{phone}\n{mail}"
        out = redact(text).text
        assert phone not in out and mail not in out and f"Beispiel{i}" not in out


def test_null_redactor_lets_nothing_through() -> None:
    assert NullRedactor().redact("max@example.org").text == ""
