"""Offering the customer a resolution: propose it (to the customer, or for approval when it
is above the proposer's limit) or settle on the spot within the actor's own authority."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from complaints.models import Complaint, Status
from complaints.services import (
    ComplaintActionError,
    TransitionRefused,
    complaint_acknowledge,
    complaint_lock,
    complaint_version_check,
    text_required,
    transition_run,
)

from ..authority import authority_limit_for, within_authority
from ..models import (
    AcceptanceMethod,
    Resolution,
    ResolutionState,
    ResolutionType,
)
from .fulfilment import fulfilment_tasks_create

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
    description = text_required(description, _("Describe what we offer the customer."))
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


def limit_text(limit: Decimal | None, currency: str) -> str:
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
                    "limit": limit_text(limit, complaint.store.currency),
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
        fulfilment_tasks_create(resolution, owner=actor, done_by=actor)
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
