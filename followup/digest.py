"""The weekly digest (SPEC "Follow-up"): on Monday morning in each store's own time zone, each
store manager gets last week's summary by e-mail with a link to the weekly trend page.

Beat runs this every hour; from WEEKLY_DIGEST_HOUR on Monday (local) the first run sends it,
and the ledger (store, week) keeps it to once however many runs or beats there are.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from complaints.models import OPEN_STATUSES, Complaint, Store

from . import selectors
from .ledger import ledger_claim
from .models import NotificationKind
from .services import notifications_send

logger = logging.getLogger("followup.digest")


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def digest_week_due(*, store: Store, now: datetime) -> date | None:
    """The Monday of the week to summarise, if it is Monday from WEEKLY_DIGEST_HOUR on in the
    store's time zone; else None."""
    try:
        tz = ZoneInfo(store.time_zone)
    except (ValueError, KeyError):
        tz = ZoneInfo("UTC")
    local = now.astimezone(tz)
    if local.weekday() != 0 or local.hour < settings.WEEKLY_DIGEST_HOUR:
        return None
    return local.date() - timedelta(days=7)


def weekly_figures(*, store: Store, monday: date, now: datetime) -> dict:
    """Received and resolved in the week (store-local Monday to Monday), overdue and open now.
    Four counts, each answered by an index."""
    tz = ZoneInfo(store.time_zone)
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)
    complaints = Complaint.objects.filter(store=store).order_by()
    return {
        "received": complaints.filter(received_at__gte=start, received_at__lt=end).count(),
        "resolved": complaints.filter(resolved_at__gte=start, resolved_at__lt=end).count(),
        "overdue": complaints.overdue(now).count(),
        "backlog": complaints.filter(status__in=OPEN_STATUSES).count(),
    }


def _report_figures(*, store: Store, monday: date, manager, now: datetime) -> dict | None:
    """The reports app's own numbers for the week, when it provides them."""
    try:
        from reports.selectors import weekly_report
        from reports.weeks import IsoWeek
    except ImportError:
        return None
    try:
        report = weekly_report(
            user=manager, stores=[store], week=IsoWeek.containing(monday), now=now
        )
        figures = report.trend[-1]
        return {
            "received": figures.received,
            "resolved": figures.resolved,
            "overdue": figures.overdue,
            "backlog": figures.backlog,
        }
    except (AttributeError, TypeError, IndexError):
        logger.warning("reports.weekly_report unusable; digest uses its own counts", exc_info=True)
        return None


def weekly_report_url(*, store: Store, monday: date) -> str:
    """The trend page for that store and week (made absolute in the e-mail)."""
    try:
        path = reverse("reports:weekly")
    except NoReverseMatch:
        path = "/reports/weekly/"
    query = urlencode({"week": week_label(monday), "store": store.pk})
    return f"{path}?{query}"


def weekly_digests_send(*, now: datetime | None = None) -> int:
    """Send each store's weekly digest to its managers, once per store and week."""
    now = now or timezone.now()
    sent = 0
    for store in Store.objects.order_by("pk"):
        monday = digest_week_due(store=store, now=now)
        if monday is None:
            continue
        managers = selectors.store_managers(store_id=store.pk)
        if not managers:
            continue
        with transaction.atomic():
            if not ledger_claim(
                subject_type="store", subject_id=store.pk, kind="digest", step=week_label(monday)
            ):
                continue
            figures = _report_figures(
                store=store, monday=monday, manager=managers[0], now=now
            ) or weekly_figures(store=store, monday=monday, now=now)
            notifications_send(
                recipients=managers,
                kind=NotificationKind.WEEKLY_DIGEST,
                params={
                    "store": store.name,
                    "week": week_label(monday),
                    "monday": monday.isoformat(),
                    **figures,
                },
                url=weekly_report_url(store=store, monday=monday),
            )
            sent += 1
    return sent
