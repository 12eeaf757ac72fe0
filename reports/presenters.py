"""Turn a `WeeklyReport` into what the page and the CSV show: tiles with the change against
the week before, chart series (with a drill-down link per point), and table rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from resolutions.models import ResolutionType

from .links import ComplaintLinks
from .selectors import Figures, WeeklyReport
from .weeks import IsoWeek

COUNT, RATE, HOURS, SCORE = "count", "rate", "hours", "score"


@dataclass(frozen=True)
class Measure:
    """One figure of a week: how to read it from `Figures`, and which way is good."""

    key: str
    label: object
    kind: str
    higher_is_better: bool | None
    link: str | None  # a key of ComplaintLinks.week(), or None
    hint: object = ""
    needs_satisfaction: bool = False
    short: object = ""  # the column heading where space is short (the stores table)

    def value(self, figures: Figures):
        return getattr(figures, self.key)


MEASURES = [
    Measure(
        "received",
        gettext_lazy("Received"),
        COUNT,
        False,
        "received",
        gettext_lazy("Complaints received in the week."),
        short=gettext_lazy("Received"),
    ),
    Measure(
        "resolved",
        gettext_lazy("Resolved"),
        COUNT,
        True,
        "resolved",
        gettext_lazy("Complaints resolved in the week, whenever received."),
        short=gettext_lazy("Resolved"),
    ),
    Measure(
        "backlog",
        gettext_lazy("Open at week end"),
        COUNT,
        False,
        "backlog",
        gettext_lazy("Complaints still open at the end of the week (the backlog)."),
        short=pgettext_lazy("complaints still open", "Open"),
    ),
    Measure(
        "overdue",
        gettext_lazy("Overdue at week end"),
        COUNT,
        False,
        "overdue",
        gettext_lazy("Open complaints past their due time at the end of the week."),
        short=gettext_lazy("Overdue"),
    ),
    Measure(
        "acknowledged_on_time_rate",
        gettext_lazy("Acknowledged within 24 h"),
        RATE,
        True,
        "acknowledged_on_time",
        gettext_lazy("Of the complaints received in the week."),
        short=gettext_lazy("Ack. ≤ 24 h"),
    ),
    Measure(
        "resolved_on_time_rate",
        gettext_lazy("Resolved within limit"),
        RATE,
        True,
        "resolved_on_time",
        gettext_lazy("Of the complaints resolved in the week."),
        short=gettext_lazy("On time"),
    ),
    Measure(
        "median_hours",
        gettext_lazy("Hours to resolve (median)"),
        HOURS,
        False,
        "resolved",
        gettext_lazy("From receipt to resolution, complaints resolved in the week."),
        short=gettext_lazy("Median h"),
    ),
    Measure(
        "p90_hours",
        gettext_lazy("Hours to resolve (90th percentile)"),
        HOURS,
        False,
        "resolved",
        gettext_lazy("Nine in ten complaints resolved in the week took at most this long."),
        short=gettext_lazy("P90 h"),
    ),
    Measure(
        "one_stop_rate",
        gettext_lazy("One-stop rate"),
        RATE,
        True,
        "one_stop",
        gettext_lazy("Complaints received in the week and resolved on the spot."),
        short=gettext_lazy("One-stop"),
    ),
    Measure(
        "reopen_rate",
        gettext_lazy("Reopen rate"),
        RATE,
        False,
        "reopened",
        gettext_lazy("Complaints received in the week that have been reopened since."),
        short=gettext_lazy("Reopened"),
    ),
    Measure(
        "commitments_kept_rate",
        gettext_lazy("Commitments kept"),
        RATE,
        True,
        "commitments_broken",
        gettext_lazy("Promises to customers due in the week and kept by their due time."),
        short=gettext_lazy("Promises kept"),
    ),
    Measure(
        "satisfaction_mean",
        gettext_lazy("Satisfaction (1–5)"),
        SCORE,
        True,
        "surveys_answered",
        gettext_lazy("Mean score of the survey answers about complaints resolved in the week."),
        needs_satisfaction=True,
        short=gettext_lazy("Score"),
    ),
    Measure(
        "response_rate",
        gettext_lazy("Survey response rate"),
        RATE,
        True,
        "surveys_answered",
        gettext_lazy("Complaints resolved in the week whose follow-up survey was answered."),
        needs_satisfaction=True,
        short=gettext_lazy("Response"),
    ),
    Measure(
        "dissatisfied_rate",
        gettext_lazy("Dissatisfied"),
        RATE,
        False,
        "dissatisfied",
        gettext_lazy("Answers scoring 1–2 or saying the problem was not solved."),
        needs_satisfaction=True,
        short=gettext_lazy("Dissatisfied"),
    ),
]
MEASURES_BY_KEY = {measure.key: measure for measure in MEASURES}


def format_value(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == COUNT:
        return number_format(value, force_grouping=True)
    if kind == RATE:
        return f"{number_format(value, 1)} %"
    if kind == HOURS:
        return _("%(hours)s h") % {"hours": number_format(value, 1)}
    return number_format(value, 2)


def format_change(current, previous, kind: str) -> str:
    """The change against the week before, in the measure's own unit."""
    if current is None or previous is None:
        return ""
    delta = current - previous
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    size = abs(delta)
    if kind == COUNT:
        text = f"{sign}{number_format(size, force_grouping=True)}"
        if previous:
            text += f" ({sign}{number_format(100 * size / previous, 0)} %)"
        return text
    if kind == RATE:
        return _("%(sign)s%(points)s pts") % {"sign": sign, "points": number_format(size, 1)}
    if kind == HOURS:
        return _("%(sign)s%(hours)s h") % {"sign": sign, "hours": number_format(size, 1)}
    return f"{sign}{number_format(size, 2)}"


