"""One size limit for API requests, enforced while the body arrives and answered in JSON.

Django's own limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``, 2.5 MB) answers with an HTML page and
would make the documented attachment limit (``TAPECUT_MAX_MESSAGE_BYTES``, 25 MiB) unreachable.
Here an API body may be as large as that limit in base64 plus room for the JSON around it: a
declared ``Content-Length`` above it is refused before a byte is read, and a body that grows
past it while being read is refused at that moment. The body is read into memory in chunks,
never to a temporary file, and then handed to Django as the request's body.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
CHUNK = 64 * 1024
# Subject, text (50,000 characters, escaped) and the JSON around the attachments.
ENVELOPE = 1024 * 1024


def api_body_limit() -> int:
    """Bytes an API body may have: the attachment limit in base64, plus the rest of the JSON."""
    return (settings.TAPECUT_MAX_MESSAGE_BYTES + 2) // 3 * 4 + ENVELOPE


def too_big(limit: int) -> JsonResponse:
    mib = settings.TAPECUT_MAX_MESSAGE_BYTES / (1024 * 1024)
    return JsonResponse(
        {"detail": f"The request is too large: attachments may be {mib:g} MiB together at most."},
        status=413,
        headers={"X-Tapecut-Limit": str(limit)},
    )


class ApiBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and request.method in ("POST", "PUT", "PATCH"):
            refused = self._read_body(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _read_body(self, request: HttpRequest) -> HttpResponse | None:
        limit = api_body_limit()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
        if declared > limit:
            return too_big(limit)
        chunks, total = [], 0
        while chunk := request.read(CHUNK):
            total += len(chunk)
            if total > limit:
                return too_big(limit)
            chunks.append(chunk)
        # Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only while it reads the body itself.
        request._body = b"".join(chunks)  # type: ignore[attr-defined]
        return None
