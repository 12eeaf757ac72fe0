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
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db import connection
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
    Sum,
    Value,
    Window,
)
from django.db.models.functions import RowNumber

from .weeks import IsoWeek

TzGroups = Sequence[tuple[ZoneInfo, Sequence[int]]]


class SqlTemplate(Expression):
    """SQL text with `{name}` placeholders for columns and `%s` placeholders for parameters.

    The columns (field paths, joins allowed) are resolved and compiled once each, however
    often the text uses them; the parameters (integers and aware datetimes only) are written
    into the SQL as literals.
    For conditions repeated for many moments in one query (a CASE per week, a count per
    week end), this keeps building the query cheap: Django's Q objects are resolved and
    compiled lookup by lookup, which costs more than the database's work here.
    """

    def __init__(self, template: str, columns: dict[str, str], params: Sequence, output_field):
        super().__init__(output_field=output_field)
        self.template = template
        self.names = list(columns)
        self.columns = [F(path) for path in columns.values()]
        self.params = list(params)

    @cached_property
    def identity(self):
        # Django's default derives this from the constructor's arguments through
        # inspect.signature, which is slow with hundreds of parameters.
        return (self.__class__, self.template, tuple(self.names), tuple(self.params))

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
        compiled = {}
        for name, column in zip(self.names, self.columns, strict=True):
            sql, column_params = compiler.compile(column)
            if column_params:
                raise ValueError("SqlTemplate columns must compile without parameters")
            compiled[name] = sql
        sql = self.template.format(**compiled)
        return "(" + _inline(sql, self.params, connection) + ")", []


def _literal(value, connection) -> str:
    """A parameter as an SQL literal. Only integers and datetimes the report computed itself
    (never user input) get here; inlining them spares the driver adapting the same few
    instants hundreds of times per query, which cost more than the query."""
    if isinstance(value, bool) or not isinstance(value, int | datetime):
        raise TypeError(f"cannot inline {value!r}")
    if isinstance(value, int):
        return str(int(value))
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    utc = value.astimezone(UTC)
    if connection.vendor == "postgresql":
        return f"'{utc.isoformat()}'::timestamptz"
    # SQLite stores UTC as text, like Django's own adapter.
    return "'" + str(connection.ops.adapt_datetimefield_value(value)) + "'"


def _inline(sql: str, params: Sequence, connection) -> str:
    parts = sql.split("%s")
    if len(parts) != len(params) + 1:
        raise ValueError("placeholders and parameters differ")
    literals: dict = {}
    out = [parts[0]]
    for value, part in zip(params, parts[1:], strict=True):
        if value not in literals:
            literals[value] = _literal(value, connection)
        out.append(literals[value])
        out.append(part)
    return "".join(out)


def _in_stores(store_ids: Sequence[int]) -> tuple[str, list]:
    return "{store} IN (" + ", ".join(["%s"] * len(store_ids)) + ")", list(store_ids)


def week_index(
    field: str, *, tz_groups: TzGroups, weeks: Sequence[IsoWeek], store_field: str = "store_id"
) -> SqlTemplate:
    """0 … len(weeks)-1 for the week (in the row's store time zone) `field` falls in, else
    NULL. `tz_groups` pairs each time zone with the ids of the selected stores in it."""
    whens, params = [], []
    single_zone = len(tz_groups) == 1
    for tz, store_ids in tz_groups:
        for index, week in enumerate(weeks):
            condition = "{value} >= %s AND {value} < %s"
            condition_params = [week.start_in(tz), week.end_in(tz)]
            if not single_zone:
                stores_sql, store_params = _in_stores(store_ids)
                condition = f"{stores_sql} AND {condition}"
                condition_params = store_params + condition_params
            whens.append(f"WHEN {condition} THEN {int(index)}")
            params += condition_params
    return SqlTemplate(
        "CASE " + " ".join(whens) + " ELSE NULL END",
        {"value": field, "store": store_field},
        params,
        IntegerField(),
    )


def count_at_moments(
    condition_sql: str,
    columns: dict[str, str],
    *,
    tz_groups: TzGroups,
    moments: dict[ZoneInfo, datetime],
    store_field: str = "store_id",
) -> Sum:
    """How many rows meet `condition_sql` (its `%s` all stand for one moment) at each time
    zone's own moment."""
    whens, params = [], []
    single_zone = len(tz_groups) == 1
    count = condition_sql.count("%s")
    for tz, store_ids in tz_groups:
        condition, condition_params = condition_sql, [moments[tz]] * count
        if not single_zone:
            stores_sql, store_params = _in_stores(store_ids)
            condition = f"{stores_sql} AND {condition}"
            condition_params = store_params + condition_params
        whens.append(f"WHEN {condition} THEN 1")
        params += condition_params
    return Sum(
        SqlTemplate(
            "CASE " + " ".join(whens) + " ELSE 0 END",
            {**columns, "store": store_field},
            params,
            IntegerField(),
        )
    )


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
        return f"(EXTRACT(EPOCH FROM ({end_sql} - {start_sql})) / 3600.0)", params

    def as_sqlite(self, compiler, connection, **extra):
        start_sql, end_sql, params = self._parts(compiler, connection)
        return f"((julianday({end_sql}) - julianday({start_sql})) * 24.0)", params

    def as_sql(self, compiler, connection, **extra):  # other databases: not supported
        raise NotImplementedError(f"HoursBetween is not implemented for {connection.vendor}")


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate `percentile_cont(f) WITHIN GROUP (ORDER BY x)`."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


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
        names = {fraction: f"p_{index}" for index, fraction in enumerate(fractions)}
        rows = queryset.values(*group_by).annotate(
            **{name: PercentileCont(value, fraction) for fraction, name in names.items()}
        )
        return {
            tuple(row[field] for field in group_by): {f: row[n] for f, n in names.items()}
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
            low_value, high_value = values[low + 1], values[high + 1]
            result[key][fraction] = low_value + (high_value - low_value) * (position - low)
    return result
