"""Every figure links to the complaint list filtered to exactly the complaints behind it: the
list's count equals the figure, for head office (whose clock is UTC) looking at two stores in
two time zones and for a store manager (whose clock is Shanghai's)."""

import html
import re

import pytest

from reports.links import ComplaintLinks
from reports.selectors import report_stores, weekly_report
from reports.weeks import IsoWeek

pytestmark = pytest.mark.django_db

W44 = IsoWeek(2026, 44)


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filter"].form.errors, (url, response.context["filter"].form.errors)
    return response.context["page_obj"].paginator.count


def week_figures(figures) -> dict[str, int]:
    """The figure each link of ComplaintLinks.week() stands for."""
    return {
        "received": figures.received,
        "acknowledged_on_time": figures.acknowledged_on_time,
        "acknowledged_late": figures.received - figures.acknowledged_on_time,
        "one_stop": figures.one_stop,
        "reopened": figures.reopened,
        "resolved": figures.resolved,
        "resolved_on_time": figures.resolved_on_time,
        "resolved_late": figures.resolved - figures.resolved_on_time,
        "backlog": figures.backlog,
        "overdue": figures.overdue,
        "commitments_due": figures.commitments_due_complaints,
        "commitments_broken": figures.commitments_broken_complaints,
        "surveys_sent": figures.surveys_sent,
        "surveys_answered": figures.surveys_answered,
        "dissatisfied": figures.dissatisfied,
    }


@pytest.fixture
def hq_report(world):
    stores = report_stores(user=world.hq)
    return weekly_report(user=world.hq, stores=stores, week=W44, store_table=True)


@pytest.mark.parametrize("week", [W44, IsoWeek(2026, 43), IsoWeek(2026, 42), IsoWeek(2026, 40)])
def test_each_weekly_figure_lists_exactly_its_complaints(client, world, hq_report, week):
    client.force_login(world.hq)
    links = ComplaintLinks(hq_report.store_ids).week(week)
    expected = week_figures(hq_report.trend[hq_report.weeks.index(week)])
    counted = {key: list_count(client, url) for key, url in links.items()}
    assert counted == expected


def test_the_drill_down_is_not_vacuous(client, world, hq_report):
    client.force_login(world.hq)
    links = ComplaintLinks(hq_report.store_ids).week(W44)
    assert list_count(client, links["received"]) == 6
    assert list_count(client, links["backlog"]) == 4
    assert list_count(client, links["dissatisfied"]) == 2


def test_each_stores_figures_list_exactly_its_complaints(client, world, hq_report):
    client.force_login(world.hq)
    for store, figures in hq_report.by_store:
        links = ComplaintLinks(hq_report.store_ids).for_store(store.pk).week(W44)
        counted = {key: list_count(client, url) for key, url in links.items()}
        assert counted == week_figures(figures), store.code


def test_breakdowns_list_exactly_their_complaints(client, world, hq_report):
    client.force_login(world.hq)
    links = ComplaintLinks(hq_report.store_ids)
    report = hq_report
    for row in report.categories:
        assert list_count(client, links.category(W44, row.key)) == row.count
        assert list_count(client, links.category(W44.shift(-1), row.key)) == row.previous
    for row in report.channels:
        assert list_count(client, links.channel(W44, row.key)) == row.count
        assert list_count(client, links.channel(W44.shift(-1), row.key)) == row.previous
    for row in report.departments:
        assert list_count(client, links.department(W44, row.key)) == row.count
    for kind, granted in report.current.granted_by_type.items():
        assert list_count(client, links.granted(W44, kind)) == granted
    for customer in report.repeat_complainants:
        url = links.window(*report.repeat_window, customer=customer.customer_id)
        assert list_count(client, url) == customer.complaints
    for cluster in report.clusters:
        url = links.window(*report.cluster_window, **{cluster.kind: cluster.value})
        assert list_count(client, url) == cluster.complaints
    assert list_count(client, links.approvals_pending()) == report.approvals_pending


def test_a_managers_links_count_in_their_own_time_zone_too(client, world):
    client.force_login(world.manager)  # the list shows times in Shanghai's zone
    stores = report_stores(user=world.manager)
    report = weekly_report(user=world.manager, stores=stores, week=W44)
    links = ComplaintLinks(report.store_ids).week(W44)
    counted = {key: list_count(client, url) for key, url in links.items()}
    assert counted == week_figures(report.current)
    assert counted["received"] == 4


TILE = re.compile(
    r'data-tile="(?P<key>[a-z_]+)".*?'
    r'class="[^"]*tile-value" href="(?P<url>[^"]+)">(?P<value>[^<]+)<',
    re.S,
)


def test_following_a_tile_on_the_page_lands_on_as_many_complaints_as_it_shows(client, world):
    client.force_login(world.hq)
    page = client.get("/reports/weekly/?week=2026-W44").content.decode()
    tiles = {m["key"]: (html.unescape(m["url"]), m["value"]) for m in TILE.finditer(page)}
    for key in ("received", "resolved", "backlog", "overdue", "approvals_pending"):
        url, value = tiles[key]
        assert list_count(client, url) == int(value.replace(",", "")), key
    assert tiles["received"][1] == "6"


def test_the_list_keeps_the_drill_down_when_filtered_further(client, world, hq_report):
    client.force_login(world.hq)
    url = ComplaintLinks(hq_report.store_ids).week(W44)["received"]
    page = client.get(url).content.decode()
    assert 'type="hidden" name="received_local_after" value="2026-10-26"' in page
    assert "From the weekly report" in page
    assert list_count(client, url + "&channel=phone") == 3  # E, F and L3
