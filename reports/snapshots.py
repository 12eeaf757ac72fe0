"""Weekly report snapshots: an ended week's report is computed once and read back while no
change has touched what it counts (PostgreSQL; SQLite always computes).

A store manager's page over 13 weeks reads hundreds of thousands of rows at a million
complaints (about 270 ms; head office's ten stores about 1.1 s). Once a week has ended, its
figures only change when someone changes the data they count: a late acknowledgement, a
reopened or deleted complaint, an amended resolution, a survey answer, a kept commitment.
Triggers (migration 0005) log each such change with its store and the earliest instant whose
weeks it may change (`ReportChange`). A snapshot stores the computed report with what its
database snapshot had seen; it is used while no change that it did not see touches its
stores before the end of its week, and computed again otherwise. So the page is exact: it
equals what the live queries would say (tests compare the two after each kind of change).

"Did not see": a change is newer than the newest one logged when the snapshot was taken
(changes in the same transaction, as in tests), or its transaction was not yet committed
then (`pg_visible_in_snapshot`). The snapshot is taken before the report's queries run, so a
change committed while they run makes the snapshot invalid (never valid but stale).

Only ended weeks are kept (the current week changes all the time and depends on the time
of day). Approvals pending now, and names and labels, are always read live (`selectors`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from complaints.models import Store

from .selectors import (
    CLUSTER_WINDOW_DAYS,
    REPEAT_WINDOW_DAYS,
    TREND_WEEKS,
    Cluster,
    DimensionRow,
    Figures,
    RepeatComplainant,
    WeeklyReport,
    compute_report,
    default_week,
)
from .weeks import IsoWeek, weeks_ending

# How long a snapshot is kept, and a change that every kept snapshot has seen (pruning).
KEEP_SNAPSHOTS = timedelta(days=14)
# A change is kept at least this long, so a snapshot still being computed when the change
# committed (and not yet saved) finds it; far longer than any report takes.
KEEP_CHANGES = timedelta(hours=1)

# A change the snapshot did not see: logged after it was taken, or by another transaction
# that had not committed then (a transaction's own changes are never "visible" in its own
# snapshot, so they are told apart by the log's order alone).
UNSEEN = """
    c.id > s.last_change
    OR (c.xid <> s.xid AND NOT pg_visible_in_snapshot(c.xid::text::xid8, s.taken::pg_snapshot))
"""


def snapshots_enabled() -> bool:
    return connection.vendor == "postgresql"


def load_or_compute(
    *,
    stores: Sequence[Store],
    week: IsoWeek,
    store_table: bool,
    now: datetime,
    compute: Callable[[], WeeklyReport],
) -> WeeklyReport:
    """The report from its valid snapshot, or computed (and kept when its week has ended)."""
    zones = {ZoneInfo(store.time_zone) for store in stores}
    ends = [week.end_in(tz) for tz in zones]
    if not snapshots_enabled() or not ends or max(ends) > now:
        return compute()
    store_ids = sorted(store.pk for store in stores)
    key = _key(store_ids, week, store_table)
    payload = _valid_payload(key, store_ids)
    if payload is not None:
        return decode(payload, stores=stores, week=week)
    with transaction.atomic():
        taken, xid, last_change = _taken()
        report = compute()
        _save(
            key,
            store_ids=store_ids,
            valid_before=max(ends),
            taken=taken,
            xid=xid,
            last_change=last_change,
            payload=json.dumps(encode(report), cls=DjangoJSONEncoder),
        )
    return report


def _key(store_ids: list[int], week: IsoWeek, store_table: bool) -> str:
    return f"{week}|{'table' if store_table else 'trend'}|{','.join(map(str, store_ids))}"


def _valid_payload(key: str, store_ids: list[int]) -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.payload FROM reports_reportsnapshot s
            WHERE s.key = %s AND NOT EXISTS (
                SELECT 1 FROM reports_reportchange c
                WHERE c.store_id = ANY(%s) AND c.changed_from < s.valid_before
                  AND ({UNSEEN})
            )
            """,  # noqa: S608 - UNSEEN is constant text
            [key, store_ids],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def _taken() -> tuple[str, int, int]:
    """What the database has committed now: its snapshot, this transaction and the newest
    change logged."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_snapshot()::text, pg_current_xact_id()::text::bigint,"
            " (SELECT coalesce(max(id), 0) FROM reports_reportchange)"
        )
        return cursor.fetchone()


def _save(key: str, *, store_ids, valid_before, taken, xid, last_change, payload: str) -> None:
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
            [key, json.dumps(store_ids), valid_before, taken, xid, last_change, payload],
        )


def prune() -> tuple[int, int]:
    """Drop the snapshots a change has made invalid or that are old, then the changes that
    no remaining snapshot needs (seen by every one it touches; a snapshot taken later sees
    it anyway). (snapshots, changes) deleted."""
    if not snapshots_enabled():
        return 0, 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            DELETE FROM reports_reportsnapshot s
            WHERE s.created_at < now() - %s OR EXISTS (
                SELECT 1 FROM reports_reportchange c
                WHERE c.changed_from < s.valid_before AND ({UNSEEN})
                  AND s.store_ids @> to_jsonb(c.store_id)
            )
            """,  # noqa: S608 - UNSEEN is constant text
            [KEEP_SNAPSHOTS],
        )
        snapshots = cursor.rowcount
        cursor.execute(
            f"""
            DELETE FROM reports_reportchange c
            WHERE c.created_at < now() - %s AND NOT EXISTS (
                SELECT 1 FROM reports_reportsnapshot s
                WHERE s.store_ids @> to_jsonb(c.store_id) AND c.changed_from < s.valid_before
                  AND ({UNSEEN})
            )
            """,  # noqa: S608 - UNSEEN is constant text
            [KEEP_CHANGES],
        )
        return snapshots, cursor.rowcount


