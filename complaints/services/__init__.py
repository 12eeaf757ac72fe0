"""Writes. Every change of a complaint goes through one function here (or in
`resolutions.services`) that runs in a transaction, locks the row, checks the user's
permission and the state, applies the change and writes the event row, which sends
`signals.complaint_event_recorded` in the same transaction: that is how follow-up (and any
other app) learns of it, without this app knowing who listens.

- `core`: refusals, the row lock and version check, the event row, running a transition;
- `intake`: logging a complaint;
- `transitions`: one function per transition of the complaint itself;
- `handling`: reassignment, escalation, notes, the verdict, attachments.

Callers import from `complaints.services`; the modules are how it is read.
"""

from .core import (
    ACTION_LABELS,
    ComplaintActionError,
    ComplaintChanged,
    TransitionRefused,
    available_transitions,
    complaint_lock,
    complaint_save,
    complaint_version_check,
    event_record,
    event_texts_redact,
    text_required,
    transition_run,
)
from .handling import (
    attachment_add,
    complaint_add_note,
    complaint_escalate,
    complaint_reassign,
    complaint_record_verdict,
)
from .intake import complaint_create
from .transitions import (
    complaint_acknowledge,
    complaint_close,
    complaint_close_malicious,
    complaint_close_unfounded,
    complaint_investigate,
    complaint_reopen,
    complaint_withdraw,
)

__all__ = [
    "ACTION_LABELS",
    "ComplaintActionError",
    "ComplaintChanged",
    "TransitionRefused",
    "attachment_add",
    "available_transitions",
    "complaint_acknowledge",
    "complaint_add_note",
    "complaint_close",
    "complaint_close_malicious",
    "complaint_close_unfounded",
    "complaint_create",
    "complaint_escalate",
    "complaint_investigate",
    "complaint_lock",
    "complaint_reassign",
    "complaint_record_verdict",
    "complaint_reopen",
    "complaint_save",
    "complaint_version_check",
    "complaint_withdraw",
    "event_record",
    "event_texts_redact",
    "text_required",
    "transition_run",
]
