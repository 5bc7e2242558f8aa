"""Helper process of the fault tests, in the installation's own environment.

``python -m tapecut.faults.child seed N [KIND ...]`` stores N reports from N named senders as if
they had come by SMTP (each with its parse job), so that a test starts from mail waiting for a
worker; with job kinds it then goes on as ``tapecut worker --kinds KIND ...`` in the same
process (one Python start-up less: they cost seconds on a busy CI machine).
"""

from __future__ import annotations

import sys

from tapecut.devtools import smtpenv


def reporter(n: int) -> str:
    return f"person{n}@faults.invalid"


def report_mail(n: int) -> bytes:
    return (
        f"From: Person {n} <{reporter(n)}>\r\nTo: {smtpenv.RECIPIENT}\r\n"
        f"Subject: Form {n} needs three signatures\r\n"
        f"Date: Mon, 05 Jan 2026 10:00:00 +0000\r\nMessage-ID: <fault-{n}@faults.invalid>\r\n"
        f"X-Bench-Seq: seed-{n}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Travel form {n} has to be printed, signed by three managers and scanned again.\r\n"
    ).encode()


def seed(count: int) -> None:
    import django

    django.setup()
    from tapecut.intake.storing import do_store_inbound

    for n in range(count):
        do_store_inbound(
            report_mail(n),
            channel="smtp",
            envelope_from=reporter(n),
            envelope_to=[smtpenv.RECIPIENT],
        )


def main(argv: list[str]) -> None:
    if argv[:1] != ["seed"] or len(argv) < 2:
        sys.exit("usage: python -m tapecut.faults.child seed N [KIND ...]")
    seed(int(argv[1]))
    if argv[2:]:
        from django.core.management import call_command

        call_command("worker", "--kinds", *argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
