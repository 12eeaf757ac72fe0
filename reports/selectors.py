"""The weekly trend report: every figure is aggregated in the database, in a fixed number of
queries whatever the amount of data (SPEC.md "Weekly trends").

What each figure counts (the drill-down links in `reports.links` select exactly these):

- received: complaints received in the week (store-local Monday 00:00 to Monday 00:00);
  of those, acknowledged within the limit (`acknowledged_at <= ack_due_at`), one-stop
  (resolved on the spot) and reopened since (`reopen_count > 0`).
- resolved: complaints whose `resolved_at` falls in the week; of those, resolved within the
  limit (`resolved_at <= resolve_due_at`, which already includes time paused waiting for the
  customer); hours to resolve (median, 90th percentile) are wall-clock hours from receipt.
- backlog / overdue: complaints open at the end of the week (received before it, not yet
  resolved or closed then); overdue among them: the resolution or acknowledgement due time
  had passed and the clock was not paused waiting for the customer. A reopened complaint
  counts as open since its receipt (reopening clears `resolved_at`). For the current week
  "the end" is still to come: the figure is how things stand, due times to come included.
- compensation granted: the current resolutions of the complaints resolved in the week, by
  type (count) and currency (amount).
- commitments: promises due in the week (and already due now); kept = kept by the due time.
- satisfaction: the complaints resolved in the week that were sent a follow-up survey; of
  those, answered (so far), dissatisfied (score 1–2 or "not solved"); the mean score of
  their answers. (Callback answers are not counted yet.)
- categories, channels: complaints received in the week and the week before; departments:
  the same over all 13 weeks (the warning record).
- repeat complainants: customers who complained in the week and twice or more in the 90 days
  ending with it; clusters: three or more complaints on one batch or SKU in the 30 days
  ending with the week.

Queries: about a dozen per page whatever the data size (pinned by tests); weeks are
compared as exact UTC instants of each store's local Monday 00:00 (`aggregates.week_index`).
On PostgreSQL percentiles are `percentile_cont`; on SQLite the database returns the rows next
to each percentile's position and Python interpolates (`aggregates.percentiles`).

Store scoping: the stores come from `report_stores`, which only ever returns stores from
`stores_visible_to(user)`; complaint queries start from `complaints_visible_to(user)`, and
queries on related rows (resolutions, commitments, surveys) are limited to those stores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, F, FilteredRelation, Max, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from complaints.models import Category, Channel, Complaint, Department, Status, Store
from complaints.selectors import complaints_visible_to, stores_visible_to
from customers.models import Customer, mask_phone
from resolutions.models import Commitment, ResolutionType

from . import measures
from .aggregates import (
    HoursBetween,
    PercentileCont,
    TzGroups,
    in_local_range,
    overall_range,
    percentiles,
    report_transaction,
    week_index,
)
from .weeks import IsoWeek, local_midnight, weeks_ending

TREND_WEEKS = 13
REPEAT_WINDOW_DAYS = 90
REPEAT_MIN_COMPLAINTS = 2
CLUSTER_WINDOW_DAYS = 30
CLUSTER_MIN_COMPLAINTS = 3
TABLE_ROWS = 15
PERCENTILES = (0.5, 0.9)
CENTS = Decimal("0.01")
# COUNT(1) FILTER (…): counts rows without reading a column (Django refuses "*" with a filter).
ONE = Value(1)


# ---- what the page shows ----------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return None if not whole else 100.0 * part / whole


@dataclass
class Figures:
    """The measures of one week, for one store or for all the selected stores together."""

    received: int = 0
    acknowledged_on_time: int = 0
    one_stop: int = 0
    reopened: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    backlog: int = 0
    overdue: int = 0
    granted_by_type: dict[str, int] = field(default_factory=dict)
    granted_amount: dict[str, Decimal] = field(default_factory=dict)
    commitments_due: int = 0
    commitments_kept: int = 0
    commitments_due_complaints: int = 0
    commitments_broken_complaints: int = 0
    surveys_sent: int = 0
    surveys_answered: int = 0
    satisfaction_total: int = 0
    satisfaction_scored: int = 0
    dissatisfied: int = 0

    ADDITIVE = (
        "received",
        "acknowledged_on_time",
        "one_stop",
        "reopened",
        "resolved",
        "resolved_on_time",
        "backlog",
        "overdue",
        "commitments_due",
        "commitments_kept",
        "commitments_due_complaints",
        "commitments_broken_complaints",
        "surveys_sent",
        "surveys_answered",
        "satisfaction_total",
        "satisfaction_scored",
        "dissatisfied",
    )

    def add(self, other: Figures) -> None:
        """Add another store's counts (percentiles are not additive: computed separately)."""
        for name in self.ADDITIVE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.granted_by_type.items():
            self.granted_by_type[key] = self.granted_by_type.get(key, 0) + value
        for key, value in other.granted_amount.items():
            self.granted_amount[key] = self.granted_amount.get(key, Decimal(0)) + value

    @property
    def acknowledged_on_time_rate(self) -> float | None:
        return _rate(self.acknowledged_on_time, self.received)

    @property
    def resolved_on_time_rate(self) -> float | None:
        return _rate(self.resolved_on_time, self.resolved)

    @property
    def one_stop_rate(self) -> float | None:
        return _rate(self.one_stop, self.received)

    @property
    def reopen_rate(self) -> float | None:
        return _rate(self.reopened, self.received)

    @property
    def commitments_kept_rate(self) -> float | None:
        return _rate(self.commitments_kept, self.commitments_due)

    @property
    def granted(self) -> int:
        return sum(self.granted_by_type.values())

    @property
    def response_rate(self) -> float | None:
        return _rate(self.surveys_answered, self.surveys_sent)

    @property
    def satisfaction_mean(self) -> float | None:
        if not self.satisfaction_scored:
            return None
        return self.satisfaction_total / self.satisfaction_scored

    @property
    def dissatisfied_rate(self) -> float | None:
        return _rate(self.dissatisfied, self.surveys_answered)


