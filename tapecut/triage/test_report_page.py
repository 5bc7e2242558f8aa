"""The report page: the reporter's text, suggestions accepted or corrected in one press,
merges with their reasons, questions, notes and attachments."""

from __future__ import annotations

import pytest
from django.core import mail

from tapecut.analysis.models import Category, DuplicateLink, ReportAnalysis
from tapecut.core import jobs, storage
from tapecut.core.models import AuditEvent
from tapecut.intake.models import Attachment, FollowUp, Report
from tapecut.intake.storing import do_store_inbound
from tapecut.triage.factories import make_category, make_report, make_theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():  # type: ignore[no-untyped-def]
    report = make_report(
        "Taxi receipts",
        "Three signatures for a taxi receipt.",
        sender="nina@corp.example",
        quoted_text="> On Monday you wrote: please fill in form 12",
        forwarded=[
            {"sender": "office@corp.example", "date": "", "subject": "Form 12", "text": "Sign here"}
        ],
    )
    ReportAnalysis.objects.create(
        report=report,
        state="done",
        category=make_category("signatures", "Signatures"),
        category_confidence=0.62,
        hours_per_year=12.5,
        impact={
            "evidence": [
                {
                    "kind": "duration",
                    "value": 80.0,
                    "start": 0,
                    "end": 20,
                    "text": "two weeks every time",
                }
            ]
        },
    )
    return report


def suggest(client, report, **data):  # type: ignore[no-untyped-def]
    return client.post(f"/reports/{report.pk}/suggestion/", data)


def test_the_page_folds_what_the_reporter_did_not_write(report, client_as):  # type: ignore[no-untyped-def]
    page = client_as("triager").get(f"/reports/{report.pk}/").content.decode()
    assert "Three signatures for a taxi receipt." in page
    assert '<details class="quoted"><summary>' in page
    assert '<details class="forwarded"><summary>' in page and "Sign here" in page
    assert "62% sure" in page and "12.5 h/year" in page and "<q>two weeks every time</q>" in page


def test_category_accepted_or_corrected(report, client_as, personas):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    analysis = ReportAnalysis.objects.get(report=report)
    suggest(client, report, action="category", category=analysis.category_id)
    analysis.refresh_from_db()
    assert analysis.category_confirmed_by == personas.triager
    other = Category.objects.exclude(id=analysis.category_id or 0).filter(active=True).first()
    other = other or make_category("waiting", "Waiting")
    suggest(client, report, action="category", category=other.pk)
    analysis.refresh_from_db()
    assert analysis.category_id == other.pk
    assert AuditEvent.objects.filter(verb="report.category").count() == 2


def test_theme_and_impact(report, client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    theme = make_theme("Taxi", [])
    suggest(client, report, action="theme", theme=theme.pk)
    assert ReportAnalysis.objects.get(report=report).theme_id == theme.pk
    suggest(client, report, action="theme_accept")
    suggest(client, report, action="impact", hours="20,5")
    analysis = ReportAnalysis.objects.get(report=report)
    assert analysis.hours_per_year == 20.5 and analysis.impact["confirmed"]["suggested"] == 12.5
    page = suggest(client, report, action="impact", hours="lots")
    assert page.status_code == 302
    assert ReportAnalysis.objects.get(report=report).hours_per_year == 20.5
    assert AuditEvent.objects.filter(verb="report.theme_confirmed").exists()


def test_merge_reject_and_unmerge_keep_reasons(report, client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    dup = make_report("Taxi receipts again", sender="olaf@corp.example")
    near = make_report("Taxi rides", sender="pia@corp.example")
    link = DuplicateLink.objects.create(report=dup, original=report, kind="lexical", score=0.93)
    wrong = DuplicateLink.objects.create(report=near, original=report, kind="semantic", score=0.71)
    suggest(client, report, action="merge", link=link.pk, reason="same receipt")
    link.refresh_from_db()
    assert link.state == "merged" and "same receipt" in link.reason
    assert Report.objects.get(pk=dup.pk).status == "merged"
    suggest(client, report, action="reject", link=wrong.pk, reason="different rides")
    assert DuplicateLink.objects.get(pk=wrong.pk).state == "rejected"
    # Unmerging needs a reason: without one nothing changes.
    page = client.post(
        f"/reports/{report.pk}/suggestion/", {"action": "unmerge", "link": link.pk}, follow=True
    )
    assert "Unmerging needs a reason" in page.content.decode()
    assert DuplicateLink.objects.get(pk=link.pk).state == "merged"
    suggest(client, report, action="unmerge", link=link.pk, reason="other trip")
    link.refresh_from_db()
    assert (
        link.state == "unmerged" and "same receipt" in link.reason and "other trip" in link.reason
    )
    suggest(client, near, action="merge_into", original=report.pk, reason="by hand")
    assert DuplicateLink.objects.get(report=near, original=report).state == "merged"
    assert client.get(f"/reports/{report.pk}/").status_code == 200


def test_htmx_swaps_only_the_suggestions(report, client_as):  # type: ignore[no-untyped-def]
    page = client_as("triager").get(f"/reports/{report.pk}/").content.decode()
    assert 'hx-select="#suggestions"' in page and '<section id="suggestions"' in page
    assert "<script>" not in page  # no inline scripts: a strict CSP comes later


def test_question_and_note(report, client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    mail.outbox.clear()
    client.post(f"/reports/{report.pk}/question/", {"text": "Which taxi company?"})
    client.post(f"/reports/{report.pk}/note/", {"text": "Looks like the travel theme."})
    jobs.run_pending()
    assert FollowUp.objects.get(report=report, author="team").text == "Which taxi company?"
    assert [m.to for m in mail.outbox if "question" in m.subject] == [["nina@corp.example"]]
    assert report.notes.get().text == "Looks like the travel theme."
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Which taxi company?" in page and "Looks like the travel theme." in page


def test_the_answer_to_a_question_threads_back(
    report, client_as, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    client_as("triager").post(f"/reports/{report.pk}/question/", {"text": "Which taxi company?"})
    jobs.run_pending()
    question = next(m for m in mail.outbox if "question" in m.subject)
    reply = (
        "From: Nina <nina@corp.example>\r\nTo: bureaucracy@corp.example\r\n"
        f"Subject: Re: {question.subject}\r\nMessage-ID: <answer-1@corp.example>\r\n"
        f"In-Reply-To: {question.extra_headers['Message-ID']}\r\n\r\nCity Cabs, every week.\r\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        do_store_inbound(reply, channel="smtp", envelope_to=["bureaucracy@corp.example"])
        jobs.run_pending(kinds=["intake.parse"])
    answer = FollowUp.objects.get(report=report, author="reporter")
    assert "City Cabs, every week." in answer.text


def test_attachments_download_only(report, client_as):  # type: ignore[no-untyped-def]
    digest = storage.put_blob(b"<html><script>alert(1)</script></html>")
    item = Attachment.objects.create(
        report=report, filename='evil".html', declared_type="text/html", size=38, sha256=digest
    )
    response = client_as("triager").get(f"/reports/{report.pk}/attachments/{item.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    other = make_report()
    assert (
        client_as("triager").get(f"/reports/{other.pk}/attachments/{item.pk}/").status_code == 404
    )
