"""Tampering: fields a role may not change — store, status, amount, owner,
reference, version — cannot be changed by adding them to a form's POST, at intake, in the
complaint's actions, in the customer and resolution forms, or in the admin."""

from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.models import Complaint, Status
from customers.models import Customer
from resolutions.models import Resolution, ResolutionState
from tests.factories import leaf_category

pytestmark = pytest.mark.django_db

SMUGGLED = {
    "status": "closed",
    "reference": "HACK-2026-000001",
    "version": "99",
    "level": "head_office",
    "resolved_on_the_spot": "on",
    "reopen_count": "7",
    "closure_reason": "resolved",
    "verdict": "malicious",
    "created_by": "1",
    "acknowledged_at": "2020-01-01 00:00",
    "resolved_at": "2020-01-01 00:00",
    "state": "accepted",
    "is_current": "on",
    "proposed_by": "1",
    "anonymised_at": "2020-01-01 00:00",
}


def intake(store, **extra) -> dict:
    return {
        "store": store.pk,
        "channel": "phone",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "category": leaf_category().pk,
        "severity": "medium",
        "account": "The kettle leaks.",
        "customer_name": "Tamper Test",
        "customer_phone": "13911112222",
        "customer_language": "en",
        "customer_channel": "sms",
        "submit": "log",
        **extra,
    }


def test_intake_ignores_smuggled_fields_and_makes_the_logger_the_owner(
    client, frontdesk, supervisor, store
):
    client.force_login(frontdesk)
    response = client.post("/complaints/new/", intake(store, owner=supervisor.pk, **SMUGGLED))
    assert response.status_code == 302
    complaint = Complaint.objects.get(customer__name="Tamper Test")
    assert complaint.reference.startswith("SH01-")
    assert complaint.status == Status.NEW
    assert complaint.owner == frontdesk and complaint.created_by == frontdesk
    assert complaint.level == "store" and complaint.version == 1
    assert complaint.verdict == "undetermined" and complaint.reopen_count == 0
    assert complaint.acknowledged_at is None and complaint.resolved_at is None


def test_intake_refuses_another_stores_id(client, frontdesk, store, other_store):
    client.force_login(frontdesk)
    response = client.post("/complaints/new/", intake(other_store))
    assert response.status_code == 200  # the form again, with the store refused
    assert not Complaint.objects.filter(store=other_store).exists()
    assert not Customer.objects.filter(name="Tamper Test").exists()


def test_settling_at_intake_cannot_exceed_the_front_desks_limit(client, frontdesk, store):
    client.force_login(frontdesk)
    data = intake(
        store,
        submit="settle",
        **{
            "settle-type": "refund",
            "settle-amount": "5000",
            "settle-description": "Refund in full",
            "settle-acceptance_method": "verbal",
            "settle-within_authority": "on",
            "within_authority": "on",
        },
    )
    client.post("/complaints/new/", data)
    resolved = Complaint.objects.filter(status=Status.RESOLVED)
    assert not resolved.exists()
    assert not Resolution.objects.filter(amount=Decimal("5000"), state="fulfilled").exists()


def test_an_action_changes_only_what_it_is_for(client, frontdesk, supervisor, complaint):
    client.force_login(frontdesk)
    data = {"note-kind": "note", "note-text": "Called back.", "note-version": complaint.version}
    data.update({f"note-{k}": v for k, v in SMUGGLED.items()})
    data.update({"note-owner": supervisor.pk, "owner": supervisor.pk, "store": "2"})
    client.post(f"/complaints/{complaint.reference}/act/note/", data)
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.status == complaint.status
    assert fresh.owner == frontdesk and fresh.store_id == complaint.store_id
    assert fresh.reference == complaint.reference and fresh.level == "store"
    assert fresh.events.filter(kind="note", text="Called back.").count() == 1


def test_front_desk_cannot_reassign_or_close_by_posting_the_form(
    client, frontdesk, supervisor, complaint
):
    client.force_login(frontdesk)
    for action, data in (
        ("reassign", {"reassign-owner": supervisor.pk, "reassign-reason": "mine now"}),
        ("escalate", {"escalate-owner": supervisor.pk, "escalate-reason": "up"}),
        ("close_unfounded", {"close_unfounded-reason": "nothing in it"}),
        ("reopen", {"reopen-reason": "again"}),
        ("verdict", {"verdict-verdict": "malicious", "verdict-root_cause": "x"}),
    ):
        data[f"{action}-version"] = complaint.version
        response = client.post(f"/complaints/{complaint.reference}/act/{action}/", data)
        assert response.status_code == 403, action
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.owner == frontdesk and fresh.status == Status.NEW
    assert fresh.verdict == "undetermined"


def test_reassigning_to_staff_of_another_store_is_refused(
    client, supervisor, frontdesk, frontdesk2, complaint
):
    client.force_login(supervisor)
    client.post(
        f"/complaints/{complaint.reference}/act/reassign/",
        {
            "reassign-owner": frontdesk2.pk,
            "reassign-reason": "over there",
            "reassign-version": complaint.version,
        },
    )
    assert Complaint.objects.get(pk=complaint.pk).owner == frontdesk


def test_a_proposal_above_the_limit_waits_for_approval_whatever_the_post_says(
    client, frontdesk, complaint
):
    from complaints.services import complaint_acknowledge

    complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    complaint.refresh_from_db()
    client.force_login(frontdesk)
    client.post(
        f"/resolutions/{complaint.reference}/propose/",
        {
            "type": "compensation",
            "amount": "1500",
            "description": "Compensation",
            "version": complaint.version,
            "state": "offered",
            "within_authority": "true",
            "approved": "1",
            "proposed_by": "1",
            "currency": "XXX",
        },
    )
    resolution = Resolution.objects.get(complaint=complaint)
    assert resolution.state == ResolutionState.AWAITING_APPROVAL
    assert resolution.proposed_by == frontdesk and resolution.currency == "CNY"
    assert Complaint.objects.get(pk=complaint.pk).status == Status.AWAITING_APPROVAL
    # …and the proposer cannot approve it by posting to the approval address.
    response = client.post(f"/resolutions/{complaint.reference}/approve/", {"reason": "ok"})
    assert response.status_code in (302, 403)
    assert Resolution.objects.get(pk=resolution.pk).state == ResolutionState.AWAITING_APPROVAL


def test_editing_a_customer_cannot_move_them_to_another_store_or_unerase_them(
    client, frontdesk, complaint, other_store
):
    customer = complaint.customer
    client.force_login(frontdesk)
    client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "name": "New Name",
            "phone": "13922223333",
            "email": "",
            "preferred_language": "en",
            "preferred_channel": "sms",
            "store": other_store.pk,
            "anonymised_at": "2020-01-01 00:00",
            "created_at": "2020-01-01 00:00",
        },
    )
    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.store_id == customer.store_id
    assert fresh.anonymised_at is None
    assert fresh.name == "New Name"  # the legitimate part went through


def test_the_admin_does_not_edit_a_complaint_behind_the_services(client, hq, complaint):
    client.force_login(hq)
    url = f"/admin/complaints/complaint/{complaint.pk}/change/"
    response = client.post(url, {**SMUGGLED, "owner": hq.pk, "store": "999", "account": "x"})
    assert response.status_code in (302, 403)
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.status == Status.NEW and fresh.owner == complaint.owner
    assert fresh.account == complaint.account and fresh.version == complaint.version