@dataclass
class DimensionRow:
    """One category, channel or department: this week's count against last week's."""

    key: str
    label: str
    count: int
    previous: int
    total: int = 0  # over all the report's weeks (the department warning record)
    share: float | None = None
    cumulative_share: float | None = None
    weekly: list[int] = field(default_factory=list)

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass
class RepeatComplainant:
    customer_id: int
    name: str
    masked_phone: str
    complaints: int


@dataclass
class Cluster:
    kind: str  # "product_batch" or "product_sku"
    value: str
    product: str
    complaints: int
    this_week: int
    stores: int
    last_received_at: datetime


@dataclass
class WeeklyReport:
    week: IsoWeek
    weeks: list[IsoWeek]
    stores: list[Store]
    trend: list[Figures]
    by_store: list[tuple[Store, Figures]]
    categories: list[DimensionRow]
    channels: list[DimensionRow]
    departments: list[DimensionRow]
    repeat_complainants: list[RepeatComplainant]
    repeat_complainant_count: int
    clusters: list[Cluster]
    approvals_pending: int
    satisfaction_available: bool
    repeat_window: tuple
    cluster_window: tuple

    @property
    def current(self) -> Figures:
        return self.trend[-1]

    @property
    def previous(self) -> Figures:
        return self.trend[-2]

    @property
    def store_ids(self) -> list[int]:
        return [store.pk for store in self.stores]

    @property
    def resolution_types(self) -> list[str]:
        """The resolution types granted in any of the weeks, in the model's order."""
        seen = {key for figures in self.trend for key in figures.granted_by_type}
        return [value for value in ResolutionType.values if value in seen]


# ---- scoping ----------------------------------------------------------------------------------


