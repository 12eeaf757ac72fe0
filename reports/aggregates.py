"""Database expressions the weekly report aggregates with, on PostgreSQL and SQLite alike.

- `week_index`: which of the report's weeks a timestamp falls in, per store time zone, as an
  explicit `CASE` over exact UTC ranges (so daylight saving and 23:30-on-Sunday are right
  and the same SQL works on both databases).
- `HoursBetween`: elapsed hours between two timestamps.
- `percentiles`: percentile_cont per group. PostgreSQL has the ordered-set aggregate; SQLite
  has none, so there the database numbers the rows of each group with window functions and
  returns only the one or two rows either side of each percentile's position (a bounded
  result whatever the data size), and Python interpolates exactly as percentile_cont does.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import RowNumber

from .weeks import IsoWeek

TzGroups = Sequence[tuple[ZoneInfo, Sequence[int]]]

# PostgreSQL settings for the report's own transaction (measured at a million complaints,
# onestop_bench; CPU of each query run serially, min of 3):
# - jit off: JIT compiling pays off for queries running for seconds; the report's run for
#   tens of milliseconds each, and compiling their week CASEs took longer than running them
#   (the backlog query: 0.7-1.4 s of JIT for 0.25 s of work on the shared machine).
# - work_mem 32MB: the percentile sort and the repeat-complainant hash stay in memory instead
#   of spilling a few MB each to disk.
# - no hash or merge joins: every join here goes from a range of complaints (by store and
#   time, through an index) to their rows in another table by key (current resolution,
#   survey invitations, commitments' complaint). PostgreSQL's cost model hashed the whole
#   other table instead (586,000 surveys for one store's 25,000 complaints resolved in the 13
#   weeks: 220 ms against 65 ms by index; head office's commitments 310 -> 120 ms). The
#   store's page: 790 -> 470 ms of CPU; head office's: 2.9 -> 2.4 s.
REPORT_SETTINGS = {
    "jit": "off",
    "work_mem": "32MB",
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
}


class SqlTemplate(Expression):
    """Hand-written SQL per database vendor, with `{name}` placeholders for columns.

    The columns (field paths, joins allowed, or expressions) are resolved and compiled once
    each, however often the text uses them. The text carries its constants as literals,
    built by this module from values it computed itself (never from user input): the week
    index below repeats a dozen instants per time zone, and Django's Q objects (resolved
    lookup by lookup) and the driver's parameter adaptation cost more than the query.
    """

    def __init__(self, templates: dict[str, str], columns: dict, output_field):
        super().__init__(output_field=output_field)
        self.templates = templates
        self.names = list(columns)
        self.columns = [F(c) if isinstance(c, str) else c for c in columns.values()]

    @cached_property
    def identity(self):
        # Django's default derives this from the constructor's arguments via inspect.
        return (self.__class__, tuple(sorted(self.templates.items())), tuple(self.names))

    def __eq__(self, other):
        return (
            isinstance(other, SqlTemplate)
            and self.identity == other.identity
            and self.columns == other.columns
        )

    def __hash__(self):
        return hash(self.identity)

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        template = self.templates.get(connection.vendor)
        if template is None:
            raise NotImplementedError(f"no SQL for {connection.vendor}")
        compiled, params = {}, []
        for name, column in zip(self.names, self.columns, strict=True):
            sql, column_params = compiler.compile(column)
            if column_params and template.count("{" + name + "}") > 1:
                raise ValueError(f"column {name} with parameters used more than once")
            compiled[name] = sql
            params += column_params
        return "(" + template.format(**compiled) + ")", params


@contextmanager
def report_transaction() -> Iterator[None]:
    """A transaction whose PostgreSQL settings suit the report's queries (one query more)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            names = list(REPORT_SETTINGS)
            calls = ", ".join("set_config(%s, %s, true)" for _ in names)
            params = [value for name in names for value in (name, REPORT_SETTINGS[name])]
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {calls}", params)
        yield


