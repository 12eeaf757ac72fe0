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

Queries: a fixed number per page whatever the data size (pinned by tests); weeks are
compared as exact UTC instants of each store's local Monday 00:00 (`aggregates.week_index`).
On PostgreSQL each store's ended weeks and whole ended pages are kept and read back while
exact (`reports.changes`, `reports.snapshots`), and percentiles are interpolated from each
week's sorted hours exactly as `percentile_cont` does; on SQLite every week is counted, and
the database returns the rows next to each percentile's position for Python to interpolate
(`aggregates.percentiles`).

Store scoping: the stores come from `report_stores`, which only ever returns stores from
`stores_visible_to(user)`; every query (complaints and their resolutions, commitments and
surveys; what is kept) is limited to those stores' ids, and the live counts start from
`complaints_visible_to(user)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, F, FilteredRelation, Max, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from complaints.models import Category, Channel, Complaint, Department, Status, Store
from complaints.selectors import complaints_visible_to, stores_visible_to
from customers.models import Customer, mask_phone
from resolutions.models import Commitment, ResolutionType

from . import changes, measures
from .aggregates import (
    HoursBetween,
    TzGroups,
    in_local_range,
    overall_range,
    percentile_of,
    percentiles,
    report_transaction,
    week_index,
)
from .changes import Taken
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

    def to_json(self) -> dict:
        return asdict(self)  # Decimal amounts become text (DjangoJSONEncoder)

    @classmethod
    def from_json(cls, data: dict) -> Figures:
        figures = cls(**data)
        figures.granted_amount = {
            currency: Decimal(amount) for currency, amount in figures.granted_amount.items()
        }
        return figures

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

    report = snapshots.load_or_compute(
        stores=stores, week=week, store_table=store_table, now=now or timezone.now()
    )
    _finish(report, user=user)
    return report


def compute_report(*, stores, week, store_table, now, seen: Taken | None = None) -> WeeklyReport:
    """The figures counted from the complaints of `stores` (the caller scoped them), in the
    report's transaction; names, labels and the live counts are left to `_finish`.

    With `seen` (PostgreSQL, what the database had committed before this began) each
    store's ended weeks are read back where kept and valid (`changes.weeks_load`); only the
    weeks missing are counted, and kept. Otherwise every week is counted."""
    weeks = weeks_ending(week, TREND_WEEKS)
    store_ids = [store.pk for store in stores]
    context = _context(stores, weeks, now)
    with report_transaction():
        weekly = _weekly_counts(context, seen)
        trend = [Figures() for _ in weeks]
        for counts in weekly.values():
            for index, week_counts in enumerate(counts):
                trend[index].add(week_counts.figures)
        if seen is None:
            _hours_to_resolve(context, trend, weekly, store_table=store_table)
        else:
            _percentiles_from_hours(trend, weekly)

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
        by_store=[(store_by_id[pk], weekly[pk][-1].figures) for pk in store_ids]
        if store_table
        else [],
        categories=categories,
        channels=channels,
        departments=_departments(weekly, len(weeks)),
        repeat_complainants=repeat_rows,
        repeat_complainant_count=repeat_count,
        clusters=clusters,
        approvals_pending=0,
        satisfaction_available=survey_model() is not None,
        repeat_window=context.window(REPEAT_WINDOW_DAYS),
        cluster_window=context.window(CLUSTER_WINDOW_DAYS),
    )


def keep_weeks(*, stores, last: IsoWeek, count: int, now, seen: Taken) -> None:
    """Count and keep each store's ended weeks among the `count` ending with `last` that are
    not kept (or no longer valid), so later pages read them back."""
    with report_transaction():
        _weekly_counts(_context(stores, weeks_ending(last, count), now), seen)


def _context(stores, weeks: list[IsoWeek], now) -> _Context:
    store_ids = [store.pk for store in stores]
    return _Context(
        stores=list(stores),
        complaints=Complaint.objects.filter(store_id__in=store_ids).order_by(),
        store_ids=store_ids,
        weeks=weeks,
        tz_groups=tz_groups_of(stores),
        now=now,
    )


@dataclass
class WeekCounts:
    """One store's week: its figures, complaints received per responsible department and
    (PostgreSQL) the sorted hours to resolve of the complaints resolved in it."""

    figures: Figures = field(default_factory=Figures)
    departments: dict[str, int] = field(default_factory=dict)
    hours: list[float] = field(default_factory=list)

    def to_json(self) -> dict:
        """All but the hours (kept packed beside: `changes.pack_hours`)."""
        return {"figures": self.figures.to_json(), "departments": self.departments}

    @classmethod
    def from_json(cls, data: dict, hours: list[float]) -> WeekCounts:
        return cls(
            figures=Figures.from_json(data["figures"]),
            departments=data["departments"],
            hours=hours,
        )


Weekly = dict[int, list[WeekCounts]]  # store id -> the report's weeks, oldest first


def _weekly_counts(context: _Context, seen: Taken | None) -> Weekly:
    """Each store's counts for each of the report's weeks: counted, or (with `seen`) read
    back from the kept weeks still valid, counting only the span of weeks missing."""
    weeks = [str(week) for week in context.weeks]
    weekly: Weekly = {pk: [WeekCounts() for _ in weeks] for pk in context.store_ids}
    if seen is None:
        _count_weeks(context, weekly)
        return weekly
    kept = changes.weeks_load(context.store_ids, weeks)
    for (store_id, week), (data, hours) in kept.items():
        weekly[store_id][weeks.index(week)] = WeekCounts.from_json(data, hours)
    missing = [
        index
        for index, week in enumerate(weeks)
        if any((pk, week) not in kept for pk in context.store_ids)
    ]
    if not missing:
        return weekly
    first, last = missing[0], missing[-1] + 1
    counted: Weekly = {pk: [WeekCounts() for _ in range(first, last)] for pk in weekly}
    _count_weeks(replace(context, weeks=context.weeks[first:last]), counted)
    rows = []
    for store in context.stores:
        tz = ZoneInfo(store.time_zone)
        for offset, counts in enumerate(counted[store.pk]):
            weekly[store.pk][first + offset] = counts
            end = context.weeks[first + offset].end_in(tz)
            if end <= context.now and (store.pk, weeks[first + offset]) not in kept:
                rows.append((store.pk, weeks[first + offset], end, counts.to_json(), counts.hours))
    changes.weeks_save(rows, seen)
    return weekly


def _count_weeks(context: _Context, weekly: Weekly) -> None:
    """Count each store's weeks (`context.weeks`) from the complaints."""
    _received_cohort(context, weekly)
    _resolved_cohort(context, weekly)
    figures = {pk: [counts.figures for counts in weeks] for pk, weeks in weekly.items()}
    _backlog(context, figures)
    _commitments(context, figures)
    if survey_model() is not None:
        _satisfaction(context, figures)


def _percentiles_from_hours(trend: list[Figures], weekly: Weekly) -> None:
    """Median and 90th percentile hours to resolve, per store and week and for the stores
    together, from the weeks' sorted hours (exactly as percentile_cont interpolates)."""
    for index, figures in enumerate(trend):
        together = []
        for counts in weekly.values():
            if hours := counts[index].hours:
                _set_percentiles(counts[index].figures, hours)
                together.extend(hours)
        if together:
            _set_percentiles(figures, sorted(together))


def _set_percentiles(figures: Figures, hours: list[float]) -> None:
    figures.median_hours, figures.p90_hours = (percentile_of(hours, f) for f in PERCENTILES)


def _departments(weekly: Weekly, n: int) -> list[DimensionRow]:
    """The department warning record: complaints received per department and week."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * n)
    for weeks in weekly.values():
        for index, week_counts in enumerate(weeks):
            for department, received in week_counts.departments.items():
                counts[department][index] += received
    return [
        DimensionRow(
            key=key,
            label="",
            count=values[-1],
            previous=values[-2],
            total=sum(values),
            weekly=values,
        )
        for key, values in counts.items()
    ]


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
    """Each category's label, parent › name, in the reader's language (one query)."""
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


def window_ending(week: IsoWeek, days: int) -> tuple[date, date]:
    """(first day, last day) of the `days` local days ending with the week's Sunday."""
    last = week.sunday
    return last - timedelta(days=days - 1), last


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
        return window_ending(self.week, days)

    def in_window(self, field_name: str, days: int) -> Q:
        """In the `days` local days ending with the week's Sunday, in each store's zone; with
        the plain range around every zone's days too, which an index on (x, field) can use
        where the per-zone alternatives cannot."""
        first, last = self.window(days)
        starts = {tz: local_midnight(first, tz) for tz, _ in self.tz_groups}
        ends = {tz: local_midnight(last + timedelta(days=1), tz) for tz, _ in self.tz_groups}
        plain = Q(
            **{f"{field_name}__gte": min(starts.values()), f"{field_name}__lt": max(ends.values())}
        )
        return plain & in_local_range(
            field_name, tz_groups=self.tz_groups, starts=starts, ends=ends
        )

    def in_week(self, field_name: str, week: IsoWeek) -> Q:
        return in_local_range(
            field_name,
            tz_groups=self.tz_groups,
            starts={tz: week.start_in(tz) for tz, _ in self.tz_groups},
            ends={tz: week.end_in(tz) for tz, _ in self.tz_groups},
        )


def _received_cohort(context: _Context, weekly: Weekly) -> None:
    """Complaints received per store and week, and per responsible department."""
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
    for row in rows:
        if not context.has_week(row["wk"]):
            continue  # inside the overall range, outside its store's weeks
        counts = weekly[row["store_id"]][row["wk"]]
        figures = counts.figures
        figures.received += row["received"]
        figures.acknowledged_on_time += row["acknowledged_on_time"]
        figures.one_stop += row["one_stop"]
        figures.reopened += row["reopened"]
        if department := row["responsible_department"]:
            counts.departments[department] = counts.departments.get(department, 0) + row["received"]


def _resolved_cohort(context: _Context, weekly: Weekly) -> None:
    """Complaints resolved per store and week, the compensation granted to them (their
    current resolution, joined on the one-current-resolution-per-complaint key) and, on
    PostgreSQL, the hours each took (sorted in Python; percentiles from them)."""
    currencies = sorted({store.currency for store in context.stores})
    aggregates = {
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
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        aggregates["hours"] = ArrayAgg(HoursBetween("received_at", "resolved_at"))
    rows = (
        context.complaints.filter(context.overall_range("resolved_at"))
        .annotate(
            wk=context.week_index("resolved_at"),
            current=FilteredRelation("resolutions", condition=Q(resolutions__is_current=True)),
        )
        .values("store_id", "wk")
        .annotate(**aggregates)
    )
    for row in rows:
        if not context.has_week(row["wk"]):
            continue
        counts = weekly[row["store_id"]][row["wk"]]
        figures = counts.figures
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
        if postgresql:
            counts.hours = sorted(row["hours"])


def _hours_to_resolve(
    context: _Context, trend: list[Figures], weekly: Weekly, *, store_table: bool
) -> None:
    """Without the weeks' hours (SQLite, no arrays): median and 90th percentile hours to
    resolve from the rows either side of each percentile's position (see
    aggregates.percentiles), for the stores together and, in the stores table, each."""
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
        for index, figures in enumerate(trend):
            store_figures = weekly[context.store_ids[0]][index].figures
            store_figures.median_hours = figures.median_hours
            store_figures.p90_hours = figures.p90_hours
    elif store_table:
        by_store = percentiles(
            context.complaints.filter(context.in_week("resolved_at", context.week)),
            group_by=["store_id"],
            value=hours,
            fractions=PERCENTILES,
        )
        for (store_id,), values in by_store.items():
            weekly[store_id][-1].figures.median_hours = values[0.5]
            weekly[store_id][-1].figures.p90_hours = values[0.9]


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


def _satisfaction(context: _Context, per_store: dict[int, list[Figures]]) -> None:
    """Follow-up surveys of the complaints resolved each week: how many were sent one, how
    many answered (so far), their mean score, how many were dissatisfied."""
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
    # The week's customers first, then their 90 days by the (customer, received) index: at a
    # million complaints head office's 90 days are 158,000 complaints, its week's customers
    # 13,000 (170 -> 55 ms; one store 50 -> 30 ms).
    this_week = context.complaints.filter(context.in_week("received_at", context.week))
    in_window = context.complaints.filter(
        context.in_window("received_at", REPEAT_WINDOW_DAYS),
        customer_id__in=this_week.values("customer_id"),
    )
    rows = list(
        in_window.values("customer_id")
        .annotate(
            n=Count("*"),  # not "id": the index has no id, and the count needs none
        )
        .filter(n__gte=REPEAT_MIN_COMPLAINTS)
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
    in_window = context.complaints.filter(context.in_window("received_at", CLUSTER_WINDOW_DAYS))
    for kind in ("product_batch", "product_sku"):
        # The most frequent batches first, counted alone (a hash of one column); then their
        # details from their own rows (at a million complaints, head office's 30 days hold
        # 38,000 complaints with a batch: 110 -> 40 ms).
        top = (
            in_window.exclude(**{kind: ""})
            .values(kind)
            .annotate(n=Count("*"))
            .filter(n__gte=CLUSTER_MIN_COMPLAINTS)
            .order_by("-n", kind)
            .values(kind)[:TABLE_ROWS]
        )
        rows = (
            in_window.filter(**{f"{kind}__in": top})
            .values(kind)
            .annotate(
                n=Count("*"),
                this_week=Count(ONE, filter=context.in_week("received_at", context.week)),
                stores=Count("store_id", distinct=True),
                last=Max("received_at"),
                product=Max("product_name"),
            )
            .order_by("-n", kind)
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
