"""Who hears what, in which language, and the in-app list with its unread badge."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints import services as complaint_services
from complaints.models import StaffProfile
from followup.models import Delivery, Notification, NotificationKind
from resolutions import services as resolution_services
from tests.factories import make_complaint, staff
from tests.followup.conftest import send_outbox

pytestmark = pytest.mark.django_db


def _propose_above_authority(complaint, frontdesk):
    complaint_services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    resolution_services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="refund",
        amount="500",
        description="Refund the kettle",
    )


def test_awaiting_approval_notifies_the_stores_approvers_not_the_proposer(
    complaint, frontdesk, supervisor, manager, supervisor2
):
    _propose_above_authority(complaint, frontdesk)

    notified = set(
        Notification.objects.filter(kind=NotificationKind.APPROVAL_REQUESTED).values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"supervisor", "manager"}
    text = Notification.objects.filter(recipient=supervisor).get().text
    assert complaint.reference in text and "500" in text


def test_approval_and_rejection_reach_the_owner(complaint, frontdesk, supervisor):
    _propose_above_authority(complaint, frontdesk)
    resolution_services.resolution_approve(complaint_id=complaint.pk, actor=supervisor)

    note = Notification.objects.get(recipient=frontdesk)
    assert note.kind == NotificationKind.APPROVED
    assert f"/complaints/{complaint.reference}/" in note.url


def test_reassign_and_escalate_tell_the_new_owner(complaint, frontdesk, supervisor, store):
    colleague = staff("Front desk", store, username="colleague")
    complaint_services.complaint_reassign(
        complaint_id=complaint.pk, actor=supervisor, new_owner=colleague, reason="Shift change"
    )
    assert Notification.objects.get(recipient=colleague).kind == NotificationKind.ASSIGNED

    complaint_services.complaint_escalate(
        complaint_id=complaint.pk, actor=supervisor, new_owner=frontdesk, reason="Needs region"
    )
    escalated = Notification.objects.get(recipient=frontdesk)
    assert escalated.kind == NotificationKind.ESCALATED
    assert "Needs region" in escalated.text


def test_nobody_is_told_about_their_own_action(complaint, supervisor, store):
    complaint_services.complaint_reassign(
        complaint_id=complaint.pk, actor=supervisor, new_owner=supervisor, reason="I take it"
    )
    assert not Notification.objects.filter(recipient=supervisor).exists()


def test_email_goes_out_once_in_the_recipients_language(
    complaint, frontdesk, supervisor, manager, mailoutbox
):
    StaffProfile.objects.create(user=supervisor, language="zh-hans")
    _propose_above_authority(complaint, frontdesk)

    assert send_outbox() == 2
    assert send_outbox() == 0  # a second run of the worker sends nothing more
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {supervisor.email, manager.email}
    chinese, english = by_address[supervisor.email], by_address[manager.email]
    assert chinese.extra_headers["Content-Language"] == "zh-hans"
    assert english.extra_headers["Content-Language"] == "en"
    note = Notification.objects.get(recipient=supervisor)
    with translation.override("zh-hans"):
        assert note.text in chinese.body and gettext("Open it in OneStop:") in chinese.body
    assert "asks for approval of 500.00 CNY" in english.body
    assert f"/complaints/{complaint.reference}/" in by_address[manager.email].body
    assert Delivery.objects.filter(status="sent").count() == 2


def test_a_rolled_back_action_leaves_no_notification(complaint, frontdesk, supervisor):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _propose_above_authority(complaint, frontdesk)
        raise RuntimeError("the request failed after the transition")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_the_bell_counts_unread_and_the_list_marks_read(
    client, complaint, frontdesk, supervisor, password
):
    _propose_above_authority(complaint, frontdesk)
    note = Notification.objects.get(recipient=supervisor)
    client.force_login(supervisor)

    page = client.get(reverse("followup:notifications"))
    assert page.status_code == 200
    assert 'data-testid="unread-count">1<' in page.content.decode()
    assert complaint.reference in page.content.decode()

    response = client.post(reverse("followup:open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert (
        'data-testid="unread-count"'
        not in client.get(reverse("followup:notifications")).content.decode()
    )


def test_someone_elses_notification_does_not_exist(client, complaint, frontdesk, supervisor):
    _propose_above_authority(complaint, frontdesk)
    note = Notification.objects.get(recipient=supervisor)
    client.force_login(frontdesk)
    assert client.post(reverse("followup:open", args=[note.pk])).status_code == 404


def test_mark_all_read(client, complaint, frontdesk, supervisor):
    _propose_above_authority(complaint, frontdesk)
    client.force_login(supervisor)
    client.post(reverse("followup:read_all"))
    assert not Notification.objects.filter(recipient=supervisor, read_at__isnull=True).exists()


def test_notification_list_query_count_does_not_grow(
    client, django_assert_max_num_queries, frontdesk, supervisor, store
):
    client.force_login(supervisor)

    def notify(n):
        for _ in range(n):
            complaint = make_complaint(actor=frontdesk, store=store, severity="critical")
            assert complaint

    notify(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("followup:notifications")).status_code == 200
    notify(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("followup:notifications")).status_code == 200


def test_a_critical_complaint_alerts_the_stores_supervisors(frontdesk, supervisor, store):
    make_complaint(actor=frontdesk, store=store, severity="critical")
    assert Notification.objects.get(recipient=supervisor).kind == NotificationKind.CRITICAL_LOGGED


def test_the_bell_costs_one_query_whatever_the_number(
    frontdesk, supervisor, store, django_assert_num_queries
):
    from django.template import Context, Template

    bell = Template("{% load followup_tags %}{% unread_notifications as n %}{{ n }}")
    make_complaint(actor=frontdesk, store=store, severity="critical")
    with django_assert_num_queries(1):
        assert bell.render(Context({"user": supervisor})) == "1"
    Notification.objects.bulk_create(
        [
            Notification(recipient=supervisor, kind=NotificationKind.CRITICAL_LOGGED)
            for _ in range(120)
        ]
    )
    with django_assert_num_queries(1):
        assert bell.render(Context({"user": supervisor})) == "100"  # shown as "99+"


def test_only_approvers_whose_limit_covers_the_amount_are_asked(
    complaint, frontdesk, supervisor, manager
):
    complaint_services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    resolution_services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="compensation",
        amount="5000",
        description="Compensation for the burnt counter",
    )
    asked = Notification.objects.filter(kind=NotificationKind.APPROVAL_REQUESTED)
    assert [n.recipient for n in asked] == [manager]  # a supervisor may grant up to 2,000
