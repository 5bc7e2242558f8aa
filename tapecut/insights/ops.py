"""For operations: ``/metrics`` in Prometheus' text format and ``/healthz``.

``/metrics`` is read by Prometheus with ``TAPECUT_METRICS_TOKEN`` as a bearer token, or by a
logged-in admin in a browser. ``/healthz`` is open to all and tells only whether the database
answers, for load balancers and container health checks.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tapecut.accounts.permissions import can
from tapecut.ai import registry
from tapecut.analysis.models import ReportAnalysis
from tapecut.core.models import Job
from tapecut.insights.speed import nearest_rank
from tapecut.intake.models import InboundMessage, Report
from tapecut.ledger.models import ModelCall

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_WINDOW = timedelta(hours=24)
LATENCY_SAMPLE = 5000  # the most recent analyses in the window


def escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def sample(name: str, value: float, labels: dict[str, str] | None = None) -> str:
    inner = ",".join(f'{k}="{escape_label(v)}"' for k, v in (labels or {}).items())
    return f"{name}{{{inner}}} {value:g}" if inner else f"{name} {value:g}"


def family(name: str, kind: str, help_text: str, samples: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *samples]


def reports_received() -> list[str]:
    rows = Report.objects.order_by().values("channel").annotate(n=Count("id"))
    samples = [
        sample("tapecut_reports_received_total", r["n"], {"channel": r["channel"]}) for r in rows
    ]
    return family(
        "tapecut_reports_received_total", "counter", "Reports received, by channel.", samples
    )


def quarantined() -> list[str]:
    rows = InboundMessage.objects.filter(
        state=InboundMessage.State.QUARANTINED, purged_at__isnull=True
    ).aggregate(n=Count("id"), size=Sum("size"))
    lines = family(
        "tapecut_inbound_quarantined",
        "gauge",
        "Messages accepted but quarantined (the quarantine page lists them).",
        [sample("tapecut_inbound_quarantined", rows["n"])],
    )
    return lines + family(
        "tapecut_inbound_quarantined_bytes",
        "gauge",
        "Size of the quarantined messages, in bytes.",
        [sample("tapecut_inbound_quarantined_bytes", rows["size"] or 0)],
    )


def queue_depth() -> list[str]:
    rows = (
        Job.objects.filter(state=Job.State.PENDING)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    )
    samples = [sample("tapecut_jobs_pending", r["n"], {"kind": r["kind"]}) for r in rows]
    return family("tapecut_jobs_pending", "gauge", "Jobs waiting in the queue, by kind.", samples)


def analysis_latency() -> list[str]:
    """Seconds from a report's creation to its analysis, over the last day's analyses."""
    since = timezone.now() - LATENCY_WINDOW
    rows = (
        ReportAnalysis.objects.filter(analysed_at__gte=since)
        .order_by("-analysed_at")
        .values_list("analysed_at", "report__created_at")[:LATENCY_SAMPLE]
    )
    seconds = [max(0.0, (done - created).total_seconds()) for done, created in rows if done]
    name = "tapecut_analysis_latency_seconds"
    samples = [
        sample(name, nearest_rank(seconds, q * 100) if seconds else 0.0, {"quantile": str(q)})
        for q in (0.5, 0.95)
    ]
    samples += [sample(f"{name}_sum", sum(seconds)), sample(f"{name}_count", len(seconds))]
    help_text = "Seconds from report to finished analysis, over the last 24 hours."
    return family(name, "summary", help_text, samples)


def ai_spend() -> list[str]:
    rows = ModelCall._default_manager.order_by().values("backend").annotate(usd=Sum("cost_usd"))
    name = "tapecut_ai_spend_usd_total"
    samples = [sample(name, float(r["usd"] or 0), {"backend": r["backend"]}) for r in rows]
    lines = family(name, "counter", "Money spent on model calls, by backend, in USD.", samples)
    budget = registry.budget_status()
    lines += family(
        "tapecut_ai_budget_month_spent_usd",
        "gauge",
        "Spent this calendar month, in USD.",
        [sample("tapecut_ai_budget_month_spent_usd", float(budget.spent_usd))],
    )
    lines += family(
        "tapecut_ai_budget_month_limit_usd",
        "gauge",
        "The monthly budget, in USD.",
        [sample("tapecut_ai_budget_month_limit_usd", float(budget.limit_usd))],
    )
    return lines


def exposition() -> str:
    lines = [*reports_received(), *quarantined(), *queue_depth(), *analysis_latency(), *ai_spend()]
    return "\n".join(lines) + "\n"


def may_read_metrics(request: HttpRequest) -> bool:
    token = settings.TAPECUT_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return can(request.user, "metrics")


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_read_metrics(request):
        status = 403 if request.user.is_authenticated else 401
        response = HttpResponse("metrics need a token or an admin login\n", status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="tapecut-metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
