"""The complaint page's timeline reads in the reader's language and names people by name."""

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import services
from resolutions import services as resolution_services
from resolutions.models import FulfilmentTask
from tests.resolutions.helpers import awaiting_customer

pytestmark = pytest.mark.django_db


def timeline_html(client, user, complaint, language: str) -> str:
    client.force_login(user)
    response = client.get(
        reverse("complaints:detail", args=[complaint.reference]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('data-testid="timeline"') :]


def test_a_fulfilment_task_done_reads_in_the_readers_language(client, frontdesk):
    complaint = awaiting_customer(proposer=frontdesk, type="discount", amount="20")
    resolution_services.resolution_record_acceptance(
        complaint_id=complaint.pk, actor=frontdesk, method="verbal"
    )
    task = FulfilmentTask.objects.get(resolution__complaint=complaint)
    with translation.override("zh-hans"):  # a Chinese-speaking colleague records it
        resolution_services.fulfilment_task_complete(
            task_id=task.pk, actor=frontdesk, note="Coupon 8812 handed over"
        )

    english = timeline_html(client, frontdesk, complaint, "en")
    assert "Store: issue the coupon" in english and "门店：发放优惠券" not in english
    assert "Coupon 8812 handed over" in english  # the note as typed

    chinese = timeline_html(client, frontdesk, complaint, "zh-hans")
    assert "门店：发放优惠券" in chinese and "Store: issue the coupon" not in chinese
    assert "Coupon 8812 handed over" in chinese


def test_escalation_names_the_people_not_their_usernames(client, frontdesk, supervisor, hq):
    frontdesk.first_name, frontdesk.last_name = "Mei", "Lin"
    frontdesk.save()
    hq.first_name, hq.last_name = "Jun", "Wang"
    hq.save()
    complaint = awaiting_customer(proposer=frontdesk)
    # The new owner appears in the timeline only there, never as an actor.
    services.complaint_escalate(
        complaint_id=complaint.pk, actor=supervisor, new_owner=hq, reason="Too big for the store"
    )

    html = timeline_html(client, supervisor, complaint, "en")
    assert "Escalated</strong>: Store → Region <span" in html
    assert "(Mei Lin → Jun Wang)" in html
    assert "已升级</strong>：门店 → 区域" in timeline_html(client, supervisor, complaint, "zh-hans")
    assert "frontdesk →" not in html and "→ hq" not in html


def test_a_person_without_a_full_name_shows_by_username(client, frontdesk, supervisor):
    complaint = awaiting_customer(proposer=frontdesk)
    services.complaint_reassign(complaint_id=complaint.pk, actor=supervisor, new_owner=supervisor)

    assert "(frontdesk → supervisor)" in timeline_html(client, supervisor, complaint, "en")
