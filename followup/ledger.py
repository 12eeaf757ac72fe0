"""The follow-up ledger: each reminder, survey step and digest happens once.

A step is claimed by inserting its ledger row; the row's unique key (subject, kind, step)
makes a second claim fail, whoever makes it (another sweep, a retried task, a second beat).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import LedgerEntry


def ledger_claim(
    *, subject_type: str, subject_id: int, kind: str, step: str, complaint_id: int | None = None
) -> bool:
    """Record that a follow-up step happens now; False when it already happened (another
    sweep, a retried task or a second beat got there first). Call inside the transaction
    that does the step's work."""
    try:
        with transaction.atomic():
            LedgerEntry.objects.create(
                subject_type=subject_type,
                subject_id=subject_id,
                kind=kind,
                step=step,
                complaint_id=complaint_id,
            )
    except IntegrityError:
        return False
    return True
