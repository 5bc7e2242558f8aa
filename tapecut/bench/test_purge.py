"""``tapecut bench purge`` on a handful of mails: every report expires, the counts hold."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_bench_purge_small() -> None:
    out = io.StringIO()
    call_command("bench", "purge", "--reports", "6", "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["expired"] == 6 and result["counts"]["reports"] == 6
    assert result["counts"]["identities"] == 6 and result["counts_unchanged"] is True
