"""Writes for what the customer gets: propose, settle on the spot, approve, reject or pass up,
record the customer's answer, fulfil, and make and keep commitments.

Each lifecycle step runs the complaint's transition through `complaints.services.transition_run`,
so locking, permission checks and the event log are the same on every path (pages, admin,
tasks). The approval services lock the complaint row first and explain a refusal in the
user's words (four eyes, limit, already decided) before the transition checks it again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from complaints.models import Complaint, EventKind, Status
from complaints.services import (
    ComplaintActionError,
    TransitionRefused,
    complaint_acknowledge,
    complaint_lock,
    complaint_version_check,
    event_record,
    transition_run,
)

from .authority import authority_limit_for, role_to_pass_up_to, within_authority
from .models import (
    FINAL_DECISIONS,
    AcceptanceMethod,
    ApprovalDecision,
    Commitment,
    Decision,
    FulfilmentTask,
    FulfilmentTeam,
    Resolution,
    ResolutionState,
    ResolutionType,
)
from .rules import APPROVE_PERMISSION, may_approve, may_decide

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

OPEN_OFFER_STATES = [ResolutionState.AWAITING_APPROVAL, ResolutionState.OFFERED]


def _clean_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ComplaintActionError(_("Enter the amount as a number.")) from exc
    if not value.is_finite():
        raise ComplaintActionError(_("Enter the amount as a number."))
    if value < 0:
        raise ComplaintActionError(_("The amount cannot be negative."))
    if value >= Decimal("10000000000"):
        raise ComplaintActionError(_("The amount is too large."))
    return value


def _require_text(text: str | None, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ComplaintActionError(message)
    return text


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
    description = _require_text(description, _("Describe what we offer the customer."))
    # An offer still open when a new one is made is withdrawn; settled ones stay as they are.
    complaint.resolutions.filter(is_current=True, state__in=OPEN_OFFER_STATES).update(
        state=ResolutionState.WITHDRAWN
    )
    complaint.resolutions.filter(is_current=True).update(is_current=False)
    return Resolution.objects.create(
        complaint=complaint,
        type=type,
        amount=amount,
        currency=complaint.store.currency,
        description=description,
        customer_request=(customer_request or complaint.desired_outcome or "").strip(),
        state=state,
        proposed_by=actor,
        on_the_spot=on_the_spot,
    )


def _create_tasks(
    resolution: Resolution, *, owner, due_at: datetime | None = None, done_by=None
) -> list[FulfilmentTask]:
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


def _limit_text(limit: Decimal | None, currency: str) -> str:
    if limit is None:
        return _("no limit")
    return f"{limit:,.2f} {currency}"


# ---- propose and settle ------------------------------------------------------------------


def resolution_propose(
    *,
    complaint_id: int,
    actor,
    type: str,
    amount,
    description: str,
    customer_request: str = "",
    expected_version: int | None = None,
    acknowledge_new: bool = False,
) -> Resolution:
    """Offer a resolution: straight to the customer within the proposer's authority, else to a
    supervisor or manager for approval. With `acknowledge_new` (the one-stop form at first
    contact), a new complaint is acknowledged first, in the same transaction."""
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

    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        complaint_version_check(complaint, expected_version)
        if acknowledge_new and complaint.status == Status.NEW:
            complaint_acknowledge(
                complaint_id=complaint_id,
                actor=actor,
                data={"msgid": gettext_noop("Acknowledged when a resolution was proposed.")},
            )
        transition_run(
            complaint_id=complaint_id,
            actor=actor,
            name="propose",
            text=description,
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
    acceptance_method = acceptance_method or AcceptanceMethod.VERBAL
    if acceptance_method not in AcceptanceMethod.values:
        raise ComplaintActionError(_("Choose how the customer accepted."))
    holder: dict = {}

    def before(complaint: Complaint) -> None:
        if not within_authority(
            user=actor, store=complaint.store, resolution_type=type, amount=amount
        ):
            limit = authority_limit_for(user=actor, store=complaint.store, resolution_type=type)
            raise TransitionRefused(
                _(
                    "%(amount)s %(currency)s is above what you may grant on your own "
                    "(%(limit)s). Request approval instead."
                )
                % {
                    "amount": f"{amount:,.2f}",
                    "currency": complaint.store.currency,
                    "limit": _limit_text(limit, complaint.store.currency),
                }
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


# ---- approval ------------------------------------------------------------------------------


def _resolution_to_decide(complaint: Complaint, *, actor, need_limit: bool) -> Resolution:
    """The resolution waiting for this actor's decision, or a refusal that says why not."""
    resolution = complaint.current_resolution
    if (
        complaint.status != Status.AWAITING_APPROVAL
        or resolution is None
        or resolution.state != ResolutionState.AWAITING_APPROVAL
    ):
        decided = (
            ApprovalDecision.objects.filter(
                resolution__complaint=complaint, decision__in=FINAL_DECISIONS
            )
            .select_related("decided_by")
            .order_by("-decided_at", "-id")
            .first()
        )
        if decided is not None:
            raise TransitionRefused(
                _(
                    "The resolution of complaint %(reference)s was already %(decision)s by "
                    "%(user)s. Nothing was changed."
                )
                % {
                    "reference": complaint.reference,
                    "decision": decided.get_decision_display().lower(),
                    "user": decided.decided_by.get_full_name() or decided.decided_by,
                }
            )
        raise TransitionRefused(
            _("Complaint %(reference)s has no resolution waiting for approval.")
            % {"reference": complaint.reference}
        )
    if not may_decide(user=actor, resolution=resolution):
        if not actor.has_perm(APPROVE_PERMISSION):
            raise TransitionRefused(_("You may not approve or reject resolutions."))
        raise TransitionRefused(
            _("You proposed this resolution yourself: someone else must approve it.")
        )
    if need_limit and not may_approve(
        user=actor, resolution=resolution, store_id=complaint.store_id
    ):
        limit = authority_limit_for(
            user=actor, store=complaint.store, resolution_type=resolution.type
        )
        raise TransitionRefused(
            _("%(amount)s %(currency)s is above your limit of %(limit)s: you can only pass it up.")
            % {
                "amount": f"{resolution.amount:,.2f}",
                "currency": resolution.currency,
                "limit": _limit_text(limit, resolution.currency),
            }
        )
    return resolution


