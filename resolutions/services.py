"""Writes for what the customer gets: propose, settle on the spot, approve or reject, record
the customer's answer, and fulfil. Each runs the complaint's transition through
`complaints.services.transition_run`, so locking, permission checks and the event log are
the same on every path (pages, admin, tasks)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint, EventKind, Status
from complaints.services import (
    ComplaintActionError,
    TransitionRefused,
    _lock,
    event_record,
    transition_run,
)

from .authority import within_authority
from .models import (
    AcceptanceMethod,
    ApprovalDecision,
    Decision,
    FulfilmentTask,
    FulfilmentTeam,
    Resolution,
    ResolutionState,
    ResolutionType,
)

# What has to happen after the customer accepts, by resolution type.
FULFILMENT_PLAN: dict[str, list[tuple[str, str]]] = {
    ResolutionType.REFUND: [(FulfilmentTeam.FINANCE, gettext_lazy("Finance: pay the refund"))],
    ResolutionType.EXCHANGE: [
        (FulfilmentTeam.WAREHOUSE, gettext_lazy("Warehouse: ship the replacement"))
    ],
    ResolutionType.REPAIR: [
        (FulfilmentTeam.SERVICE, gettext_lazy("Service: book and carry out the repair"))
    ],
    ResolutionType.COMPENSATION: [
        (FulfilmentTeam.FINANCE, gettext_lazy("Finance: pay the compensation"))
    ],
    ResolutionType.GIFT: [(FulfilmentTeam.STORE, gettext_lazy("Store: hand over the gift"))],
    ResolutionType.DISCOUNT: [(FulfilmentTeam.STORE, gettext_lazy("Store: issue the coupon"))],
    ResolutionType.RESERVICE: [
        (FulfilmentTeam.SERVICE, gettext_lazy("Service: book the free re-service"))
    ],
    ResolutionType.APOLOGY: [],
}


def _clean_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ComplaintActionError(_("Enter the amount as a number.")) from exc
    if value < 0:
        raise ComplaintActionError(_("The amount cannot be negative."))
    if value >= Decimal("10000000000"):
        raise ComplaintActionError(_("The amount is too large."))
    return value


def _new_resolution(
    complaint: Complaint,
    *,
    actor,
    type: str,
    amount: Decimal,
    description: str,
    customer_request: str,
    state: str,
    on_the_spot: bool = False,
) -> Resolution:
    if type not in ResolutionType.values:
        raise ComplaintActionError(_("Choose a type of resolution."))
    if not (description or "").strip():
        raise ComplaintActionError(_("Describe what we offer the customer."))
    complaint.resolutions.filter(is_current=True).update(is_current=False)
    return Resolution.objects.create(
        complaint=complaint,
        type=type,
        amount=amount,
        currency=complaint.store.currency,
        description=description.strip(),
        customer_request=(customer_request or complaint.desired_outcome or "").strip(),
        state=state,
        proposed_by=actor,
        on_the_spot=on_the_spot,
    )


def _create_tasks(resolution: Resolution, *, owner, done_by=None) -> list[FulfilmentTask]:
    now = timezone.now()
    tasks = [
        FulfilmentTask(
            resolution=resolution,
            team=team,
            description=str(description),
            owner=owner,
            done_at=now if done_by else None,
            done_by=done_by,
        )
        for team, description in FULFILMENT_PLAN.get(resolution.type, [])
    ]
    return FulfilmentTask.objects.bulk_create(tasks)


def resolution_propose(
    *,
    complaint_id: int,
    actor,
    type: str,
    amount,
    description: str,
    customer_request: str = "",
    expected_version: int | None = None,
) -> Resolution:
    """Offer a resolution: straight to the customer within the proposer's authority,
    else to a supervisor or manager for approval."""
    amount = _clean_amount(amount)
    holder: dict = {}

    def before(complaint: Complaint) -> None:
        within = within_authority(
            user=actor, store=complaint.store, resolution_type=type, amount=amount
        )
        holder["within_authority"] = within
        holder["resolution"] = _new_resolution(
            complaint,
            actor=actor,
            type=type,
            amount=amount,
            description=description,
            customer_request=customer_request,
            state=ResolutionState.OFFERED if within else ResolutionState.AWAITING_APPROVAL,
        )

    transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="propose",
        text=description,
        expected_version=expected_version,
        kwargs=holder,
        before=before,
        data={"type": type, "amount": str(amount)},
    )
    return holder["resolution"]


def resolution_resolve_on_the_spot(
    *,
    complaint_id: int,
    actor,
    type: str,
    amount,
    description: str,
    acceptance_method: str = AcceptanceMethod.VERBAL,
    customer_request: str = "",
    expected_version: int | None = None,
) -> Resolution:
    """The one-stop path: resolution, the customer's acceptance and fulfilment in one step,
    allowed only within the actor's own authority."""
    amount = _clean_amount(amount)
    if acceptance_method not in AcceptanceMethod.values:
        raise ComplaintActionError(_("Choose how the customer accepted."))
    holder: dict = {}

    def before(complaint: Complaint) -> None:
        if not within_authority(
            user=actor, store=complaint.store, resolution_type=type, amount=amount
        ):
            raise TransitionRefused(
                _("%(amount)s is above what you may grant on your own. Request approval instead.")
                % {"amount": amount}
            )
        now = timezone.now()
        resolution = _new_resolution(
            complaint,
            actor=actor,
            type=type,
            amount=amount,
            description=description,
            customer_request=customer_request,
            state=ResolutionState.FULFILLED,
            on_the_spot=True,
        )
        resolution.accepted_at = now
        resolution.acceptance_method = acceptance_method
        resolution.acceptance_recorded_by = actor
        resolution.fulfilled_at = now
        resolution.save()
        _create_tasks(resolution, owner=actor, done_by=actor)
        holder["resolution"] = resolution

    transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="resolve_on_the_spot",
        text=description,
        expected_version=expected_version,
        kwargs=holder,
        before=before,
        data={"type": type, "amount": str(amount), "acceptance": acceptance_method},
    )
    return holder["resolution"]


