"""Signals other apps listen to (intake knows nothing of them)."""

from django.dispatch import Signal

# Sent after a report is committed: kwargs ``report``.
report_created = Signal()
# Sent after a follow-up is committed: kwargs ``followup``.
followup_created = Signal()
