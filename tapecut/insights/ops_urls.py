"""Mounted at the site's root: ``/metrics`` and ``/healthz`` (tapecut.insights.ops)."""

from django.urls import path

from tapecut.insights import ops

urlpatterns = [
    path("metrics", ops.metrics_view, name="metrics"),
    path("healthz", ops.healthz, name="healthz"),
]
