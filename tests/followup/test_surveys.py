"""Callback surveys: scheduled at resolution, sent through the customer's channel with a
single-use token, answered once on a public page; dissatisfied answers reach the supervisors,
satisfied ones close the complaint, silence ends in a callback and an automatic closure."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from complaints.models import ComplaintEvent, EventKind, Status
from followup import surveys
from followup.models import (
    Callback,
    CallbackReason,
    Notification,
    NotificationKind,
    SurveyInvitation,
    SurveyState,
)
from followup.selectors import token_hash
from tests.factories import CustomerFactory, make_complaint
from tests.followup.conftest import resolve_on_the_spot, send_outbox

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/survey/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def send_survey(complaint, sms) -> str:
    """Let the survey fall due, send it, and return the token the customer received."""
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
    send_outbox()
    texts = [m["text"] for m in sms if LINK.search(m["text"])]
    assert texts, "no survey link was sent"
    return LINK.search(texts[-1]).group(1)


def test_resolving_schedules_a_survey_for_a_day_later(resolved_complaint):
    invitation = SurveyInvitation.objects.get(complaint=resolved_complaint)
    assert invitation.state == SurveyState.SCHEDULED
    delay = invitation.send_due_at - resolved_complaint.resolved_at
    assert timedelta(hours=23, minutes=59) < delay <= timedelta(hours=24, minutes=1)
    assert invitation.language == "zh-hans"


def test_the_survey_goes_by_sms_with_an_unguessable_link_stored_only_hashed(
    resolved_complaint, sms
):
    assert surveys.surveys_send_due() == 0  # not yet due
    token = send_survey(resolved_complaint, sms)

    assert len(token) >= 43  # 32 random bytes, url-safe: 256 bits
    invitation = SurveyInvitation.objects.get(complaint=resolved_complaint)
    assert invitation.state == SurveyState.SENT
    assert invitation.token_hash == token_hash(token) != token
    assert token not in str(SurveyInvitation.objects.values().get())
    assert sms[-1]["to"] == str(resolved_complaint.customer.phone)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=14)
    # Sending again (a second sweep, a retried task) sends nothing more.
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=26))
    send_outbox()
    assert len([m for m in sms if LINK.search(m["text"])]) == 1


def test_by_email_when_the_customer_prefers_it(frontdesk, store, mailoutbox):
    customer = CustomerFactory(store=store, preferred_channel="email", preferred_language="en")
    complaint = resolve_on_the_spot(
        make_complaint(actor=frontdesk, store=store, customer=customer), frontdesk
    )
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
    send_outbox()
    survey_mail = [m for m in mailoutbox if LINK.search(m.body)]
    assert [m.to for m in survey_mail] == [[customer.email]]
    assert survey_mail[0].extra_headers["Content-Language"] == "en"
    assert complaint.reference not in survey_mail[0].body


def test_the_survey_page_shows_no_personal_data_and_speaks_the_customers_language(
    client, resolved_complaint, sms
):
    token = send_survey(resolved_complaint, sms)
    response = client.get(reverse("followup:survey", args=[token]))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    with translation.override("zh-hans"):
        assert gettext("Was your problem solved?") in html
    customer = resolved_complaint.customer
    for personal in (
        customer.name,
        str(customer.phone),
        customer.email,
        resolved_complaint.reference,
    ):
        assert personal not in html


def test_an_answer_is_recorded_once_and_a_satisfied_customer_closes_the_complaint(
    client, resolved_complaint, sms
):
    token = send_survey(resolved_complaint, sms)
    url = reverse("followup:survey", args=[token])
    response = client.post(url, {"satisfaction": "5", "solved": "yes", "comment": "Great"})
    assert response.status_code == 200
    assert 'data-testid="survey-thanks"' in response.content.decode()

    invitation = SurveyInvitation.objects.get(complaint=resolved_complaint)
    assert (invitation.state, invitation.satisfaction, invitation.solved) == ("answered", 5, True)
    resolved_complaint.refresh_from_db()
    assert resolved_complaint.status == Status.CLOSED
    assert resolved_complaint.events.filter(action="close", actor__isnull=True).exists()

    # Reused: the same 404 as an unknown token, and nothing changes.
    assert client.post(url, {"satisfaction": "1", "solved": "no"}).status_code == 404
    assert client.get(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.satisfaction == 5
    assert ComplaintEvent.objects.filter(action="survey_answered").count() == 1


def test_tampered_unknown_and_expired_tokens_all_answer_404(client, resolved_complaint, sms):
    token = send_survey(resolved_complaint, sms)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("followup:survey", args=[tampered])).status_code == 404
    assert client.get(reverse("followup:survey", args=["x" * 43])).status_code == 404

    SurveyInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get(reverse("followup:survey", args=[token]))
    assert expired.status_code == 404
    assert (
        client.post(
            reverse("followup:survey", args=[token]), {"satisfaction": "4", "solved": "yes"}
        ).status_code
        == 404
    )
    assert SurveyInvitation.objects.get().answered_at is None


def test_a_low_score_alerts_the_supervisors_and_offers_a_reopen(
    client, resolved_complaint, sms, supervisor, supervisor2, frontdesk
):
    token = send_survey(resolved_complaint, sms)
    client.post(
        reverse("followup:survey", args=[token]),
        {"satisfaction": "2", "solved": "yes", "comment": "Rude staff"},
    )
    resolved_complaint.refresh_from_db()
    assert resolved_complaint.status == Status.RESOLVED  # not closed: the supervisor decides
    alert = Notification.objects.get(kind=NotificationKind.SURVEY_DISSATISFIED)
    assert alert.recipient == supervisor  # not the other store's supervisor
    assert resolved_complaint.reference in alert.text

    client.force_login(supervisor)
    page = client.get(reverse("followup:notifications")).content.decode()
    assert 'data-testid="reopen-offer"' in page
    response = client.post(reverse("followup:reopen", args=[alert.pk]), {"reason": "Score 2"})
    assert response.status_code == 302
    resolved_complaint.refresh_from_db()
    assert resolved_complaint.status == Status.INVESTIGATING
    assert resolved_complaint.reopen_count == 1


def test_not_solved_also_alerts_the_supervisors(client, resolved_complaint, sms, supervisor):
    token = send_survey(resolved_complaint, sms)
    client.post(reverse("followup:survey", args=[token]), {"satisfaction": "4", "solved": "no"})
    assert Notification.objects.filter(
        recipient=supervisor, kind=NotificationKind.SURVEY_DISSATISFIED
    ).exists()


def test_without_consent_a_callback_is_queued_instead(frontdesk, store, sms):
    customer = CustomerFactory(store=store, consent_to_follow_up=False)
    complaint = resolve_on_the_spot(
        make_complaint(actor=frontdesk, store=store, customer=customer), frontdesk
    )
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
    send_outbox()
    assert not sms
    callback = Callback.objects.get(complaint=complaint)
    assert callback.reason == CallbackReason.NO_CONSENT


def test_a_customer_who_prefers_a_call_gets_a_callback(frontdesk, store, sms):
    customer = CustomerFactory(store=store, preferred_channel="phone")
    complaint = resolve_on_the_spot(
        make_complaint(actor=frontdesk, store=store, customer=customer), frontdesk
    )
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
    assert Callback.objects.get(complaint=complaint).reason == CallbackReason.NO_CHANNEL


def test_no_answer_after_three_days_queues_a_callback_once(resolved_complaint, sms):
    send_survey(resolved_complaint, sms)
    assert surveys.surveys_callbacks_due(now=timezone.now() + timedelta(days=2)) == 0
    assert surveys.surveys_callbacks_due(now=timezone.now() + timedelta(days=3, minutes=1)) == 1
    assert surveys.surveys_callbacks_due(now=timezone.now() + timedelta(days=3, minutes=2)) == 0
    assert Callback.objects.get().reason == CallbackReason.NO_ANSWER


def test_no_answer_at_all_closes_the_complaint_after_seven_days(resolved_complaint, sms):
    send_survey(resolved_complaint, sms)
    assert surveys.surveys_auto_close_due(now=timezone.now() + timedelta(days=6)) == 0
    assert surveys.surveys_auto_close_due(now=timezone.now() + timedelta(days=7, minutes=1)) == 1
    resolved_complaint.refresh_from_db()
    assert resolved_complaint.status == Status.CLOSED
    close = resolved_complaint.events.get(action="close")
    assert close.actor is None and close.kind == EventKind.TRANSITION


def test_a_reopened_complaint_cancels_its_survey_link(client, resolved_complaint, sms, supervisor):
    from complaints.services import complaint_reopen

    token = send_survey(resolved_complaint, sms)
    complaint_reopen(complaint_id=resolved_complaint.pk, actor=supervisor, reason="Came back")
    assert client.get(reverse("followup:survey", args=[token])).status_code == 404
    assert SurveyInvitation.objects.get().state == SurveyState.CANCELLED


def test_the_survey_page_is_rate_limited_per_address(client, settings):
    settings.SURVEY_RATE_LIMIT_PER_MINUTE = 3
    statuses = [
        client.get(reverse("followup:survey", args=[f"guess{n}"])).status_code for n in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]


def test_an_invalid_answer_is_refused_with_the_form(client, resolved_complaint, sms):
    token = send_survey(resolved_complaint, sms)
    response = client.post(reverse("followup:survey", args=[token]), {"satisfaction": "9"})
    assert response.status_code == 200
    assert 'data-testid="survey-form"' in response.content.decode()
    assert SurveyInvitation.objects.get().answered_at is None


def test_a_gateway_failure_leaves_the_survey_to_be_sent_again_with_a_working_link(
    client, resolved_complaint, sms, settings
):
    from tests.followup.gateways import FailingOnceSmsBackend

    settings.SMS_BACKEND = "tests.followup.gateways.FailingOnceSmsBackend"
    FailingOnceSmsBackend.failed = False
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
    assert send_outbox() == 0  # the gateway refused
    invitation = SurveyInvitation.objects.get()
    assert invitation.state == SurveyState.SCHEDULED and invitation.token_hash is None
    assert send_outbox() == 1  # the next attempt goes through
    token = LINK.search(sms[-1]["text"]).group(1)
    assert client.get(reverse("followup:survey", args=[token])).status_code == 200


def test_the_outbox_keeps_no_usable_customer_address_once_the_survey_is_sent(
    resolved_complaint, sms
):
    from followup.models import Delivery

    send_survey(resolved_complaint, sms)
    delivery = Delivery.objects.get(purpose="survey")
    assert delivery.status == "sent"
    assert str(resolved_complaint.customer.phone) not in delivery.address
    assert "****" in delivery.address


def test_an_anonymised_customer_gets_no_survey(resolved_complaint, sms):
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
    resolved_complaint.customer.anonymised_at = timezone.now()
    resolved_complaint.customer.save()
    send_outbox()
    assert not sms
