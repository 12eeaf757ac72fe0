"""Celery tasks of the reports app (thin: the work is in `reports.snapshots`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.tasks.weekly_snapshots_refresh", acks_late=True)
def weekly_snapshots_refresh() -> dict:
    """Hourly: drop the snapshots and changes no longer needed, then compute the ones
    Monday's readers open first (so the first reader does not wait for them)."""
    from . import snapshots

    dropped, changes = snapshots.prune()
    return {"dropped": dropped, "changes_pruned": changes, "computed": snapshots.warm()}
