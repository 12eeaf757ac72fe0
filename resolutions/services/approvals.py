"""Deciding a resolution waiting for approval: approve, reject or pass up (four eyes,
`resolutions.rules`; the decider's own limit, `resolutions.authority`)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from complaints.models import Complaint, EventKind, Status
from complaints.services import (
    ComplaintActionError,
    TransitionRefused,
    complaint_lock,
    complaint_version_check,
    event_record,
    text_required,
    transition_run,
)

from ..authority import authority_limit_for, role_to_pass_up_to, within_authority
from ..models import (
    FINAL_DECISIONS,
    ApprovalDecision,
    Decision,
    Resolution,
    ResolutionState,
)
from ..rules import APPROVE_PERMISSION, may_approve, may_decide
from .offers import limit_text

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
                "limit": limit_text(limit, resolution.currency),
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
        reason=text_required(reason, _("Say why the resolution is rejected.")),
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