def format_money(amounts: dict[str, Decimal]) -> str:
    if not amounts:
        return "—"
    return " · ".join(
        f"{currency} {number_format(amount, 0, force_grouping=True)}"
        for currency, amount in sorted(amounts.items())
    )


@dataclass
class Tile:
    key: str
    label: str
    value: str
    change: str
    direction: str  # up, down, flat, or ""
    good: bool | None
    url: str | None
    hint: str
    detail: str = ""
    detail_url: str | None = None


def _direction(current, previous) -> str:
    if current is None or previous is None:
        return ""
    return "up" if current > previous else ("down" if current < previous else "flat")


def measure_tile(measure: Measure, report: WeeklyReport, links: dict[str, str]) -> Tile:
    current, previous = measure.value(report.current), measure.value(report.previous)
    direction = _direction(current, previous)
    good = None
    if direction in ("up", "down") and measure.higher_is_better is not None:
        good = (direction == "up") == measure.higher_is_better
    return Tile(
        key=measure.key,
        label=str(measure.label),
        value=format_value(current, measure.kind),
        change=format_change(current, previous, measure.kind),
        direction=direction,
        good=good,
        url=links.get(measure.link) if measure.link else None,
        hint=str(measure.hint),
    )


def tiles(report: WeeklyReport, complaint_links: ComplaintLinks) -> list[Tile]:
    """The week's tiles, each with its change against the week before and its link."""
    links = complaint_links.week(report.week)
    result = []
    current = report.current
    details: dict[str, tuple[str, str | None]] = {
        "acknowledged_on_time_rate": (
            _("%(part)s of %(whole)s · %(late)s late")
            % {
                "part": current.acknowledged_on_time,
                "whole": current.received,
                "late": current.received - current.acknowledged_on_time,
            },
            links["acknowledged_late"],
        ),
        "resolved_on_time_rate": (
            _("%(part)s of %(whole)s · %(late)s late")
            % {
                "part": current.resolved_on_time,
                "whole": current.resolved,
                "late": current.resolved - current.resolved_on_time,
            },
            links["resolved_late"],
        ),
        "commitments_kept_rate": (
            _("%(kept)s of %(due)s kept · %(broken)s complaints with a broken promise")
            % {
                "kept": current.commitments_kept,
                "due": current.commitments_due,
                "broken": current.commitments_broken_complaints,
            },
            links["commitments_broken"],
        ),
        "response_rate": (
            _("%(answered)s of %(sent)s answered")
            % {"answered": current.surveys_answered, "sent": current.surveys_sent},
            links["surveys_sent"],
        ),
        "dissatisfied_rate": (
            _("%(count)s dissatisfied") % {"count": current.dissatisfied},
            links["dissatisfied"],
        ),
    }
    for measure in MEASURES:
        if measure.needs_satisfaction and not report.satisfaction_available:
            continue
        tile = measure_tile(measure, report, links)
        if measure.key in details:
            tile.detail, tile.detail_url = details[measure.key]
        result.append(tile)
    result.append(
        Tile(
            key="compensation",
            label=_("Compensation granted"),
            value=format_money(current.granted_amount),
            change="",
            direction="",
            good=None,
            url=links["resolved"],
            hint=_("Resolutions of the complaints resolved in the week."),
            detail=_("%(count)s resolutions · week before: %(amount)s")
            % {"count": current.granted, "amount": format_money(report.previous.granted_amount)},
        )
    )
    result.append(
        Tile(
            key="approvals_pending",
            label=_("Approvals pending now"),
            value=format_value(report.approvals_pending, COUNT),
            change="",
            direction="",
            good=None,
            url=complaint_links.approvals_pending(),
            hint=_("Resolutions waiting for a supervisor's or manager's approval."),
        )
    )
    return result


