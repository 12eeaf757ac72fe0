"""Drill-down links: every figure of the weekly report opens the complaint list filtered to
exactly the complaints it counts (parameters: `complaints.filters` and `reports.filters`).

Dates and weeks in these links are read in each complaint's own store's calendar, so the
list counts the same complaints as the report even when the stores are in different time
zones and whoever opens the link sits in a third one.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from complaints.models import Status

from .weeks import IsoWeek

TRUE = "true"  # django-filter's BooleanFilter reads "true"/"false"


class ComplaintLinks:
    """Builds list URLs for one selection of stores."""

    def __init__(self, store_ids: list[int]):
        self.store_ids = list(store_ids)
        # A page links hundreds of figures: the fixed part of the address is built once.
        self.prefix = (
            f"{reverse('complaints:list')}?{urlencode([('store', pk) for pk in store_ids])}"
        )
        self._weeks: dict[IsoWeek, dict[str, str]] = {}
        self._stores: dict[int, ComplaintLinks] = {}

    def for_store(self, store_id: int) -> ComplaintLinks:
        if store_id not in self._stores:
            self._stores[store_id] = ComplaintLinks([store_id])
        return self._stores[store_id]

    def url(self, **params) -> str:
        query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
        return f"{self.prefix}&{query}" if query else self.prefix

    # ---- received in the week (store-local Monday to Sunday) -------------------------------

    @staticmethod
    def _received(week: IsoWeek) -> dict:
        return {"received_local_after": week.monday, "received_local_before": week.sunday}

    @staticmethod
    def _resolved(week: IsoWeek) -> dict:
        return {"resolved_local_after": week.monday, "resolved_local_before": week.sunday}

    def received(self, week: IsoWeek, **extra) -> str:
        return self.url(**self._received(week), **extra)

    def resolved(self, week: IsoWeek, **extra) -> str:
        return self.url(**self._resolved(week), **extra)

    def week(self, week: IsoWeek) -> dict[str, str]:
        """Every per-week figure's link, by figure name."""
        if week not in self._weeks:
            self._weeks[week] = self._week(week)
        return self._weeks[week]

    def _week(self, week: IsoWeek) -> dict[str, str]:
        w = str(week)
        return {
            "received": self.received(week),
            "acknowledged_on_time": self.received(week, acknowledged_on_time="yes"),
            "acknowledged_late": self.received(week, acknowledged_on_time="no"),
            "one_stop": self.received(week, one_stop=TRUE),
            "reopened": self.received(week, reopened=TRUE),
            "resolved": self.resolved(week),
            "resolved_on_time": self.resolved(week, resolved_on_time="yes"),
            "resolved_late": self.resolved(week, resolved_on_time="no"),
            "backlog": self.url(open_at_end_of=week.sunday),
            "overdue": self.url(overdue_at_end_of=week.sunday),
            "commitments_due": self.url(commitment_due_week=w, commitment_result="any"),
            "commitments_broken": self.url(commitment_due_week=w, commitment_result="broken"),
            "surveys_sent": self.resolved(week, survey="sent"),
            "surveys_answered": self.resolved(week, survey="answered"),
            "dissatisfied": self.resolved(week, survey="dissatisfied"),
        }

    def granted(self, week: IsoWeek, resolution_type: str) -> str:
        return self.resolved(week, resolution_type=resolution_type)

    def category(self, week: IsoWeek, category_id: str) -> str:
        return self.received(week, category=category_id)

    def channel(self, week: IsoWeek, channel: str) -> str:
        return self.received(week, channel=channel)

    def department(self, week: IsoWeek, department: str) -> str:
        return self.received(week, department=department)

    def window(self, first: date, last: date, **extra) -> str:
        return self.url(received_local_after=first, received_local_before=last, **extra)

    def approvals_pending(self) -> str:
        return self.url(status=Status.AWAITING_APPROVAL)
