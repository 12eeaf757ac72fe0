"""Callback surveys (SPEC "Follow-up"): when a complaint is resolved a survey is scheduled; it
goes out through the customer's preferred channel if they consented, with a single-use link;
without consent, channel or answer the front desk calls back instead. A satisfied answer
closes the complaint; a dissatisfied one alerts the store's supervisors, who may reopen it;
no answer at all closes it automatically after AUTO_CLOSE_DAYS.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from complaints.display import absolute_url
from complaints.models import Complaint, EventKind, Status
from complaints.services import (
    ComplaintActionError,
    TransitionRefused,
    complaint_close,
    complaint_lock,
    complaint_reopen,
    event_record,
)
from customers.models import PreferredChannel

from . import selectors
from .models import (
    Callback,
    CallbackReason,
    Delivery,
    DeliveryChannel,
    DeliveryPurpose,
    NotificationKind,
    SurveyInvitation,
    SurveyState,
)
from .services import deliveries_queue, notifications_send
from .sms import sms_send

logger = logging.getLogger("followup.surveys")

BATCH = 500


class SurveyNotFound(Exception):
    """Unknown, used, cancelled or expired: the customer is told the same in every case."""


def survey_link_expires_at(*, sent_at: datetime) -> datetime:
    """A survey link works for `SURVEY_TOKEN_DAYS` (14 by default) after it is sent."""
    return sent_at + timedelta(days=settings.SURVEY_TOKEN_DAYS)


def is_satisfied(*, satisfaction: int | None, solved: bool | None) -> bool:
    """Satisfied means a score of 3 or more and the problem solved."""
    return satisfaction is not None and satisfaction >= 3 and solved is True


# ---- scheduling and ending ---------------------------------------------------------------------


def survey_schedule(*, complaint: Complaint, now: datetime | None = None) -> SurveyInvitation:
    """Schedule the follow-up of a just-resolved complaint: the survey after
    SURVEY_DELAY_HOURS, the automatic closure after AUTO_CLOSE_DAYS."""
    now = now or timezone.now()
    follow_up_end(complaint=complaint, reason="superseded")
    return SurveyInvitation.objects.create(
        complaint=complaint,
        language=complaint.customer.preferred_language or settings.LANGUAGE_CODE,
        send_due_at=now + timedelta(hours=settings.SURVEY_DELAY_HOURS),
        close_due_at=now + timedelta(days=settings.AUTO_CLOSE_DAYS),
        created_at=now,
    )


def follow_up_end(*, complaint: Complaint, reason: str) -> None:
    """The complaint was closed or reopened: nothing more is sent, its link stops working
    (unless answered already), and open callbacks leave the queue."""
    now = timezone.now()
    open_surveys = SurveyInvitation.objects.filter(complaint=complaint).exclude(
        state__in=[SurveyState.ANSWERED, SurveyState.CANCELLED]
    )
    if reason != "closed":
        open_surveys.update(
            state=SurveyState.CANCELLED, send_due_at=None, callback_due_at=None, close_due_at=None
        )
    else:
        # Closed: the customer may still tell us how it went until the link expires.
        open_surveys.update(send_due_at=None, callback_due_at=None, close_due_at=None)
        SurveyInvitation.objects.filter(complaint=complaint, state=SurveyState.ANSWERED).update(
            close_due_at=None
        )
    Callback.objects.filter(complaint=complaint, done_at__isnull=True).update(
        done_at=now, note=reason
    )
    Delivery.objects.filter(
        survey__complaint=complaint, status="pending", purpose=DeliveryPurpose.SURVEY
    ).update(status="cancelled")


# ---- the beat's part ---------------------------------------------------------------------------


def surveys_send_due(*, now: datetime | None = None) -> int:
    """Send the surveys that are due: by SMS or e-mail if the customer consented and has that
    channel, else queue a callback. Each invitation is taken under lock, so once."""
    now = now or timezone.now()
    ids = list(
        SurveyInvitation.objects.filter(send_due_at__lte=now)
        .order_by("send_due_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            invitation = (
                SurveyInvitation.objects.select_for_update(of=("self",))
                .select_related("complaint", "complaint__customer")
                .filter(pk=pk, send_due_at__isnull=False)
                .first()
            )
            if invitation is None:
                continue
            invitation.send_due_at = None
            complaint = invitation.complaint
            if complaint.status != Status.RESOLVED:
                invitation.state = SurveyState.CANCELLED
                invitation.save(update_fields=["send_due_at", "state"])
                continue
            customer = complaint.customer
            channel, address = _survey_channel(customer)
            if channel is None:
                invitation.state = SurveyState.NOT_SENT
                invitation.save(update_fields=["send_due_at", "state"])
                reason = (
                    CallbackReason.NO_CONSENT
                    if not customer.consent_to_follow_up
                    else CallbackReason.NO_CHANNEL
                )
                callback_queue_add(complaint=complaint, survey=invitation, reason=reason)
            else:
                invitation.channel = channel
                invitation.save(update_fields=["send_due_at", "channel"])
                deliveries_queue(
                    deliveries=[
                        Delivery(
                            purpose=DeliveryPurpose.SURVEY,
                            channel=channel,
                            address=address,
                            language=invitation.language,
                            survey=invitation,
                        )
                    ]
                )
            done += 1
    return done


def _survey_channel(customer) -> tuple[str | None, str]:
    if not customer.consent_to_follow_up or customer.anonymised_at:
        return None, ""
    if customer.preferred_channel == PreferredChannel.SMS and customer.phone:
        return DeliveryChannel.SMS, str(customer.phone)
    if customer.preferred_channel == PreferredChannel.EMAIL and customer.email:
        return DeliveryChannel.EMAIL, customer.email
    return None, ""


def survey_delivery_send(*, delivery: Delivery) -> bool:
    """Send the survey link: the token is made here and only its hash is stored, so neither
    the database nor the outbox ever holds a usable link. Runs under the delivery's lock."""
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("complaint", "complaint__store", "complaint__customer")
        .get(pk=delivery.survey_id)
    )
    if (
        invitation.state != SurveyState.SCHEDULED
        or invitation.complaint.status not in {Status.RESOLVED, Status.CLOSED}
        or invitation.complaint.customer.anonymised_at is not None
    ):
        return False
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = selectors.token_hash(token)
    invitation.state = SurveyState.SENT
    invitation.sent_at = now
    invitation.expires_at = survey_link_expires_at(sent_at=now)
    invitation.callback_due_at = now + timedelta(days=settings.SURVEY_CALLBACK_AFTER_DAYS)
    invitation.save(
        update_fields=["token_hash", "state", "sent_at", "expires_at", "callback_due_at"]
    )
    link = absolute_url(reverse("followup:survey", args=[token]))
    store = invitation.complaint.store.name
    if delivery.channel == DeliveryChannel.SMS:
        sms_send(
            to=delivery.address,
            text=_("%(store)s: was your problem solved? Tell us in one minute: %(link)s")
            % {"store": store, "link": link},
        )
    else:
        context = {"store": store, "link": link, "days": settings.SURVEY_TOKEN_DAYS}
        EmailMultiAlternatives(
            subject=_("%(store)s: how did we do?") % {"store": store},
            body=render_to_string("followup/email/survey.txt", context),
            to=[delivery.address],
            headers={
                "X-OneStop-Delivery": str(delivery.pk),
                "Content-Language": delivery.language,
            },
        ).send(fail_silently=False)
    return True


