"""Helpers for follow-up tests: a clock to move, the outbox sent as a worker would send it,
and the SMS gateway's memory (the only replaced external gateway)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.utils import timezone

from followup.models import Delivery, DeliveryStatus
from followup.services import delivery_send
from followup.sms import MemorySmsBackend
from tests.factories import CustomerFactory, make_complaint


@pytest.fixture(autouse=True)
def _broker_backoff_forgotten():
    """A test that took the broker down must not make the next one skip dispatching."""
    from followup.services import broker_backoff_reset

    broker_backoff_reset()
    yield
    broker_backoff_reset()


@pytest.fixture
def sms():
    """The SMS gateway's memory: a list of {"to", "text"}."""
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def send_outbox() -> int:
    """Do what the worker does with every pending e-mail and SMS."""
    sent = 0
    for pk in Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        sent += bool(delivery_send(delivery_id=pk))
    return sent


@pytest.fixture
def outbox_sender():
    return send_outbox


def resolve_on_the_spot(complaint, actor):
    from resolutions.services import resolution_resolve_on_the_spot

    resolution_resolve_on_the_spot(
        complaint_id=complaint.pk,
        actor=actor,
        type="apology",
        amount="0",
        description="We apologise; the kettle is replaced.",
    )
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def resolved_complaint(frontdesk, store, supervisor, manager):
    """A complaint resolved on the spot; its customer consented and prefers SMS."""
    customer = CustomerFactory(store=store, preferred_channel="sms", consent_to_follow_up=True)
    complaint = make_complaint(actor=frontdesk, store=store, customer=customer)
    return resolve_on_the_spot(complaint, frontdesk)


@contextlib.contextmanager
def broker(url: str):
    """Point this process's Celery app at another broker for a while (a private Redis)."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options)

    def reset_pools():
        # Forget (do not close): kombu keeps one pool per broker address and hands it back.
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.broker_url = url
    app.conf.broker_transport_options = {
        "visibility_timeout": 6 * 3600,
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
    }
    try:
        yield app
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.broker_transport_options = saved


def later(**kwargs):
    return timezone.now() + timedelta(**kwargs)
