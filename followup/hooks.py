"""Where the complaint services hand over follow-up work, inside their transaction.

Called for every event row written; the follow-up app turns events into notifications and
queues delivery on commit (see followup.services).
"""

from __future__ import annotations


def complaint_event_recorded(*, event) -> None:
    """Hand an event to the follow-up machinery (notifications, surveys). Runs in the writer's
    transaction, so anything it writes commits or rolls back with the event itself."""
    from . import services

    services.notifications_for_event(event=event)
