"""A customer answers the survey in a real browser, in Chinese, without signing in."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from followup import surveys
from followup.models import Notification, NotificationKind, SurveyInvitation, SurveyState
from followup.sms import MemorySmsBackend
from tests.browser.conftest import describe_violations
from tests.factories import CustomerFactory, make_complaint
from tests.followup.conftest import resolve_on_the_spot, send_outbox

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def survey_path(frontdesk, supervisor, store):
    """Resolve a Chinese-speaking customer's complaint and send the survey: the link's path."""
    sms = MemorySmsBackend.outbox
    sms.clear()
    customer = CustomerFactory(store=store, preferred_language="zh-hans", preferred_channel="sms")
    complaint = make_complaint(actor=frontdesk, store=store, customer=customer)
    resolve_on_the_spot(complaint, frontdesk)
    surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
    send_outbox()
    link = re.search(r"https?://[^/\s]+(/survey/[A-Za-z0-9_-]+/)", sms[-1]["text"])
    return link.group(1)


def test_a_customer_answers_the_survey_in_chinese(
    page, live_server, survey_path, supervisor, screenshot, axe
):
    with translation.override("zh-hans"):
        heading = gettext("How did we do?")
        question = gettext("Was your problem solved?")
        thanks = gettext("Thank you")

    page.goto(live_server.url + survey_path)  # the browser itself asks for English
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.get_by_text(question).is_visible()
    violations = axe(page)
    assert not violations, describe_violations(violations)
    screenshot(page, "survey-zh")

    page.locator("label[for$='satisfaction_1']").click()  # the second score button: 2
    page.locator("input[name=solved][value=no]").check()
    page.fill("textarea[name=comment]", "水壶还是坏的")
    with page.expect_navigation():
        page.get_by_role("button").click()

    assert page.get_by_test_id("survey-thanks").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == thanks
    invitation = SurveyInvitation.objects.get()
    assert invitation.state == SurveyState.ANSWERED
    assert (invitation.satisfaction, invitation.solved) == (2, False)
    assert invitation.comment == "水壶还是坏的"
    assert Notification.objects.filter(
        recipient=supervisor, kind=NotificationKind.SURVEY_DISSATISFIED
    ).exists()

    page.goto(live_server.url + survey_path)  # the link worked once
    assert page.get_by_test_id("survey-form").count() == 0


def test_the_supervisor_sees_the_alert_and_reopens_from_it(
    page, live_server, login, password, survey_path, supervisor, axe, screenshot
):
    from django.test import Client

    Client().post(survey_path, {"satisfaction": "1", "solved": "no"})  # the customer answers
    invitation = SurveyInvitation.objects.select_related("complaint").get()
    reference = invitation.complaint.reference

    login(page, live_server, "supervisor", password)
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("notification-bell").click()
    page.wait_for_url("**/notifications/")
    assert reference in page.get_by_test_id("notification").first.inner_text()
    violations = axe(page)
    assert not violations, describe_violations(violations)
    screenshot(page, "notifications-reopen-offer")

    offer = page.get_by_test_id("reopen-offer")
    offer.locator("input[name=reason]").fill("The customer says the kettle still leaks")
    with page.expect_navigation():
        offer.get_by_role("button").click()
    assert page.url.endswith(f"/complaints/{reference}/")
    invitation.complaint.refresh_from_db()
    assert invitation.complaint.status == "investigating"
