"""Every lifecycle transition, for every role and every state, through the services.

The expected outcome is written out here from SPEC.md ("People and what they may do",
"Lifecycle"), not derived from the model, so a wrong permission or source state in the code
fails a test. A refusal must leave the complaint exactly as it was: same status, same
version, no new event.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Status
from complaints.services import ComplaintActionError
from resolutions import services as resolution_services
from resolutions.models import FulfilmentTask
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db

S = Status
OPEN = {S.NEW, S.ACKNOWLEDGED, S.INVESTIGATING, S.AWAITING_APPROVAL, S.AWAITING_CUSTOMER}
OPEN |= {S.IN_FULFILMENT}
STATES = [
    S.NEW,
    S.ACKNOWLEDGED,
    S.INVESTIGATING,
    S.AWAITING_APPROVAL,
    S.AWAITING_CUSTOMER,
    S.IN_FULFILMENT,
    S.RESOLVED,
    S.CLOSED,
]
# "another store's staff" is a supervisor of the other store: every permission, wrong store.
ROLES = ["frontdesk", "supervisor", "manager", "hq", "supervisor2"]
WORKERS = {"frontdesk", "supervisor", "hq"}  # front desk's permissions and up
SUPERVISORS = {"supervisor", "hq"}
APPROVERS = {"supervisor", "manager", "hq"}  # the 500 proposal is within each one's limit

# transition: (source states, roles that may run it, state it leads to)
LIFECYCLE = {
    "acknowledge": ({S.NEW}, WORKERS, S.ACKNOWLEDGED),
    "investigate": ({S.ACKNOWLEDGED}, WORKERS, S.INVESTIGATING),
    "resolve_on_the_spot": ({S.NEW, S.ACKNOWLEDGED}, WORKERS, S.RESOLVED),
    "propose": ({S.ACKNOWLEDGED, S.INVESTIGATING}, WORKERS, S.AWAITING_CUSTOMER),
    "approve": ({S.AWAITING_APPROVAL}, APPROVERS, S.AWAITING_CUSTOMER),
    "reject": ({S.AWAITING_APPROVAL}, APPROVERS, S.INVESTIGATING),
    "customer_accepts": ({S.AWAITING_CUSTOMER}, WORKERS, S.IN_FULFILMENT),
    "customer_declines": ({S.AWAITING_CUSTOMER}, WORKERS, S.INVESTIGATING),
    "complete_fulfilment": ({S.IN_FULFILMENT}, WORKERS, S.RESOLVED),
    "close": ({S.RESOLVED}, SUPERVISORS, S.CLOSED),
    "close_unfounded": (OPEN, SUPERVISORS, S.CLOSED),
    "close_malicious": (OPEN, SUPERVISORS, S.CLOSED),
    "withdraw": (OPEN, WORKERS, S.CLOSED),
    "reopen": ({S.RESOLVED, S.CLOSED}, SUPERVISORS, S.INVESTIGATING),
}


def _task_id(complaint_id: int) -> int | None:
    task = FulfilmentTask.objects.filter(resolution__complaint_id=complaint_id).last()
    return task.pk if task else None


# Each transition as a user triggers it: the one service that runs it.
RUN = {
    "acknowledge": lambda pk, user: services.complaint_acknowledge(complaint_id=pk, actor=user),
    "investigate": lambda pk, user: services.complaint_investigate(complaint_id=pk, actor=user),
    "resolve_on_the_spot": lambda pk, user: resolution_services.resolution_resolve_on_the_spot(
        complaint_id=pk, actor=user, type="gift", amount="100", description="Gift card"
    ),
    "propose": lambda pk, user: resolution_services.resolution_propose(
        complaint_id=pk, actor=user, type="refund", amount="150", description="Refund"
    ),
    "approve": lambda pk, user: resolution_services.resolution_approve(complaint_id=pk, actor=user),
    "reject": lambda pk, user: resolution_services.resolution_reject(
        complaint_id=pk, actor=user, reason="Offer an exchange first."
    ),
    "customer_accepts": lambda pk, user: resolution_services.resolution_record_acceptance(
        complaint_id=pk, actor=user, method="verbal"
    ),
    "customer_declines": lambda pk, user: resolution_services.resolution_record_decline(
        complaint_id=pk, actor=user, reason="Wants a refund, not a repair."
    ),
    # Fulfilment is completed by finishing the last fulfilment task.
    "complete_fulfilment": lambda pk, user: resolution_services.fulfilment_task_complete(
        task_id=_task_id(pk), actor=user
    ),
    "close": lambda pk, user: services.complaint_close(complaint_id=pk, actor=user),
    "close_unfounded": lambda pk, user: services.complaint_close_unfounded(
        complaint_id=pk, actor=user, reason="Bought elsewhere."
    ),
    "close_malicious": lambda pk, user: services.complaint_close_malicious(
        complaint_id=pk, actor=user, reason="Edited photos."
    ),
    "withdraw": lambda pk, user: services.complaint_withdraw(
        complaint_id=pk, actor=user, reason="Found the part."
    ),
    "reopen": lambda pk, user: services.complaint_reopen(
        complaint_id=pk, actor=user, reason="Same fault again."
    ),
}


def complaint_in(state: str, *, frontdesk, supervisor, store) -> Complaint:
    """Walk a fresh complaint to `state` through the services, as staff would."""
    c = make_complaint(actor=frontdesk, store=store)
    steps = {
        S.ACKNOWLEDGED: lambda: services.complaint_acknowledge(complaint_id=c.pk, actor=frontdesk),
        S.INVESTIGATING: lambda: services.complaint_investigate(complaint_id=c.pk, actor=frontdesk),
        # 500 is above front desk's 200 and within supervisor's 2,000 and manager's 10,000.
        S.AWAITING_APPROVAL: lambda: resolution_services.resolution_propose(
            complaint_id=c.pk, actor=frontdesk, type="refund", amount="500", description="Refund"
        ),
        S.AWAITING_CUSTOMER: lambda: resolution_services.resolution_approve(
            complaint_id=c.pk, actor=supervisor
        ),
        S.IN_FULFILMENT: lambda: resolution_services.resolution_record_acceptance(
            complaint_id=c.pk, actor=frontdesk, method="signed"
        ),
        S.RESOLVED: lambda: resolution_services.fulfilment_task_complete(
            task_id=_task_id(c.pk), actor=frontdesk
        ),
        S.CLOSED: lambda: services.complaint_close(complaint_id=c.pk, actor=supervisor),
    }
    for step in STATES[1 : STATES.index(state) + 1]:
        steps[step]()
    c.refresh_from_db()
    assert c.status == state
    return c


@pytest.fixture
def users(frontdesk, supervisor, manager, hq, supervisor2):
    return {
        "frontdesk": frontdesk,
        "supervisor": supervisor,
        "manager": manager,
        "hq": hq,
        "supervisor2": supervisor2,
    }


def expected_outcome(name: str, state: str, role: str) -> tuple:
    sources, allowed_roles, target = LIFECYCLE[name]
    if role == "supervisor2":
        return ("not found",)  # another store's complaint does not exist for them (404)
    if state in sources and role in allowed_roles:
        return ("done", target)
    return ("refused",)


class _Undo(Exception):
    pass


def attempt(name: str, complaint: Complaint, user) -> tuple:
    """Run one transition on the complaint as it is, describe what happened, then undo it
    (a savepoint), so every transition is tried on the same pristine complaint."""
    try:
        with transaction.atomic():
            raise _Undo(_outcome(name, complaint, user))
    except _Undo as undo:
        return undo.args[0]


def _outcome(name: str, complaint: Complaint, user) -> tuple:
    events = ComplaintEvent.objects.filter(complaint=complaint)
    events_before = events.count()
    try:
        RUN[name](complaint.pk, user)
    except Complaint.DoesNotExist:
        outcome: tuple = ("not found",)
    except ComplaintActionError as refusal:
        if not str(refusal.message).strip():
            return ("refused without saying why",)
        outcome = ("refused",)
    else:
        after = Complaint.objects.get(pk=complaint.pk)
        logged = events.filter(
            action=name, from_status=complaint.status, to_status=after.status
        ).count()
        if logged != 1:
            return ("done but logged", logged)
        return ("done", after.status)
    after = Complaint.objects.get(pk=complaint.pk)
    if (after.status, after.version, events.count()) != (
        complaint.status,
        complaint.version,
        events_before,
    ):
        return (*outcome, "but something changed")
    return outcome


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_every_transition_for_role_in_state(role, state, users, store):
    complaint = complaint_in(
        state, frontdesk=users["frontdesk"], supervisor=users["supervisor"], store=store
    )
    wrong = []
    for name in LIFECYCLE:
        # Fulfilment tasks exist only once the customer has accepted.
        if name == "complete_fulfilment" and state not in {S.IN_FULFILMENT, S.RESOLVED}:
            continue
        expected = expected_outcome(name, state, role)
        actual = attempt(name, complaint, users[role])
        if actual != expected:
            wrong.append(f"{name}: expected {expected}, got {actual}")
    assert not wrong, f"{role} on a {state} complaint:\n" + "\n".join(wrong)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ["frontdesk", "supervisor", "manager", "hq"])
def test_the_actions_offered_are_exactly_the_allowed_ones(role, state, users, store):
    complaint = complaint_in(
        state, frontdesk=users["frontdesk"], supervisor=users["supervisor"], store=store
    )
    expected = {
        name
        for name, (sources, allowed_roles, _target) in LIFECYCLE.items()
        if state in sources and role in allowed_roles
    }
    offered = set(services.available_transitions(complaint=complaint, user=users[role]))
    assert offered == expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_escalation_by_role_and_state(role, state, users, store):
    """Escalation is not a status: supervisors and head office raise open complaints only."""
    complaint = complaint_in(
        state, frontdesk=users["frontdesk"], supervisor=users["supervisor"], store=store
    )
    user = users[role]
    escalate = lambda: services.complaint_escalate(  # noqa: E731
        complaint_id=complaint.pk, actor=user, new_owner=users["supervisor"], reason="Media."
    )
    if role == "supervisor2":
        with pytest.raises(Complaint.DoesNotExist):
            escalate()
    elif role in SUPERVISORS and state in OPEN:
        escalate()
        after = Complaint.objects.get(pk=complaint.pk)
        assert (after.level, after.owner, after.status) == ("region", users["supervisor"], state)
        return
    else:
        with pytest.raises(ComplaintActionError):
            escalate()
    after = Complaint.objects.get(pk=complaint.pk)
    assert (after.level, after.owner, after.version) == (
        "store",
        users["frontdesk"],
        complaint.version,
    )


@pytest.mark.parametrize("role", ROLES)
def test_reassignment_by_role(role, users, store, complaint):
    user = users[role]
    reassign = lambda: services.complaint_reassign(  # noqa: E731
        complaint_id=complaint.pk, actor=user, new_owner=users["supervisor"]
    )
    if role == "supervisor2":
        with pytest.raises(Complaint.DoesNotExist):
            reassign()
    elif role in SUPERVISORS:
        reassign()
    else:
        with pytest.raises(ComplaintActionError):
            reassign()
    expected_owner = users["supervisor"] if role in SUPERVISORS else users["frontdesk"]
    assert Complaint.objects.get(pk=complaint.pk).owner == expected_owner


def test_nobody_approves_their_own_proposal(supervisor, store, frontdesk):
    """Four eyes: a supervisor who proposed above front desk's limit cannot approve it."""
    complaint = complaint_in(
        S.INVESTIGATING, frontdesk=frontdesk, supervisor=supervisor, store=store
    )
    resolution_services.resolution_propose(
        complaint_id=complaint.pk,
        actor=supervisor,
        type="refund",
        amount="2500",
        description="Refund",
    )
    with pytest.raises(ComplaintActionError):
        resolution_services.resolution_approve(complaint_id=complaint.pk, actor=supervisor)
    assert Complaint.objects.get(pk=complaint.pk).status == S.AWAITING_APPROVAL