def surveys_callbacks_due(*, now: datetime | None = None) -> int:
    """Surveys sent but not answered after SURVEY_CALLBACK_AFTER_DAYS: call the customer."""

    def call_back(invitation: SurveyInvitation) -> bool:
        if invitation.state != SurveyState.SENT or invitation.complaint.status != Status.RESOLVED:
            return False
        callback_queue_add(
            complaint=invitation.complaint,
            survey=invitation,
            reason=CallbackReason.NO_ANSWER,
        )
        return True

    return _invitations_sweep("callback_due_at", now=now or timezone.now(), act=call_back)


def surveys_auto_close_due(*, now: datetime | None = None) -> int:
    """Close, as the system, resolved complaints nobody answered about for AUTO_CLOSE_DAYS."""

    def close(invitation: SurveyInvitation) -> bool:
        if invitation.complaint.status != Status.RESOLVED:
            return False
        complaint_close(
            complaint_id=invitation.complaint_id,
            actor=None,
            system=True,
            data={
                "msgid": gettext_noop(
                    "Closed automatically: no answer %(days)s days after it was resolved."
                ),
                "params": {"days": _days(settings.AUTO_CLOSE_DAYS)},
            },
        )
        return True

    return _invitations_sweep("close_due_at", now=now or timezone.now(), act=close)


