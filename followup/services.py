"""Follow-up writes: who hears of an event, in-app notifications, and the outbox of e-mails and
SMS (`Delivery`) that a worker sends exactly once.

The rule for everything here: rows are written in the caller's transaction (so they commit or
roll back with the change that caused them); tasks are queued with `transaction.on_commit`,
and a failure to queue (broker down) is logged, never raised: the sweep re-dispatches every
delivery still pending.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from complaints.display import absolute_url
from complaints.models import Complaint

from .models import (
    Delivery,
    DeliveryChannel,
    DeliveryPurpose,
    DeliveryStatus,
    Notification,
    NotificationKind,
)
from .sms import sms_send

logger = logging.getLogger("followup")

# Kinds urgent enough to also go by SMS to staff who gave a phone number.
URGENT_KINDS = {
    NotificationKind.ACK_BREACHED,
    NotificationKind.RESOLVE_BREACHED,
    NotificationKind.ACK_BREACHED_DAY,
    NotificationKind.RESOLVE_BREACHED_DAY,
    NotificationKind.SURVEY_DISSATISFIED,
}


# ---- small helpers -----------------------------------------------------------------------------


def mask_address(address: str) -> str:
    """`138****5678`-style for phones, `w***@example.com` for e-mail addresses."""
    from customers.models import mask_phone

    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask_phone(address)


def user_language(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return getattr(profile, "language", None) or "en"


# ---- notifications and their deliveries ----------------------------------------------------------


def notifications_send(
    *,
    recipients,
    kind: str,
    params: dict,
    complaint: Complaint | None = None,
    url: str = "",
    exclude=None,
) -> list[Notification]:
    """Notify each recipient once (in-app), and queue an e-mail (and, for urgent kinds, an
    SMS to staff with a phone number) in the recipient's language."""
    seen: set[int] = set()
    people = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if exclude is not None and user.pk == getattr(exclude, "pk", exclude):
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return []
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                complaint=complaint,
                kind=kind,
                params=params,
                url=url,
                created_at=now,
            )
            for user in people
        ]
    )
    deliveries = []
    for user, notification in zip(people, notifications, strict=True):
        language = user_language(user)
        if user.email:
            deliveries.append(
                Delivery(
                    purpose=DeliveryPurpose.NOTIFICATION,
                    channel=DeliveryChannel.EMAIL,
                    address=user.email,
                    language=language,
                    notification=notification,
                )
            )
        phone = getattr(getattr(user, "staff_profile", None), "phone", "")
        if kind in URGENT_KINDS and phone:
            deliveries.append(
                Delivery(
                    purpose=DeliveryPurpose.NOTIFICATION,
                    channel=DeliveryChannel.SMS,
                    address=phone,
                    language=language,
                    notification=notification,
                )
            )
    deliveries_queue(deliveries=deliveries)
    return notifications


def deliveries_queue(*, deliveries: list[Delivery]) -> list[Delivery]:
    """Write external messages into the outbox and dispatch them once the transaction commits."""
    if not deliveries:
        return []
    created = Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in created]
    transaction.on_commit(lambda: deliveries_dispatch(delivery_ids=ids))
    return created


# After a failed publish this process leaves the broker alone for a few seconds, so that a
# request writing several events pays the broker's timeout once, not once per event.
BROKER_BACKOFF_SECONDS = 10.0
_broker_down_until = 0.0


def broker_backoff_reset() -> None:
    """Forget a recent broker failure (tests; a process that knows the broker is back)."""
    global _broker_down_until
    _broker_down_until = 0.0


def deliveries_dispatch(*, delivery_ids: list[int], backoff: bool = True) -> int:
    """Hand deliveries to the broker. Never raises: when the broker is down (or hung past the
    socket timeouts) the rows stay pending and the sweep dispatches them later."""
    global _broker_down_until
    from .tasks import deliver

    if backoff and time.monotonic() < _broker_down_until:
        logger.warning("Broker down: %d deliveries left for the sweep", len(delivery_ids))
        return 0
    dispatched = []
    for pk in delivery_ids:
        try:
            deliver.apply_async(kwargs={"delivery_id": pk}, retry=False)
        except Exception:  # noqa: BLE001 - any broker failure: the sweep will retry
            _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
            logger.warning(
                "Broker unavailable: %d deliveries left for the sweep",
                len(delivery_ids) - len(dispatched),
                exc_info=True,
            )
            break
        dispatched.append(pk)
    if dispatched:
        try:
            Delivery.objects.filter(pk__in=dispatched).update(dispatched_at=timezone.now())
        except Exception:  # noqa: BLE001 - bookkeeping only; never fail the user's request
            logger.warning("Could not mark deliveries dispatched", exc_info=True)
    return len(dispatched)


