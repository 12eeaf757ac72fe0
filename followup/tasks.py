"""Celery tasks: thin, they load by id and call a service. Every one may run twice (a retried
task, a redelivered message, two beats) without doing anything twice: the services check the
ledger or the row's state under lock."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger("followup.tasks")


@shared_task(name="followup.tasks.deliver", acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int) -> bool:
    """Send one e-mail or SMS from the outbox."""
    from .services import delivery_send

    return delivery_send(delivery_id=delivery_id)


@shared_task(name="followup.tasks.followup_sweep", acks_late=True, reject_on_worker_lost=True)
def followup_sweep() -> dict:
    """The beat's job: reminders, surveys due, callbacks due, automatic closure, and the
    re-dispatch of e-mails and SMS still waiting (broker was down, a worker was lost)."""
    from . import reminders, services, surveys

    results = {}
    steps = {
        "reminders": reminders.reminders_sweep,
        "surveys": surveys.surveys_send_due,
        "callbacks": surveys.surveys_callbacks_due,
        "auto_close": surveys.surveys_auto_close_due,
        "redispatched": services.deliveries_redispatch,
    }
    for name, step in steps.items():
        # One failing part (say, a bad row) must not stop the others.
        try:
            results[name] = step()
        except Exception:
            logger.exception("Follow-up sweep: %s failed", name)
            results[name] = "failed"
    return results


@shared_task(name="followup.tasks.weekly_digest_sweep", acks_late=True, reject_on_worker_lost=True)
def weekly_digest_sweep() -> int:
    """Hourly: send the weekly digests that are due (Monday morning in each store's zone)."""
    from .digest import weekly_digests_send

    return weekly_digests_send()
