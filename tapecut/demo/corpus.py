"""The demo mailbox: red-tape reports written for the demo, turned into real RFC 5322 mail.

Each file in ``mail/`` is a template: a few headers, a blank line, the body. The headers are
``From``, ``Subject`` and these, which never reach the built message:

* ``X-Demo-Days-Ago``: when it was sent, in days before today (the fraction picks the hour
  within the working day, so the demo always looks recent);
* ``X-Demo-In-Reply-To``: the file name (without ``.eml``) of the message it answers;
* ``X-Demo-Html``: ``yes`` adds an HTML alternative, as Outlook sends it;
* ``X-Demo-Anonymous``: ``yes`` sends it to the anonymous address.

``{parent_date}`` in a body (a quoted reply's attribution line) becomes the date of the message
answered, or the day before for a forwarded message. Pure functions: no database, no settings.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path

MAIL_DIR = Path(__file__).resolve().parent / "mail"
DEMO_HEADER = "X-Tapecut-Demo"
MESSAGE_ID_DOMAIN = "demo.tapecut.example"
# The demo's organisation sits in central Europe.
LOCAL_TIME = timezone(timedelta(hours=1))
_KNOWN = {"from", "subject", "x-demo-days-ago", "x-demo-in-reply-to", "x-demo-html"}
_KNOWN |= {"x-demo-anonymous"}


class TemplateError(ValueError):
    """A demo template is malformed (names the file)."""


@dataclass(frozen=True)
class Template:
    slug: str
    sender: str
    subject: str
    days_ago: float
    in_reply_to: str
    html: bool
    anonymous: bool
    body: str


@dataclass(frozen=True)
class DemoMessage:
    slug: str
    raw: bytes
    envelope_from: str
    envelope_to: tuple[str, ...]
    sent_at: datetime
    message_id: str
    in_reply_to: str  # the slug of the message answered, or ""
    anonymous: bool


def message_id(slug: str) -> str:
    return f"<{slug}@{MESSAGE_ID_DOMAIN}>"


def parse_template(slug: str, text: str) -> Template:
    head, sep, body = text.replace("\r\n", "\n").partition("\n\n")
    if not sep:
        raise TemplateError(f"{slug}: no blank line between headers and body")
    headers: dict[str, str] = {}
    for line in head.splitlines():
        name, colon, value = line.partition(":")
        if not colon or name.strip().lower() not in _KNOWN:
            raise TemplateError(f"{slug}: unexpected header line {line!r}")
        headers[name.strip().lower()] = value.strip()
    for required in ("from", "subject", "x-demo-days-ago"):
        if not headers.get(required):
            raise TemplateError(f"{slug}: the {required!r} header is missing")
    try:
        days_ago = float(headers["x-demo-days-ago"])
    except ValueError:
        raise TemplateError(f"{slug}: X-Demo-Days-Ago must be a number") from None
    return Template(
        slug=slug,
        sender=headers["from"],
        subject=headers["subject"],
        days_ago=days_ago,
        in_reply_to=headers.get("x-demo-in-reply-to", ""),
        html=headers.get("x-demo-html", "").lower() == "yes",
        anonymous=headers.get("x-demo-anonymous", "").lower() == "yes",
        body=body.strip("\n") + "\n",
    )


def load_templates(folder: Path = MAIL_DIR) -> list[Template]:
    paths = sorted(folder.glob("*.eml"))
    return [parse_template(p.stem, p.read_text(encoding="utf-8")) for p in paths]


def sent_time(days_ago: float, now: datetime) -> datetime:
    """Whole days back from today, the fraction spread over a working day (08:00 to 18:00)."""
    today = now.astimezone(LOCAL_TIME).replace(hour=0, minute=0, second=0, microsecond=0)
    whole = int(days_ago)
    minutes = round((days_ago - whole) * 600)
    return today - timedelta(days=whole) + timedelta(hours=8, minutes=minutes)


def build_messages(
    *,
    to: str,
    anonymous_to: str,
    now: datetime | None = None,
    folder: Path = MAIL_DIR,
) -> list[DemoMessage]:
    """Every demo message, oldest first (so that a reply always comes after what it answers)."""
    now = now or datetime.now(UTC)
    templates = {t.slug: t for t in load_templates(folder)}
    times = {slug: sent_time(t.days_ago, now) for slug, t in templates.items()}
    built = []
    for t in templates.values():
        parent = templates.get(t.in_reply_to) if t.in_reply_to else None
        if t.in_reply_to and (parent is None or times[parent.slug] >= times[t.slug]):
            raise TemplateError(f"{t.slug}: answers {t.in_reply_to!r}, not an earlier message")
        recipient = anonymous_to if t.anonymous else to
        raw = render(t, times[t.slug], recipient, _references(t, templates), times)
        built.append(
            DemoMessage(
                slug=t.slug,
                raw=raw,
                envelope_from=parseaddr(t.sender)[1],
                envelope_to=(recipient,),
                sent_at=times[t.slug],
                message_id=message_id(t.slug),
                in_reply_to=t.in_reply_to,
                anonymous=t.anonymous,
            )
        )
    return sorted(built, key=lambda m: (m.sent_at, m.slug))


def _references(t: Template, templates: dict[str, Template]) -> list[str]:
    """Slugs of the thread above ``t``, oldest first."""
    chain: list[str] = []
    slug = t.in_reply_to
    while slug and slug not in chain and slug in templates:
        chain.insert(0, slug)
        slug = templates[slug].in_reply_to
    return chain


def render(
    t: Template,
    sent_at: datetime,
    recipient: str,
    references: list[str],
    times: dict[str, datetime],
) -> bytes:
    parent_at = times[references[-1]] if references else sent_at - timedelta(days=1)
    body = t.body.replace("{parent_date}", parent_at.strftime("%d.%m.%Y %H:%M"))
    msg = EmailMessage()
    msg["From"] = t.sender
    msg["To"] = recipient
    msg["Subject"] = t.subject
    msg["Date"] = format_datetime(sent_at)
    msg["Message-ID"] = message_id(t.slug)
    if references:
        msg["In-Reply-To"] = message_id(references[-1])
        msg["References"] = " ".join(message_id(s) for s in references)
    msg[DEMO_HEADER] = "yes"
    msg.set_content(body)
    if t.html:
        msg.add_alternative(as_html(body), subtype="html")
        # A fixed boundary keeps the bytes the same from one build to the next.
        msg.set_boundary(f"=_tapecut_demo_{t.slug}")
    return msg.as_bytes(policy=SMTP)


def as_html(text: str) -> str:
    """The body as a mail client would write it: paragraphs, quotes in a blockquote."""
    parts = []
    for para in text.strip().split("\n\n"):
        lines = para.splitlines()
        if all(line.startswith(">") for line in lines):
            inner = "<br>".join(html.escape(line.lstrip("> ")) for line in lines)
            parts.append(f"<blockquote>{inner}</blockquote>")
        else:
            parts.append("<p>" + "<br>\n".join(html.escape(line) for line in lines) + "</p>")
    body = "\n".join(parts)
    return (
        '<html><head><meta charset="utf-8"></head>'
        f'<body><div style="font-family:Calibri,sans-serif;font-size:11pt">\n{body}\n'
        "</div></body></html>\n"
    )