def report_stores(*, user, store_ids: Iterable[str] = ()) -> list[Store]:
    """The stores a report covers: the requested ones (each must be one of the user's own,
    else Store.DoesNotExist → 404), or all the user's stores when none is requested."""
    visible = stores_visible_to(user)
    if not user.has_perm("complaints.view_complaint"):
        visible = visible.none()
    wanted: set[int] = set()
    for raw in store_ids:
        try:
            wanted.add(int(raw))
        except (TypeError, ValueError):
            raise Store.DoesNotExist(raw) from None
    if not wanted:
        return list(visible.order_by("code"))
    stores = list(visible.filter(pk__in=wanted).order_by("code"))
    if len(stores) != len(wanted):
        raise Store.DoesNotExist(sorted(wanted - {store.pk for store in stores}))
    return stores


def tz_groups_of(stores: Sequence[Store]) -> list[tuple[ZoneInfo, list[int]]]:
    """The selected stores grouped by time zone (weeks start at each zone's own midnight)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for store in stores:
        groups[store.time_zone].append(store.pk)
    return [(ZoneInfo(name), ids) for name, ids in sorted(groups.items())]


def default_week(*, today=None) -> IsoWeek:
    """The last complete week: Monday's manager looks back at the week that just ended."""
    today = today or timezone.localdate()
    return IsoWeek.containing(today - timedelta(days=7))


# ---- the report -------------------------------------------------------------------------------


def weekly_report(
    *, user, stores: Sequence[Store], week: IsoWeek, store_table: bool = False, now=None
) -> WeeklyReport:
    """All the figures of the weekly page for these stores (already scoped by
    `report_stores`): the chosen week and the 12 before it; per store too if asked.

    An ended week's figures come from its snapshot while no change has touched them
    (`reports.snapshots`); the rest is live: approvals pending now, and the names of
    categories and customers (renamed or erased since, they show as they are now)."""
    from . import snapshots

    now = now or timezone.now()
    report = snapshots.load_or_compute(
        stores=stores,
        week=week,
        store_table=store_table,
        now=now,
        compute=lambda: compute_report(stores=stores, week=week, store_table=store_table, now=now),
    )
    _finish(report, user=user)
    return report


def compute_report(*, stores, week, store_table, now) -> WeeklyReport:
    """The figures counted from the complaints of `stores` (the caller scoped them), in the
    report's transaction; names, labels and the live counts are left to `_finish`."""
    weeks = weeks_ending(week, TREND_WEEKS)
    tz_groups = tz_groups_of(stores)
    store_ids = [store.pk for store in stores]
    complaints = Complaint.objects.filter(store_id__in=store_ids).order_by()

    per_store: dict[int, list[Figures]] = {pk: [Figures() for _ in weeks] for pk in store_ids}
    context = _Context(
        stores=list(stores),
        complaints=complaints,
        store_ids=store_ids,
        weeks=weeks,
        tz_groups=tz_groups,
        now=now,
    )
    with report_transaction():
        departments = _received_cohort(context, per_store)
        combined = _resolved_cohort(context, per_store, store_table=store_table)
        _backlog(context, per_store)
        _commitments(context, per_store)
        satisfaction_available = _satisfaction(context, per_store)

        trend = [Figures() for _ in weeks]
        for figures in per_store.values():
            for index, week_figures in enumerate(figures):
                trend[index].add(week_figures)
        if combined is not None:  # counted for the stores together: replaces the sums
            for figures, together in zip(trend, combined, strict=True):
                for name in RESOLVED_FIELDS:
                    setattr(figures, name, getattr(together, name))
        _hours_to_resolve(context, trend, per_store, store_table=store_table)

        repeat_rows, repeat_count = _repeat_complainants(context)
        categories = _simple_dimension(context, "category_id")
        channels = _simple_dimension(context, "channel")
        clusters = _clusters(context)
    store_by_id = {store.pk: store for store in stores}
    return WeeklyReport(
        week=week,
        weeks=weeks,
        stores=list(stores),
        trend=trend,
        by_store=[(store_by_id[pk], per_store[pk][-1]) for pk in store_ids] if store_table else [],
        categories=categories,
        channels=channels,
        departments=departments,
        repeat_complainants=repeat_rows,
        repeat_complainant_count=repeat_count,
        clusters=clusters,
        approvals_pending=0,
        satisfaction_available=satisfaction_available,
        repeat_window=context.window(REPEAT_WINDOW_DAYS),
        cluster_window=context.window(CLUSTER_WINDOW_DAYS),
    )


