"""`manage.py weekly_reports_refresh`: the weekly report's hourly upkeep, now (PostgreSQL).

Run it after deploying a release or a bulk import, so that the first readers do not meet a
week nobody has counted yet: it drops what changes made invalid, then counts each store's
last week, head office's page and every past week (`reports.snapshots.warm`). The beat runs
the same every hour."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports import changes
from reports.tasks import weekly_snapshots_refresh


class Command(BaseCommand):
    help = "Keep the weekly report's weeks and pages now, as the hourly task does."

    def handle(self, *args, **options) -> None:
        if not changes.enabled():
            self.stdout.write("Nothing to keep: the weekly report counts live on SQLite.")
            return
        done = weekly_snapshots_refresh()
        dropped = sum(done["deleted"].values())
        self.stdout.write(
            f"Dropped {dropped} invalid or old entries, counted {done['computed']} pages;"
            " every past week is kept."
        )