def week_label(week: IsoWeek) -> str:
    return _("W%(week)02d · %(monday)s") % {
        "week": week.week,
        # The date format is translated: "Nov 16" in English, "11月16日" in Chinese.
        "monday": date_format(week.monday, pgettext("date format", "M j")),
    }


# ---- charts -----------------------------------------------------------------------------------


def _series(report: WeeklyReport, getter: Callable[[Figures], object], digits: int = 1) -> list:
    values = []
    for figures in report.trend:
        value = getter(figures)
        values.append(None if value is None else round(float(value), digits))
    return values


def _dataset(label, data, links=None, **options) -> dict:
    return {"label": str(label), "data": data, "links": links or [], **options}


def chart_data(report: WeeklyReport, complaint_links: ComplaintLinks) -> dict:
    """Everything the charts draw, for `json_script` (reports.js reads and draws it)."""
    week_links = [complaint_links.week(week) for week in report.weeks]

    def links(key: str) -> list[str]:
        return [item[key] for item in week_links]

    charts: dict[str, dict] = {
        "volume": {
            "type": "bar",
            "title": _("Received, resolved and open backlog"),
            "unit": "",
            "datasets": [
                _dataset(_("Received"), _series(report, lambda f: f.received), links("received")),
                _dataset(_("Resolved"), _series(report, lambda f: f.resolved), links("resolved")),
                _dataset(
                    _("Open at week end"),
                    _series(report, lambda f: f.backlog),
                    links("backlog"),
                    type="line",
                ),
                _dataset(
                    _("Overdue at week end"),
                    _series(report, lambda f: f.overdue),
                    links("overdue"),
                    type="line",
                ),
            ],
        },
        "timeliness": {
            "type": "line",
            "title": _("Acknowledged within 24 h and resolved within limit"),
            "unit": "%",
            "max": 100,
            "datasets": [
                _dataset(
                    _("Acknowledged within 24 h"),
                    _series(report, lambda f: f.acknowledged_on_time_rate),
                    links("acknowledged_on_time"),
                ),
                _dataset(
                    _("Resolved within limit"),
                    _series(report, lambda f: f.resolved_on_time_rate),
                    links("resolved_on_time"),
                ),
                _dataset(
                    _("Commitments kept"),
                    _series(report, lambda f: f.commitments_kept_rate),
                    links("commitments_due"),
                ),
            ],
        },
        "hours": {
            "type": "line",
            "title": _("Hours to resolve"),
            "unit": "h",
            "datasets": [
                _dataset(_("Median"), _series(report, lambda f: f.median_hours), links("resolved")),
                _dataset(
                    _("90th percentile"),
                    _series(report, lambda f: f.p90_hours),
                    links("resolved"),
                ),
            ],
        },
        "quality": {
            "type": "line",
            "title": _("One-stop rate and reopen rate"),
            "unit": "%",
            "max": 100,
            "datasets": [
                _dataset(
                    _("One-stop rate"),
                    _series(report, lambda f: f.one_stop_rate),
                    links("one_stop"),
                ),
                _dataset(
                    _("Reopen rate"), _series(report, lambda f: f.reopen_rate), links("reopened")
                ),
            ],
        },
        "compensation": {
            "type": "bar",
            "title": _("Compensation granted, by type"),
            "unit": "",
            "stacked": True,
            "datasets": [
                _dataset(
                    ResolutionType(kind).label,
                    [figures.granted_by_type.get(kind, 0) for figures in report.trend],
                    [complaint_links.granted(week, kind) for week in report.weeks],
                )
                for kind in report.resolution_types
            ],
        },
    }
    if report.satisfaction_available:
        charts["satisfaction"] = {
            "type": "line",
            "title": _("Satisfaction and response rate"),
            "unit": "%",
            "max": 100,
            "datasets": [
                _dataset(
                    _("Mean score (1–5)"),
                    _series(report, lambda f: f.satisfaction_mean, 2),
                    links("surveys_answered"),
                    yAxisID="score",
                ),
                _dataset(
                    _("Response rate"),
                    _series(report, lambda f: f.response_rate),
                    links("surveys_answered"),
                ),
                _dataset(
                    _("Dissatisfied"),
                    _series(report, lambda f: f.dissatisfied_rate),
                    links("dissatisfied"),
                ),
            ],
        }
    week = report.week
    charts["pareto"] = {
        "type": "bar",
        "title": _("Categories this week (Pareto)"),
        "labels": [row.label for row in report.categories if row.count],
        "datasets": [
            _dataset(
                _("Complaints"),
                [row.count for row in report.categories if row.count],
                [complaint_links.category(week, row.key) for row in report.categories if row.count],
            ),
            _dataset(
                _("Cumulative %"),
                [round(row.cumulative_share or 0, 1) for row in report.categories if row.count],
                type="line",
                yAxisID="cumulative",
            ),
        ],
    }
    charts["channels"] = {
        "type": "bar",
        "title": _("Channels this week"),
        "labels": [row.label for row in report.channels],
        "horizontal": True,
        "datasets": [
            _dataset(
                _("This week"),
                [row.count for row in report.channels],
                [complaint_links.channel(week, row.key) for row in report.channels],
            ),
            _dataset(
                _("Last week"),
                [row.previous for row in report.channels],
                [complaint_links.channel(week.shift(-1), row.key) for row in report.channels],
            ),
        ],
    }
    charts["departments"] = {
        "type": "bar",
        "title": _("Departments responsible (warning record)"),
        "labels": [row.label for row in report.departments],
        "horizontal": True,
        "datasets": [
            _dataset(
                _("This week"),
                [row.count for row in report.departments],
                [complaint_links.department(week, row.key) for row in report.departments],
            ),
            _dataset(
                _("Last week"),
                [row.previous for row in report.departments],
                [complaint_links.department(week.shift(-1), row.key) for row in report.departments],
            ),
        ],
    }
    for chart in charts.values():
        chart["empty"] = not any(
            value for dataset in chart["datasets"] for value in dataset["data"] if value
        )
    return {"labels": [week_label(w) for w in report.weeks], "charts": charts}


