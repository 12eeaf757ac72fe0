"""Business rules the lifecycle asks about: time limits and per-object permissions.

Kept apart from the models so the transitions, the forms and the admin ask the same questions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from .choices import Severity


def ack_due_at(*, received_at: datetime) -> datetime:
    """Acknowledge within 24 hours of receipt."""
    return received_at + timedelta(hours=settings.ACKNOWLEDGE_WITHIN_HOURS)


def resolve_limit_hours(*, level: str, severity: str, category_hours: int | None) -> float:
    """The level's limit, or the category's if shorter; critical severity halves it."""
    hours: float = settings.RESOLVE_WITHIN_HOURS[level]
    if category_hours:
        hours = min(hours, category_hours)
    if severity == Severity.CRITICAL:
        hours /= 2
    return hours


def resolve_due_at(
    *,
    received_at: datetime,
    level: str,
    severity: str,
    category_hours: int | None,
    paused_seconds: int = 0,
) -> datetime:
    hours = resolve_limit_hours(level=level, severity=severity, category_hours=category_hours)
    return received_at + timedelta(hours=hours, seconds=paused_seconds)


def may_resolve_on_the_spot(complaint, user) -> bool:
    """Front desk and up; the amount check happens in the service against the resolution."""
    return user.has_perm("complaints.resolve_on_the_spot")


# The approve and reject transitions ask the resolutions app's four-eyes rule about the
# complaint's current resolution: the one place where complaints reads resolutions' rules,
# imported on call because the resolutions app builds on complaints.


def may_decide_current_resolution(complaint, user) -> bool:
    """Reject or pass up: `resolutions.rules.may_decide` for the current resolution."""
    from resolutions.rules import may_decide

    return may_decide(user=user, resolution=complaint.current_resolution)


def may_approve_current_resolution(complaint, user) -> bool:
    """Approve: `resolutions.rules.may_approve` for the current resolution."""
    from resolutions.rules import may_approve

    return may_approve(
        user=user, resolution=complaint.current_resolution, store_id=complaint.store_id
    )