def _finish(report: WeeklyReport, *, user) -> None:
    """What is read live whatever the snapshot: approvals pending now; the labels of the
    categories, channels and departments (in the reader's language) and their ranking; the
    repeat complainants' names and masked phones."""
    report.approvals_pending = (
        complaints_visible_to(user)
        .filter(store_id__in=report.store_ids, status=Status.AWAITING_APPROVAL)
        .count()
    )
    _label_categories(report.categories)
    _label_choices(report.channels, Channel)
    _label_choices(report.departments, Department)
    _ranked(report.categories)
    _ranked(report.channels)
    report.departments.sort(key=lambda row: (-row.count, -row.total, row.label))
    _name_customers(report.repeat_complainants)


def _label_categories(rows: list[DimensionRow]) -> None:
    """ "Parent › name" in the reader's language, read by key in one query."""
    if not rows:
        return
    chinese = (get_language() or "en").startswith("zh")
    suffix = "zh" if chinese else "en"
    names = {
        str(category["pk"]): category
        for category in Category.objects.filter(pk__in=[row.key for row in rows]).values(
            "pk", f"name_{suffix}", f"parent__name_{suffix}"
        )
    }
    for row in rows:
        category = names.get(row.key)
        if category is None:  # deleted since the snapshot: its number stands in
            row.label = row.key
            continue
        name, parent = category[f"name_{suffix}"], category[f"parent__name_{suffix}"]
        row.label = f"{parent} › {name}" if parent else name


def _label_choices(rows: list[DimensionRow], choices) -> None:
    labels = dict(choices.choices)
    for row in rows:
        row.label = str(labels.get(row.key, row.key))


def _name_customers(rows: list[RepeatComplainant]) -> None:
    customers = Customer.objects.in_bulk([row.customer_id for row in rows]) if rows else {}
    for row in rows:
        customer = customers.get(row.customer_id)
        row.name = customer.name if customer else ""
        row.masked_phone = mask_phone(customer.phone) if customer else ""


@dataclass
class _Context:
    stores: list[Store]
    complaints: QuerySet
    store_ids: list[int]
    weeks: list[IsoWeek]
    tz_groups: TzGroups
    now: datetime

    @property
    def week(self) -> IsoWeek:
        return self.weeks[-1]

    def has_week(self, index) -> bool:
        """A week number from `week_index` that is one of the report's weeks."""
        return index is not None and 0 <= index < len(self.weeks)

    def week_index(self, field_name: str, *, store_field: str = "store_id"):
        return week_index(
            field_name, tz_groups=self.tz_groups, weeks=self.weeks, store_field=store_field
        )

    def overall_range(self, field_name: str, *, weeks: Sequence[IsoWeek] | None = None) -> Q:
        return overall_range(field_name, tz_groups=self.tz_groups, weeks=weeks or self.weeks)

    def window(self, days: int) -> tuple:
        """(first day, last day) of the `days` local days ending with the week's Sunday."""
        last = self.week.sunday
        return last - timedelta(days=days - 1), last

    def in_window(self, field_name: str, days: int) -> Q:
        first, last = self.window(days)
        return in_local_range(
            field_name,
            tz_groups=self.tz_groups,
            starts={tz: local_midnight(first, tz) for tz, _ in self.tz_groups},
            ends={tz: local_midnight(last + timedelta(days=1), tz) for tz, _ in self.tz_groups},
        )

    def in_week(self, field_name: str, week: IsoWeek) -> Q:
        return in_local_range(
            field_name,
            tz_groups=self.tz_groups,
            starts={tz: week.start_in(tz) for tz, _ in self.tz_groups},
            ends={tz: week.end_in(tz) for tz, _ in self.tz_groups},
        )


