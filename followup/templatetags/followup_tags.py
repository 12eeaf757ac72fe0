"""Template tags for the shared layout: the bell's unread count and my-work's callbacks. Each
runs a fixed number of queries whatever the data."""

from __future__ import annotations

from django import template
from django.db.models import Count, Window

from .. import selectors

register = template.Library()

MY_WORK_CALLBACKS = 5


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread notifications (one query, capped at 100)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return selectors.unread_notification_count(user=user)


@register.simple_tag(takes_context=True)
def my_callbacks(context) -> dict:
    """The callback queue's oldest entries and its size, for users who make callbacks."""
    user = context.get("user")
    if user is None or not selectors.may_do_callbacks(user):
        return {"allowed": False, "items": [], "count": 0}
    # The card shows the reference and the customer's name: no more joins; the queue's size
    # rides along with its first rows (a window function) instead of a second query.
    queue = (
        selectors.callback_queue(user=user)
        .select_related(None)
        .select_related("complaint", "complaint__customer")
        .annotate(queue_size=Window(Count("pk")))
    )
    items = list(queue[:MY_WORK_CALLBACKS])
    return {"allowed": True, "items": items, "count": items[0].queue_size if items else 0}


@register.simple_tag
def survey_answer(complaint):
    """The customer's latest survey answer for this complaint, or None (one query)."""
    from ..models import SurveyInvitation

    return (
        SurveyInvitation.objects.filter(complaint=complaint, answered_at__isnull=False)
        .order_by("-answered_at")
        .first()
    )
