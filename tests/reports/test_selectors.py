"""Every weekly figure against values computed by hand from the history in conftest.py."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from reports.selectors import default_week, report_stores, weekly_report
from reports.weeks import IsoWeek
from tests.reports.world import forget_kept_reports

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
W44 = IsoWeek(2026, 44)


def report_for(user, week=W44, store_table=True, stores=None):
    stores = stores if stores is not None else report_stores(user=user)
    return weekly_report(user=user, stores=stores, week=week, store_table=store_table, now=NOW)


def figures_of(report, week):
    return report.trend[report.weeks.index(week)]


def test_the_report_covers_the_chosen_week_and_the_twelve_before(world):
    report = report_for(world.hq)
    assert report.weeks[0] == IsoWeek(2026, 32)
    assert report.weeks[-1] == W44
    assert len(report.trend) == 13


def test_received_counts_in_each_stores_own_week(world):
    report = report_for(world.hq)
    w44 = report.current
    # A (Sunday 23:30 in Shanghai) is W44, B (Monday 00:30 in Shanghai) is not; L4 (Sunday
    # 23:59 in London) is W44.
    assert w44.received == 6
    assert w44.acknowledged_on_time == 5
    assert w44.acknowledged_on_time_rate == pytest.approx(500 / 6)
    assert w44.one_stop == 1
    assert w44.one_stop_rate == pytest.approx(100 / 6)
    assert w44.reopened == 1
    assert w44.reopen_rate == pytest.approx(100 / 6)


def test_week_boundaries_follow_daylight_saving_in_london(world):
    report = report_for(world.hq)
    w43 = figures_of(report, IsoWeek(2026, 43))
    w42 = figures_of(report, IsoWeek(2026, 42))
    # L2 came in at Monday 00:30 BST (Sunday 23:30 UTC): W43, not W42. L1 at Sunday 23:30
    # GMT (after the clocks went back): still W43. D at Sunday 23:00 in Shanghai: W43.
    assert w43.received == 3
    assert w42.received == 1  # G only
    assert w43.acknowledged_on_time == 1  # L1; D was late and L2 never acknowledged
    assert w43.one_stop == 1


def test_resolved_figures_and_hours_to_resolve(world):
    report = report_for(world.hq)
    w44 = report.current
    # C (4 h), D (received in W43, resolved in W44 after 50 h: late), F (0.5 h), L3 (10 h).
    assert w44.resolved == 4
    assert w44.resolved_on_time == 3
    assert w44.resolved_on_time_rate == pytest.approx(75.0)
    assert w44.median_hours == pytest.approx(7.0, abs=1e-3)
    assert w44.p90_hours == pytest.approx(38.0, abs=1e-3)  # 10 + 0.7 × (50 − 10)
    w43 = report.previous
    assert w43.resolved == 1
    assert w43.median_hours == pytest.approx(1 / 3, abs=1e-3)


def test_backlog_and_overdue_at_each_week_end(world):
    report = report_for(world.hq)
    # End of W44: A (received 30 minutes before Shanghai's week ended), E (reopened),
    # G (overdue since 15 October), L4 (London, 1 minute before its week ended).
    assert report.current.backlog == 4
    assert report.current.overdue == 2  # G and E
    assert report.previous.backlog == 2  # D and G
    assert report.previous.overdue == 1  # G
    assert figures_of(report, IsoWeek(2026, 42)).backlog == 1


def test_a_week_without_complaints(world):
    report = report_for(world.hq)
    empty = figures_of(report, IsoWeek(2026, 40))
    assert empty.received == 0
    assert empty.resolved == 0
    assert empty.backlog == 0
    assert empty.acknowledged_on_time_rate is None
    assert empty.resolved_on_time_rate is None
    assert empty.median_hours is None
    assert empty.commitments_kept_rate is None
    assert empty.satisfaction_mean is None


def test_compensation_commitments_and_satisfaction(world):
    report = report_for(world.hq)
    w44 = report.current
    # The reopened complaint's retired 500 CNY compensation is not counted.
    assert w44.granted_by_type == {"apology": 1, "exchange": 1, "refund": 1, "gift": 1}
    assert w44.granted_amount == {"CNY": Decimal("400"), "GBP": Decimal("50")}
    assert w44.commitments_due == 3
    assert w44.commitments_kept == 1
    assert w44.commitments_kept_rate == pytest.approx(100 / 3)
    assert w44.commitments_due_complaints == 2
    assert w44.commitments_broken_complaints == 1
    assert report.satisfaction_available
    assert w44.surveys_sent == 4
    assert w44.surveys_answered == 3
    assert w44.response_rate == pytest.approx(75.0)
    assert w44.satisfaction_mean == pytest.approx(11 / 3)
    assert w44.dissatisfied == 2
    assert w44.dissatisfied_rate == pytest.approx(200 / 3)


def test_categories_channels_and_departments(world):
    report = report_for(world.hq)
    categories = [(row.label, row.count, row.previous) for row in report.categories]
    assert categories == [
        ("Waiting and delivery › Late delivery", 3, 1),
        ("Service attitude › Rude or dismissive staff", 2, 2),
        ("Product quality › Defective on arrival", 1, 0),
    ]
    assert [round(row.cumulative_share, 2) for row in report.categories] == [50.0, 83.33, 100.0]
    assert [(row.key, row.count, row.previous) for row in report.channels] == [
        ("phone", 3, 1),
        ("walk_in", 2, 2),
        ("email", 1, 0),
    ]
    assert [(row.key, row.count, row.previous, row.total) for row in report.departments] == [
        ("logistics", 1, 1, 2),
        ("sales", 1, 0, 1),
        ("warehouse", 1, 0, 1),
    ]


def test_repeat_complainants_and_clusters(world):
    report = report_for(world.hq)
    assert report.repeat_complainant_count == 2
    assert [(row.name, row.complaints) for row in report.repeat_complainants] == [
        ("Customer X", 3),  # A this week, G and O in the 90 days before
        ("Customer Y", 2),  # L3 and L4
    ]
    assert [(c.kind, c.value, c.complaints, c.this_week) for c in report.clusters] == [
        ("product_batch", "B-77", 3, 3),  # O (September) is outside the 30 days
        ("product_sku", "SKU-1", 3, 1),
    ]


def test_stores_side_by_side(world):
    report = report_for(world.hq)
    by_store = {store.code: figures for store, figures in report.by_store}
    shanghai, london = by_store["sh01"], by_store["ldn1"]
    assert (shanghai.received, london.received) == (4, 2)
    assert (shanghai.resolved, london.resolved) == (3, 1)
    assert shanghai.median_hours == pytest.approx(4.0, abs=1e-3)
    assert shanghai.p90_hours == pytest.approx(40.8, abs=1e-3)  # 4 + 0.8 × (50 − 4)
    assert london.median_hours == pytest.approx(10.0, abs=1e-3)
    assert (shanghai.backlog, london.backlog) == (3, 1)
    assert (shanghai.overdue, london.overdue) == (2, 0)
    assert shanghai.satisfaction_mean == pytest.approx(3.5)


def test_a_store_manager_gets_only_their_store(world):
    report = report_for(world.manager, store_table=False)
    assert [store.code for store in report.stores] == ["sh01"]
    assert report.current.received == 4
    assert report.current.median_hours == pytest.approx(4.0, abs=1e-3)
    assert report.by_store == []
    assert report.repeat_complainant_count == 1  # Customer Y complained in London


def test_reports_stores_refuses_a_store_that_is_not_the_users(world):
    with pytest.raises(type(world.london).DoesNotExist):
        report_stores(user=world.manager, store_ids=[str(world.london.pk)])
    with pytest.raises(type(world.london).DoesNotExist):
        report_stores(user=world.manager, store_ids=["not-a-number"])


def test_approvals_pending_counts_resolutions_waiting_now(world):
    # Now, whatever the week shown: B came in after W44 and waits for approval today.
    Complaint.objects.filter(pk__in=[world.c["G"].pk, world.c["B"].pk]).update(
        status="awaiting_approval"
    )
    report = report_for(world.hq)
    assert report.approvals_pending == 2


def test_default_week_is_the_last_complete_week():
    from datetime import date

    assert default_week(today=date(2026, 11, 2)) == W44  # Monday morning
    assert default_week(today=date(2026, 11, 8)) == W44  # Sunday


def test_the_number_of_queries_is_fixed(world):
    """Counted from the complaints each time (on PostgreSQL an ended week is then kept as a
    snapshot, read back in fewer queries still: tests/reports/test_snapshots.py)."""
    report_for(world.hq)  # the user's permissions are cached from here on
    forget_kept_reports()
    with CaptureQueriesContext(connection) as few:
        report_for(world.hq)
    for key in ("A", "C", "L3"):
        complaint = world.c[key]
        for n in range(20):
            complaint.pk = None
            complaint.reference = f"{key}-copy-{n}"
            complaint.save()
    forget_kept_reports()
    with CaptureQueriesContext(connection) as more:
        report_for(world.hq)
    assert len(more.captured_queries) == len(few.captured_queries)


# Committed rows, so the report's transaction is its own; serialized_rollback brings back the
# roles and categories the migrations seeded.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL planner settings")
def test_the_reports_planner_settings_end_with_it(world):
    """The report turns JIT and hash joins off for its own queries only: connections are
    reused between requests, and other pages must keep PostgreSQL's defaults."""

    def setting(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    before = {name: setting(name) for name in ("jit", "enable_hashjoin", "work_mem")}
    with CaptureQueriesContext(connection) as queries:
        report = report_for(world.hq)
    assert report.current.received == 6
    sqls = [query["sql"] for query in queries.captured_queries]
    assert any("set_config('enable_hashjoin', 'off', true)" in sql for sql in sqls)
    assert {name: setting(name) for name in before} == before
