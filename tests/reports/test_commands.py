"""`manage.py weekly_reports_refresh`: the hourly upkeep on demand, after a deploy or import."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from reports.models import ReportSnapshot, ReportWeek
from tests.reports.world import weekly_world

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="kept weeks are PostgreSQL's")
def test_it_keeps_every_week_and_the_pages_monday_readers_open(store, hq, manager, monkeypatch):
    weekly_world(store, hq, manager)
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 11, 2, 1, tzinfo=UTC))
    out = StringIO()
    call_command("weekly_reports_refresh", stdout=out)
    assert "counted 3 pages" in out.getvalue()  # two stores, and both together
    assert ReportSnapshot.objects.count() == 3
    assert ReportWeek.objects.count() >= 2 * 53  # both stores' year of weeks at least


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's message")
def test_on_sqlite_it_says_there_is_nothing_to_keep():
    out = StringIO()
    call_command("weekly_reports_refresh", stdout=out)
    assert "counts live on SQLite" in out.getvalue()
    assert not ReportWeek.objects.exists()
