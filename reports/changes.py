"""What the weekly report keeps between readers, and how it knows it is still exact
(PostgreSQL; SQLite counts every time).

Triggers (migration 0005) log every change to data a weekly figure counts as a
`ReportChange`: which store, and the earliest instant from which its weeks may count
differently (resolving a complaint today logs today; acknowledging on time a complaint
received last Sunday logs last Sunday). Two things are kept, each with what its database
snapshot had seen (`Taken`):

- `ReportWeek`: one store's counts for one ended week (the trend's figures, departments and
  the hours to resolve), valid while no change it did not see touches that store before the
  week's end. A new week's page counts only its new week; the twelve before are read back.
- `ReportSnapshot` (`reports.snapshots`): a whole ended week's page for one set of stores.

"Did not see": a change logged after the snapshot was taken (the log's order: changes made
in the same transaction, as in tests), or by a transaction that had not committed then
(`pg_visible_in_snapshot`). Snapshots are taken before the counting queries run, so a change
committed while they run makes what they counted invalid, never valid but stale.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

# A change is kept at least this long, so that a snapshot still being counted when the
# change committed (and not saved yet) is checked against it; far longer than any report.
KEEP_CHANGES = timedelta(hours=1)
# Whole-page snapshots are dropped after this long (weeks' counts are kept while valid).
KEEP_SNAPSHOTS = timedelta(days=14)


def unseen(kept: str) -> str:
    """SQL: change `c` was not seen by the row `kept` (an alias) that recorded a snapshot."""
    return (
        f"(c.id > {kept}.last_change OR (c.xid <> {kept}.xid AND NOT"
        f" pg_visible_in_snapshot(c.xid::text::xid8, {kept}.taken::pg_snapshot)))"
    )


def enabled() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Taken:
    """What the database had committed when counting began."""

    snapshot: str  # pg_current_snapshot()
    xid: int  # the counting transaction
    last_change: int  # the newest change logged


def taken() -> Taken:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_snapshot()::text, pg_current_xact_id()::text::bigint,"
            " (SELECT coalesce(max(id), 0) FROM reports_reportchange)"
        )
        return Taken(*cursor.fetchone())


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def _loaded(value):
    return json.loads(value) if isinstance(value, str) else value


# ---- one store's week ---------------------------------------------------------------------


def pack_hours(hours: Sequence[float]) -> bytes:
    """Hours as little-endian float64s: exact, and read back a hundred times faster than as
    JSON numbers (head office's 13 weeks hold some 80,000)."""
    packed = array("d", hours)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack_hours(data: bytes) -> list[float]:
    packed = array("d")
    packed.frombytes(bytes(data))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tolist()


def weeks_load(
    store_ids: Sequence[int], weeks: Sequence[str]
) -> dict[tuple[int, str], tuple[dict, list[float]]]:
    """{(store id, week): (counts, hours)} for the kept weeks still valid."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT r.store_id, r.week, r.counts, r.hours FROM reports_reportweek r
            WHERE r.store_id = ANY(%s) AND r.week = ANY(%s) AND NOT EXISTS (
                SELECT 1 FROM reports_reportchange c
                WHERE c.store_id = r.store_id AND c.changed_from < r.week_end
                  AND {unseen("r")}
            )
            """,  # noqa: S608 - unseen() is constant text
            [list(store_ids), list(weeks)],
        )
        return {
            (store_id, week): (_loaded(counts), unpack_hours(hours))
            for store_id, week, counts, hours in cursor.fetchall()
        }


def weeks_save(rows: Iterable[tuple[int, str, datetime, dict, list[float]]], seen: Taken) -> None:
    """Keep (store id, week, week's end, counts, hours) rows counted after `seen` was taken."""
    params = [
        [
            store_id,
            week,
            week_end,
            seen.snapshot,
            seen.xid,
            seen.last_change,
            _json(counts),
            pack_hours(hours),
        ]
        for store_id, week, week_end, counts, hours in rows
    ]
    if not params:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            """
            INSERT INTO reports_reportweek
                (store_id, week, week_end, taken, xid, last_change, counts, hours, created_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, now())
            ON CONFLICT (store_id, week) DO UPDATE SET
                week_end = EXCLUDED.week_end, taken = EXCLUDED.taken, xid = EXCLUDED.xid,
                last_change = EXCLUDED.last_change, counts = EXCLUDED.counts,
                hours = EXCLUDED.hours, created_at = EXCLUDED.created_at
            """,
            params,
        )


# ---- a whole page -------------------------------------------------------------------------


def snapshot_load(key: str, store_ids: Sequence[int]) -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.payload FROM reports_reportsnapshot s
            WHERE s.key = %s AND NOT EXISTS (
                SELECT 1 FROM reports_reportchange c
                WHERE c.store_id = ANY(%s) AND c.changed_from < s.valid_before
                  AND {unseen("s")}
            )
            """,  # noqa: S608 - unseen() is constant text
            [key, list(store_ids)],
        )
        row = cursor.fetchone()
    return None if row is None else _loaded(row[0])


def snapshot_save(
    key: str, *, store_ids: Sequence[int], valid_before: datetime, seen: Taken, payload: dict
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reports_reportsnapshot
                (key, store_ids, valid_before, taken, xid, last_change, payload, created_at)
            VALUES (%s, %s::jsonb, %s, %s, %s, %s, %s::jsonb, now())
            ON CONFLICT (key) DO UPDATE SET
                store_ids = EXCLUDED.store_ids, valid_before = EXCLUDED.valid_before,
                taken = EXCLUDED.taken, xid = EXCLUDED.xid, last_change = EXCLUDED.last_change,
                payload = EXCLUDED.payload, created_at = EXCLUDED.created_at
            """,
            [
                key,
                _json(list(store_ids)),
                valid_before,
                seen.snapshot,
                seen.xid,
                seen.last_change,
                _json(payload),
            ],
        )


# ---- pruning ------------------------------------------------------------------------------


def prune() -> dict[str, int]:
    """Drop what a change has made invalid (and page snapshots past KEEP_SNAPSHOTS), then the
    changes older than KEEP_CHANGES: everything still kept has seen them (a change it had not
    seen and that touches it would have made it invalid), and anything counted later sees
    them. How many of each were deleted."""
    if not enabled():
        return {}
    deleted = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            DELETE FROM reports_reportsnapshot s
            WHERE s.created_at < now() - %s OR EXISTS (
                SELECT 1 FROM reports_reportchange c
                WHERE s.store_ids @> to_jsonb(c.store_id) AND c.changed_from < s.valid_before
                  AND {unseen("s")}
            )
            """,  # noqa: S608 - unseen() is constant text
            [KEEP_SNAPSHOTS],
        )
        deleted["snapshots"] = cursor.rowcount
        cursor.execute(
            f"""
            DELETE FROM reports_reportweek r
            WHERE EXISTS (
                SELECT 1 FROM reports_reportchange c
                WHERE c.store_id = r.store_id AND c.changed_from < r.week_end
                  AND {unseen("r")}
            )
            """  # noqa: S608 - unseen() is constant text
        )
        deleted["weeks"] = cursor.rowcount
        cursor.execute(
            "DELETE FROM reports_reportchange WHERE created_at < now() - %s", [KEEP_CHANGES]
        )
        deleted["changes"] = cursor.rowcount
    return deleted
