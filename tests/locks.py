"""Row locks between connections, seen from a test (PostgreSQL): how many of this database's
sessions wait on a lock, so a test can be sure its threads really overlap."""

from __future__ import annotations

import time

from django.db import connection


def waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps serving the first snapshot of the activity
        # statistics; clear it so each poll sees the sessions as they are now.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def until_waiting(count: int, *, seconds: float = 10) -> int:
    """Poll until `count` sessions wait on a lock (or the time is up); how many do."""
    deadline = time.monotonic() + seconds
    while waiting_on_locks() < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return waiting_on_locks()
