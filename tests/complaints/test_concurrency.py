"""Two people acting at once (SPEC.md "Lifecycle": exactly one transition wins; the other gets a
clear message and nothing is half-done), and references under concurrent intake.

Real threads with their own PostgreSQL connections. To be sure the two actions really
overlap, the test first holds the complaint's row lock itself, waits until both threads are
blocked on it, then lets go: both race for the row at the same instant.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Status
from complaints.services import ComplaintActionError, ComplaintChanged
from resolutions import services as resolution_services
from resolutions.models import ApprovalDecision
from tests.factories import CustomerFactory, make_complaint
from tests.locks import until_waiting

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
    ),
    # Committed rows for the other connections; serialized_rollback brings back the seeded
    # categories and roles that a transactional test's flush removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in_thread(results: dict, key: str, action: Callable[[], object], start: threading.Barrier):
    try:
        start.wait(timeout=10)
        action()
        results[key] = "done"
    except ComplaintActionError as refusal:
        results[key] = refusal
    except Exception as exc:  # noqa: BLE001 - reported by the test, not swallowed
        results[key] = exc
    finally:
        connections.close_all()


def race(complaint_id: int, actions: dict[str, Callable[[], object]]) -> dict:
    """Start the actions together while we hold the row, release it once all are blocked."""
    results: dict = {}
    start = threading.Barrier(len(actions))
    threads = [
        threading.Thread(target=_in_thread, args=(results, key, action, start))
        for key, action in actions.items()
    ]
    with transaction.atomic():
        Complaint.objects.select_for_update().get(pk=complaint_id)
        for thread in threads:
            thread.start()
        assert until_waiting(len(actions)) == len(actions), "both actions should wait on the row"
    for thread in threads:
        thread.join(timeout=20)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _one_winner(results: dict) -> tuple[str, ComplaintActionError]:
    winners = [key for key, outcome in results.items() if outcome == "done"]
    losers = [outcome for outcome in results.values() if outcome != "done"]
    assert len(winners) == 1, results
    assert len(losers) == 1 and isinstance(losers[0], ComplaintActionError), results
    return winners[0], losers[0]


def test_two_people_acknowledging_at_once_one_wins_the_other_is_told(
    complaint, frontdesk, supervisor
):
    results = race(
        complaint.pk,
        {
            "frontdesk": lambda: services.complaint_acknowledge(
                complaint_id=complaint.pk, actor=frontdesk
            ),
            "supervisor": lambda: services.complaint_acknowledge(
                complaint_id=complaint.pk, actor=supervisor
            ),
        },
    )

    winner, refusal = _one_winner(results)
    assert complaint.reference in refusal.message
    assert "Acknowledged" in refusal.message
    acks = ComplaintEvent.objects.filter(complaint=complaint, action="acknowledge")
    assert acks.count() == 1
    assert acks.get().actor.username == winner
    assert Complaint.objects.get(pk=complaint.pk).version == complaint.version + 1


def test_approve_and_reject_at_once_exactly_one_decision_stands(
    complaint, frontdesk, supervisor, manager
):
    services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    services.complaint_investigate(complaint_id=complaint.pk, actor=frontdesk)
    resolution_services.resolution_propose(
        complaint_id=complaint.pk, actor=frontdesk, type="refund", amount="900", description="R"
    )

    results = race(
        complaint.pk,
        {
            "approve": lambda: resolution_services.resolution_approve(
                complaint_id=complaint.pk, actor=supervisor
            ),
            "reject": lambda: resolution_services.resolution_reject(
                complaint_id=complaint.pk, actor=manager, reason="Offer an exchange first."
            ),
        },
    )

    winner, refusal = _one_winner(results)
    assert refusal.message
    after = Complaint.objects.get(pk=complaint.pk)
    assert (
        after.status
        == {
            "approve": Status.AWAITING_CUSTOMER,
            "reject": Status.INVESTIGATING,
        }[winner]
    )
    decisions = ApprovalDecision.objects.filter(resolution__complaint=complaint)
    assert decisions.count() == 1, "nothing half-done: one decision row"
    transitions = ComplaintEvent.objects.filter(
        complaint=complaint, action__in=["approve", "reject"]
    )
    assert list(transitions.values_list("action", flat=True)) == [winner]


def test_two_edits_from_the_same_page_the_second_is_told_someone_else_changed_it(
    complaint, frontdesk, supervisor
):
    """Both users saw version N; the one who comes second must not act on a stale page."""
    services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    seen = Complaint.objects.get(pk=complaint.pk).version

    results = race(
        complaint.pk,
        {
            "investigate": lambda: services.complaint_investigate(
                complaint_id=complaint.pk, actor=frontdesk, expected_version=seen
            ),
            "withdraw": lambda: services.complaint_withdraw(
                complaint_id=complaint.pk,
                actor=supervisor,
                reason="Customer called off the complaint.",
                expected_version=seen,
            ),
        },
    )

    winner, refusal = _one_winner(results)
    assert isinstance(refusal, ComplaintChanged)
    assert complaint.reference in refusal.message
    assert (
        ComplaintEvent.objects.filter(
            complaint=complaint, action__in=["investigate", "withdraw"]
        ).count()
        == 1
    )
    assert Complaint.objects.get(pk=complaint.pk).version == seen + 1


def test_references_stay_unique_and_consecutive_under_concurrent_intake(frontdesk, store):
    threads_count, per_thread = 8, 5
    customers = [CustomerFactory(store=store) for _ in range(threads_count)]
    start = threading.Barrier(threads_count)
    errors: list[Exception] = []

    def intake(customer):
        try:
            start.wait(timeout=10)
            for _ in range(per_thread):
                make_complaint(actor=frontdesk, store=store, customer=customer)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=intake, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    year = timezone.localtime(timezone.now(), store.zone).year
    references = sorted(Complaint.objects.values_list("reference", flat=True))
    expected = [f"SH01-{year}-{n:06d}" for n in range(1, threads_count * per_thread + 1)]
    assert references == expected
