"""What follow-up does when a complaint's history grows (one receiver per concern), and
when a customer is erased.

The complaints app sends `complaints.signals.complaint_event_recorded` inside the writer's
transaction for every event row it writes; these receivers (connected in
`FollowupConfig.ready`, in this order) write their rows in the same transaction, so they
commit or roll back with the event, and queue delivery on commit.
"""

from __future__ import annotations

from complaints.display import user_label
from complaints.models import ComplaintEvent, EventKind, Severity, Status
from resolutions.selectors import resolution_approvers

from . import reminders, selectors, surveys
from .models import Callback, Delivery, DeliveryStatus, NotificationKind, SurveyInvitation
from .services import notifications_send

# What each transition tells the complaint's owner (the transitions' names, as logged).
OWNER_HEARS = {
    "approve": NotificationKind.APPROVED,
    "reject": NotificationKind.REJECTED,
    "reassign": NotificationKind.ASSIGNED,
    "escalate": NotificationKind.ESCALATED,
    "reopen": NotificationKind.REOPENED,
}


def _asks_for_approval(event: ComplaintEvent) -> bool:
    return (
        event.action == "propose" and event.to_status == Status.AWAITING_APPROVAL
    ) or event.action == "pass_up"


def notify_people(sender, *, event: ComplaintEvent, **kwargs) -> None:
    """Who must hear of this event: a critical complaint, its store's supervisors; a request
    for approval (or a pass-up), those whose limit covers the amount; a decision,
    reassignment, escalation or reopening, the complaint's owner. Never the actor."""
    complaint = event.complaint
    actor = event.actor
    base = {"reference": complaint.reference, "store": complaint.store.name}
    url = complaint.get_absolute_url()
    params = {**base, "actor": user_label(actor), "reason": event.text}

    if event.kind == EventKind.CREATED and complaint.severity == Severity.CRITICAL:
        notifications_send(
            recipients=selectors.store_supervisors(store_id=complaint.store_id),
            kind=NotificationKind.CRITICAL_LOGGED,
            params=base,
            complaint=complaint,
            url=url,
            exclude=actor,
        )
    elif _asks_for_approval(event):
        resolution = complaint.resolutions.filter(is_current=True).first()
        if resolution is not None:
            notifications_send(
                recipients=resolution_approvers(complaint=complaint, resolution=resolution),
                kind=NotificationKind.APPROVAL_REQUESTED,
                params={**params, "amount": f"{resolution.amount} {resolution.currency}"},
                complaint=complaint,
                url=url,
                exclude=actor,
            )
    elif event.action in OWNER_HEARS:
        notifications_send(
            recipients=[complaint.owner],
            kind=OWNER_HEARS[event.action],
            params=params,
            complaint=complaint,
            url=url,
            exclude=actor,
        )


def follow_up_survey(sender, *, event: ComplaintEvent, **kwargs) -> None:
    """Resolving schedules the satisfaction survey; closing or reopening ends the follow-up
    (survey and callback) of the resolution it was about."""
    complaint = event.complaint
    if event.kind == EventKind.TRANSITION and event.to_status == Status.RESOLVED:
        surveys.survey_schedule(complaint=complaint)
    elif event.kind == EventKind.TRANSITION and event.to_status == Status.CLOSED:
        surveys.follow_up_end(complaint=complaint, reason="closed")
    if event.action == "reopen":
        surveys.follow_up_end(complaint=complaint, reason="reopened")


def catch_up_reminders(sender, *, event: ComplaintEvent, **kwargs) -> None:
    """A reopened complaint's time limits run again: any reminder already due is sent now."""
    if event.action == "reopen":
        reminders.reminders_catch_up(complaint=event.complaint)


def erase_follow_up(sender, *, complaints, **kwargs) -> None:
    """Erasure: the customer's survey comments and what they said on callbacks are wiped;
    messages not yet sent to them are cancelled, and every message forgets their address."""
    SurveyInvitation.objects.filter(complaint__in=complaints).update(comment="")
    Callback.objects.filter(complaint__in=complaints).update(note="")
    Delivery.objects.filter(survey__complaint__in=complaints).exclude(
        status=DeliveryStatus.SENT
    ).update(status=DeliveryStatus.CANCELLED)
    Delivery.objects.filter(survey__complaint__in=complaints).update(address="")