# ---- tables -----------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    url: str | None = None
    sort_value: object = None


@dataclass
class Row:
    label: str
    cells: list[Cell] = field(default_factory=list)
    url: str | None = None


def table_measures(report: WeeklyReport) -> list[Measure]:
    return [m for m in MEASURES if report.satisfaction_available or not m.needs_satisfaction]


def trend_rows(report: WeeklyReport, complaint_links: ComplaintLinks) -> list[Row]:
    """One row per week, newest first; every number links to its complaints."""
    rows = []
    for week, figures in zip(reversed(report.weeks), reversed(report.trend), strict=True):
        links = complaint_links.week(week)
        row = Row(label=week_label(week))
        for measure in table_measures(report):
            value = measure.value(figures)
            row.cells.append(
                Cell(format_value(value, measure.kind), links.get(measure.link or ""), value)
            )
        row.cells.append(Cell(format_money(figures.granted_amount), links["resolved"]))
        rows.append(row)
    return rows


LEAGUE_DEFAULT_SORT = "received"


def league_rows(
    report: WeeklyReport, complaint_links: ComplaintLinks, sort: str = ""
) -> tuple[list[Row], str]:
    """Stores side by side for the chosen week, sorted by any column (`-key` descending).
    Returns the rows and the sort actually applied."""
    columns = ["store", *[m.key for m in table_measures(report)], "compensation"]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in columns:
        key, descending = LEAGUE_DEFAULT_SORT, True
    rows = []
    for store, figures in report.by_store:
        links = complaint_links.for_store(store.pk).week(report.week)
        row = Row(label=str(store), url=links["received"])
        row.cells.append(Cell(str(store), None, store.code))
        for measure in table_measures(report):
            value = measure.value(figures)
            row.cells.append(
                Cell(format_value(value, measure.kind), links.get(measure.link or ""), value)
            )
        total = sum(figures.granted_amount.values(), Decimal(0))
        row.cells.append(Cell(format_money(figures.granted_amount), links["resolved"], total))
        rows.append(row)
    index = columns.index(key)

    def sort_key(row: Row):
        value = row.cells[index].sort_value
        # Stores without a value (no complaints) go last whichever the direction.
        return (value is None, value if value is not None else 0)

    present = [row for row in rows if row.cells[index].sort_value is not None]
    missing = [row for row in rows if row.cells[index].sort_value is None]
    present.sort(key=sort_key, reverse=descending)
    return present + missing, ("-" if descending else "") + key


def league_columns(report: WeeklyReport) -> list[tuple[str, str, str]]:
    """(key, short heading, full name) of the stores table's columns."""
    return [
        ("store", _("Store"), _("Store")),
        *[(m.key, str(m.short or m.label), str(m.label)) for m in table_measures(report)],
        ("compensation", _("Compensation"), _("Compensation granted")),
    ]
