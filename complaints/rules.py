"""Business rules the lifecycle asks about: time limits and per-object permissions.

Kept apart from the models so the transitions, the forms and the admin ask the same questions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings


def ack_due_at(*, received_at: datetime) -> datetime:
    """Acknowledge within 24 hours of receipt."""
    return received_at + timedelta(hours=settings.ACKNOWLEDGE_WITHIN_HOURS)


def resolve_limit_hours(*, level: str, severity: str, category_hours: int | None) -> float:
    """The level's limit, or the category's if shorter; critical severity halves it."""
    hours: float = settings.RESOLVE_WITHIN_HOURS[level]
    if category_hours:
        hours = min(hours, category_hours)
    if severity == "critical":
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


def may_decide_current_resolution(complaint, user) -> bool:
    """Approve/reject needs the permission and four eyes: never the proposer."""
    if not user.has_perm("complaints.approve_resolution"):
        return False
    resolution = complaint.current_resolution
    return resolution is not None and resolution.proposed_by_id != user.pk


def may_approve_current_resolution(complaint, user) -> bool:
    """Four eyes, and the approver's own limit must cover the amount."""
    from resolutions.authority import within_authority

    if not may_decide_current_resolution(complaint, user):
        return False
    resolution = complaint.current_resolution
    return within_authority(
        user=user,
        store=complaint.store,
        resolution_type=resolution.type,
        amount=resolution.amount,
    )