def _record_final_decision(
    complaint: Complaint, *, actor, decision: str, reason: str
) -> Resolution:
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
    """Approve the resolution waiting for approval: never one's own (four eyes), never above
    one's own limit. Approving twice (double click, two tabs, two approvers) grants once: the
    complaint row is locked, the second finds it decided, and the database refuses a second
    final decision."""

    def offer(resolution: Resolution) -> None:
        resolution.state = ResolutionState.OFFERED
        resolution.save(update_fields=["state"])

    return _final_decision_run(
        complaint_id=complaint_id,
        actor=actor,
        transition="approve",
        decision=Decision.APPROVE,
        reason=(reason or "").strip(),
        expected_version=expected_version,
        then=offer,
    )


def resolution_reject(
    *, complaint_id: int, actor, reason: str, expected_version: int | None = None
) -> Complaint:
    """Reject the resolution waiting for approval (a reason is required); the complaint goes
    back to investigating and the rejected offer stays in its history. Same four eyes and limit
    as approving: below the amount an approver can only pass it up."""

    def retire(resolution: Resolution) -> None:
        resolution.state = ResolutionState.REJECTED
        resolution.is_current = False
        resolution.save(update_fields=["state", "is_current"])

    return _final_decision_run(
        complaint_id=complaint_id,
        actor=actor,
        transition="reject",
        decision=Decision.REJECT,
        reason=_require_text(reason, _("Say why the resolution is rejected.")),
        expected_version=expected_version,
        then=retire,
    )


def _final_decision_run(
    *,
    complaint_id: int,
    actor,
    transition: str,
    decision: str,
    reason: str,
    expected_version: int | None,
    then: Callable[[Resolution], None],
) -> Complaint:
    """Approve or reject: lock the complaint, refuse in the user's words (four eyes, limit,
    already decided), run the transition, record the final decision and let `then` move the
    resolution on, all in one transaction."""
    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        resolution = _resolution_to_decide(complaint, actor=actor, need_limit=True)

        def after(complaint: Complaint) -> None:
            then(_record_final_decision(complaint, actor=actor, decision=decision, reason=reason))

        return transition_run(
            complaint_id=complaint_id,
            actor=actor,
            name=transition,
            text=reason,
            expected_version=expected_version,
            after=after,
            data={
                "resolution": resolution.pk,
                "type": resolution.type,
                "amount": str(resolution.amount),
            },
        )