def _received_cohort(context: _Context, per_store: dict[int, list[Figures]]) -> list:
    """Complaints received per store and week, with the department warning record from the
    same rows."""
    rows = (
        context.complaints.filter(context.overall_range("received_at"))
        .annotate(wk=context.week_index("received_at"))
        .values("store_id", "wk", "responsible_department")
        .annotate(
            received=Count("*"),
            acknowledged_on_time=Count(ONE, filter=measures.acknowledged_on_time()),
            one_stop=Count(ONE, filter=measures.one_stop()),
            reopened=Count(ONE, filter=measures.reopened()),
        )
    )
    weekly: dict[str, list[int]] = defaultdict(lambda: [0] * len(context.weeks))
    for row in rows:
        if not context.has_week(row["wk"]):
            continue  # inside the overall range, outside its store's weeks
        figures = per_store[row["store_id"]][row["wk"]]
        figures.received += row["received"]
        figures.acknowledged_on_time += row["acknowledged_on_time"]
        figures.one_stop += row["one_stop"]
        figures.reopened += row["reopened"]
        if row["responsible_department"]:
            weekly[row["responsible_department"]][row["wk"]] += row["received"]
    departments = [
        DimensionRow(
            key=key,
            label="",
            count=counts[-1],
            previous=counts[-2],
            total=sum(counts),
            weekly=counts,
        )
        for key, counts in weekly.items()
    ]
    return departments


RESOLVED_FIELDS = (
    "resolved",
    "resolved_on_time",
    "granted_by_type",
    "granted_amount",
    "median_hours",
    "p90_hours",
)


def _resolved_cohort(
    context: _Context, per_store: dict[int, list[Figures]], *, store_table: bool
) -> list[Figures] | None:
    """Complaints resolved per week, the compensation granted to them (their current
    resolution, joined on the one-current-resolution-per-complaint key) and, on PostgreSQL,
    the hours they took (median, 90th percentile) from the same rows.

    Percentiles do not add up across stores, so with several stores on PostgreSQL the weeks
    are counted for the stores together (returned, for the trend) and each store only for
    the chosen week (its column in the stores table); otherwise per store and week.
    """
    currencies = sorted({store.currency for store in context.stores})
    postgresql = connection.vendor == "postgresql"

    def aggregates() -> dict:
        result = {
            "resolved": Count(ONE),
            "resolved_on_time": Count(ONE, filter=measures.resolved_on_time()),
            **{
                f"granted_{kind}": Count(ONE, filter=Q(current__type=kind))
                for kind in ResolutionType.values
            },
            **{
                f"amount_{index}": Sum("current__amount", filter=Q(current__currency=currency))
                for index, currency in enumerate(currencies)
            },
        }
        if postgresql:
            hours = HoursBetween("received_at", "resolved_at")
            result["hours"] = PercentileCont(hours, PERCENTILES)
        return result

    def fill(figures: Figures, row: dict) -> None:
        figures.resolved = row["resolved"]
        figures.resolved_on_time = row["resolved_on_time"]
        figures.granted_by_type = {
            kind: row[f"granted_{kind}"] for kind in ResolutionType.values if row[f"granted_{kind}"]
        }
        figures.granted_amount = {
            currency: Decimal(row[f"amount_{index}"]).quantize(CENTS)
            for index, currency in enumerate(currencies)
            if row[f"amount_{index}"] is not None
        }
        if row.get("hours"):  # NULL when no hours (an empty group never comes back)
            figures.median_hours, figures.p90_hours = row["hours"]

    def current() -> FilteredRelation:  # one per queryset: Django keeps state on it
        return FilteredRelation("resolutions", condition=Q(resolutions__is_current=True))

    weekly = context.complaints.filter(context.overall_range("resolved_at")).annotate(
        wk=context.week_index("resolved_at"), current=current()
    )
    if postgresql and len(context.store_ids) > 1:
        combined = [Figures() for _ in context.weeks]
        for row in weekly.values("wk").annotate(**aggregates()):
            if context.has_week(row["wk"]):
                fill(combined[row["wk"]], row)
        if store_table:
            chosen = context.complaints.filter(
                context.in_week("resolved_at", context.week)
            ).annotate(current=current())
            for row in chosen.values("store_id").annotate(**aggregates()):
                fill(per_store[row["store_id"]][-1], row)
        return combined
    for row in weekly.values("store_id", "wk").annotate(**aggregates()):
        if context.has_week(row["wk"]):
            fill(per_store[row["store_id"]][row["wk"]], row)
    return None


