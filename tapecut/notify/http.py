"""The one place team notifications leave over HTTP (tests point it at a local server)."""

from __future__ import annotations

import urllib.error
import urllib.request

from django.conf import settings


class DeliveryError(Exception):
    """The destination did not accept the message; the job queue retries it with backoff."""


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body``; return the status, or raise DeliveryError unless it is 2xx."""
    if not url.lower().startswith(("https://", "http://")):
        raise DeliveryError(f"not an http(s) URL: {url[:40]!r}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    timeout = settings.TAPECUT_NOTIFY_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} from the destination") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"cannot reach the destination: {exc}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status} from the destination")
    return status