# ---- the report as JSON -------------------------------------------------------------------


def encode(report: WeeklyReport) -> dict:
    """The counted parts of the report (labels and names are filled in live)."""
    return {
        "trend": [asdict(figures) for figures in report.trend],
        "by_store": [[store.pk, asdict(figures)] for store, figures in report.by_store],
        "categories": [asdict(row) for row in report.categories],
        "channels": [asdict(row) for row in report.channels],
        "departments": [asdict(row) for row in report.departments],
        "repeat": [[row.customer_id, row.complaints] for row in report.repeat_complainants],
        "repeat_count": report.repeat_complainant_count,
        "clusters": [asdict(cluster) for cluster in report.clusters],
        "satisfaction_available": report.satisfaction_available,
    }


def _figures(data: dict) -> Figures:
    figures = Figures(**data)
    figures.granted_amount = {key: Decimal(value) for key, value in figures.granted_amount.items()}
    return figures


def decode(payload: dict, *, stores: Sequence[Store], week: IsoWeek) -> WeeklyReport:
    store_by_id = {store.pk: store for store in stores}
    clusters = []
    for data in payload["clusters"]:
        cluster = Cluster(**data)
        cluster.last_received_at = datetime.fromisoformat(data["last_received_at"])
        clusters.append(cluster)
    last = week.sunday
    return WeeklyReport(
        week=week,
        weeks=weeks_ending(week, TREND_WEEKS),
        stores=list(stores),
        trend=[_figures(data) for data in payload["trend"]],
        by_store=[(store_by_id[pk], _figures(data)) for pk, data in payload["by_store"]],
        categories=[DimensionRow(**row) for row in payload["categories"]],
        channels=[DimensionRow(**row) for row in payload["channels"]],
        departments=[DimensionRow(**row) for row in payload["departments"]],
        repeat_complainants=[
            RepeatComplainant(customer_id=pk, name="", masked_phone="", complaints=n)
            for pk, n in payload["repeat"]
        ],
        repeat_complainant_count=payload["repeat_count"],
        clusters=clusters,
        approvals_pending=0,
        satisfaction_available=payload["satisfaction_available"],
        repeat_window=(last - timedelta(days=REPEAT_WINDOW_DAYS - 1), last),
        cluster_window=(last - timedelta(days=CLUSTER_WINDOW_DAYS - 1), last),
    )


def warm(*, now: datetime | None = None) -> int:
    """Compute the snapshots Monday's readers open first, where missing or made invalid:
    each store's last ended week, and every store's together (head office). How many were
    computed."""
    if not snapshots_enabled():
        return 0
    now = now or timezone.now()
    week = default_week(today=timezone.localdate(now))
    stores = list(Store.objects.order_by("code"))
    selections = [([store], False) for store in stores]
    if len(stores) > 1:
        selections.append((stores, True))
    computed = 0
    for chosen, store_table in selections:
        ids = sorted(store.pk for store in chosen)
        if _valid_payload(_key(ids, week, store_table), ids) is not None:
            continue
        load_or_compute(
            stores=chosen,
            week=week,
            store_table=store_table,
            now=now,
            compute=partial(
                compute_report, stores=chosen, week=week, store_table=store_table, now=now
            ),
        )
        computed += 1
    return computed