def _hours_to_resolve(
    context: _Context,
    trend: list[Figures],
    per_store: dict[int, list[Figures]],
    *,
    store_table: bool,
) -> None:
    """On SQLite (no percentile_cont): median and 90th percentile hours to resolve, from
    the rows either side of each percentile's position (see aggregates.percentiles)."""
    if connection.vendor == "postgresql":
        if len(context.store_ids) == 1:
            store_figures = per_store[context.store_ids[0]]
            for index, figures in enumerate(trend):
                figures.median_hours = store_figures[index].median_hours
                figures.p90_hours = store_figures[index].p90_hours
        return
    hours = HoursBetween("received_at", "resolved_at")
    by_week = percentiles(
        context.complaints.filter(context.overall_range("resolved_at")).annotate(
            wk=context.week_index("resolved_at")
        ),
        group_by=["wk"],
        value=hours,
        fractions=PERCENTILES,
    )
    for (index,), values in by_week.items():
        if context.has_week(index):
            trend[index].median_hours, trend[index].p90_hours = values[0.5], values[0.9]
    if len(context.store_ids) == 1:
        store_figures = per_store[context.store_ids[0]]
        for index, figures in enumerate(trend):
            store_figures[index].median_hours = figures.median_hours
            store_figures[index].p90_hours = figures.p90_hours
    elif store_table:
        by_store = percentiles(
            context.complaints.filter(context.in_week("resolved_at", context.week)),
            group_by=["store_id"],
            value=hours,
            fractions=PERCENTILES,
        )
        for (store_id,), values in by_store.items():
            per_store[store_id][-1].median_hours = values[0.5]
            per_store[store_id][-1].p90_hours = values[0.9]


def _backlog(context: _Context, per_store: dict[int, list[Figures]]) -> None:
    """Open and overdue at each week's end (`measures.open_at`, `measures.overdue_at`) in one
    query.

    Each complaint's timestamps are turned into week numbers: the first week whose end comes
    after its receipt, after its resolution or closure, after each due time, after its
    acknowledgement and after the pause of its clock. The database counts complaints per
    combination of those numbers (a few hundred groups, whatever the data size), and the
    counts are then added up per week: open at the end of week i when received ≤ i <
    resolved, overdue when also due ≤ i (or acknowledgement due ≤ i < acknowledged) and
    i < paused.
    """
    n = len(context.weeks)
    earliest = min(context.weeks[0].end_in(tz) for tz, _ in context.tz_groups)
    latest = max(context.weeks[-1].end_in(tz) for tz, _ in context.tz_groups)

    def until(field):
        return week_index(field, tz_groups=context.tz_groups, weeks=context.weeks, until=True)

    rows = (
        # open_until: resolved, else closed (NULL while open). The reports app's migration
        # indexes (store, this expression) on PostgreSQL for exactly this filter.
        context.complaints.annotate(open_until=Coalesce("resolved_at", "closed_at"))
        .filter(received_at__lt=latest)
        .filter(Q(open_until__isnull=True) | Q(open_until__gte=earliest))
        .annotate(arrived=until("received_at"), left=until("open_until"))
        # Received and resolved within the same week: open at no week's end. Most complaints
        # are; leaving them out here spares the other four week numbers.
        .exclude(arrived=F("left"))
        .annotate(
            resolve_due=until("resolve_due_at"),
            ack_due=until("ack_due_at"),
            acknowledged=until("acknowledged_at"),
            paused=until("clock_paused_at"),
        )
        .values("store_id", "arrived", "left", "resolve_due", "ack_due", "acknowledged", "paused")
        .annotate(n=Count("*"))
    )
    for row in rows:
        figures = per_store[row["store_id"]]
        for i in range(row["arrived"], min(row["left"], n)):
            figures[i].backlog += row["n"]
            late = i >= row["resolve_due"] or row["ack_due"] <= i < row["acknowledged"]
            if late and i < row["paused"]:
                figures[i].overdue += row["n"]