def test_approval_needs_an_approver_whose_limit_covers_the_amount(
    frontdesk, supervisor, manager, store
):
    complaint = complaint_in(
        S.INVESTIGATING, frontdesk=frontdesk, supervisor=supervisor, store=store
    )
    resolution_services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="compensation",
        amount="5000",
        description="Compensation",
    )
    with pytest.raises(ComplaintActionError):
        resolution_services.resolution_approve(complaint_id=complaint.pk, actor=supervisor)
    resolution_services.resolution_approve(complaint_id=complaint.pk, actor=manager)
    assert Complaint.objects.get(pk=complaint.pk).status == S.AWAITING_CUSTOMER


def test_on_the_spot_only_within_ones_own_authority(frontdesk, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    with pytest.raises(ComplaintActionError) as refusal:
        resolution_services.resolution_resolve_on_the_spot(
            complaint_id=complaint.pk,
            actor=frontdesk,
            type="refund",
            amount="201",
            description="Refund",
        )
    assert "approval" in refusal.value.message
    assert Complaint.objects.get(pk=complaint.pk).status == S.NEW


def test_a_proposal_above_authority_waits_for_approval(frontdesk, supervisor, store):
    complaint = complaint_in(
        S.INVESTIGATING, frontdesk=frontdesk, supervisor=supervisor, store=store
    )
    resolution_services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="refund",
        amount="200.01",
        description="Refund",
    )
    assert Complaint.objects.get(pk=complaint.pk).status == S.AWAITING_APPROVAL
