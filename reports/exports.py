"""The weekly report as CSV: the same numbers as the page, one section per table."""

from __future__ import annotations

import csv
from decimal import Decimal

from django.utils.translation import gettext as _

from resolutions.models import ResolutionType

from .selectors import Figures, WeeklyReport

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> object:
    """Text a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _number(value, digits: int = 1):
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, digits)
    return value


FIGURE_COLUMNS = [
    ("received", lambda f: f.received),
    ("acknowledged_within_24h", lambda f: f.acknowledged_on_time),
    ("acknowledged_within_24h_pct", lambda f: f.acknowledged_on_time_rate),
    ("one_stop", lambda f: f.one_stop),
    ("one_stop_pct", lambda f: f.one_stop_rate),
    ("reopened", lambda f: f.reopened),
    ("reopen_pct", lambda f: f.reopen_rate),
    ("resolved", lambda f: f.resolved),
    ("resolved_within_limit", lambda f: f.resolved_on_time),
    ("resolved_within_limit_pct", lambda f: f.resolved_on_time_rate),
    ("hours_to_resolve_median", lambda f: f.median_hours),
    ("hours_to_resolve_p90", lambda f: f.p90_hours),
    ("open_at_week_end", lambda f: f.backlog),
    ("overdue_at_week_end", lambda f: f.overdue),
    ("commitments_due", lambda f: f.commitments_due),
    ("commitments_kept", lambda f: f.commitments_kept),
    ("commitments_kept_pct", lambda f: f.commitments_kept_rate),
]
SATISFACTION_COLUMNS = [
    ("surveys_sent", lambda f: f.surveys_sent),
    ("surveys_answered", lambda f: f.surveys_answered),
    ("response_rate_pct", lambda f: f.response_rate),
    ("satisfaction_mean", lambda f: f.satisfaction_mean),
    ("dissatisfied", lambda f: f.dissatisfied),
    ("dissatisfied_pct", lambda f: f.dissatisfied_rate),
]


def _figure_columns(report: WeeklyReport):
    columns = list(FIGURE_COLUMNS)
    if report.satisfaction_available:
        columns += SATISFACTION_COLUMNS
    return columns


def _currencies(report: WeeklyReport) -> list[str]:
    found = {c for f in report.trend for c in f.granted_amount}
    found |= {c for _, f in report.by_store for c in f.granted_amount}
    return sorted(found)


def _figure_values(figures: Figures, report: WeeklyReport, currencies: list[str]) -> list:
    values = [_number(getter(figures), 2) for _, getter in _figure_columns(report)]
    values += [figures.granted_by_type.get(kind, 0) for kind in ResolutionType.values]
    values += [figures.granted_amount.get(c, Decimal(0)) for c in currencies]
    return values


def _figure_header(report: WeeklyReport, currencies: list[str]) -> list[str]:
    header = [name for name, _ in _figure_columns(report)]
    header += [f"granted_{kind}" for kind in ResolutionType.values]
    header += [f"compensation_amount_{c}" for c in currencies]
    return header


def weekly_csv(report: WeeklyReport, stream) -> None:
    """Write the report: by week (selected stores together), by store, then breakdowns."""
    writer = csv.writer(stream)
    currencies = _currencies(report)
    stores = " ".join(store.code.upper() for store in report.stores)
    writer.writerow([_("Weekly complaint report"), str(report.week), _safe(stores)])
    writer.writerow([])

    writer.writerow([_("By week")])
    writer.writerow(["week", "monday", "sunday", *_figure_header(report, currencies)])
    for week, figures in zip(report.weeks, report.trend, strict=True):
        writer.writerow(
            [str(week), week.monday, week.sunday, *_figure_values(figures, report, currencies)]
        )
    writer.writerow([])

    if report.by_store:
        writer.writerow([_("By store"), str(report.week)])
        writer.writerow(["store", "store_name", *_figure_header(report, currencies)])
        for store, figures in report.by_store:
            writer.writerow(
                [
                    store.code.upper(),
                    _safe(store.name),
                    *_figure_values(figures, report, currencies),
                ]
            )
        writer.writerow([])

    writer.writerow([_("Categories"), str(report.week)])
    writer.writerow(["category", "this_week", "last_week", "change", "share_pct", "cumulative_pct"])
    for row in report.categories:
        writer.writerow(
            [
                _safe(row.label),
                row.count,
                row.previous,
                row.change,
                _number(row.share),
                _number(row.cumulative_share),
            ]
        )
    writer.writerow([])

    writer.writerow([_("Channels"), str(report.week)])
    writer.writerow(["channel", "this_week", "last_week", "change"])
    for row in report.channels:
        writer.writerow([row.key, row.count, row.previous, row.change])
    writer.writerow([])

    writer.writerow([_("Departments (warning record)"), str(report.week)])
    writer.writerow(
        ["department", "this_week", "last_week", "change", f"last_{len(report.weeks)}_weeks"]
    )
    for row in report.departments:
        writer.writerow([row.key, row.count, row.previous, row.change, row.total])
    writer.writerow([])

    first, last = report.repeat_window
    writer.writerow([_("Repeat complainants"), first, last, report.repeat_complainant_count])
    writer.writerow(["customer_id", "name", "phone", "complaints"])
    for customer in report.repeat_complainants:
        writer.writerow(
            [
                customer.customer_id,
                _safe(customer.name),
                customer.masked_phone,
                customer.complaints,
            ]
        )
    writer.writerow([])

    first, last = report.cluster_window
    writer.writerow([_("Clusters (3 or more complaints in 30 days)"), first, last])
    writer.writerow(["kind", "value", "product", "complaints", "this_week", "stores"])
    for cluster in report.clusters:
        writer.writerow(
            [
                cluster.kind,
                _safe(cluster.value),
                _safe(cluster.product),
                cluster.complaints,
                cluster.this_week,
                cluster.stores,
            ]
        )
    writer.writerow([])
    writer.writerow([_("Approvals pending now"), report.approvals_pending])