def _commitments(context: _Context, per_store: dict[int, list[Figures]]) -> None:
    rows = (
        Commitment.objects.filter(complaint__store_id__in=context.store_ids, due_at__lt=context.now)
        .filter(context.overall_range("due_at"))
        .annotate(wk=context.week_index("due_at", store_field="complaint__store_id"))
        .order_by()
        .values("complaint__store_id", "wk")
        .annotate(
            due=Count("id"),
            kept=Count("id", filter=measures.commitment_kept()),
            due_complaints=Count("complaint_id", distinct=True),
            broken_complaints=Count(
                "complaint_id", distinct=True, filter=measures.commitment_broken()
            ),
        )
    )
    for row in rows:
        if not context.has_week(row["wk"]):
            continue
        figures = per_store[row["complaint__store_id"]][row["wk"]]
        figures.commitments_due = row["due"]
        figures.commitments_kept = row["kept"]
        figures.commitments_due_complaints = row["due_complaints"]
        figures.commitments_broken_complaints = row["broken_complaints"]


def survey_model():
    """The follow-up app's survey invitation model, if it exists yet (issue 4)."""
    try:
        from followup.models import SurveyInvitation
    except ImportError:
        return None
    return SurveyInvitation


def _satisfaction(context: _Context, per_store: dict[int, list[Figures]]) -> bool:
    """Follow-up surveys of the complaints resolved each week: how many were sent one, how
    many answered (so far), their mean score, how many were dissatisfied."""
    if survey_model() is None:
        return False
    answered = measures.survey_answered("surveys__")
    scored = answered & Q(surveys__satisfaction__isnull=False)
    rows = (
        context.complaints.filter(context.overall_range("resolved_at"))
        .filter(surveys__sent_at__isnull=False)
        .annotate(wk=context.week_index("resolved_at"))
        .values("store_id", "wk")
        .annotate(
            sent=Count("id", distinct=True),
            answered=Count("id", distinct=True, filter=answered),
            dissatisfied=Count(
                "id", distinct=True, filter=measures.survey_dissatisfied("surveys__")
            ),
            score_total=Sum("surveys__satisfaction", filter=scored),
            scored=Count("surveys__id", filter=scored),
        )
    )
    for row in rows:
        if not context.has_week(row["wk"]):
            continue
        figures = per_store[row["store_id"]][row["wk"]]
        figures.surveys_sent = row["sent"]
        figures.surveys_answered = row["answered"]
        figures.satisfaction_total = row["score_total"] or 0
        figures.satisfaction_scored = row["scored"]
        figures.dissatisfied = row["dissatisfied"]
    return True


# ---- breakdowns -------------------------------------------------------------------------------


