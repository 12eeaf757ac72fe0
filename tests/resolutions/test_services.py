"""The resolution services: what each step does to the complaint, and what it refuses."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import ComplaintEvent, Status
from complaints.services import ComplaintActionError, ComplaintChanged, TransitionRefused
from resolutions import services
from resolutions.models import (
    ApprovalDecision,
    Commitment,
    Decision,
    FulfilmentTask,
    ResolutionState,
)

from .helpers import awaiting_approval, awaiting_customer, limit

pytestmark = pytest.mark.django_db


# ---- one-stop --------------------------------------------------------------------------------


def test_settling_on_the_spot_records_resolution_acceptance_and_fulfilment_at_once(
    complaint, frontdesk
):
    resolution = services.resolution_resolve_on_the_spot(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="exchange",
        amount="150",
        description="New kettle handed over",
        acceptance_method="signed",
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert complaint.resolved_on_the_spot
    assert resolution.state == ResolutionState.FULFILLED
    assert resolution.on_the_spot and resolution.accepted_at and resolution.fulfilled_at
    assert resolution.acceptance_method == "signed"
    assert resolution.acceptance_recorded_by == frontdesk
    task = resolution.tasks.get()
    assert task.team == "warehouse" and task.done_by == frontdesk and task.done_at


def test_a_new_complaint_can_request_approval_from_the_one_stop_form(complaint, frontdesk):
    resolution = services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="refund",
        amount="900",
        description="Full refund",
        acknowledge_new=True,
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert complaint.acknowledged_at is not None
    assert resolution.state == ResolutionState.AWAITING_APPROVAL
    actions = list(complaint.events.values_list("action", flat=True))
    assert actions == ["create", "acknowledge", "propose"]


def test_a_stale_form_changes_nothing(complaint, frontdesk):
    with pytest.raises(ComplaintChanged):
        services.resolution_resolve_on_the_spot(
            complaint_id=complaint.pk,
            actor=frontdesk,
            type="gift",
            amount="10",
            description="Voucher",
            expected_version=complaint.version - 1,
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.NEW
    assert not complaint.resolutions.exists()


@pytest.mark.parametrize("amount", ["-1", "abc", "NaN", "Infinity"])
def test_bad_amounts_are_refused_with_a_message(complaint, frontdesk, amount):
    with pytest.raises(ComplaintActionError) as refused:
        services.resolution_resolve_on_the_spot(
            complaint_id=complaint.pk, actor=frontdesk, type="gift", amount=amount, description="x"
        )
    assert refused.value.message


# ---- approval --------------------------------------------------------------------------------


def test_four_eyes_the_proposer_cannot_approve_their_own(supervisor, manager):
    complaint = awaiting_approval(proposer=supervisor, amount="3000")
    limit("Supervisor", 5000)  # the limit now covers it: only four eyes stand in the way
    with pytest.raises(TransitionRefused, match="someone else must approve"):
        services.resolution_approve(complaint_id=complaint.pk, actor=supervisor)
    with pytest.raises(TransitionRefused, match="someone else must approve"):
        services.resolution_reject(complaint_id=complaint.pk, actor=supervisor, reason="no")
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert not ApprovalDecision.objects.exists()
    services.resolution_approve(complaint_id=complaint.pk, actor=manager)
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER


def test_front_desk_cannot_approve(frontdesk, frontdesk_colleague):
    complaint = awaiting_approval(proposer=frontdesk, amount="500")
    with pytest.raises(TransitionRefused, match="may not approve"):
        services.resolution_approve(complaint_id=complaint.pk, actor=frontdesk_colleague)


def test_approval_offers_the_resolution_and_logs_the_decision(frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    services.resolution_approve(complaint_id=complaint.pk, actor=supervisor, reason="Fair")
    complaint.refresh_from_db()
    resolution = complaint.current_resolution
    assert complaint.status == Status.AWAITING_CUSTOMER
    assert resolution.state == ResolutionState.OFFERED
    decision = resolution.decisions.get()
    assert (decision.decision, decision.decided_by, decision.reason) == (
        Decision.APPROVE,
        supervisor,
        "Fair",
    )
    event = complaint.events.get(action="approve")
    assert event.actor == supervisor and event.to_status == Status.AWAITING_CUSTOMER


def test_approving_twice_grants_once_and_says_who_did(frontdesk, supervisor, manager):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    services.resolution_approve(complaint_id=complaint.pk, actor=supervisor)
    for second in (supervisor, manager):
        with pytest.raises(TransitionRefused, match="already approved by supervisor"):
            services.resolution_approve(complaint_id=complaint.pk, actor=second)
    assert ApprovalDecision.objects.filter(decision=Decision.APPROVE).count() == 1
    assert ComplaintEvent.objects.filter(complaint=complaint, action="approve").count() == 1


def test_the_database_refuses_a_second_final_decision(frontdesk, supervisor, manager):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    resolution = complaint.current_resolution
    ApprovalDecision.objects.create(
        resolution=resolution, decided_by=supervisor, decision=Decision.APPROVE
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalDecision.objects.create(
            resolution=resolution, decided_by=manager, decision=Decision.REJECT
        )
    ApprovalDecision.objects.create(
        resolution=resolution, decided_by=manager, decision=Decision.PASS_UP
    )


def test_reject_needs_a_reason_and_keeps_the_offer_in_the_history(frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    with pytest.raises(ComplaintActionError, match="Say why"):
        services.resolution_reject(complaint_id=complaint.pk, actor=supervisor, reason="  ")
    services.resolution_reject(
        complaint_id=complaint.pk, actor=supervisor, reason="Repair first, then talk"
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING
    assert complaint.current_resolution is None
    rejected = complaint.resolutions.get()
    assert rejected.state == ResolutionState.REJECTED
    assert rejected.decisions.get().reason == "Repair first, then talk"
    # A new proposal starts a new current resolution; the rejected one stays.
    services.resolution_propose(
        complaint_id=complaint.pk, actor=frontdesk, type="repair", amount="0", description="Fix"
    )
    assert complaint.resolutions.count() == 2
    assert complaint.resolutions.filter(is_current=True).get().type == "repair"


def test_below_the_amount_an_approver_can_only_pass_it_up(frontdesk, supervisor, manager):
    complaint = awaiting_approval(proposer=frontdesk, amount="5000")
    with pytest.raises(TransitionRefused, match="only pass it up"):
        services.resolution_approve(complaint_id=complaint.pk, actor=supervisor)
    with pytest.raises(TransitionRefused, match="only pass it up"):
        services.resolution_reject(complaint_id=complaint.pk, actor=supervisor, reason="Too much")
    decision = services.resolution_pass_up(
        complaint_id=complaint.pk, actor=supervisor, reason="Over my limit"
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert decision.decision == Decision.PASS_UP
    assert decision.passed_to.name == "Store manager"
    event = complaint.events.get(action="pass_up")
    assert event.actor == supervisor and event.data["to_role"] == "Store manager"
    with pytest.raises(ComplaintActionError, match="already passed"):
        services.resolution_pass_up(complaint_id=complaint.pk, actor=supervisor)
    # The manager's limit covers it.
    with pytest.raises(ComplaintActionError, match="within your limit"):
        services.resolution_pass_up(complaint_id=complaint.pk, actor=manager)
    services.resolution_approve(complaint_id=complaint.pk, actor=manager)
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
    assert [d.decision for d in complaint.current_resolution.decisions.all()] == [
        Decision.PASS_UP,
        Decision.APPROVE,
    ]


def test_another_stores_approver_cannot_see_the_complaint(frontdesk, supervisor2):
    complaint = awaiting_approval(proposer=frontdesk, amount="500")
    with pytest.raises(type(complaint).DoesNotExist):
        services.resolution_approve(complaint_id=complaint.pk, actor=supervisor2)


# ---- the customer's answer and fulfilment -----------------------------------------------------


def test_acceptance_creates_the_tasks_and_the_last_task_done_resolves(frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500", type="exchange")
    services.resolution_approve(complaint_id=complaint.pk, actor=supervisor)
    services.resolution_record_acceptance(
        complaint_id=complaint.pk, actor=frontdesk, method="signed", note="Signed at the desk"
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_FULFILMENT
    resolution = complaint.current_resolution
    assert resolution.state == ResolutionState.ACCEPTED
    assert (resolution.acceptance_method, resolution.acceptance_recorded_by) == (
        "signed",
        frontdesk,
    )
    task = resolution.tasks.get()
    assert task.team == "warehouse" and task.owner == complaint.owner and task.due_at
    services.fulfilment_task_complete(task_id=task.pk, actor=frontdesk, note="Shipped")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert complaint.current_resolution.state == ResolutionState.FULFILLED
    with pytest.raises(ComplaintActionError, match="already done"):
        services.fulfilment_task_complete(task_id=task.pk, actor=frontdesk)


def test_an_accepted_apology_resolves_at_once(frontdesk):
    complaint = awaiting_customer(proposer=frontdesk, amount="0", type="apology")
    services.resolution_record_acceptance(
        complaint_id=complaint.pk, actor=frontdesk, method="verbal"
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert not FulfilmentTask.objects.exists()


def test_a_declined_offer_goes_back_to_investigating_and_stays_in_the_history(frontdesk):
    complaint = awaiting_customer(proposer=frontdesk)
    with pytest.raises(ComplaintActionError):
        services.resolution_record_decline(complaint_id=complaint.pk, actor=frontdesk, reason="")
    services.resolution_record_decline(
        complaint_id=complaint.pk, actor=frontdesk, reason="Wants a refund, not a new one"
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING
    declined = complaint.resolutions.get()
    assert declined.state == ResolutionState.DECLINED and not declined.is_current
    assert declined.declined_reason == "Wants a refund, not a new one"


def test_another_store_cannot_complete_a_task(frontdesk, frontdesk2):
    complaint = awaiting_customer(proposer=frontdesk)
    services.resolution_record_acceptance(
        complaint_id=complaint.pk, actor=frontdesk, method="email"
    )
    task = FulfilmentTask.objects.get()
    with pytest.raises(type(complaint).DoesNotExist):
        services.fulfilment_task_complete(task_id=task.pk, actor=frontdesk2)
    task.refresh_from_db()
    assert task.done_at is None


# ---- commitments -----------------------------------------------------------------------------


def test_a_commitment_is_made_kept_and_logged(complaint, frontdesk):
    due = timezone.now() + timedelta(hours=4)
    commitment = services.commitment_add(
        complaint_id=complaint.pk, actor=frontdesk, description="Call back with a date", due_at=due
    )
    assert commitment.made_by == frontdesk and not commitment.is_broken
    services.commitment_keep(commitment_id=commitment.pk, actor=frontdesk)
    commitment.refresh_from_db()
    assert commitment.kept_at and commitment.kept_by == frontdesk and not commitment.is_broken
    assert list(complaint.events.filter(kind="commitment").values_list("action", flat=True)) == [
        "commitment_made",
        "commitment_kept",
    ]
    with pytest.raises(ComplaintActionError, match="already"):
        services.commitment_keep(commitment_id=commitment.pk, actor=frontdesk)


def test_a_commitment_must_lie_ahead_and_say_what(complaint, frontdesk):
    with pytest.raises(ComplaintActionError, match="future"):
        services.commitment_add(
            complaint_id=complaint.pk,
            actor=frontdesk,
            description="Call back",
            due_at=timezone.now() - timedelta(minutes=1),
        )
    with pytest.raises(ComplaintActionError):
        services.commitment_add(
            complaint_id=complaint.pk,
            actor=frontdesk,
            description=" ",
            due_at=timezone.now() + timedelta(hours=1),
        )


def test_overdue_and_late_kept_commitments_count_as_broken(complaint, frontdesk):
    now = timezone.now()
    on_time = Commitment.objects.create(
        complaint=complaint, description="a", due_at=now + timedelta(hours=2), made_by=frontdesk
    )
    overdue = Commitment.objects.create(
        complaint=complaint, description="b", due_at=now - timedelta(hours=2), made_by=frontdesk
    )
    kept_late = Commitment.objects.create(
        complaint=complaint,
        description="c",
        due_at=now - timedelta(hours=5),
        made_by=frontdesk,
        kept_at=now - timedelta(hours=1),
    )
    assert set(Commitment.objects.broken()) == {overdue, kept_late}
    assert not on_time.is_broken and overdue.is_broken and kept_late.is_broken


def test_another_store_cannot_keep_a_commitment(complaint, frontdesk, frontdesk2):
    commitment = services.commitment_add(
        complaint_id=complaint.pk,
        actor=frontdesk,
        description="Call back",
        due_at=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(type(complaint).DoesNotExist):
        services.commitment_keep(commitment_id=commitment.pk, actor=frontdesk2)


@pytest.fixture
def frontdesk_colleague(store):
    from tests.factories import staff

    return staff("Front desk", store, username="frontdesk_b")
