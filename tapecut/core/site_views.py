"""Pages every site has: the favicon browsers ask for at the root, whatever the page."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

FAVICON = Path(settings.BASE_DIR) / "static" / "tapecut" / "favicon.ico"


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico: browsers ask for it on every page even when the page names its own icon."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
