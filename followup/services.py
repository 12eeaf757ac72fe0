"""Follow-up writes: notifications from events. Extended by the follow-up issue."""

from __future__ import annotations


def notifications_for_event(*, event) -> None:
    """Decide who must hear of this event. Filled in by the follow-up work (issue 4)."""
    return None
