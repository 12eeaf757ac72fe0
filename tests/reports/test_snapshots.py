"""Weekly report snapshots (PostgreSQL): an ended week is read back from its snapshot, and
after any change to what it counts the page equals the live figures again.

The history is world.py's; the report is head office's (both stores, the stores table) for
2026-W44, which has ended at NOW. "Live" is the report computed from the complaints without
any snapshot, as the page did before snapshots existed.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from complaints.models import Category, Complaint, Store
from complaints.services import complaint_reopen
from customers.services import customer_anonymise
from followup.models import SurveyInvitation
from reports import changes, snapshots
from reports.models import ReportChange, ReportSnapshot, ReportWeek
from reports.selectors import _finish, compute_report, report_stores, weekly_report
from reports.weeks import IsoWeek
from resolutions.models import Commitment, Resolution
from tests.factories import CustomerFactory, make_complaint, staff
from tests.reports.world import weekly_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="snapshots are PostgreSQL's"),
]

NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
W44 = IsoWeek(2026, 44)
# A page served from its snapshot: the stores asked for, the snapshot, approvals pending
# now, category labels and the repeat complainants' names. Counting takes four times as many.
FROM_SNAPSHOT = 5


@pytest.fixture
def world(store, hq, manager):
    return weekly_world(store, hq, manager)


def page(user, week=W44):
    """The report as the page gets it (head office: both stores side by side)."""
    stores = report_stores(user=user)
    return weekly_report(user=user, stores=stores, week=week, store_table=len(stores) > 1, now=NOW)


def live(user, week=W44):
    stores = report_stores(user=user)
    report = compute_report(stores=stores, week=week, store_table=len(stores) > 1, now=NOW)
    _finish(report, user=user)
    return report


def shown(report) -> dict:
    """Everything the page and the CSV show, labels and names included."""
    payload = snapshots.encode(report)
    payload["labels"] = [
        [row.label for row in rows]
        for rows in (report.categories, report.channels, report.departments)
    ]
    payload["names"] = [(row.name, row.masked_phone) for row in report.repeat_complainants]
    payload["approvals_pending"] = report.approvals_pending
    return payload


def queries_of(call) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured)


def test_an_ended_week_is_read_back_from_its_snapshot(world):
    first, computing = queries_of(lambda: page(world.hq))
    second, reading = queries_of(lambda: page(world.hq))
    assert reading == FROM_SNAPSHOT < computing
    assert shown(second) == shown(first) == shown(live(world.hq))
    assert second.current.received == 6  # world.py's W44, by hand
    assert ReportSnapshot.objects.filter(key__startswith="2026-W44|table|").count() == 1


def test_the_current_week_is_never_kept(world):
    current = IsoWeek.containing(NOW.date())
    page(world.hq, week=current)
    _, reading = queries_of(lambda: page(world.hq, week=current))
    assert reading > FROM_SNAPSHOT
    assert not ReportSnapshot.objects.exists()


def test_a_store_manager_and_head_office_have_snapshots_of_their_own(world):
    page(world.hq)
    page(world.manager)
    mine = page(world.manager)
    assert [store.pk for store in mine.stores] == [world.shanghai.pk]
    assert mine.current.received == 4  # A, C, E, F: Shanghai's W44 only
    assert shown(mine) == shown(live(world.manager))
    assert ReportSnapshot.objects.count() == 2


def _reopen_c(world):
    supervisor = staff("Supervisor", world.shanghai, username="sup_reopen")
    complaint_reopen(complaint_id=world.c["C"].pk, actor=supervisor, reason="Still late")


def _acknowledge_l4_on_time(world):
    l4 = world.c["L4"]
    Complaint.objects.filter(pk=l4.pk).update(acknowledged_at=l4.received_at + timedelta(hours=2))


def _amend_d_compensation(world):
    Resolution.objects.filter(complaint=world.c["D"], is_current=True).update(amount=Decimal(450))


def _answer_f_survey(world):
    SurveyInvitation.objects.filter(complaint=world.c["F"]).update(
        state="answered", answered_at=NOW, satisfaction=1, solved=False
    )


def _keep_e_commitment_on_time(world):
    Commitment.objects.filter(complaint=world.c["E"], kept_at__isnull=True).update(
        kept_at=datetime(2026, 10, 29, 12, tzinfo=UTC)
    )


def _recategorise_f(world):
    late = Category.objects.get(code="late-delivery")
    Complaint.objects.filter(pk=world.c["F"].pk).update(category=late)


def _move_london_to_new_york(world):
    Store.objects.filter(pk=world.london.pk).update(time_zone="America/New_York")


CHANGES = {
    "reopened": (_reopen_c, lambda r: r.current.resolved),
    "acknowledged on time, afterwards": (
        _acknowledge_l4_on_time,
        lambda r: r.current.acknowledged_on_time,
    ),
    "compensation amended": (_amend_d_compensation, lambda r: r.current.granted_amount["CNY"]),
    "survey answered": (_answer_f_survey, lambda r: r.current.dissatisfied),
    "commitment kept": (_keep_e_commitment_on_time, lambda r: r.current.commitments_kept),
    "recategorised": (_recategorise_f, lambda r: r.categories[0].count),
    "store's time zone": (_move_london_to_new_york, lambda r: r.current.received),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_after_a_change_to_what_it_counts_the_page_equals_the_live_figures(world, change):
    make_change, figure = CHANGES[change]
    before = page(world.hq)
    page(world.hq)  # now from the snapshot
    make_change(world)
    after, queries = queries_of(lambda: page(world.hq))
    assert queries > FROM_SNAPSHOT  # counted again
    assert figure(after) != figure(before)
    assert shown(after) == shown(live(world.hq))
    _, reading = queries_of(lambda: page(world.hq))
    assert reading == FROM_SNAPSHOT  # and kept again


def test_work_done_today_leaves_last_weeks_snapshot_valid(world):
    before = page(world.hq)
    g, l4 = world.c["G"], world.c["L4"]
    Complaint.objects.filter(pk=g.pk).update(status="resolved", resolved_at=NOW)
    Complaint.objects.filter(pk=l4.pk).update(acknowledged_at=NOW)  # late: still not on time
    after, queries = queries_of(lambda: page(world.hq))
    assert queries == FROM_SNAPSHOT
    assert shown(after) == shown(before) == shown(live(world.hq))


def test_names_and_labels_are_read_live(world):
    page(world.hq)
    customer_anonymise(actor=world.hq, customer_id=world.c["A"].customer_id)
    Category.objects.filter(code="late-delivery").update(name_en="Delivery came late")
    after, queries = queries_of(lambda: page(world.hq))
    assert queries == FROM_SNAPSHOT
    assert "Customer X" not in [row.name for row in after.repeat_complainants]
    assert any("Delivery came late" in row.label for row in after.categories)
    assert shown(after) == shown(live(world.hq))


# Committed rows, so another connection sees them; serialized_rollback brings back the roles
# and categories the migrations seeded.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_committed_while_the_report_is_counted_makes_it_invalid(store, hq, manager):
    """Another transaction changes a complaint and commits while the snapshot is taken: the
    snapshot did not see it, so the next page counts again and shows it."""
    world = weekly_world(store, hq, manager)
    l4 = world.c["L4"]
    url = connections["default"].settings_dict
    other = psycopg.connect(
        dbname=url["NAME"], user=url["USER"], host=url["HOST"] or None, port=url["PORT"] or None
    )
    try:
        with other.cursor() as cursor:  # in progress, not committed, while the page counts
            cursor.execute(
                "UPDATE complaints_complaint SET acknowledged_at = received_at + interval '2 hours'"
                " WHERE id = %s",
                [l4.pk],
            )
        # A later change, committed: the log's newest entry is now newer than the one in
        # progress, so only its transaction tells that the snapshot did not see it.
        Complaint.objects.filter(pk=world.c["B"].pk).update(acknowledged_at=NOW)
        before = page(world.hq)
        other.commit()
    finally:
        other.close()
    after, queries = queries_of(lambda: page(world.hq))
    assert queries > FROM_SNAPSHOT
    assert after.current.acknowledged_on_time == before.current.acknowledged_on_time + 1
    assert shown(after) == shown(live(world.hq))


def test_prune_keeps_what_valid_snapshots_need_and_drops_the_rest(world):
    page(world.hq)
    page(world.manager)
    long_ago = NOW - timedelta(days=400)
    ReportChange.objects.update(created_at=long_ago)  # the history, seen by both snapshots
    _acknowledge_l4_on_time(world)  # London: head office's snapshot is invalid now
    ReportChange.objects.filter(created_at__gt=long_ago).update(created_at=long_ago)

    deleted = changes.prune()

    assert deleted["snapshots"] == 1
    assert list(ReportSnapshot.objects.values_list("key", flat=True)) == [
        f"2026-W44|trend|{world.shanghai.pk}"
    ]
    assert deleted["changes"] > 0 and not ReportChange.objects.exists()
    _, reading = queries_of(lambda: page(world.manager))
    assert reading == FROM_SNAPSHOT  # the manager's is still valid
    assert shown(page(world.hq)) == shown(live(world.hq))


def test_warm_computes_the_weeks_monday_readers_open(world):
    monday = datetime(2026, 11, 2, 1, tzinfo=UTC)  # W44 has just ended everywhere
    assert snapshots.warm(now=monday) == 3  # two stores, and both together
    assert snapshots.warm(now=monday) == 0  # all still valid
    keys = set(ReportSnapshot.objects.values_list("key", flat=True))
    ids = sorted([world.shanghai.pk, world.london.pk])
    assert keys == {
        f"2026-W44|trend|{world.shanghai.pk}",
        f"2026-W44|trend|{world.london.pk}",
        f"2026-W44|table|{ids[0]},{ids[1]}",
    }
    # And each store's year of weeks, so that any of them opens from what is kept.
    assert ReportWeek.objects.count() == 2 * snapshots.HISTORY_WEEKS
    older = IsoWeek(2026, 21)
    with CaptureQueriesContext(connection) as captured:
        report = page(world.hq, week=older)
    assert counted_weeks(captured.captured_queries) == set()
    assert shown(report) == shown(live(world.hq, week=older))


def test_warm_keeps_every_week_back_to_the_first_complaint(world):
    make_complaint(
        actor=world.frontdesk,
        store=world.shanghai,
        customer=CustomerFactory(store=world.shanghai),
        received_at=datetime(2024, 6, 5, 3, tzinfo=UTC),  # 2024-W23, two and a half years back
    )
    snapshots.warm(now=datetime(2026, 11, 2, 1, tzinfo=UTC))
    # From the 13 weeks before the first complaint's (its trend, and one more for the zones)
    # to W44, for each store.
    weeks = (IsoWeek(2026, 44).monday - IsoWeek(2024, 10).monday).days // 7 + 1
    assert ReportWeek.objects.count() == 2 * weeks

    then = IsoWeek(2024, 23)
    with CaptureQueriesContext(connection) as captured:
        report = page(world.hq, week=then)
    counted = [q for q in captured.captured_queries if '"responsible_department"' in q["sql"]]
    assert counted == []  # every week of its trend read back
    assert report.trend[-1].received == 1
    assert shown(report) == shown(live(world.hq, week=then))


# ---- each store's weeks, kept ---------------------------------------------------------------


def counted_weeks(captured) -> set[str]:
    """The weeks the received-cohort query counted: those whose Shanghai start and end it
    names (the end of one week is the start of the next)."""
    sql = next((q["sql"] for q in captured if '"responsible_department"' in q["sql"]), "")
    shanghai = ZoneInfo("Asia/Shanghai")
    return {
        str(week)
        for week in (IsoWeek(2026, n) for n in range(20, 50))
        if week.start_in(shanghai).isoformat() in sql and week.end_in(shanghai).isoformat() in sql
    }


def test_a_new_weeks_page_counts_only_the_new_week(world):
    page(world.hq, week=IsoWeek(2026, 43))
    assert ReportWeek.objects.count() == 2 * 13  # both stores, W31-W43
    with CaptureQueriesContext(connection) as captured:
        report = page(world.hq)
    assert counted_weeks(captured.captured_queries) == {"2026-W44"}
    assert ReportWeek.objects.count() == 2 * 14
    assert shown(report) == shown(live(world.hq))


def test_a_change_recounts_only_the_weeks_it_touches(world):
    page(world.hq)
    _acknowledge_l4_on_time(world)  # London, received in W44
    ReportSnapshot.objects.all().delete()  # the page, so that weeks are what is read back
    with CaptureQueriesContext(connection) as captured:
        report = page(world.hq)
    assert counted_weeks(captured.captured_queries) == {"2026-W44"}
    assert report.current.acknowledged_on_time == 6
    assert shown(report) == shown(live(world.hq))


def test_the_current_week_counts_itself_and_reads_back_the_twelve_before(world):
    current = IsoWeek.containing(NOW.date())
    page(world.hq, week=current.shift(-1))
    with CaptureQueriesContext(connection) as captured:
        report = page(world.hq, week=current)
    assert counted_weeks(captured.captured_queries) == {str(current)}
    assert not ReportWeek.objects.filter(week=str(current)).exists()  # not ended: not kept
    assert shown(report) == shown(live(world.hq, week=current))


def test_the_beats_hourly_task_prunes_and_counts_ahead(world, settings):
    from reports.tasks import weekly_snapshots_refresh

    schedule = settings.CELERY_BEAT_SCHEDULE["reports-weekly-snapshots"]
    assert schedule["task"] == weekly_snapshots_refresh.name
    result = weekly_snapshots_refresh.apply().get()
    assert result["computed"] == 3  # this week's default week, per store and together
    assert set(result["deleted"]) == {"snapshots", "weeks", "changes"}
    assert weekly_snapshots_refresh.apply().get()["computed"] == 0
