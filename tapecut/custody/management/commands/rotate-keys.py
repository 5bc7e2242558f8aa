"""``tapecut rotate-keys``: re-encrypt every protected identity and message under the newest key."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from tapecut.core import crypto
from tapecut.custody.actions import do_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every ciphertext under the first key of TAPECUT_IDENTITY_KEYS and print how "
        "many of each kind. Put a new key first, run this, then drop the old key."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--generate",
            action="store_true",
            help="Only print a new key to put first in TAPECUT_IDENTITY_KEYS.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            self.stdout.write(crypto.generate_key())
            return
        if crypto.uses_derived_key():
            self.stderr.write(
                "TAPECUT_IDENTITY_KEYS is not set: rotating under the key derived from SECRET_KEY."
            )
        counts = do_rotate_keys()
        for kind, n in sorted(counts.items()):
            self.stdout.write(f"{kind}: {n}")
        self.stdout.write(f"re-encrypted {sum(counts.values())} ciphertexts under the newest key")