def _decide(complaint: Complaint, *, actor, decision: str, reason: str) -> Resolution:
    resolution = complaint.current_resolution
    if resolution is None or resolution.state != ResolutionState.AWAITING_APPROVAL:
        raise TransitionRefused(_("There is no resolution waiting for approval."))
    ApprovalDecision.objects.create(
        resolution=resolution, decided_by=actor, decision=decision, reason=reason
    )
    return resolution


def resolution_approve(
    *, complaint_id: int, actor, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """Approve the resolution waiting for approval: never one's own, never above one's limit.
    Approving twice (double click, two tabs, two approvers) grants once: the second finds the
    complaint no longer awaiting approval."""

    def after(complaint: Complaint) -> None:
        resolution = _decide(complaint, actor=actor, decision=Decision.APPROVE, reason=reason)
        resolution.state = ResolutionState.OFFERED
        resolution.save(update_fields=["state"])

    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="approve",
        text=reason,
        expected_version=expected_version,
        after=after,
    )


def resolution_reject(
    *, complaint_id: int, actor, reason: str, expected_version: int | None = None
) -> Complaint:
    """Reject the resolution waiting for approval (a reason is required); back to investigating."""
    if not (reason or "").strip():
        raise ComplaintActionError(_("Say why the resolution is rejected."))

    def after(complaint: Complaint) -> None:
        resolution = _decide(
            complaint, actor=actor, decision=Decision.REJECT, reason=reason.strip()
        )
        resolution.state = ResolutionState.REJECTED
        resolution.is_current = False
        resolution.save(update_fields=["state", "is_current"])

    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="reject",
        text=reason.strip(),
        expected_version=expected_version,
        after=after,
    )


def resolution_record_acceptance(
    *, complaint_id: int, actor, method: str, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The customer accepted the offer: record how and by whom; fulfilment tasks follow.
    An offer with nothing to fulfil (an apology) resolves the complaint at once."""
    if method not in AcceptanceMethod.values:
        raise ComplaintActionError(_("Choose how the customer accepted."))

    def after(complaint: Complaint) -> None:
        resolution = complaint.current_resolution
        resolution.state = ResolutionState.ACCEPTED
        resolution.accepted_at = timezone.now()
        resolution.acceptance_method = method
        resolution.acceptance_recorded_by = actor
        resolution.save()
        _create_tasks(resolution, owner=complaint.owner)

    complaint = transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="customer_accepts",
        text=note,
        expected_version=expected_version,
        after=after,
        data={"method": method},
    )
    if not FULFILMENT_PLAN.get(complaint.current_resolution.type):
        complaint = _complete_fulfilment(complaint_id=complaint.pk, actor=actor)
    return complaint


def resolution_record_decline(
    *, complaint_id: int, actor, reason: str, expected_version: int | None = None
) -> Complaint:
    """The customer declined the offer: back to investigating, the offer stays in the history."""
    if not (reason or "").strip():
        raise ComplaintActionError(_("Record why the customer declined."))

    def after(complaint: Complaint) -> None:
        resolution = complaint.current_resolution
        resolution.state = ResolutionState.DECLINED
        resolution.declined_reason = reason.strip()
        resolution.is_current = False
        resolution.save()

    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="customer_declines",
        text=reason.strip(),
        expected_version=expected_version,
        after=after,
    )


def _complete_fulfilment(*, complaint_id: int, actor) -> Complaint:
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
        complaint = _lock(complaint_id=task.resolution.complaint_id, actor=actor)
        task = FulfilmentTask.objects.select_for_update().get(pk=task_id)
        if not actor.has_perm("complaints.record_fulfilment"):
            raise TransitionRefused(_("You may not record fulfilment."))
        if task.done_at:
            raise ComplaintActionError(_("This task was already done."))
        if complaint.status != Status.IN_FULFILMENT:
            raise TransitionRefused(_("This complaint is not in fulfilment."))
        task.done_at = timezone.now()
        task.done_by = actor
        task.note = note.strip()
        task.save()
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.FULFILMENT,
            text=f"{task.description}. {task.note}".strip(),
            action="task_done",
            data={"task": task.pk, "team": task.team},
        )
        remaining = FulfilmentTask.objects.filter(resolution=task.resolution, done_at__isnull=True)
        if not remaining.exists():
            _complete_fulfilment(complaint_id=complaint.pk, actor=actor)
    return task
