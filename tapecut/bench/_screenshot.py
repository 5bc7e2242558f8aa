"""Screenshots of the insights dashboard, taken by a real browser (headless Chromium).

    python -m tapecut.bench._screenshot [--out docs] [--reports 3000]

Builds a throwaway installation in a temporary folder (its own SQLite database and static
files), fills it with an invented organisation whose report texts come from the demo mailbox
(never from the real data in shared/, which must not be published), serves it on a free local
port, logs a leader in by a session cookie and saves ``dashboard.png`` (English) and
``dashboard-de.png`` (German). Needs the ``playwright`` package (in ``pip install -e
'.[test]'``) and a Chromium at ``/usr/bin/chromium`` (``apt-get install -y chromium``);
Playwright's own browser download is never used.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = [("en", "dashboard.png"), ("de", "dashboard-de.png")]


def prepare(reports: int) -> tuple[str, Any]:
    """Migrate, collect static files, fill; return the leader's session key and the app."""
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.test import Client

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    from tapecut.bench._dashboard_fill import fill

    filled = fill(reports, data=Path(os.devnull))  # not a CSV: the demo mailbox's sentences
    client = Client()
    client.force_login(filled.leader)
    return client.cookies["sessionid"].value, get_wsgi_application()


def serve(app: Any) -> tuple[Any, int]:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def shoot(port: int, session: str, out: Path, profile: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 1600},
        )
        for language, name in SHOTS:
            browser.clear_cookies()
            browser.add_cookies(
                [
                    {"name": "sessionid", "value": session, "url": f"http://127.0.0.1:{port}/"},
                    {
                        "name": "django_language",
                        "value": language,
                        "url": f"http://127.0.0.1:{port}/",
                    },
                ]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/insights/", wait_until="networkidle")
            target = out / name
            page.screenshot(path=str(target), full_page=True)
            page.close()
            saved.append(target)
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder for the PNGs")
    parser.add_argument("--reports", type=int, default=3000, help="reports in the organisation")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install -y chromium", file=sys.stderr)
        return 2
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("pip install -e '.[test]' (it brings Playwright)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tapecut-screenshot-") as tmp:
        os.environ["TAPECUT_VAR_DIR"] = tmp
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tapecut.settings")
        session, app = prepare(args.reports)
        server, port = serve(app)
        try:
            for path in shoot(port, session, args.out.resolve(), Path(tmp) / "profile"):
                print(path)
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
