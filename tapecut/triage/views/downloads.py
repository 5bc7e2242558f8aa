"""Files from reporters and owners leave as downloads only: never rendered, never sniffed."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def download_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    # A sandbox in case a browser renders it anyway.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