def _two_week_counts(context: _Context, dimension: str) -> dict:
    """{dimension value: [last week, this week]} for complaints received."""
    weeks = context.weeks[-2:]
    rows = (
        context.complaints.filter(context.overall_range("received_at", weeks=weeks))
        .annotate(wk=week_index("received_at", tz_groups=context.tz_groups, weeks=weeks))
        .values(dimension, "wk")
        .annotate(n=Count("id"))
    )
    counts: dict = defaultdict(lambda: [0, 0])
    for row in rows:
        if row["wk"] not in (0, 1):
            continue
        counts[row[dimension]][row["wk"]] = row["n"]
    return counts


def _ranked(rows: list[DimensionRow]) -> list[DimensionRow]:
    """Most frequent first, with each row's share and the cumulative share (Pareto)."""
    rows.sort(key=lambda row: (-row.count, -row.previous, row.label))
    total = sum(row.count for row in rows)
    running = 0
    for row in rows:
        running += row.count
        row.share = _rate(row.count, total)
        row.cumulative_share = _rate(running, total)
    return rows


def _simple_dimension(context: _Context, dimension: str) -> list[DimensionRow]:
    """Counts by `dimension` (its value as the key; labelled and ranked by `_finish`)."""
    counts = _two_week_counts(context, dimension)
    return [
        DimensionRow(key=str(key), label="", count=count, previous=previous)
        for key, (previous, count) in counts.items()
    ]


def _repeat_complainants(context: _Context) -> tuple[list[RepeatComplainant], int]:
    """Customers who complained in the week and twice or more in the 90 days ending with it:
    counted per customer in the database (the total rides along as a window count); their
    names are read by `_finish`."""
    in_window = context.complaints.filter(context.in_window("received_at", REPEAT_WINDOW_DAYS))
    if len(context.store_ids) == 1:
        # One store: its week's customers first, then their 90 days by the customer index
        # (at a million complaints 50 -> 30 ms of CPU). With every store the 90 days are
        # read anyway and the extra step costs more than it saves (240 -> 290 ms).
        this_week = context.complaints.filter(context.in_week("received_at", context.week))
        in_window = in_window.filter(customer_id__in=this_week.values("customer_id"))
    rows = list(
        in_window.values("customer_id")
        .annotate(
            n=Count("id"),
            this_week=Count("id", filter=context.in_week("received_at", context.week)),
        )
        .filter(n__gte=REPEAT_MIN_COMPLAINTS, this_week__gte=1)
        .annotate(total=Window(Count("*")))
        .order_by("-n", "customer_id")[:TABLE_ROWS]
    )
    if not rows:
        return [], 0
    return [
        RepeatComplainant(
            customer_id=row["customer_id"], name="", masked_phone="", complaints=row["n"]
        )
        for row in rows
    ], rows[0]["total"]


def _clusters(context: _Context) -> list[Cluster]:
    """Batches and SKUs with three or more complaints in the 30 days ending with the week."""
    clusters: list[Cluster] = []
    for kind in ("product_batch", "product_sku"):
        rows = (
            context.complaints.filter(context.in_window("received_at", CLUSTER_WINDOW_DAYS))
            .exclude(**{kind: ""})
            .values(kind)
            .annotate(
                n=Count("id"),
                this_week=Count("id", filter=context.in_week("received_at", context.week)),
                # One store: one store (a distinct count sorts every row of the 30 days).
                stores=Count("store_id", distinct=True) if len(context.store_ids) > 1 else ONE,
                last=Max("received_at"),
                product=Max("product_name"),
            )
            .filter(n__gte=CLUSTER_MIN_COMPLAINTS)
            .order_by("-n", kind)[:TABLE_ROWS]
        )
        clusters.extend(
            Cluster(
                kind=kind,
                value=row[kind],
                product=row["product"] or "",
                complaints=row["n"],
                this_week=row["this_week"],
                stores=row["stores"],
                last_received_at=row["last"],
            )
            for row in rows
        )
    clusters.sort(key=lambda cluster: (-cluster.complaints, cluster.kind, cluster.value))
    return clusters
