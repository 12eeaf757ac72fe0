"""The reminder and escalation ladder: before the deadline the owner, at breach the owner and
the supervisors, a day later the manager; each once; the job's cost follows what falls due."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import services as complaint_services
from followup.models import LedgerEntry, Notification, NotificationKind
from followup.reminders import reminders_sweep
from resolutions import services as resolution_services
from resolutions.models import Commitment
from tests.factories import make_complaint
from tests.followup.conftest import send_outbox

pytestmark = pytest.mark.django_db

K = NotificationKind


def kinds_for(user, prefix: str = "") -> list[str]:
    notes = Notification.objects.filter(recipient=user, kind__startswith=prefix)
    return sorted(notes.values_list("kind", flat=True))


def test_an_unacknowledged_complaint_climbs_the_ladder_once_per_step(
    frontdesk, supervisor, manager, store, mailoutbox
):
    complaint = make_complaint(actor=frontdesk, store=store)
    due = complaint.ack_due_at  # 24 h after receipt

    reminders_sweep(now=due - timedelta(hours=3))  # nothing yet
    assert not Notification.objects.exists()

    # (The resolution, due at the same time at store level, has its own reminders.)
    reminders_sweep(now=due - timedelta(hours=1, minutes=59))
    assert kinds_for(frontdesk, "ack") == [K.ACK_DUE_SOON]
    assert kinds_for(supervisor, "ack") == []
    note = Notification.objects.get(recipient=frontdesk, kind=K.ACK_DUE_SOON)
    assert complaint.reference in note.text

    before = Notification.objects.count()
    reminders_sweep(now=due - timedelta(hours=1))  # re-run: nothing new
    assert Notification.objects.count() == before

    reminders_sweep(now=due + timedelta(minutes=1))
    assert kinds_for(frontdesk, "ack") == [K.ACK_BREACHED, K.ACK_DUE_SOON]
    assert kinds_for(supervisor, "ack") == [K.ACK_BREACHED]
    assert kinds_for(manager, "ack") == []

    reminders_sweep(now=due + timedelta(hours=24, minutes=1))
    assert kinds_for(manager, "ack") == [K.ACK_BREACHED_DAY]
    reminders_sweep(now=due + timedelta(hours=24, minutes=2))
    assert Notification.objects.filter(kind=K.ACK_BREACHED_DAY).count() == 1

    send_outbox()
    ack_mail = [m for m in mailoutbox if "acknowledged" in m.subject]
    assert sorted(m.to[0] for m in ack_mail) == sorted(
        [frontdesk.email, frontdesk.email, supervisor.email, manager.email]
    )


def test_an_acknowledged_complaint_is_not_reminded_to_acknowledge(frontdesk, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    complaint_services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    reminders_sweep(now=complaint.ack_due_at + timedelta(minutes=1))
    assert not Notification.objects.filter(kind__startswith="ack").exists()


def test_resolution_deadline_reminds_and_breaches(frontdesk, supervisor, store):
    complaint = make_complaint(actor=frontdesk, store=store, severity="critical")
    complaint_services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    complaint.refresh_from_db()
    due = complaint.resolve_due_at  # 12 h: critical halves the store's 24 h
    reminders_sweep(now=due - timedelta(minutes=90))
    reminders_sweep(now=due + timedelta(seconds=30))
    assert kinds_for(frontdesk, "resolve") == [K.RESOLVE_BREACHED, K.RESOLVE_DUE_SOON]
    assert K.RESOLVE_BREACHED in kinds_for(supervisor)


def test_a_sweep_after_an_outage_sends_the_breach_but_not_the_stale_due_soon(frontdesk, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    reminders_sweep(now=timezone.now())  # the cursor starts here
    # Beat was down for a day and a half: the first sweep back catches up.
    reminders_sweep(now=complaint.ack_due_at + timedelta(hours=12))
    assert kinds_for(frontdesk, "ack") == [K.ACK_BREACHED]


def test_a_backdated_complaint_is_reminded_at_the_next_sweep(frontdesk, supervisor, store):
    reminders_sweep()  # an earlier sweep ran
    received = timezone.now() - timedelta(hours=30)  # a letter logged the day after
    make_complaint(actor=frontdesk, store=store, channel="letter", received_at=received)
    reminders_sweep()
    assert kinds_for(frontdesk, "ack") == [K.ACK_BREACHED]
    assert kinds_for(supervisor, "ack") == [K.ACK_BREACHED]


def test_an_escalated_complaint_gets_reminders_for_its_new_deadline(frontdesk, supervisor, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    complaint_services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    complaint.refresh_from_db()
    reminders_sweep(now=complaint.resolve_due_at - timedelta(minutes=30))
    complaint_services.complaint_escalate(
        complaint_id=complaint.pk, actor=supervisor, new_owner=frontdesk, reason="Region decides"
    )
    complaint.refresh_from_db()
    reminders_sweep(now=complaint.resolve_due_at - timedelta(minutes=30))
    assert Notification.objects.filter(recipient=frontdesk, kind=K.RESOLVE_DUE_SOON).count() == 2


def test_an_approval_waiting_too_long_is_reminded(frontdesk, supervisor, manager, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    complaint_services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    resolution = resolution_services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="refund",
        amount="500",
        description="Refund",
    )
    Notification.objects.all().delete()  # the request itself
    reminders_sweep(now=resolution.proposed_at + timedelta(hours=4, minutes=1))
    assert kinds_for(supervisor) == [K.APPROVAL_WAITING]
    reminders_sweep(now=resolution.proposed_at + timedelta(hours=24, minutes=1))
    assert K.APPROVAL_WAITING_DAY in kinds_for(manager)


def test_a_commitment_is_reminded_before_and_when_overdue(frontdesk, supervisor, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    reminders_sweep()
    commitment = Commitment.objects.create(
        complaint=complaint,
        description="Call the customer with the repair date",
        due_at=timezone.now() + timedelta(hours=6),
        made_by=frontdesk,
    )
    reminders_sweep(now=commitment.due_at - timedelta(minutes=90))
    reminders_sweep(now=commitment.due_at + timedelta(minutes=1))
    assert kinds_for(frontdesk, "commitment") == [K.COMMITMENT_DUE_SOON, K.COMMITMENT_OVERDUE]
    assert kinds_for(supervisor, "commitment") == [K.COMMITMENT_OVERDUE]
    overdue = Notification.objects.get(recipient=supervisor, kind=K.COMMITMENT_OVERDUE)
    assert "repair date" in overdue.text


def test_a_kept_commitment_is_not_reminded(frontdesk, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    commitment = Commitment.objects.create(
        complaint=complaint,
        description="Send the voucher",
        due_at=timezone.now() + timedelta(hours=6),
        made_by=frontdesk,
        kept_at=timezone.now(),
    )
    reminders_sweep(now=commitment.due_at + timedelta(minutes=1))
    assert not Notification.objects.filter(kind__startswith="commitment").exists()


def test_the_ledger_refuses_a_second_copy_of_a_step(frontdesk, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    now = complaint.ack_due_at + timedelta(minutes=1)
    reminders_sweep(now=now)
    # Forget the cursor: a second beat starting fresh looks at the same window again.
    from followup.models import SweepCursor

    SweepCursor.objects.all().delete()
    reminders_sweep(now=now)
    assert LedgerEntry.objects.filter(complaint=complaint, step__startswith="breached").count() == 2
    assert Notification.objects.filter(kind=K.ACK_BREACHED).count() == 1


def test_the_jobs_query_count_does_not_grow_with_complaints_not_yet_due(frontdesk, store):
    reminders_sweep()  # the cursor exists, as in production

    def sweep_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            reminders_sweep()
        return len(queries.captured_queries)

    make_complaint(actor=frontdesk, store=store)
    baseline = sweep_queries()
    for _ in range(25):
        make_complaint(actor=frontdesk, store=store)
    assert sweep_queries() <= baseline
    for _ in range(25):
        make_complaint(actor=frontdesk, store=store)
    reminders_sweep()
    assert sweep_queries() <= baseline
    assert not Notification.objects.exists()


def _reopened_long_after_its_deadline(frontdesk, supervisor, store):
    """Received a month ago, resolved then, its resolve deadline long gone; reopened now."""
    from tests.followup.conftest import resolve_on_the_spot

    reminders_sweep()  # an earlier sweep ran, as in production
    received = timezone.now() - timedelta(days=30)
    complaint = make_complaint(
        actor=frontdesk, store=store, channel="walk_in", received_at=received
    )
    resolve_on_the_spot(complaint, frontdesk)
    reminders_sweep()
    reopened_at = timezone.now()
    complaint_services.complaint_reopen(
        complaint_id=complaint.pk, actor=supervisor, reason="The kettle broke again"
    )
    complaint.refresh_from_db()
    return complaint, reopened_at


def test_a_complaint_reopened_long_after_its_deadline_climbs_the_ladder_again(
    frontdesk, supervisor, manager, store
):
    complaint, reopened_at = _reopened_long_after_its_deadline(frontdesk, supervisor, store)
    # The store level's whole 24 h again, counted from the reopen: not overdue at once.
    assert reopened_at + timedelta(hours=24) <= complaint.resolve_due_at
    assert complaint.resolve_due_at <= timezone.now() + timedelta(hours=24, minutes=1)
    assert not complaint.is_overdue
    due = complaint.resolve_due_at

    reminders_sweep(now=due - timedelta(hours=1, minutes=59))
    assert kinds_for(frontdesk, "resolve") == [K.RESOLVE_DUE_SOON]
    reminders_sweep(now=due + timedelta(minutes=1))
    assert kinds_for(frontdesk, "resolve") == [K.RESOLVE_BREACHED, K.RESOLVE_DUE_SOON]
    assert kinds_for(supervisor, "resolve") == [K.RESOLVE_BREACHED]
    reminders_sweep(now=due + timedelta(hours=24, minutes=1))
    assert kinds_for(manager, "resolve") == [K.RESOLVE_BREACHED_DAY]
    reminders_sweep(now=due + timedelta(hours=24, minutes=2))
    assert Notification.objects.filter(kind__startswith="resolve").count() == 4


def test_a_reopened_complaint_escalated_later_counts_its_new_limit_from_the_reopen(
    frontdesk, supervisor, store
):
    complaint, reopened_at = _reopened_long_after_its_deadline(frontdesk, supervisor, store)
    reopened_due = complaint.resolve_due_at
    complaint_services.complaint_escalate(
        complaint_id=complaint.pk, actor=supervisor, new_owner=frontdesk, reason="Region decides"
    )
    complaint.refresh_from_db()
    # Region's 48 h instead of the store's 24 h, still from the reopen (not from receipt).
    assert complaint.resolve_due_at == reopened_due + timedelta(hours=24)
    assert reopened_at + timedelta(hours=48) <= complaint.resolve_due_at
    reminders_sweep(now=complaint.resolve_due_at - timedelta(hours=1, minutes=59))
    assert kinds_for(frontdesk, "resolve") == [K.RESOLVE_DUE_SOON]
    reminders_sweep(now=complaint.resolve_due_at + timedelta(minutes=1))
    assert kinds_for(supervisor, "resolve") == [K.RESOLVE_BREACHED]
