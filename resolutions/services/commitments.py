"""Promises made to the customer (what, by when, who) and keeping them."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import EventKind, Status
from complaints.services import (
    ComplaintActionError,
    TransitionRefused,
    complaint_lock,
    event_record,
    text_required,
)

from ..models import (
    Commitment,
)

# ---- commitments -----------------------------------------------------------------------------


def commitment_add(*, complaint_id: int, actor, description: str, due_at: datetime) -> Commitment:
    """Promise the customer something (what, by when; the maker is who); the time must lie
    ahead and the complaint must not be closed."""
    description = text_required(description, _("Say what we promise the customer."))
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
