"""The web form: its fields, its defences against spam, and the message it turns into.

Every channel stores raw bytes first, so a form submission becomes a real RFC 5322 message
(``compose_message``) before anything else happens. Spam is kept out without a third party and
without JavaScript: a signed token that must be at least ``TAPECUT_FORM_MIN_SECONDS`` old and is
accepted once, a field that people never see and bots fill in, and a limit per client address
(tapecut.core.throttle).
"""

from __future__ import annotations

import mimetypes
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tapecut.intake.models import Mode

TOKEN_SALT = "tapecut.intake.form"  # noqa: S105 - a signing salt, not a secret
MAX_SUBJECT = 200
MAX_TEXT = 50_000


def has_line_break(value: str) -> bool:
    """Line breaks cannot go into a mail header (subject, name, file name): we say so."""
    return any(c in value for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


LINE_BREAK_ERROR = _("Please write this on one line (it may not contain line breaks).")


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


# --- The message ---------------------------------------------------------------------------


def our_domain() -> str:
    """The host of TAPECUT_BASE_URL: our own message-ids must name us, never the reporter."""
    return urlsplit(settings.TAPECUT_BASE_URL).hostname or "localhost"


def compose_message(
    *,
    subject: str,
    text: str,
    sender: str,
    sender_name: str = "",
    to: str,
    uploads: list[Upload] | tuple[Upload, ...] = (),
    channel: str,
    in_reply_to: str = "",
) -> bytes:
    """An RFC 5322 message carrying what was submitted, as if it had come by email."""
    msg = EmailMessage(policy=policy.SMTP)
    local, _at, domain = sender.partition("@")
    msg["From"] = Address(display_name=sender_name, username=local, domain=domain)
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(idstring=channel, domain=our_domain())
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg["X-Tapecut-Channel"] = channel
    msg.set_content(text or "")
    for upload in uploads:
        maintype, _slash, subtype = _content_type(upload).partition("/")
        msg.add_attachment(
            upload.data, maintype=maintype, subtype=subtype, filename=upload.filename or "file"
        )
    return msg.as_bytes()


def _content_type(upload: Upload) -> str:
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared.count("/") == 1 and " " not in declared:
        return declared
    guessed, _enc = mimetypes.guess_type(upload.filename or "")
    return guessed or "application/octet-stream"


# --- The token -----------------------------------------------------------------------------


def issue_token(now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    return signing.Signer(salt=TOKEN_SALT).sign_object(
        {"n": secrets.token_urlsafe(12), "t": issued}
    )


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    nonce: str = ""
    issued: float = 0.0
    error: str = ""


def check_token(token: str, now: float | None = None) -> TokenCheck:
    now = now if now is not None else time.time()
    try:
        data = signing.Signer(salt=TOKEN_SALT).unsign_object(token or "")
        nonce, issued = str(data["n"]), float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return TokenCheck(False, error=str(_("The form has expired. Please send it again.")))
    age = now - issued
    if age > settings.TAPECUT_FORM_TOKEN_SECONDS:
        return TokenCheck(False, error=str(_("The form has expired. Please send it again.")))
    if age < settings.TAPECUT_FORM_MIN_SECONDS:
        return TokenCheck(
            False,
            nonce,
            issued,
            str(_("That was very fast. Please check your report and send it again.")),
        )
    return TokenCheck(True, nonce, issued)


# --- The form ------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


MODE_HELP: dict[str, Any] = {
    Mode.ANONYMOUS: _("Nobody can see who you are. You get a receipt code to follow your report."),
    Mode.PSEUDONYMOUS: _(
        "The team sees a stable alias such as “Reporter 4F2K”, never your name or address."
    ),
    Mode.NAMED: _("The team sees your name and can write to you."),
}


class ReportForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT, required=False)
    text = forms.CharField(
        label=_("What happened?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Which form, rule or process, and what it costs you. No names needed."),
    )
    attachments = MultipleFileField(label=_("Files (optional)"), required=False)
    mode = forms.ChoiceField(label=_("Who may know it was you?"), widget=forms.RadioSelect)
    # The honeypot: hidden by CSS and from screen readers; people leave it empty, bots do not.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        mode_field = self.fields["mode"]
        assert isinstance(mode_field, forms.ChoiceField)
        mode_field.choices = [(m, f"{Mode(m).label}: {MODE_HELP[m]}") for m in allowed_modes(user)]
        self.token_check: TokenCheck | None = None

    def clean_subject(self) -> str:
        subject = str(self.cleaned_data.get("subject", ""))
        if has_line_break(subject):
            raise forms.ValidationError(LINE_BREAK_ERROR)
        return subject

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""

    def clean_token(self) -> str:
        token = str(self.cleaned_data.get("token", ""))
        self.token_check = check_token(token)
        if not self.token_check.ok:
            raise forms.ValidationError(self.token_check.error)
        return token

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        total = sum(f.size for f in files)
        if total > settings.TAPECUT_MAX_MESSAGE_BYTES:
            limit = settings.TAPECUT_MAX_MESSAGE_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                _("Files may be %(mb)s MB together at most.") % {"mb": limit}
            )
        return list(files)

    def uploads(self) -> list[Upload]:
        return [
            Upload(f.name or "file", f.content_type or "", f.read())
            for f in self.cleaned_data.get("attachments") or []
        ]


def allowed_modes(user: Any) -> list[str]:
    """Anonymous needs no account; a name or a stable alias needs a login to vouch for it."""
    if getattr(user, "is_authenticated", False):
        return [Mode.ANONYMOUS, Mode.PSEUDONYMOUS, Mode.NAMED]
    return [Mode.ANONYMOUS]


def default_mode(user: Any) -> str:
    modes = allowed_modes(user)
    preferred = settings.TAPECUT_DEFAULT_MODE
    return preferred if preferred in modes else modes[0]
