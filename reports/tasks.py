"""Celery tasks of the reports app (thin: the work is in `reports.snapshots`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.tasks.weekly_snapshots_refresh", acks_late=True)
def weekly_snapshots_refresh() -> dict:
    """Hourly: drop what changes made invalid and the changes no longer needed, then count
    the pages Monday's readers open first (so the first reader does not wait for them)."""
    from . import changes, snapshots

    return {"deleted": changes.prune(), "computed": snapshots.warm()}