def deliveries_redispatch(*, now=None, stale_after: timedelta | None = None) -> int:
    """Dispatch again every delivery still pending whose last dispatch is older than
    `stale_after` (never dispatched: broker was down; dispatched: the message or the worker
    was lost). Sending checks the row under lock, so a duplicate dispatch sends nothing."""
    now = now or timezone.now()
    if stale_after is None:
        stale_after = timedelta(seconds=settings.FOLLOWUP_REDISPATCH_AFTER_SECONDS)
    threshold = now - stale_after
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lte=threshold)
    never = pending.filter(dispatched_at__isnull=True)
    lost = pending.filter(dispatched_at__lte=threshold)
    ids = [
        pk
        for queryset in (never, lost)
        for pk in queryset.order_by("created_at").values_list("pk", flat=True)[:1000]
    ]
    if not ids:
        return 0
    return deliveries_dispatch(delivery_ids=ids, backoff=False)


def delivery_send(*, delivery_id: int) -> bool:
    """Send one pending e-mail or SMS exactly once: the attempt is counted first (it survives
    a crash), then the row is locked, checked, sent and marked sent in one transaction. A
    worker killed while sending leaves the row pending for the next attempt; a duplicate
    task waits for the lock and then finds the row sent."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification", "notification__recipient")
            .get(pk=delivery_id)
        )
        if delivery.status != DeliveryStatus.PENDING:
            return False
        try:
            # A savepoint: a gateway error undoes what sending wrote (a survey's token).
            with transaction.atomic(), translation.override(delivery.language):
                if delivery.purpose == DeliveryPurpose.SURVEY:
                    from .surveys import survey_delivery_send

                    sent = survey_delivery_send(delivery=delivery)
                else:
                    sent = _notification_delivery_send(delivery=delivery)
        except Exception as exc:  # noqa: BLE001 - the gateway's error is recorded and retried
            logger.warning("Delivery %s failed: %s", delivery.pk, exc)
            delivery.last_error = repr(exc)[:300]
            if delivery.attempts >= settings.FOLLOWUP_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            delivery.save(update_fields=["last_error", "status"])
            return False
        delivery.status = DeliveryStatus.SENT if sent else DeliveryStatus.CANCELLED
        delivery.sent_at = timezone.now() if sent else None
        if delivery.purpose == DeliveryPurpose.SURVEY:
            # A customer's phone or e-mail is not kept in the outbox once it is done with.
            delivery.address = mask_address(delivery.address)
        delivery.save(update_fields=["status", "sent_at", "address"])
    return sent


def _notification_delivery_send(*, delivery: Delivery) -> bool:
    notification = delivery.notification
    if notification is None:
        return False
    text = notification.text
    link = absolute_url(notification.url) if notification.url else settings.SITE_URL + "/"
    if delivery.channel == DeliveryChannel.SMS:
        sms_send(to=delivery.address, text=f"{text} {link}")
        return True
    context = {
        "notification": notification,
        "text": text,
        "link": link,
        "params": notification.params,
        "recipient": notification.recipient,
        "site_url": settings.SITE_URL,
    }
    template = (
        "followup/email/weekly_digest.txt"
        if notification.kind == NotificationKind.WEEKLY_DIGEST
        else "followup/email/notification.txt"
    )
    body = render_to_string(template, context)
    subject = f"OneStop · {text}"[:150].replace("\n", " ")
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[delivery.address],
        headers={"X-OneStop-Delivery": str(delivery.pk), "Content-Language": delivery.language},
    )
    message.send(fail_silently=False)
    return True


# ---- the in-app list ---------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (someone else's does not exist)."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark all of the user's unread notifications read."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
