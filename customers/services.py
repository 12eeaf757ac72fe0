"""Writes about customers: register at intake (or find again), edit, and erase on request."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from complaints.models import Attachment, Complaint, EventKind, Store
from complaints.selectors import stores_visible_to
from complaints.services import event_record, event_texts_redact

from .models import Customer
from .selectors import customer_match_for_intake, customers_visible_to
from .signals import customer_erased

ANONYMISED_NAME = "Anonymised customer"
# What replaces the customer's own words on their complaints after erasure.
ERASED_TEXT = "[Removed at the customer's request]"
ERASED_MARK = "[erased]"


def _personal_details_pattern(customer: Customer) -> re.Pattern | None:
    """A pattern matching the customer's name, e-mail, address and phone number as staff may
    have typed them (the number with or without +86, spaces or dashes)."""
    parts = [re.escape(value.strip()) for value in (customer.name, customer.email) if value.strip()]
    parts += [re.escape(line.strip()) for line in customer.address.splitlines() if line.strip()]
    if customer.phone:
        digits = str(getattr(customer.phone, "national_number", "") or customer.phone)
        digits = "".join(ch for ch in digits if ch.isdigit())
        if len(digits) >= 6:
            country = getattr(customer.phone, "country_code", "") or ""
            prefix = rf"(?:\+?{country}[\s-]?)?" if country else ""
            parts.append(prefix + r"[\s-]?".join(digits))
    if not parts:
        return None
    return re.compile("|".join(sorted(parts, key=len, reverse=True)), re.IGNORECASE)


EDITABLE_FIELDS = (
    "name",
    "phone",
    "email",
    "address",
    "preferred_language",
    "preferred_channel",
    "consent_to_follow_up",
    "is_vip",
    "handling_notes",
)


class CustomerActionError(Exception):
    """A refusal the user should read: the message is translated and safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def customer_create(
    *,
    actor,
    store: Store,
    name: str,
    phone="",
    email: str = "",
    preferred_language: str = "zh-hans",
    preferred_channel: str = "sms",
    consent_to_follow_up: bool = False,
) -> Customer:
    """Register a customer at one of the actor's stores."""
    if not actor.has_perm("customers.add_customer"):
        raise PermissionDenied
    if not stores_visible_to(actor).filter(pk=store.pk).exists():
        raise PermissionDenied
    return Customer.objects.create(
        store=store,
        name=name.strip(),
        phone=phone or "",
        email=(email or "").strip(),
        preferred_language=preferred_language,
        preferred_channel=preferred_channel,
        consent_to_follow_up=consent_to_follow_up,
    )


def customer_get_or_create_for_intake(
    *, actor, store: Store, name: str, phone="", email: str = "", **fields
) -> tuple[Customer, bool]:
    """A customer is found again by phone (or e-mail): intake reuses the one visible customer
    with exactly that phone or e-mail instead of registering a duplicate."""
    existing = customer_match_for_intake(user=actor, phone=phone, email=email)
    if existing is not None:
        return existing, False
    customer = customer_create(
        actor=actor, store=store, name=name, phone=phone, email=email, **fields
    )
    return customer, True


def customer_update(*, actor, customer_id: int, **fields) -> Customer:
    """Front desk and up correct a customer's details; an erased customer stays erased."""
    if not actor.has_perm("customers.change_customer"):
        raise PermissionDenied
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        customer = customers_visible_to(actor).select_for_update().get(pk=customer_id)
        if customer.anonymised_at:
            raise CustomerActionError(_("This customer was anonymised and cannot be edited."))
        for field, value in fields.items():
            setattr(customer, field, value.strip() if isinstance(value, str) else value)
        customer.save()
    return customer


def customer_anonymise(*, actor, customer_id: int) -> Customer:
    """Erasure on request: wipe the customer's personal fields and their own words on their
    complaints, and delete the files they gave us; complaints and statistics remain.
    The event log keeps every entry: services write no customer data there (neither in the
    text nor in data), and what staff typed is redacted of the customer's details."""
    if not actor.has_perm("customers.erase_customer"):
        raise PermissionDenied
    with transaction.atomic():
        customer = customers_visible_to(actor).select_for_update().get(pk=customer_id)
        if customer.anonymised_at:
            raise CustomerActionError(_("This customer was already anonymised."))
        pattern = _personal_details_pattern(customer)
        customer.name = ANONYMISED_NAME
        customer.phone = ""
        customer.email = ""
        customer.address = ""
        customer.handling_notes = ""
        customer.is_vip = False
        customer.consent_to_follow_up = False
        customer.anonymised_at = timezone.now()
        customer.save()

        complaints = Complaint.objects.filter(customer=customer)
        # A plain UPDATE: erasure is not a lifecycle change, so the version stays and nobody's
        # open form is refused because of it.
        complaints.update(account=ERASED_TEXT, desired_outcome="")
        # What other apps keep of the customer's (requests, comments, messages to them).
        customer_erased.send(sender=Customer, customer=customer, complaints=complaints)
        attachments = list(Attachment.objects.filter(complaint__in=complaints))
        files = [attachment.file for attachment in attachments if attachment.file]
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
        transaction.on_commit(lambda: _delete_files(files))
        if pattern is not None:
            # Notes and calls staff typed may name the customer: the log keeps the entry, with
            # the customer's details blacked out (the one sanctioned edit of the log).
            event_texts_redact(
                customer_id=customer.pk, redact=lambda text: pattern.sub(ERASED_MARK, text)
            )
        for complaint in complaints.select_related("store"):
            event_record(
                complaint=complaint,
                actor=actor,
                kind=EventKind.NOTE,
                action="customer_anonymised",
                # A message id, translated by the timeline for each reader.
                data={
                    "msgid": gettext_noop(
                        "The customer's personal details were erased at their request."
                    )
                },
            )
    return customer


def _delete_files(files) -> None:
    for file in files:
        file.storage.delete(file.name)
