"""Signals other apps listen to (intake knows nothing of them).

Intake sends them through ``tapecut.intake.announcing``, after the commit of what they announce.
"""

from django.dispatch import Signal

# Sent once for the new reports of a batch (one message processed alone is a batch of one),
# before ``report_created`` for each: kwargs ``reports`` (a list) and ``trees`` (the raw message
# as the parser read it, an ``email.message.Message`` in the compat32 policy, by report id, for
# the reports where it is at hand). Receivers that write something per report listen here and
# write it in bulk.
reports_created = Signal()
# Sent after a report is committed: kwargs ``report``.
report_created = Signal()
# Sent after a follow-up is committed: kwargs ``followup``.
followup_created = Signal()
