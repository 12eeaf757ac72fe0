"""Approving twice at once (a double click, two tabs, two supervisors) grants once and logs
once, on PostgreSQL with real threads and their own connections.

To be sure the two approvals overlap, the test holds the complaint's row lock itself, starts
both, waits until both are blocked on that lock, then lets go: they race for the row at the
same instant, as two supervisors clicking together would.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from complaints.models import Complaint, ComplaintEvent, Status
from complaints.services import ComplaintActionError
from resolutions.models import ApprovalDecision, ResolutionState
from resolutions.services import resolution_approve
from tests.locks import until_waiting

from .helpers import awaiting_approval

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
    ),
    # Committed rows for the other connections; serialized_rollback brings back the seeded
    # roles, limits, categories and scripts that the flush after each test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def approve_at_once(complaint: Complaint, approvers: list, expected_version=None) -> list:
    outcomes: list = [None] * len(approvers)
    start = threading.Barrier(len(approvers))

    def approve(index: int, user) -> None:
        try:
            start.wait(timeout=10)
            resolution_approve(
                complaint_id=complaint.pk, actor=user, expected_version=expected_version
            )
            outcomes[index] = "approved"
        except ComplaintActionError as refusal:
            outcomes[index] = refusal
        except Exception as exc:  # noqa: BLE001 - the test reports it
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(index, user)) for index, user in enumerate(approvers)
    ]
    with transaction.atomic():
        Complaint.objects.select_for_update().get(pk=complaint.pk)
        for thread in threads:
            thread.start()
        assert until_waiting(len(approvers)) == len(approvers), (
            "both approvals should wait on the row"
        )
    for thread in threads:
        thread.join(timeout=20)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.parametrize(
    ("who", "with_version"),
    [("two supervisors", False), ("double click", True)],
    ids=["two-supervisors", "double-click-same-page"],
)
def test_two_approvals_at_once_grant_once_and_log_once(
    frontdesk, supervisor, manager, who, with_version
):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    approvers = [supervisor, manager] if who == "two supervisors" else [supervisor, supervisor]
    outcomes = approve_at_once(
        complaint, approvers, expected_version=complaint.version if with_version else None
    )

    assert outcomes.count("approved") == 1, outcomes
    refusal = next(o for o in outcomes if o != "approved")
    assert isinstance(refusal, ComplaintActionError), refusal
    assert refusal.message  # a clear message for the one who lost
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
    resolution = complaint.resolutions.get()
    assert resolution.state == ResolutionState.OFFERED
    assert ApprovalDecision.objects.filter(resolution=resolution).count() == 1
    assert ComplaintEvent.objects.filter(complaint=complaint, action="approve").count() == 1
