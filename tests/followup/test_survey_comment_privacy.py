"""The customer's survey comment is shown to staff on the complaint page, is never copied into
the append-only event log, and is wiped when the customer is erased."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import ComplaintEvent
from customers.services import customer_anonymise
from followup.models import SurveyInvitation, SurveyState
from followup.selectors import token_hash
from followup.surveys import survey_answer

pytestmark = pytest.mark.django_db

COMMENT = "王女士说新水壶很好，谢谢 — call me on 13812345678"


@pytest.fixture
def answered(complaint):
    SurveyInvitation.objects.create(
        complaint=complaint,
        state=SurveyState.SENT,
        token_hash=token_hash("a-token-of-at-least-128-bits-for-this-test"),
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=14),
    )
    return survey_answer(
        token="a-token-of-at-least-128-bits-for-this-test",
        satisfaction=2,
        solved=False,
        comment=COMMENT,
    )


def test_staff_read_the_comment_on_the_complaint_page_but_not_in_the_log(
    client, frontdesk, complaint, answered
):
    client.force_login(frontdesk)
    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    assert COMMENT in page.content.decode()
    assert not ComplaintEvent.objects.filter(text__contains="13812345678").exists()
    assert ComplaintEvent.objects.filter(complaint=complaint, action="survey_answered").exists()


def test_erasing_the_customer_wipes_the_comment(hq, complaint, answered):
    customer_anonymise(actor=hq, customer_id=complaint.customer_id)
    answered.refresh_from_db()
    assert answered.comment == ""
    assert answered.satisfaction == 2  # the statistics remain
