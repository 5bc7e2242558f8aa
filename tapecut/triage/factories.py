"""Small builders of reports, themes and changes for the triage tests (no parser needed)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from django.utils import timezone

from tapecut.analysis.models import Category, ReportAnalysis, Theme
from tapecut.intake import identity
from tapecut.intake.models import Mode, Report
from tapecut.intake.storing import do_store_inbound


def raw_email(
    sender: str, subject: str, text: str, html: str = "", *, name: str = "A Reporter"
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = "bureaucracy@corp.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash((sender, subject, text)))}@test.example>"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


def make_report(
    subject: str = "Form X needs three signatures",
    text: str = "Every request needs three signatures.",
    *,
    mode: str = Mode.NAMED,
    sender: str = "",
    name: str = "A Reporter",
    language: str = "en",
    html: str = "",
    raw: bytes | None = None,
    **fields: Any,
) -> Report:
    sender = sender or f"r{Report.objects.count() + 1}@corp.example"
    data = raw or raw_email(sender, subject, text, html, name=name)
    inbound, _new = do_store_inbound(data, channel="smtp", mode=mode, enqueue=False)
    reporter = identity.resolve_reporter(sender, name, mode)
    return Report.objects.create(
        inbound=inbound,
        reporter=reporter,
        mode=mode,
        channel="smtp",
        subject=subject,
        text=text,
        language=language,
        received_at=fields.pop("received_at", timezone.now()),
        **fields,
    )


def make_category(slug: str = "signatures", name: str = "Signatures") -> Category:
    category, _created = Category.objects.get_or_create(slug=slug, defaults={"name_en": name})
    return category


def make_theme(title: str, reports: list[Report], **fields: Any) -> Theme:
    theme = Theme.objects.create(title=title, report_count=len(reports), **fields)
    for report in reports:
        ReportAnalysis.objects.update_or_create(
            report=report, defaults={"theme": theme, "state": ReportAnalysis.State.DONE}
        )
    return theme
