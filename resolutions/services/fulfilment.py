"""Carrying out what the customer accepted: each fulfilment task, then the complaint."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from complaints.models import Complaint, EventKind, Status
from complaints.services import (
    ComplaintActionError,
    TransitionRefused,
    complaint_lock,
    event_record,
    transition_run,
)

from ..models import (
    FulfilmentTask,
    FulfilmentTeam,
    Resolution,
    ResolutionState,
    ResolutionType,
)

# What has to happen after the customer accepts, by resolution type. The task text is stored
# as the English message id and translated when shown (`{% translate task.description %}`).
FULFILMENT_PLAN: dict[str, list[tuple[str, str]]] = {
    ResolutionType.REFUND: [(FulfilmentTeam.FINANCE, gettext_noop("Finance: pay the refund"))],
    ResolutionType.EXCHANGE: [
        (FulfilmentTeam.WAREHOUSE, gettext_noop("Warehouse: ship the replacement"))
    ],
    ResolutionType.REPAIR: [
        (FulfilmentTeam.SERVICE, gettext_noop("Service: book and carry out the repair"))
    ],
    ResolutionType.COMPENSATION: [
        (FulfilmentTeam.FINANCE, gettext_noop("Finance: pay the compensation"))
    ],
    ResolutionType.GIFT: [(FulfilmentTeam.STORE, gettext_noop("Store: hand over the gift"))],
    ResolutionType.DISCOUNT: [(FulfilmentTeam.STORE, gettext_noop("Store: issue the coupon"))],
    ResolutionType.RESERVICE: [
        (FulfilmentTeam.SERVICE, gettext_noop("Service: book the free re-service appointment"))
    ],
    ResolutionType.APOLOGY: [],
}


def fulfilment_tasks_create(
    resolution: Resolution, *, owner, due_at: datetime | None = None, done_by=None
) -> list[FulfilmentTask]:
    """The fulfilment plan of the resolution's type as tasks (already done when settled on
    the spot, by `done_by`)."""
    now = timezone.now()
    tasks = [
        FulfilmentTask(
            resolution=resolution,
            team=team,
            description=description,
            owner=owner,
            due_at=due_at,
            done_at=now if done_by else None,
            done_by=done_by,
        )
        for team, description in FULFILMENT_PLAN.get(resolution.type, [])
    ]
    return FulfilmentTask.objects.bulk_create(tasks)


# ---- fulfilment ------------------------------------------------------------------------------


def fulfilment_complete(*, complaint_id: int, actor) -> Complaint:
    """Every task is done: the complaint's `complete_fulfilment` transition."""

    def after(complaint: Complaint) -> None:
        resolution = complaint.current_resolution
        resolution.state = ResolutionState.FULFILLED
        resolution.fulfilled_at = timezone.now()
        resolution.save(update_fields=["state", "fulfilled_at"])

    return transition_run(
        complaint_id=complaint_id, actor=actor, name="complete_fulfilment", after=after
    )


def fulfilment_task_complete(*, task_id: int, actor, note: str = "") -> FulfilmentTask:
    """Mark one fulfilment task done; the complaint is resolved when the last one is done."""
    with transaction.atomic():
        task = FulfilmentTask.objects.select_related("resolution").get(pk=task_id)
        complaint = complaint_lock(complaint_id=task.resolution.complaint_id, actor=actor)
        task = (
            FulfilmentTask.objects.select_for_update().select_related("resolution").get(pk=task_id)
        )
        if not actor.has_perm("complaints.record_fulfilment"):
            raise TransitionRefused(_("You may not record fulfilment."))
        if task.done_at:
            raise ComplaintActionError(_("This task was already done."))
        if complaint.status != Status.IN_FULFILMENT or not task.resolution.is_current:
            raise TransitionRefused(
                _("Complaint %(reference)s is not in fulfilment.")
                % {"reference": complaint.reference}
            )
        task.done_at = timezone.now()
        task.done_by = actor
        task.note = (note or "").strip()
        task.save()
        # The task is an English message id: the timeline translates it for each reader;
        # only the note, as typed, is the event's text.
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.FULFILMENT,
            text=task.note,
            action="task_done",
            data={"task": task.pk, "team": task.team, "msgid": task.description},
        )
        remaining = FulfilmentTask.objects.filter(resolution=task.resolution, done_at__isnull=True)
        if not remaining.exists():
            fulfilment_complete(complaint_id=complaint.pk, actor=actor)
    return task
