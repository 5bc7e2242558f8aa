"""The demo mailbox: well-formed mail, and an import that yields reports, replies, no quarantine."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import parsedate_to_datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from tapecut.analysis.models import ReportAnalysis
from tapecut.core.language import guess_language
from tapecut.core.models import AuditEvent
from tapecut.demo.actions import analyse_demo, demo_messages, do_import_demo, do_reset_demo_admin
from tapecut.demo.corpus import (
    DEMO_HEADER,
    TemplateError,
    build_messages,
    load_templates,
    parse_template,
)
from tapecut.intake.models import FollowUp, InboundMessage, Mode, Report

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
IMPACT = re.compile(
    r"\d+(?:[.,]\d+)? ?(?:hours?|Stunden?|minutes|Minuten|days|Tage|working days|Arbeitstage)"
    r"|all \d+ of us|alle \d+ von uns|\d+ (?:people|consultants|site managers)",
    re.IGNORECASE,
)


def parsed(raw: bytes) -> EmailMessage:
    msg = message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


def text_of(raw: bytes) -> str:
    body = parsed(raw).get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.fixture(scope="module")
def messages():
    return build_messages(to="bureaucracy@corp.example", anonymous_to="anon@corp.example", now=NOW)


def test_about_fifty_messages_marked_as_demo_with_unique_ids(messages):
    assert 45 <= len(messages) <= 60
    ids = [parsed(m.raw)["Message-ID"] for m in messages]
    assert len(set(ids)) == len(messages)
    for m in messages:
        msg = parsed(m.raw)
        assert msg[DEMO_HEADER] == "yes"
        assert not msg.defects, m.slug
        assert parsedate_to_datetime(msg["Date"]) == m.sent_at < NOW
        assert msg["To"] == m.envelope_to[0]


def test_replies_answer_an_earlier_message_of_the_thread(messages):
    by_slug = {m.slug: m for m in messages}
    replies = [m for m in messages if m.in_reply_to]
    assert len(replies) >= 8
    for m in replies:
        parent = by_slug[m.in_reply_to]
        msg = parsed(m.raw)
        assert msg["In-Reply-To"] == parent.message_id
        assert msg["References"].split()[-1] == parent.message_id
        assert parent.sent_at < m.sent_at
    # A reply to a reply carries the whole thread.
    deep = [m for m in replies if by_slug[m.in_reply_to].in_reply_to]
    assert deep and len(parsed(deep[0].raw)["References"].split()) == 2


def test_english_and_german_reports_with_impact_figures(messages):
    languages = Counter(guess_language(text_of(m.raw)) for m in messages)
    assert languages["en"] >= 15
    assert languages["de"] >= 15
    with_impact = [m for m in messages if IMPACT.search(text_of(m.raw))]
    assert len(with_impact) >= 15


def test_the_same_problem_comes_from_several_people_some_as_form_letters(messages):
    senders_by_subject: dict[str, set[str]] = {}
    for m in messages:
        subject = str(parsed(m.raw)["Subject"])
        senders_by_subject.setdefault(subject, set()).add(m.envelope_from)
    form_letters = [s for s, senders in senders_by_subject.items() if len(senders) >= 3]
    assert form_letters, "no form letter sent by three or more people"
    anonymous = [m for m in messages if m.anonymous]
    assert anonymous and all(m.envelope_to == ("anon@corp.example",) for m in anonymous)


def test_the_build_is_repeatable_and_html_variants_are_multipart(messages):
    again = build_messages(to="bureaucracy@corp.example", anonymous_to="anon@corp.example", now=NOW)
    assert [m.raw for m in again] == [m.raw for m in messages]
    html = [m for m in messages if parsed(m.raw).get_content_type() == "multipart/alternative"]
    assert html
    assert all(parsed(m.raw).get_body(preferencelist=("html",)) is not None for m in html)


def test_a_malformed_template_is_refused_with_its_name():
    with pytest.raises(TemplateError, match="broken: the 'subject' header is missing"):
        parse_template("broken", "From: a@b.example\nX-Demo-Days-Ago: 3\n\nHello\n")
    with pytest.raises(TemplateError, match="odd: unexpected header"):
        parse_template("odd", "From: a@b.example\nColour: blue\n\nHello\n")


def test_a_reply_to_a_later_message_is_refused(tmp_path):
    (tmp_path / "a.eml").write_text("From: a@x.example\nSubject: A\nX-Demo-Days-Ago: 5\n\nA\n")
    (tmp_path / "b.eml").write_text(
        "From: b@x.example\nSubject: Re: A\nX-Demo-Days-Ago: 9\nX-Demo-In-Reply-To: a\n\nB\n"
    )
    assert len(load_templates(tmp_path)) == 2
    with pytest.raises(TemplateError, match="b: answers 'a', not an earlier message"):
        build_messages(to="t@x.example", anonymous_to="n@x.example", folder=tmp_path)


@pytest.mark.django_db
def test_the_demo_mailbox_imports_as_reports_and_replies_without_quarantine():
    expected = demo_messages()
    replies = sum(1 for m in expected if m.in_reply_to)
    summary = do_import_demo()
    assert summary.imported == len(expected)
    assert summary.outcomes == {"report": len(expected) - replies, "reply": replies}
    assert not InboundMessage.objects.filter(state=InboundMessage.State.QUARANTINED).exists()
    assert all(m.envelope_extra["demo"] is True for m in InboundMessage.objects.all())
    assert Report.objects.filter(is_demo=True).count() == len(expected) - replies
    assert FollowUp.objects.count() == replies
    assert Report.objects.filter(mode=Mode.ANONYMOUS).count() == sum(
        1 for m in expected if m.anonymous
    )
    assert {"de", "en"} <= set(Report.objects.values_list("language", flat=True))
    again = do_import_demo()
    assert (again.imported, again.already_there) == (0, len(expected))
    assert InboundMessage.objects.count() == len(expected)
    assert AuditEvent.objects.filter(verb="demo.import").count() == 2


@pytest.fixture
def fast_hasher(settings):
    # Argon2 is deliberately slow; these tests check the logins, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_the_demo_login_gets_a_new_password_each_time(fast_hasher):
    user, first = do_reset_demo_admin()
    assert user.is_superuser and user.is_staff
    assert authenticate(username="demo", password=first) is not None
    same, second = do_reset_demo_admin()
    assert same.pk == user.pk and second != first
    assert authenticate(username="demo", password=first) is None
    assert authenticate(username="demo", password=second) is not None
    assert AuditEvent.objects.filter(verb="demo.admin_reset").count() == 2


@pytest.mark.django_db(transaction=True)
def test_tapecut_demo_without_serving_prints_the_login_and_the_import(fast_hasher):
    out = StringIO()
    call_command("demo", "--no-serve", "--no-analysis", stdout=out)
    printed = out.getvalue()
    password = re.search(r"Login: demo / (\S+)", printed)
    assert password and authenticate(username="demo", password=password.group(1)) is not None
    assert f"Demo mailbox: {len(demo_messages())} messages" in printed


@pytest.fixture
def fake_embedder(settings):
    # The analysis tests' own reset (one place that knows every cache), so nothing of the fake
    # outlives this test in the same process.
    from tapecut.analysis.testing import forget_caches as _forget

    settings.TAPECUT_AI_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"
    settings.TAPECUT_AI_CHAT = "tapecut.ai.base.NullChat"
    _forget()
    yield
    _forget()


@pytest.mark.django_db
def test_the_demo_opens_with_every_report_analysed_and_themes_built(
    fake_embedder, django_capture_on_commit_callbacks
):
    # The import queues the analysis when each report's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        do_import_demo()
    reports = Report.objects.count()
    assert analyse_demo() == reports
    done = ReportAnalysis.objects.filter(state=ReportAnalysis.State.DONE)
    assert done.count() == reports
    assert AuditEvent.objects.filter(verb="themes.reclustered").count() == 1
    assert analyse_demo() == 0  # nothing new: the queue is empty
