"""Work after a write is queued on commit: a rolled-back transition queues nothing, a committed
one exactly one task, on the real broker (Redis with REDIS_URL, else the filesystem broker).
A broker that is down never fails the user's action; the sweep dispatches what was left."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from complaints import services as complaint_services
from config.celery import app
from followup.models import Delivery, DeliveryStatus
from followup.services import deliveries_redispatch
from followup.tasks import deliver
from resolutions import services as resolution_services
from tests.followup.conftest import broker, send_outbox

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def drain_queue() -> list[tuple[str, dict]]:
    """Take every message off the default queue: (task name, kwargs) for each."""
    taken = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                args, kwargs, _embed = message.decode()
                taken.append((message.headers["task"], kwargs))
                message.ack()
        finally:
            queue.close()
    return taken


@pytest.fixture
def awaiting_approval(complaint, frontdesk):
    complaint_services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    resolution_services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="refund",
        amount="500",
        description="Refund",
    )
    drain_queue()  # the approval request's own e-mails
    return complaint


def test_a_rolled_back_transition_enqueues_nothing_and_a_committed_one_exactly_one_task(
    awaiting_approval, supervisor, frontdesk
):
    with pytest.raises(RuntimeError), transaction.atomic():
        resolution_services.resolution_approve(complaint_id=awaiting_approval.pk, actor=supervisor)
        raise RuntimeError("the request failed after the transition")
    assert drain_queue() == []
    assert not Delivery.objects.filter(address=frontdesk.email).exists()

    resolution_services.resolution_approve(complaint_id=awaiting_approval.pk, actor=supervisor)

    delivery = Delivery.objects.get(address=frontdesk.email)  # the owner hears of it
    assert drain_queue() == [("followup.tasks.deliver", {"delivery_id": delivery.pk})]
    delivery.refresh_from_db()
    assert delivery.dispatched_at is not None


def test_a_broker_that_is_down_does_not_fail_the_action_and_the_sweep_sends_later(
    awaiting_approval, supervisor, frontdesk, mailoutbox
):
    with broker("redis://127.0.0.1:1/0"):  # nothing listens there
        started = timezone.now()
        complaint = resolution_services.resolution_approve(
            complaint_id=awaiting_approval.pk, actor=supervisor
        )
        assert timezone.now() - started < timedelta(seconds=10)
    assert complaint.status == "awaiting_customer"
    delivery = Delivery.objects.get(address=frontdesk.email)
    assert delivery.status == DeliveryStatus.PENDING and delivery.dispatched_at is None

    # The broker is back: the sweep dispatches what was left behind, and it is sent once.
    assert deliveries_redispatch(stale_after=timedelta(0)) >= 1
    assert ("followup.tasks.deliver", {"delivery_id": delivery.pk}) in drain_queue()
    assert send_outbox() >= 1
    assert [m.to for m in mailoutbox if "approved" in m.body] == [[frontdesk.email]]
    deliver.delay(delivery_id=delivery.pk)  # a late duplicate message…
    assert drain_queue() == [("followup.tasks.deliver", {"delivery_id": delivery.pk})]
    assert deliver(delivery_id=delivery.pk) is False  # …finds it sent
    assert len([m for m in mailoutbox if "approved" in m.body]) == 1
