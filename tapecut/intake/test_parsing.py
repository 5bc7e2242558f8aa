"""Parsing raw mail: headers, the best body, the reporter's own words, forwards, attachments.

Every fixture under fixtures/eml was written for these tests.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tapecut.intake.parsing import ParsedMessage, parse_message

FIXTURES = Path(__file__).parent / "fixtures" / "eml"


def parse(name: str) -> ParsedMessage:
    return parse_message((FIXTURES / name).read_bytes())


# --- replies, quotes and signatures --------------------------------------------------------


def test_german_outlook_reply_splits_text_quote_signature_and_disclaimer():
    msg = parse("outlook_reply_de.eml")
    assert msg.text.startswith("Hallo zusammen,")
    assert "dreifach und mit Stempel" in msg.text
    assert msg.text.endswith("Mit freundlichen Grüßen")
    assert msg.quoted.startswith("________________________________\nVon: Tapecut Postfach")
    assert "stimmt es, dass das Formular" in msg.quoted
    assert msg.signature.startswith("Petra Meier\nAmt für Ordnung")
    assert "vertrauliche und/oder rechtlich geschützte" in msg.signature
    assert "Petra Meier" not in msg.text
    assert "Guten Tag Frau Meier" in msg.body and "Hallo zusammen" in msg.body


def test_german_outlook_reply_headers():
    msg = parse("outlook_reply_de.eml")
    assert msg.message_id == "<AM0PR01MB1234.de@mail.stadt.example>"
    assert msg.in_reply_to == "<anfrage-4711@buerger.example>"
    assert msg.from_address == "petra.meier@stadt.example"
    assert msg.from_name == "Meier, Petra"
    assert msg.to == ("kummer@tapecut.example",)
    assert msg.date == datetime(2025, 3, 4, 9, 12, 44, tzinfo=timezone(timedelta(hours=1)))
    assert msg.subject == "AW: Formular 12b muss dreifach eingereicht werden"
    assert msg.thread_subject == "formular 12b muss dreifach eingereicht werden"
    assert msg.is_reply and msg.is_report


def test_english_reply_with_wrapped_attribution_flowed_text_and_signature():
    msg = parse("gmail_reply_en.eml")
    # format=flowed: the soft break after "each" is joined.
    assert msg.text == (
        "Yes, and it also has to be printed and scanned again after each signature.\n"
        "That costs me about an hour per trip."
    )
    assert msg.quoted.startswith("On Mon, Mar 10, 2025 at 9:15 AM Jane Doe")
    assert "> Could you tell us how long" in msg.quoted
    assert msg.signature == "--\nJohn Smith\nField Office North"
    assert msg.in_reply_to == "<CAF+orig-1@mail.gmail.example>"
    assert msg.references == ("<CAF+orig-0@mail.gmail.example>", "<CAF+orig-1@mail.gmail.example>")
    assert msg.date == datetime(2025, 3, 10, 18, 3, 12, tzinfo=UTC)
    assert msg.thread_subject == "travel expense form needs four signatures"


def test_english_outlook_reply_keeps_the_closing_and_moves_the_name_block():
    msg = parse("outlook_reply_en.eml")
    assert msg.text.endswith("even for printer paper.\n\nBest regards,")
    assert msg.signature.startswith("Alice Smith\nProcurement Office")
    assert "are confidential and may be privileged" in msg.signature
    assert msg.quoted.startswith("-----Original Message-----\nFrom: Tapecut Feedback")
    assert msg.forwarded == ()


def test_mobile_signature_and_german_attribution():
    msg = parse("iphone_reply_de.eml")
    assert msg.text == "Es hat jetzt fünf Wochen gedauert."
    assert msg.signature == "Von meinem iPhone gesendet"
    assert msg.quoted.startswith("> Am 27.03.2025 um 09:00 schrieb Tapecut")
    assert msg.is_reply


def test_html_outlook_reply_quote_found_after_conversion():
    msg = parse("html_outlook_reply_de.eml")
    assert msg.text == "Die Wartezeit beträgt derzeit acht Wochen.\n\nMit freundlichen Grüßen"
    assert "Betreff: Wartezeit" in msg.quoted
    assert "Wie lange dauert die Bearbeitung?" in msg.quoted
    assert msg.signature == "Ihr Amt"


# --- forwards ------------------------------------------------------------------------------


def test_gmail_forward_keeps_own_text_and_the_forwarded_message():
    msg = parse("forward_gmail.eml")
    assert msg.text == "Schaut euch das an: drei Wochen für einen Parkausweis."
    [part] = msg.forwarded
    assert part.sender == "Bürgeramt <buergeramt@stadt.example>"
    assert part.date == "Wed, Mar 12, 2025 at 3:44 PM"
    assert part.subject == "Ihr Antrag auf Parkausweis"
    assert part.text.startswith("Sehr geehrte Frau Berger,")
    assert "beglaubigte Meldebescheinigung" in part.text
    assert not msg.is_reply
    assert msg.thread_subject == "ihr antrag auf parkausweis"


def test_thunderbird_forward_with_subject_first_header_block():
    msg = parse("forward_thunderbird_de.eml")
    assert msg.text == "Zur Info, so läuft das bei uns."
    [part] = msg.forwarded
    assert (part.sender, part.subject) == (
        "Reisestelle <reisestelle@amt.example>",
        "Reisekostenabrechnung",
    )
    assert part.date == "Wed, 12 Mar 2025 10:00:00 +0100"
    # The quote inside the forwarded message belongs to it.
    assert part.text.endswith("> Kann ich die Belege als PDF schicken?")


def test_apple_forward_loses_its_quote_marks():
    msg = parse("forward_apple.eml")
    assert msg.text == "See below - the third reminder this month."
    [part] = msg.forwarded
    assert part.sender == "Permits Office <permits@city.example>"
    assert part.text == (
        "Please renew your permit in person at our office.\nOnline renewal is not available."
    )


def test_outlook_forward_chain_under_wg_subject():
    msg = parse("forward_outlook_wg.eml")
    assert msg.text == "Drei Unterschriften für einen Tag Urlaub – siehe unten."
    first, second = msg.forwarded
    assert first.sender == "Personalstelle <personal@amt.example>"
    assert first.subject == "AW: Urlaubsantrag"
    assert (
        first.text == "Bitte lassen Sie den Antrag zusätzlich von der Abteilungsleitung abzeichnen."
    )
    assert second.sender == "Weber, Tom <tom.weber@amt.example>"
    assert second.text == "Anbei mein Urlaubsantrag für den 21. März."
    assert msg.quoted == ""
    assert not msg.is_reply


def test_attached_message_becomes_a_forwarded_part_and_its_pdf_an_attachment():
    msg = parse("forward_attached.eml")
    assert msg.text == "Der Bescheid kam per Post und per E-Mail, beide ohne Unterschrift."
    [part] = msg.forwarded
    assert part.sender == "Finanzamt Münster <poststelle@fa.example>"
    assert part.subject == "Ihr Bescheid für 2024"
    assert part.date == "Fri, 14 Mar 2025 08:30:00 +0100"
    assert part.text == "Anbei Ihr Bescheid."
    [pdf] = msg.attachments
    assert pdf.filename == "bescheid.pdf"
    assert pdf.sniffed_type == "application/pdf"


def test_forwarded_bounce_is_a_report_with_the_bounce_forwarded():
    msg = parse("report_forwarded_bounce.eml")
    assert msg.is_report
    [part] = msg.forwarded
    assert part.subject == "Unzustellbar: Antrag auf Akteneinsicht"


# --- bodies --------------------------------------------------------------------------------


def test_html_only_body_becomes_plain_text():
    msg = parse("html_only.eml")
    assert msg.subject == "Antrag auf Gebührenerstattung"
    assert "Für die Erstattung von 5 € brauche ich drei Formulare." in msg.text
    assert "Jedes muss einzeln unterschrieben werden." in msg.text
    assert "<" not in msg.body
    assert "color" not in msg.body


def test_unknown_and_wrong_charsets_are_redecoded():
    msg = parse("unknown_charset.eml")
    assert "Die Straße vor dem Bürgeramt ist seit Wochen gesperrt" in msg.text
    assert "Grüße aus Köln: für jede Änderung ein neues Formular." in msg.text
    assert "\ufffd" not in msg.body
    assert any("x-unknown-8bit" in d for d in msg.defects)


def test_plain_alternative_preferred_but_attachment_of_html_branch_kept():
    msg = parse("apple_alternative_attachment.eml")
    assert msg.text == "Das Formular hat elf Seiten."
    assert [a.filename for a in msg.attachments] == ["formular.pdf"]


def test_malformed_base64_and_missing_final_boundary_do_not_lose_the_message():
    msg = parse("malformed_base64.eml")
    assert msg.text.startswith("Die Nachricht ist kaputt")
    assert [a.filename for a in msg.attachments] == ["antrag.pdf"]
    assert msg.attachments[0].data.startswith(b"%PDF")
    assert "CloseBoundaryNotFoundDefect" in msg.defects
    assert msg.date is None


# --- headers -------------------------------------------------------------------------------


def test_encoded_words_split_characters_unknown_charsets_and_odd_ids():
    msg = parse("encoded_headers.eml")
    assert msg.subject == "Überstunden äön und Grüße"
    assert msg.from_name == "Jörg Müller"
    assert msg.from_address == "joerg.mueller@example.org"
    assert msg.reply_to == "buero@example.org"
    assert msg.to == ("kummer@tapecut.example", "second@tapecut.example")
    assert msg.cc == ("kaethe@example.org",)
    assert msg.message_id == "<abc123@Example.ORG>"
    assert msg.references == ("<r1@example.org>", "<r2@example.org>")
    assert msg.date is not None and msg.date.utcoffset() == timedelta(0)


def test_doubly_misdecoded_subject_and_name_are_repaired():
    msg = parse("mojibake_subject.eml")
    assert msg.subject == "Eingangsbestätigung Ihres Antrags nach § 6 IFG"
    assert msg.from_name == "Jürgen Groß"
    assert msg.thread_subject == "eingangsbestätigung ihres antrags nach § 6 ifg"


# --- attachments ---------------------------------------------------------------------------


def test_attachment_names_types_and_hashes():
    msg = parse("rfc2231_filename.eml")
    names = [a.filename for a in msg.attachments]
    assert names == [
        "attachment-1.png",  # the inline image has no name
        "Überstunden März.pdf",  # RFC 2231, UTF-8
        "Antrag für Übertrag.doc",  # RFC 2231 continuations, Latin-1
        "Gebühren.csv",  # RFC 2047 inside the quotes
        "attachment-5.pdf",
    ]
    png, pdf, doc, csv, unnamed = msg.attachments
    assert (png.declared_type, png.sniffed_type) == ("image/png", "image/png")
    assert (pdf.declared_type, pdf.sniffed_type) == ("application/octet-stream", "application/pdf")
    assert doc.sniffed_type == "application/msword"  # "Antrag" has no magic: declared type
    # The line break before a boundary belongs to the boundary (RFC 2046).
    assert csv.data == b"betrag;datum\n5;2025-03-01"
    for item in msg.attachments:
        assert item.size == len(item.data)
        assert item.sha256 == hashlib.sha256(item.data).hexdigest()
    assert pdf.data == unnamed.data
    assert msg.text == "Siehe Anhang und Bild:"


# --- subjects and threading ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "thread", "reply"),
    [
        ("Re: AW: WG: Fwd: Fw: Antw: Aw: RE: FW: SV: VS: TR: Antrag  12", "antrag 12", True),
        ("WG: AW: Antrag", "antrag", False),
        ("AW: WG: Antrag", "antrag", True),
        ("[tapecut-list] Re: Formular", "formular", True),
        ("Re[2]: Formular", "formular", True),
        ("Fwd: Bescheid (fwd)", "bescheid", False),
        ("Reminder: Frist", "reminder: frist", False),
        ("[#25054]", "[#25054]", False),
    ],
)
def test_thread_subject_and_reply_prefix(subject: str, thread: str, reply: bool):
    raw = f"From: a@example.org\nSubject: {subject}\n\nText\n".encode()
    msg = parse_message(raw)
    assert msg.thread_subject == thread
    assert msg.is_reply is reply


def test_references_make_a_reply_but_not_on_a_forward():
    base = b"From: a@example.org\nReferences: <x@example.org>\nSubject: %s\n\nText\n"
    assert parse_message(base % b"Antrag").is_reply
    assert not parse_message(base % b"Fwd: Antrag").is_reply
    with_in_reply_to = b"From: a@example.org\nIn-Reply-To: <x@example.org>\nSubject: Fwd: A\n\nT\n"
    assert parse_message(with_in_reply_to).is_reply