def _instant(value: datetime, vendor: str) -> str:
    """An aware instant as a literal: timestamptz on PostgreSQL, Django's UTC text on SQLite."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    utc = value.astimezone(UTC)
    if vendor == "postgresql":
        return f"'{utc.isoformat()}'::timestamptz"
    return "'" + utc.replace(tzinfo=None).isoformat(sep=" ") + "'"


def _stores_in(store_ids: Sequence[int]) -> str:
    return "{store} IN (" + ", ".join(str(int(pk)) for pk in store_ids) + ")"


def _per_zone(tz_groups: TzGroups, make, default: str) -> str:
    """`make(tz)` for the row's store's zone (a CASE on the store when zones differ)."""
    if len(tz_groups) == 1:
        return make(tz_groups[0][0])
    whens = " ".join(f"WHEN {_stores_in(store_ids)} THEN {make(tz)}" for tz, store_ids in tz_groups)
    return f"CASE {whens} ELSE {default} END"


def week_index(
    field,
    *,
    tz_groups: TzGroups,
    weeks: Sequence[IsoWeek],
    store_field: str = "store_id",
    until: bool = False,
) -> SqlTemplate:
    """Which of `weeks` (consecutive, in each row's store time zone) `field` falls in.

    By default: 0 … n-1, or NULL outside the weeks. With `until=True`: the first week whose
    end comes after `field` (0 … n; n when NULL or later), i.e. `field < end of week i`
    exactly when i >= the result.

    A CASE walks the weeks' boundaries, each an exact UTC instant of that zone's Monday
    00:00 (so daylight saving is right); comparing timestamps is cheaper in PostgreSQL than
    converting every row to local time (measured: about a third of the time).
    """
    groups = tuple((tz.key, tuple(store_ids)) for tz, store_ids in tz_groups)
    sql = _week_case(groups, tuple(weeks), until, connection.vendor)
    return SqlTemplate(
        {connection.vendor: sql}, {"value": field, "store": store_field}, IntegerField()
    )


@lru_cache(maxsize=512)
def _week_case(groups: tuple, weeks: tuple, until: bool, vendor: str) -> str:
    """The CASE text of `week_index` (a page asks for the same one many times)."""
    n = len(weeks)

    def make(tz: ZoneInfo) -> str:
        whens = []
        if not until:
            whens.append(f"WHEN {{value}} < {_instant(weeks[0].start_in(tz), vendor)} THEN NULL")
        whens += [
            f"WHEN {{value}} < {_instant(week.end_in(tz), vendor)} THEN {index}"
            for index, week in enumerate(weeks)
        ]
        return f"CASE {' '.join(whens)} ELSE {n if until else 'NULL'} END"

    tz_groups = [(ZoneInfo(key), ids) for key, ids in groups]
    return _per_zone(tz_groups, make, str(n) if until else "NULL")


def in_local_range(
    field: str,
    *,
    tz_groups: TzGroups,
    starts: dict[ZoneInfo, datetime],
    ends: dict[ZoneInfo, datetime],
    store_field: str = "store_id",
) -> Q:
    """`field` in [start, end) where start/end are each zone's own local instants."""
    single_zone = len(tz_groups) == 1
    condition = Q()
    for tz, store_ids in tz_groups:
        part = Q(**{f"{field}__gte": starts[tz], f"{field}__lt": ends[tz]})
        if not single_zone:
            part &= Q(**{f"{store_field}__in": list(store_ids)})
        condition |= part
    return condition


def overall_range(field: str, *, tz_groups: TzGroups, weeks: Sequence[IsoWeek]) -> Q:
    """A plain range covering every zone's weeks, so the database can use its indexes."""
    start = min(weeks[0].start_in(tz) for tz, _ in tz_groups)
    end = max(weeks[-1].end_in(tz) for tz, _ in tz_groups)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


class HoursBetween(Func):
    """Hours from `start` to `end` as a float."""

    output_field = FloatField()
    arity = 2

    def __init__(self, start, end, **extra):
        super().__init__(start, end, **extra)

    def _parts(self, compiler, connection):
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        return start_sql, end_sql, (*end_params, *start_params)

    def as_postgresql(self, compiler, connection, **extra):
        start_sql, end_sql, params = self._parts(compiler, connection)
        # date_part is double precision; EXTRACT is numeric since PostgreSQL 14, and numeric
        # arithmetic and sorting cost a tenth of the resolved cohort's query.
        return f"(date_part('epoch', {end_sql} - {start_sql}) / 3600.0)", params

    def as_sqlite(self, compiler, connection, **extra):
        start_sql, end_sql, params = self._parts(compiler, connection)
        return f"((julianday({end_sql}) - julianday({start_sql})) * 24.0)", params

    def as_sql(self, compiler, connection, **extra):  # other databases: not supported
        raise NotImplementedError(f"HoursBetween is not implemented for {connection.vendor}")


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate `percentile_cont(ARRAY[f, …]) WITHIN GROUP (ORDER BY
    x)`: every fraction from one sort of the group (one aggregate per fraction sorts the rows
    once each; at a million complaints the second sort cost a third of the resolved cohort's
    query). The value is a list of floats, one per fraction, in order."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fractions)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, fractions: Sequence[float], **extra):
        from django.contrib.postgres.fields import ArrayField

        if not fractions or not all(0 <= fraction <= 1 for fraction in fractions):
            raise ValueError("fractions must be between 0 and 1")
        literal = "ARRAY[" + ", ".join(repr(float(f)) for f in fractions) + "]::float8[]"
        super().__init__(
            expression, fractions=literal, output_field=ArrayField(FloatField()), **extra
        )


def percentiles(
    queryset: QuerySet,
    *,
    group_by: Sequence[str],
    value,
    fractions: Iterable[float],
) -> dict[tuple, dict[float, float]]:
    """{group key tuple: {fraction: percentile_cont value}} for every non-empty group."""
    fractions = list(fractions)
    queryset = queryset.order_by()
    if connection.vendor == "postgresql":
        rows = queryset.values(*group_by).annotate(_p=PercentileCont(value, fractions))
        return {
            tuple(row[field] for field in group_by): dict(zip(fractions, row["_p"], strict=True))
            for row in rows
        }
    return _percentiles_by_window(queryset, group_by=group_by, value=value, fractions=fractions)


def _percentiles_by_window(queryset, *, group_by, value, fractions):
    partition = [F(field) for field in group_by]
    rows = queryset.annotate(
        _value=value,
        _rn=Window(RowNumber(), partition_by=partition, order_by=F("_value").asc()),
        _n=Window(Count("*"), partition_by=partition),
    )
    # percentile_cont(f) interpolates between rows floor(f·(n-1))+1 and ceil(f·(n-1))+1,
    # which lie within f·(n-1) < rn < f·(n-1)+2; half a row of slack either side keeps
    # float rounding from losing one. At most three rows per group and fraction come back.
    near = Q()
    for fraction in fractions:
        position = Value(fraction) * (F("_n") - Value(1))
        near |= Q(_rn__gt=position - Value(0.5), _rn__lt=position + Value(2.5))
    by_group: dict[tuple, dict[int, float]] = defaultdict(dict)
    sizes: dict[tuple, int] = {}
    for row in rows.filter(near).values(*group_by, "_value", "_rn", "_n"):
        key = tuple(row[field] for field in group_by)
        by_group[key][row["_rn"]] = row["_value"]
        sizes[key] = row["_n"]
    result: dict[tuple, dict[float, float]] = {}
    for key, values in by_group.items():
        n = sizes[key]
        result[key] = {}
        for fraction in fractions:
            position = fraction * (n - 1)
            low, high = math.floor(position), math.ceil(position)
            result[key][fraction] = _interpolate(values[low + 1], values[high + 1], position)
    return result


def _interpolate(low_value: float, high_value: float, position: float) -> float:
    """percentile_cont's step between the two values either side of `position`."""
    return low_value + (high_value - low_value) * (position - math.floor(position))


def percentile_of(ordered: Sequence[float], fraction: float) -> float:
    """percentile_cont(fraction) of values already sorted (not empty)."""
    position = fraction * (len(ordered) - 1)
    return _interpolate(ordered[math.floor(position)], ordered[math.ceil(position)], position)
