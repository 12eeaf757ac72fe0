"""Logging a complaint: its reference and time limits, the owner, attachments at intake."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from .. import rules
from ..models import (
    Complaint,
    EventKind,
    ReferenceCounter,
    Status,
    Store,
)
from ..selectors import stores_visible_to
from .core import event_record
from .handling import attachment_add
from .transitions import complaint_acknowledge

# ---- intake ----------------------------------------------------------------------------------


def _next_reference(*, store: Store, year: int) -> str:
    """`STORE-YYYY-NNNNNN`, unique under concurrent intake: the counter row is locked by the
    UPDATE until the intake transaction commits."""
    updated = ReferenceCounter.objects.filter(store=store, year=year).update(
        last_number=F("last_number") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(store=store, year=year, last_number=1)
        except IntegrityError:
            ReferenceCounter.objects.filter(store=store, year=year).update(
                last_number=F("last_number") + 1
            )
    number = ReferenceCounter.objects.get(store=store, year=year).last_number
    return f"{store.code.upper()}-{year}-{number:06d}"


def complaint_create(
    *,
    actor,
    store: Store,
    customer,
    channel: str,
    category,
    account: str,
    severity: str = "medium",
    received_at: datetime | None = None,
    desired_outcome: str = "",
    mood: str = "",
    product_name: str = "",
    product_sku: str = "",
    product_batch: str = "",
    purchase_date=None,
    receipt_number: str = "",
    acknowledge_now: bool = False,
    attachments: Iterable = (),
) -> Complaint:
    """Log a complaint: the logging user owns it; walk-ins may be acknowledged at intake."""
    if not actor.has_perm("complaints.add_complaint"):
        raise PermissionDenied
    if not stores_visible_to(actor).filter(pk=store.pk).exists():
        raise PermissionDenied
    received_at = received_at or timezone.now()
    with transaction.atomic():
        complaint = Complaint(
            reference=_next_reference(store=store, year=received_at.astimezone(store.zone).year),
            store=store,
            customer=customer,
            channel=channel,
            category=category,
            account=account,
            severity=severity,
            received_at=received_at,
            desired_outcome=desired_outcome,
            mood=mood,
            product_name=product_name,
            product_sku=product_sku,
            product_batch=product_batch,
            purchase_date=purchase_date,
            receipt_number=receipt_number,
            owner=actor,
            created_by=actor,
            ack_due_at=rules.ack_due_at(received_at=received_at),
            resolve_due_at=rules.resolve_due_at(
                received_at=received_at,
                level="store",
                severity=severity,
                category_hours=category.resolve_within_hours,
            ),
        )
        complaint.save()
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.CREATED,
            to_status=Status.NEW,
            action="create",
            data={"channel": channel},
        )
        for upload in attachments:
            attachment_add(complaint=complaint, actor=actor, upload=upload, _locked=True)
        if acknowledge_now:
            # The system's words are an English message id: the timeline translates them for
            # each reader.
            complaint = complaint_acknowledge(
                complaint_id=complaint.pk,
                actor=actor,
                data={"msgid": gettext_noop("Acknowledged at intake.")},
            )
    return complaint