def _invitations_sweep(
    due_field: str, *, now: datetime, act: Callable[[SurveyInvitation], bool]
) -> int:
    """Take the invitations whose `due_field` time has come (at most BATCH, earliest first),
    each in its own transaction under its row lock; clear and save that time first, so each
    is acted on once, then `act` on it. Returns how many `act` went through for."""
    ids = list(
        SurveyInvitation.objects.filter(**{f"{due_field}__lte": now})
        .order_by(due_field)
        .values_list("pk", flat=True)[:BATCH]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            invitation = (
                SurveyInvitation.objects.select_for_update(of=("self",))
                .select_related("complaint")
                .filter(pk=pk, **{f"{due_field}__isnull": False})
                .first()
            )
            if invitation is None:
                continue
            setattr(invitation, due_field, None)
            invitation.save(update_fields=[due_field])
            if act(invitation):
                done += 1
    return done


def _days(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def callback_queue_add(*, complaint: Complaint, survey: SurveyInvitation | None, reason: str):
    """Put a call to the customer in the front desk's queue (once per survey)."""
    if survey is not None:
        existing = Callback.objects.filter(survey=survey, done_at__isnull=True).first()
        if existing is not None:
            return existing
    return Callback.objects.create(complaint=complaint, survey=survey, reason=reason)


# ---- the customer's answer and the front desk's call ------------------------------------------


def survey_answer(
    *, token: str, satisfaction: int, solved: bool, comment: str = ""
) -> SurveyInvitation:
    """Record the customer's answer once; a satisfied customer's complaint is closed, a
    dissatisfied one is brought to the store's supervisors with the offer to reopen."""
    if satisfaction not in range(1, 6):
        raise ComplaintActionError(_("Choose a score from 1 to 5."))
    with transaction.atomic():
        try:
            invitation = selectors.survey_for_token(token=token)
        except SurveyInvitation.DoesNotExist as exc:
            raise SurveyNotFound from exc
        invitation = (
            SurveyInvitation.objects.select_for_update(of=("self",))
            .select_related("complaint", "complaint__store")
            .filter(pk=invitation.pk, state=SurveyState.SENT)
            .first()
        )
        if invitation is None:
            raise SurveyNotFound
        invitation.state = SurveyState.ANSWERED
        invitation.answered_at = timezone.now()
        invitation.satisfaction = satisfaction
        invitation.solved = solved
        invitation.comment = (comment or "").strip()[:2000]
        invitation.callback_due_at = None
        invitation.close_due_at = None
        invitation.save()
        _outcome_record(
            complaint=invitation.complaint,
            actor=None,
            kind=EventKind.FOLLOW_UP,
            action="survey_answered",
            # The customer's comment stays on the invitation (erasable), never in the
            # append-only event log; the complaint page shows it from there.
            msgid=(
                gettext_noop("Survey answered: satisfaction %(score)s of 5, problem solved.")
                if solved
                else gettext_noop(
                    "Survey answered: satisfaction %(score)s of 5, problem not solved."
                )
            ),
            satisfaction=satisfaction,
            solved=solved,
        )
        Callback.objects.filter(complaint=invitation.complaint, done_at__isnull=True).update(
            done_at=timezone.now(), note="survey answered"
        )
    return invitation


def _outcome_record(
    *,
    complaint: Complaint,
    actor,
    kind: str,
    action: str,
    msgid: str,
    satisfaction: int | None,
    solved: bool | None,
    note: str = "",
) -> None:
    """Log what the customer said, then close (satisfied) or alert supervisors (not).

    The system's words are an English message id (placeholder: the score), translated by the
    timeline for each reader; the event's text is only the staff's note, as typed."""
    locked = complaint_lock(complaint_id=complaint.pk, actor=None)
    event_record(
        complaint=locked,
        actor=actor,
        kind=kind,
        text=note,
        action=action,
        data={
            "satisfaction": satisfaction,
            "solved": solved,
            "msgid": msgid,
            "params": {"score": satisfaction},
        },
    )
    if is_satisfied(satisfaction=satisfaction, solved=solved):
        if locked.status == Status.RESOLVED:
            complaint_close(
                complaint_id=locked.pk,
                actor=None,
                system=True,
                data={"msgid": gettext_noop("Closed: the customer is satisfied.")},
            )
        return
    # Dissatisfied: no automatic closure; the supervisors decide.
    SurveyInvitation.objects.filter(complaint=locked, close_due_at__isnull=False).update(
        close_due_at=None
    )
    notifications_send(
        recipients=selectors.store_supervisors(store_id=locked.store_id),
        kind=NotificationKind.SURVEY_DISSATISFIED,
        params={
            "reference": locked.reference,
            "store": locked.store.name,
            "score": satisfaction if satisfaction is not None else "–",
            "solved": ["t", "yes" if solved else "no"],
        },
        complaint=locked,
        url=locked.get_absolute_url(),
    )


def callback_record(
    *,
    callback_id: int,
    actor,
    reached: bool,
    satisfaction: int | None = None,
    solved: bool | None = None,
    note: str = "",
) -> Callback:
    """Record a call to the customer (logged as a call on the complaint). Not reached: the
    callback stays in the queue. Reached: done; satisfied closes the complaint, dissatisfied
    alerts the supervisors."""
    if not actor.has_perm("followup.do_callback"):
        raise TransitionRefused(_("You may not record callbacks."))
    if reached and (satisfaction not in range(1, 6) or solved is None):
        raise ComplaintActionError(
            _("Record the customer's score (1 to 5) and whether the problem is solved.")
        )
    with transaction.atomic():
        callback = Callback.objects.select_related("complaint").get(pk=callback_id)
        complaint = complaint_lock(complaint_id=callback.complaint_id, actor=actor)  # scoping: 404
        callback = Callback.objects.select_for_update().get(pk=callback_id)
        if callback.done_at is not None:
            raise ComplaintActionError(_("This callback was already recorded."))
        if complaint.status != Status.RESOLVED:
            raise ComplaintActionError(_("This complaint is no longer waiting for a callback."))
        now = timezone.now()
        callback.attempts += 1
        callback.last_attempt_at = now
        callback.note = (note or "").strip()[:2000]
        if not reached:
            callback.save(update_fields=["attempts", "last_attempt_at", "note"])
            event_record(
                complaint=complaint,
                actor=actor,
                kind=EventKind.CALL,
                action="callback",
                # The note, as typed, is the text; the system's words a message id that the
                # timeline translates for each reader.
                text=callback.note,
                data={
                    "reached": False,
                    "msgid": gettext_noop("Callback: customer not reached."),
                },
            )
            return callback
        callback.reached = True
        callback.satisfaction = satisfaction
        callback.solved = solved
        callback.done_at = now
        callback.done_by = actor
        callback.save()
        if callback.survey_id:
            SurveyInvitation.objects.filter(pk=callback.survey_id).update(callback_due_at=None)
        _outcome_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.CALL,
            action="callback",
            msgid=(
                gettext_noop(
                    "Callback: customer reached, satisfaction %(score)s of 5, problem solved."
                )
                if solved
                else gettext_noop(
                    "Callback: customer reached, satisfaction %(score)s of 5, problem not solved."
                )
            ),
            satisfaction=satisfaction,
            solved=solved,
            note=callback.note,
        )
    return callback


def complaint_reopen_after_follow_up(*, complaint_id: int, actor, reason: str) -> Complaint:
    """The supervisor takes up the offer in a dissatisfied-customer alert (the usual reopen)."""
    return complaint_reopen(complaint_id=complaint_id, actor=actor, reason=reason)
