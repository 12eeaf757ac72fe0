"""Whole weekly pages kept for their next readers: an ended week's page for one set of
stores is counted once and read back while no change has touched what it counts (PostgreSQL;
SQLite counts every time). How a snapshot knows it is still exact: `reports.changes`.

Counted, a store manager's 13 weeks read hundreds of thousands of rows at a million
complaints, head office's ten stores several times that; read back, the page costs one
query. Only ended weeks are kept (the current week changes all the time and depends on the
time of day). Approvals pending now, and names and labels, are always read live
(`selectors._finish`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from complaints.models import Complaint, Store

from . import changes
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
    keep_weeks,
    window_ending,
)
from .weeks import IsoWeek, weeks_ending

# Each store's weeks kept ahead of readers by `warm`: a year at least, and back to the first
# complaint, so that any week opens from what is kept. Counted a year at a time, each in its
# own transaction (a worker stopped part-way keeps the years it finished).
HISTORY_WEEKS = 53


def load_or_compute(
    *, stores: Sequence[Store], week: IsoWeek, store_table: bool, now: datetime
) -> WeeklyReport:
    """The page from its valid snapshot, or counted (`compute_report`; each store's kept
    weeks read back) and kept when its week has ended in every store's zone."""
    if not changes.enabled():
        return compute_report(stores=stores, week=week, store_table=store_table, now=now)
    ends = [week.end_in(ZoneInfo(zone)) for zone in {store.time_zone for store in stores}]
    ended = bool(ends) and max(ends) <= now
    store_ids = sorted(store.pk for store in stores)
    key = _key(store_ids, week, store_table)
    if ended and (payload := changes.snapshot_load(key, store_ids)) is not None:
        return decode(payload, stores=stores, week=week)
    with transaction.atomic():
        seen = changes.taken()
        report = compute_report(
            stores=stores, week=week, store_table=store_table, now=now, seen=seen
        )
        if ended:
            changes.snapshot_save(
                key, store_ids=store_ids, valid_before=max(ends), seen=seen, payload=encode(report)
            )
    return report


def _key(store_ids: list[int], week: IsoWeek, store_table: bool) -> str:
    return f"{week}|{'table' if store_table else 'trend'}|{','.join(map(str, store_ids))}"


def warm(*, now: datetime | None = None) -> int:
    """Count the pages Monday's readers open first, where missing or made invalid: each
    store's last ended week, and every store's together (head office); and keep each store's
    weeks back to the first complaint, a year at least (HISTORY_WEEKS), so that any week opens
    quickly. How many pages were counted."""
    if not changes.enabled():
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
        if changes.snapshot_load(_key(ids, week, store_table), ids) is not None:
            continue
        load_or_compute(stores=chosen, week=week, store_table=store_table, now=now)
        computed += 1
    if stores:
        last, first = week.shift(-TREND_WEEKS), _history_start(stores, week)
        while last >= first:
            count = min(HISTORY_WEEKS, (last.monday - first.monday).days // 7 + 1)
            with transaction.atomic():
                keep_weeks(stores=stores, last=last, count=count, now=now, seen=changes.taken())
            last = last.shift(-count)
    return computed


def _history_start(stores: Sequence[Store], week: IsoWeek) -> IsoWeek:
    """The oldest week `warm` keeps: a year before `week`, or when the first complaint is
    older, the weeks a trend ending with its week shows (and one more: a store's zone may put
    it in the week before), so that the page of any week reads every week back."""
    start = week.shift(1 - HISTORY_WEEKS)
    first = Complaint.objects.filter(store__in=stores).aggregate(first=Min("received_at"))
    if first["first"] is not None:
        start = min(start, IsoWeek.containing(first["first"].date()).shift(-TREND_WEEKS))
    return start


# ---- the report as JSON -------------------------------------------------------------------


def encode(report: WeeklyReport) -> dict:
    """The counted parts of the report (labels and names are filled in live)."""
    return {
        "trend": [figures.to_json() for figures in report.trend],
        "by_store": [[store.pk, figures.to_json()] for store, figures in report.by_store],
        "categories": [asdict(row) for row in report.categories],
        "channels": [asdict(row) for row in report.channels],
        "departments": [asdict(row) for row in report.departments],
        "repeat": [[row.customer_id, row.complaints] for row in report.repeat_complainants],
        "repeat_count": report.repeat_complainant_count,
        "clusters": [asdict(cluster) for cluster in report.clusters],
        "satisfaction_available": report.satisfaction_available,
    }


def decode(payload: dict, *, stores: Sequence[Store], week: IsoWeek) -> WeeklyReport:
    store_by_id = {store.pk: store for store in stores}
    clusters = []
    for data in payload["clusters"]:
        cluster = Cluster(**data)
        cluster.last_received_at = datetime.fromisoformat(data["last_received_at"])
        clusters.append(cluster)
    return WeeklyReport(
        week=week,
        weeks=weeks_ending(week, TREND_WEEKS),
        stores=list(stores),
        trend=[Figures.from_json(data) for data in payload["trend"]],
        by_store=[(store_by_id[pk], Figures.from_json(data)) for pk, data in payload["by_store"]],
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
        repeat_window=window_ending(week, REPEAT_WINDOW_DAYS),
        cluster_window=window_ending(week, CLUSTER_WINDOW_DAYS),
    )
