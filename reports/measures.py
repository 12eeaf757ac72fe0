"""What each figure of the weekly report counts, as query conditions.

The report (`reports.selectors`) and the complaint list's drill-down filters
(`reports.filters`) both build their SQL from these, so a figure and the list it links to
count exactly the same complaints.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q


def acknowledged_on_time() -> Q:
    """Acknowledged by the acknowledgement due time (24 h after receipt)."""
    return Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("ack_due_at"))


def acknowledged_late() -> Q:
    """Acknowledged after the due time, or not acknowledged at all."""
    return Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gt=F("ack_due_at"))


def resolved_on_time() -> Q:
    """Resolved by the resolution due time (which includes the time paused for the customer)."""
    return Q(resolved_at__isnull=False, resolved_at__lte=F("resolve_due_at"))


def resolved_late() -> Q:
    return Q(resolved_at__isnull=False, resolved_at__gt=F("resolve_due_at"))


def one_stop() -> Q:
    """Resolved on the spot: resolution, acceptance and fulfilment in one step at first contact."""
    return Q(resolved_on_the_spot=True)


def reopened() -> Q:
    return Q(reopen_count__gt=0)


def open_at(moment: datetime) -> Q:
    """Open at `moment`: received before it and neither resolved nor closed before it.

    A reopened complaint has no `resolved_at` any more, so it counts as open since receipt.
    """
    return Q(received_at__lt=moment) & (
        Q(resolved_at__isnull=True, closed_at__isnull=True)
        | Q(resolved_at__gte=moment)
        | Q(resolved_at__isnull=True, closed_at__gte=moment)
    )


def overdue_at(moment: datetime) -> Q:
    """Open at `moment` with the resolution (or a still missing acknowledgement) overdue,
    unless the clock was paused then, waiting for the customer."""
    late = Q(resolve_due_at__lt=moment) | (
        Q(ack_due_at__lt=moment)
        & (Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=moment))
    )
    paused = Q(clock_paused_at__isnull=False, clock_paused_at__lt=moment)
    return open_at(moment) & late & ~paused


def commitment_kept() -> Q:
    """A promise kept by its due time."""
    return Q(kept_at__isnull=False, kept_at__lte=F("due_at"))


def commitment_broken() -> Q:
    """A promise not kept by its due time (kept late, or not at all)."""
    return Q(kept_at__isnull=True) | Q(kept_at__gt=F("due_at"))


def survey_answered(prefix: str = "") -> Q:
    """A survey invitation the customer answered (`prefix`: the path to it, e.g. "surveys__")."""
    return Q(**{f"{prefix}answered_at__isnull": False})


def survey_dissatisfied(prefix: str = "") -> Q:
    """An answer scoring 1–2 or saying the problem was not solved (SPEC.md "Callback survey")."""
    return survey_answered(prefix) & (
        Q(**{f"{prefix}satisfaction__lte": 2}) | Q(**{f"{prefix}solved": False})
    )
