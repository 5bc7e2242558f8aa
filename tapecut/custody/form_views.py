"""The public pages: the report form (/report/) and the receipt page (/receipt/).

Neither needs an account. Neither puts a receipt code in a URL (URLs end up in logs and browser
history) nor in the session (a session row next to a logged-in user would link them to an
anonymous report): the code travels only in the body of a POST and back in the page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tapecut.core import throttle
from tapecut.custody import receipts
from tapecut.custody.actions import do_receipt_answer, do_submit_report
from tapecut.intake import identity
from tapecut.intake.form import ReportForm, Upload, default_mode, issue_token, our_domain
from tapecut.intake.models import Channel, FollowUp, Mode, Report

MAX_ANSWER = 20_000
FORM_TOKEN_SCOPE = "form-token"  # noqa: S105 - a counter name


@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial = {"token": issue_token(), "mode": default_mode(request.user)}
        return _form_page(request, ReportForm(initial=initial, user=request.user))
    if not throttle.form_allowed(request):
        form = ReportForm(request.POST, user=request.user)
        error = _("Too many reports from your network just now. Please try again in an hour.")
        return _form_page(request, _with_new_token(form), error=error, status=429)
    throttle.form_posted(request)
    form = ReportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _form_page(request, _refresh_if_stale(form), status=400)
    check = form.token_check
    assert check is not None  # set by form.clean_token
    if not throttle.claim_once(
        FORM_TOKEN_SCOPE, check.nonce, datetime.fromtimestamp(check.issued, UTC)
    ):
        error = _("This form was sent already. Please check below and send it again.")
        return _form_page(request, _with_new_token(form), error=error, status=400)
    return _submit(request, form)


def _submit(request: HttpRequest, form: ReportForm) -> HttpResponse:
    mode = form.cleaned_data["mode"]
    address, name = reporter_identity(request.user, mode)
    subject, text, uploads = form.cleaned_data["subject"], form.cleaned_data["text"], form.uploads()
    if mode == Mode.ANONYMOUS and request.user.is_authenticated:
        subject, text, uploads = _without_user(request.user, subject, text, uploads)
    submission = do_submit_report(
        channel=Channel.FORM,
        mode=mode,
        subject=subject,
        text=text,
        uploads=uploads,
        address=address,
        name=name,
        actor=request.user if request.user.is_authenticated else None,
    )
    return render(request, "custody/report_sent.html", {"submission": submission, "mode": mode})


def reporter_identity(user: Any, mode: str) -> tuple[str, str]:
    """Who the logged-in user is, for named and pseudonymous reports; nobody for anonymous."""
    if mode == Mode.ANONYMOUS or not getattr(user, "is_authenticated", False):
        return "", ""
    address = user.email or f"{user.get_username()}@{our_domain()}"
    # A name from the directory goes into a header: folded onto one line.
    return address.lower(), " ".join(user.get_full_name().split())


def _without_user(
    user: Any, subject: str, text: str, uploads: list[Upload]
) -> tuple[str, str, list[Upload]]:
    """A logged-in user reporting anonymously: nothing of theirs is kept, not even encrypted,
    and their own name and address are taken out of what they wrote (as for protected mail)."""
    tokens = identity.identity_tokens(user.email, user.get_full_name())
    if len(user.get_username()) >= 3:
        tokens = sorted({*tokens, user.get_username()}, key=len, reverse=True)
    return (
        identity.scrub_tokens(subject, tokens),
        identity.scrub_tokens(text, tokens),
        [replace(u, filename=identity.scrub_filename(u.filename, tokens)) for u in uploads],
    )


def _form_page(
    request: HttpRequest, form: ReportForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    files_lost = form.is_bound and bool(request.FILES)
    context = {"form": form, "error": error, "files_lost": files_lost}
    return render(request, "custody/report_form.html", context, status=status)


def _with_new_token(form: ReportForm) -> ReportForm:
    data = cast(QueryDict, form.data).copy()
    data["token"] = issue_token()
    form.data = data
    return form


def _refresh_if_stale(form: ReportForm) -> ReportForm:
    # "Too fast" keeps its token (a second try will be old enough); a bad or old one is replaced.
    check = form.token_check
    if check is None or not check.nonce:
        return _with_new_token(form)
    return form


# --- The receipt page ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "custody/receipt_lookup.html", {})
    if not throttle.receipt_allowed(request):
        error = _("Too many tries. Please wait an hour and try again.")
        return render(request, "custody/receipt_lookup.html", {"error": error}, status=429)
    code = request.POST.get("code", "")
    report = receipts.find_report(code)
    if report is None:
        throttle.receipt_failed(request)
        # The same answer for a wrong code, a malformed one and a withdrawn one.
        error = _("No report has this code. Please check it and try again.")
        return render(request, "custody/receipt_lookup.html", {"error": error})
    return _status_page(request, report, receipts.normalise_code(code))


def _status_page(request: HttpRequest, report: Report, digits: str) -> HttpResponse:
    context: dict[str, Any] = {"report": report, "code": receipts.format_code(digits)}
    if "answer" in request.POST:
        answer = request.POST.get("answer", "").strip()
        if not answer:
            context["answer_error"] = _("Please write your answer first.")
        elif len(answer) > MAX_ANSWER:
            context["answer_error"] = _("Your answer is too long.")
            context["answer"] = answer
        else:
            do_receipt_answer(report, answer)
            context["answered"] = True
    context["followups"] = FollowUp.objects.filter(report=report).order_by("created_at", "id")
    return render(request, "custody/receipt_status.html", context)
