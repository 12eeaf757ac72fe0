"""Helpers for resolution tests: walk a complaint to the step a test starts from, through the
same services the pages call."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group

from complaints import services as complaint_services
from resolutions import services
from resolutions.models import AuthorityLimit
from tests.factories import make_complaint


def limit(role: str, amount, *, store=None, resolution_type: str = "") -> AuthorityLimit:
    """Set (or add) an authority limit row for a role."""
    row, _ = AuthorityLimit.objects.update_or_create(
        role=Group.objects.get(name=role),
        store=store,
        resolution_type=resolution_type,
        defaults={"max_amount": None if amount is None else Decimal(str(amount))},
    )
    return row


def investigating(*, actor, store=None, **fields):
    complaint = make_complaint(actor=actor, store=store, **fields)
    complaint_services.complaint_acknowledge(complaint_id=complaint.pk, actor=actor)
    return complaint_services.complaint_investigate(complaint_id=complaint.pk, actor=actor)


def awaiting_approval(*, proposer, amount="5000", type="exchange", store=None, complaint=None):
    """A complaint whose resolution (above the proposer's limit) waits for approval."""
    complaint = complaint or investigating(actor=proposer, store=store)
    services.resolution_propose(
        complaint_id=complaint.pk,
        actor=proposer,
        type=type,
        amount=amount,
        description="Replace the kettle with a new one",
    )
    complaint.refresh_from_db()
    assert complaint.status == "awaiting_approval"
    return complaint


def awaiting_customer(*, proposer, amount="100", type="exchange", store=None):
    complaint = investigating(actor=proposer, store=store)
    services.resolution_propose(
        complaint_id=complaint.pk,
        actor=proposer,
        type=type,
        amount=amount,
        description="Replace the kettle with a new one",
    )
    complaint.refresh_from_db()
    assert complaint.status == "awaiting_customer"
    return complaint
