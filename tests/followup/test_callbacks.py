"""The front desk's callback queue: the script to read, the call's outcome, and what follows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import EventKind, Status
from followup import surveys
from followup.models import Callback, Notification, NotificationKind
from resolutions.models import ResponseScript
from tests.factories import CustomerFactory, make_complaint
from tests.followup.conftest import resolve_on_the_spot

pytestmark = pytest.mark.django_db


@pytest.fixture
def callback(frontdesk, store):
    """A resolved complaint whose customer did not consent to messages: a call is due."""
    customer = CustomerFactory(store=store, consent_to_follow_up=False, preferred_language="en")
    complaint = make_complaint(actor=frontdesk, store=store, customer=customer)
    resolve_on_the_spot(complaint, frontdesk)
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
    return Callback.objects.get(complaint=complaint)


def test_the_queue_lists_the_stores_callbacks_and_my_work_shows_them(client, callback, frontdesk):
    client.force_login(frontdesk)
    page = client.get(reverse("followup:callbacks")).content.decode()
    assert callback.complaint.reference in page
    assert reverse("followup:callback", args=[callback.pk]) in page
    my_work = client.get(reverse("complaints:my_work")).content.decode()
    assert 'data-testid="callbacks-count">1<' in my_work


def test_the_callback_page_shows_the_categorys_script_in_the_customers_language(
    client, callback, frontdesk
):
    category = callback.complaint.category
    ResponseScript.objects.update_or_create(
        category=category,
        language="zh-hans",
        defaults={
            "opening": "您好",
            "closing_apology": "再次致歉",
            "closing_thanks_trust": "感谢信任",
            "closing_thanks_feedback": "感谢指出",
            "closing_improvement": "我们会改进",
        },
    )
    ResponseScript.objects.update_or_create(
        category=category,
        language="en",
        defaults={
            "opening": "Good morning, this is the kettle team",
            "closing_apology": "Sorry again",
            "closing_thanks_trust": "Thank you for your trust",
            "closing_thanks_feedback": "Thank you for telling us",
            "closing_improvement": "We will check every kettle",
        },
    )
    client.force_login(frontdesk)
    page = client.get(reverse("followup:callback", args=[callback.pk])).content.decode()
    assert "Good morning, this is the kettle team" in page
    assert "We will check every kettle" in page
    assert "您好" not in page


def test_without_a_script_the_page_offers_generic_words(client, callback, frontdesk):
    category = callback.complaint.category
    ResponseScript.objects.filter(category__in=[category, category.parent]).delete()
    client.force_login(frontdesk)
    page = client.get(reverse("followup:callback", args=[callback.pk])).content.decode()
    assert "are you satisfied with how we handled it" in page


def test_a_satisfied_customer_on_the_phone_closes_the_complaint(client, callback, frontdesk):
    client.force_login(frontdesk)
    response = client.post(
        reverse("followup:callback", args=[callback.pk]),
        {"reached": "yes", "satisfaction": "4", "solved": "yes", "note": "Happy now"},
    )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.done_by == frontdesk and callback.satisfaction == 4
    complaint = callback.complaint
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    call = complaint.events.get(kind=EventKind.CALL)
    assert call.actor == frontdesk and "Happy now" in call.text
    assert (
        client.get(reverse("followup:callbacks")).content.decode().count(complaint.reference) == 0
    )


def test_a_dissatisfied_customer_on_the_phone_alerts_the_supervisors(
    client, callback, frontdesk, supervisor
):
    client.force_login(frontdesk)
    client.post(
        reverse("followup:callback", args=[callback.pk]),
        {"reached": "yes", "satisfaction": "1", "solved": "no"},
    )
    complaint = callback.complaint
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert Notification.objects.filter(
        recipient=supervisor, kind=NotificationKind.SURVEY_DISSATISFIED, complaint=complaint
    ).exists()


def test_not_reached_keeps_the_callback_in_the_queue(client, callback, frontdesk):
    client.force_login(frontdesk)
    client.post(reverse("followup:callback", args=[callback.pk]), {"reached": "no"})
    callback.refresh_from_db()
    assert callback.done_at is None and callback.attempts == 1
    assert callback.complaint.events.filter(kind=EventKind.CALL).count() == 1


def test_reached_without_a_score_is_refused_with_a_message(client, callback, frontdesk):
    client.force_login(frontdesk)
    response = client.post(reverse("followup:callback", args=[callback.pk]), {"reached": "yes"})
    assert response.status_code == 200
    assert "Record the customer" in response.content.decode()
    callback.refresh_from_db()
    assert callback.attempts == 0


def test_another_stores_callback_is_404(client, callback, frontdesk2):
    client.force_login(frontdesk2)
    assert client.get(reverse("followup:callback", args=[callback.pk])).status_code == 404
    assert (
        client.post(reverse("followup:callback", args=[callback.pk]), {"reached": "no"}).status_code
        == 404
    )
    assert (
        callback.complaint.reference
        not in client.get(reverse("followup:callbacks")).content.decode()
    )


def test_a_store_manager_does_not_make_callbacks(client, callback, manager):
    client.force_login(manager)
    assert client.get(reverse("followup:callbacks")).status_code == 403


def test_queue_page_query_count_does_not_grow(
    client, frontdesk, store, django_assert_max_num_queries
):
    def add_callbacks(n):
        for _ in range(n):
            customer = CustomerFactory(store=store, consent_to_follow_up=False)
            resolve_on_the_spot(
                make_complaint(actor=frontdesk, store=store, customer=customer), frontdesk
            )
        surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))

    client.force_login(frontdesk)
    add_callbacks(2)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("followup:callbacks"))
    add_callbacks(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("followup:callbacks"))
    assert Callback.objects.count() == 10
