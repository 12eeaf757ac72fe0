"""The complaint services beyond the transition matrix: intake, reassignment, escalation,
notes, verdicts, stale pages, reopening, and what each refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent, EventKind, Status
from complaints.services import ComplaintActionError, ComplaintChanged
from resolutions import services as resolution_services
from tests.factories import CustomerFactory, make_complaint, staff

pytestmark = pytest.mark.django_db


# ---- intake ----------------------------------------------------------------------------------


def test_the_logging_user_owns_the_complaint_and_the_log_says_so(frontdesk, store):
    complaint = make_complaint(actor=frontdesk, store=store, channel="email")
    assert (complaint.owner, complaint.created_by, complaint.status) == (
        frontdesk,
        frontdesk,
        Status.NEW,
    )
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert (event.kind, event.actor, event.to_status) == (EventKind.CREATED, frontdesk, Status.NEW)


def test_a_walk_in_is_acknowledged_at_intake(frontdesk, store):
    complaint = make_complaint(
        actor=frontdesk, store=store, channel="walk_in", acknowledge_now=True
    )
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.acknowledged_at is not None
    assert list(complaint.events.values_list("action", flat=True)) == ["create", "acknowledge"]


def test_nobody_logs_a_complaint_for_another_store(frontdesk, other_store):
    customer = CustomerFactory(store=other_store)
    with pytest.raises(PermissionDenied):
        make_complaint(actor=frontdesk, store=other_store, customer=customer)
    assert not Complaint.objects.exists()


def test_a_store_manager_reads_but_does_not_log(manager, store):
    with pytest.raises(PermissionDenied):
        make_complaint(actor=manager, store=store)


def test_head_office_may_log_for_any_store(hq, other_store):
    complaint = make_complaint(actor=hq, store=other_store)
    assert complaint.reference.startswith("BJ01-")


def test_received_at_in_the_past_counts_from_then(frontdesk, store):
    received = timezone.now() - timedelta(hours=30)
    complaint = make_complaint(actor=frontdesk, store=store, received_at=received)
    assert complaint.received_at == received
    assert complaint.ack_due_at == received + timedelta(hours=24)
    assert complaint.is_overdue


# ---- reassignment and escalation -------------------------------------------------------------


def test_a_supervisor_reassigns_within_the_store_and_it_is_logged(complaint, supervisor, store):
    colleague = staff("Front desk", store, username="colleague")
    services.complaint_reassign(
        complaint_id=complaint.pk, actor=supervisor, new_owner=colleague, reason="Shift change"
    )
    complaint.refresh_from_db()
    assert complaint.owner == colleague
    event = complaint.events.get(kind=EventKind.ASSIGNED)
    assert (event.actor, event.text, event.data) == (
        supervisor,
        "Shift change",
        {"from": "frontdesk", "to": "colleague"},
    )


def test_nobody_is_handed_a_complaint_of_a_store_they_do_not_work_at(
    complaint, supervisor, frontdesk2
):
    with pytest.raises(ComplaintActionError, match="does not work at this store"):
        services.complaint_reassign(
            complaint_id=complaint.pk, actor=supervisor, new_owner=frontdesk2
        )
    complaint.refresh_from_db()
    assert complaint.owner.username == "frontdesk"


def test_escalation_needs_a_reason(complaint, supervisor):
    with pytest.raises(ComplaintActionError, match="why"):
        services.complaint_escalate(
            complaint_id=complaint.pk, actor=supervisor, new_owner=supervisor, reason="  "
        )
    complaint.refresh_from_db()
    assert complaint.level == "store"


def test_escalation_stops_at_head_office(complaint, supervisor, hq):
    for owner in (supervisor, hq):
        services.complaint_escalate(
            complaint_id=complaint.pk, actor=supervisor, new_owner=owner, reason="Serious"
        )
    with pytest.raises(ComplaintActionError, match="already at head office"):
        services.complaint_escalate(
            complaint_id=complaint.pk, actor=hq, new_owner=hq, reason="Again"
        )
    complaint.refresh_from_db()
    assert (complaint.level, complaint.owner, complaint.escalation_count) == (
        "head_office",
        hq,
        2,
    )
    escalations = complaint.events.filter(kind=EventKind.ESCALATED)
    assert [e.data["to_level"] for e in escalations] == ["region", "head_office"]


# ---- notes, verdicts ---------------------------------------------------------------------------


def test_notes_and_calls_go_on_the_timeline(complaint, frontdesk):
    services.complaint_add_note(complaint_id=complaint.pk, actor=frontdesk, text="Left a message")
    services.complaint_add_note(
        complaint_id=complaint.pk, actor=frontdesk, text="Customer called back", kind="call"
    )
    kinds = list(complaint.events.values_list("kind", "text"))
    assert kinds[-2:] == [("note", "Left a message"), ("call", "Customer called back")]


def test_an_empty_note_is_refused(complaint, frontdesk):
    with pytest.raises(ComplaintActionError, match="Write the note"):
        services.complaint_add_note(complaint_id=complaint.pk, actor=frontdesk, text=" ")
    assert complaint.events.count() == 1


def test_a_store_manager_cannot_add_notes(complaint, manager):
    with pytest.raises(ComplaintActionError):
        services.complaint_add_note(complaint_id=complaint.pk, actor=manager, text="Hello")


def test_another_stores_staff_cannot_even_find_the_complaint_to_note(complaint, frontdesk2):
    with pytest.raises(Complaint.DoesNotExist):
        services.complaint_add_note(complaint_id=complaint.pk, actor=frontdesk2, text="Hi")


def test_a_supervisor_records_verdict_root_cause_and_department(complaint, supervisor):
    services.complaint_record_verdict(
        complaint_id=complaint.pk,
        actor=supervisor,
        verdict="good_faith",
        root_cause="  Faulty batch from the supplier.  ",
        responsible_department="product",
    )
    complaint.refresh_from_db()
    assert (complaint.verdict, complaint.root_cause, complaint.responsible_department) == (
        "good_faith",
        "Faulty batch from the supplier.",
        "product",
    )
    assert complaint.events.filter(kind=EventKind.VERDICT).count() == 1


def test_front_desk_may_not_record_the_verdict(complaint, frontdesk):
    with pytest.raises(ComplaintActionError):
        services.complaint_record_verdict(
            complaint_id=complaint.pk,
            actor=frontdesk,
            verdict="unfounded",
            root_cause="",
            responsible_department="",
        )
    complaint.refresh_from_db()
    assert complaint.verdict == "undetermined"


# ---- closing with reasons, reopening ------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "verdict"),
    [
        (services.complaint_close_unfounded, "unfounded"),
        (services.complaint_close_malicious, "malicious"),
    ],
)
def test_closing_as_unfounded_or_malicious_needs_a_reason_and_sets_the_verdict(
    complaint, supervisor, service, verdict
):
    with pytest.raises(ComplaintActionError):
        service(complaint_id=complaint.pk, actor=supervisor, reason="")
    service(
        complaint_id=complaint.pk,
        actor=supervisor,
        reason="Receipt from another shop",
        root_cause="Bought elsewhere",
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closure_reason, complaint.verdict) == (
        Status.CLOSED,
        verdict,
        verdict,
    )
    assert complaint.root_cause == "Bought elsewhere"
    assert complaint.closed_at is not None


def test_withdrawal_records_what_the_customer_said(complaint, frontdesk):
    with pytest.raises(ComplaintActionError):
        services.complaint_withdraw(complaint_id=complaint.pk, actor=frontdesk, reason="")
    services.complaint_withdraw(
        complaint_id=complaint.pk, actor=frontdesk, reason="Found the missing part"
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closure_reason) == (Status.CLOSED, "withdrawn")
    assert complaint.events.last().text == "Found the missing part"


def test_reopening_counts_retires_the_resolution_and_restarts_the_work(
    complaint, frontdesk, supervisor
):
    resolution_services.resolution_resolve_on_the_spot(
        complaint_id=complaint.pk, actor=frontdesk, type="gift", amount="80", description="Gift"
    )
    services.complaint_close(complaint_id=complaint.pk, actor=supervisor)
    services.complaint_reopen(
        complaint_id=complaint.pk, actor=supervisor, reason="Same fault again"
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopen_count) == (Status.INVESTIGATING, 1)
    assert (complaint.resolved_at, complaint.closed_at, complaint.closure_reason) == (
        None,
        None,
        "",
    )
    assert not complaint.resolved_on_the_spot
    assert complaint.current_resolution is None
    assert complaint.resolutions.count() == 1, "the old resolution stays in the history"


def test_reopening_needs_a_reason(complaint, frontdesk, supervisor):
    resolution_services.resolution_resolve_on_the_spot(
        complaint_id=complaint.pk, actor=frontdesk, type="gift", amount="80", description="Gift"
    )
    with pytest.raises(ComplaintActionError, match="why"):
        services.complaint_reopen(complaint_id=complaint.pk, actor=supervisor, reason="")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


# ---- a stale page --------------------------------------------------------------------------------


def test_acting_on_a_stale_page_changes_nothing_and_says_so(complaint, frontdesk, supervisor):
    seen = complaint.version
    services.complaint_acknowledge(complaint_id=complaint.pk, actor=supervisor)
    with pytest.raises(ComplaintChanged) as changed:
        services.complaint_withdraw(
            complaint_id=complaint.pk,
            actor=frontdesk,
            reason="Customer called it off",
            expected_version=seen,
        )
    assert complaint.reference in changed.value.message
    assert "Acknowledged" in changed.value.message
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED
    assert not complaint.events.filter(action="withdraw").exists()


def test_every_write_bumps_the_version(complaint, frontdesk, supervisor):
    versions = [complaint.version]
    services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    versions.append(Complaint.objects.get(pk=complaint.pk).version)
    services.complaint_reassign(complaint_id=complaint.pk, actor=supervisor, new_owner=supervisor)
    versions.append(Complaint.objects.get(pk=complaint.pk).version)
    services.complaint_record_verdict(
        complaint_id=complaint.pk,
        actor=supervisor,
        verdict="good_faith",
        root_cause="",
        responsible_department="",
    )
    versions.append(Complaint.objects.get(pk=complaint.pk).version)
    assert versions == [1, 2, 3, 4]


def test_available_transitions_for_a_new_complaint(complaint, frontdesk, supervisor, manager):
    assert set(services.available_transitions(complaint=complaint, user=frontdesk)) == {
        "acknowledge",
        "resolve_on_the_spot",
        "withdraw",
    }
    assert set(services.available_transitions(complaint=complaint, user=supervisor)) == {
        "acknowledge",
        "resolve_on_the_spot",
        "withdraw",
        "close_unfounded",
        "close_malicious",
    }
    assert services.available_transitions(complaint=complaint, user=manager) == []