def resolution_pass_up(
    *, complaint_id: int, actor, reason: str = "", expected_version: int | None = None
) -> ApprovalDecision:
    """An approver whose limit is below the amount passes the resolution up to the lowest role
    that may grant it; the complaint stays awaiting approval and the pass-up is logged."""
    reason = (reason or "").strip()
    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        complaint_version_check(complaint, expected_version)
        resolution = _resolution_to_decide(complaint, actor=actor, need_limit=False)
        if within_authority(
            user=actor,
            store=complaint.store,
            resolution_type=resolution.type,
            amount=resolution.amount,
        ):
            raise ComplaintActionError(
                _("This resolution is within your limit: approve or reject it yourself.")
            )
        if resolution.decisions.filter(decided_by=actor, decision=Decision.PASS_UP).exists():
            raise ComplaintActionError(_("You have already passed this resolution up."))
        role = role_to_pass_up_to(
            store=complaint.store, resolution_type=resolution.type, amount=resolution.amount
        )
        decision = ApprovalDecision.objects.create(
            resolution=resolution,
            decided_by=actor,
            decision=Decision.PASS_UP,
            reason=reason,
            passed_to=role,
        )
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.APPROVAL,
            text=reason,
            action="pass_up",
            data={
                "resolution": resolution.pk,
                "amount": str(resolution.amount),
                "to_role": role.name if role else "",
            },
        )
    return decision


# ---- the customer's answer -------------------------------------------------------------------


def resolution_record_acceptance(
    *, complaint_id: int, actor, method: str, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The customer accepted the offer: record how and by whom; the fulfilment tasks of its type
    go to the complaint's owner. An offer with nothing to fulfil (an apology) resolves the
    complaint at once."""
    if method not in AcceptanceMethod.values:
        raise ComplaintActionError(_("Choose how the customer accepted."))

    def after(complaint: Complaint) -> None:
        resolution = complaint.current_resolution
        resolution.state = ResolutionState.ACCEPTED
        resolution.accepted_at = timezone.now()
        resolution.acceptance_method = method
        resolution.acceptance_recorded_by = actor
        resolution.save()
        _create_tasks(resolution, owner=complaint.owner, due_at=complaint.resolve_due_at)

    with transaction.atomic():
        complaint = transition_run(
            complaint_id=complaint_id,
            actor=actor,
            name="customer_accepts",
            text=(note or "").strip(),
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
    reason = _require_text(reason, _("Record why the customer declined."))

    def after(complaint: Complaint) -> None:
        resolution = complaint.current_resolution
        resolution.state = ResolutionState.DECLINED
        resolution.declined_reason = reason
        resolution.is_current = False
        resolution.save()

    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="customer_declines",
        text=reason,
        expected_version=expected_version,
        after=after,
    )


# ---- fulfilment ------------------------------------------------------------------------------


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
            _complete_fulfilment(complaint_id=complaint.pk, actor=actor)
    return task


# ---- commitments -----------------------------------------------------------------------------


def commitment_add(*, complaint_id: int, actor, description: str, due_at: datetime) -> Commitment:
    """Promise the customer something (what, by when; the maker is who); the time must lie
    ahead and the complaint must not be closed."""
    description = _require_text(description, _("Say what we promise the customer."))
    if not actor.has_perm("resolutions.add_commitment"):
        raise TransitionRefused(_("You may not make commitments."))
    if due_at is None or due_at <= timezone.now():
        raise ComplaintActionError(_("The promised time must be in the future."))
    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        if complaint.status == Status.CLOSED:
            raise TransitionRefused(
                _("Complaint %(reference)s is closed: no new commitments.")
                % {"reference": complaint.reference}
            )
        commitment = Commitment.objects.create(
            complaint=complaint, description=description[:300], due_at=due_at, made_by=actor
        )
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.COMMITMENT,
            text=commitment.description,
            action="commitment_made",
            data={"commitment": commitment.pk, "due_at": due_at.isoformat()},
        )
    return commitment


def commitment_keep(*, commitment_id: int, actor) -> Commitment:
    """Mark a promise kept; kept after its due time it still counts as broken."""
    with transaction.atomic():
        complaint_id = Commitment.objects.values_list("complaint_id", flat=True).get(
            pk=commitment_id
        )
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        commitment = Commitment.objects.select_for_update().get(pk=commitment_id)
        if not actor.has_perm("resolutions.keep_commitment"):
            raise TransitionRefused(_("You may not mark commitments kept."))
        if commitment.kept_at:
            raise ComplaintActionError(_("This commitment was already marked kept."))
        commitment.kept_at = timezone.now()
        commitment.kept_by = actor
        commitment.save(update_fields=["kept_at", "kept_by"])
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.COMMITMENT,
            text=commitment.description,
            action="commitment_kept",
            data={"commitment": commitment.pk, "late": commitment.is_broken},
        )
    return commitment
