"""The customer's answer to an offer: accepted (how, recorded by whom) or declined (why)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.services import (
    ComplaintActionError,
    text_required,
    transition_run,
)

from ..models import (
    AcceptanceMethod,
    ResolutionState,
)
from .fulfilment import FULFILMENT_PLAN, fulfilment_complete, fulfilment_tasks_create

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
        fulfilment_tasks_create(resolution, owner=complaint.owner, due_at=complaint.resolve_due_at)

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
            complaint = fulfilment_complete(complaint_id=complaint.pk, actor=actor)
    return complaint


def resolution_record_decline(
    *, complaint_id: int, actor, reason: str, expected_version: int | None = None
) -> Complaint:
    """The customer declined the offer: back to investigating, the offer stays in the history."""
    reason = text_required(reason, _("Record why the customer declined."))

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
