"""The complaint list: scoping, every filter parameter of the contract the weekly report links
to, masked phones, pagination in the database and a constant number of queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Category, Complaint
from resolutions import services as resolution_services
from tests.factories import CustomerFactory, leaf_category, make_complaint, staff

pytestmark = pytest.mark.django_db

URL = reverse("complaints:list")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def refs(response) -> set[str]:
    assert response.status_code == 200
    return {c.reference for c in response.context["page_obj"].object_list}


def listed(client, **params) -> set[str]:
    return refs(client.get(URL, params))


# ---- scoping and what a row shows ------------------------------------------------------------


def test_each_role_sees_only_its_stores(
    client, frontdesk, supervisor, manager, hq, complaint, other_complaint
):
    for user in (frontdesk, supervisor, manager):
        client.force_login(user)
        assert listed(client) == {complaint.reference}
    client.force_login(hq)
    assert listed(client) == {complaint.reference, other_complaint.reference}


def test_phones_are_masked_and_the_count_is_shown(client, frontdesk, store):
    customer = CustomerFactory(store=store, phone="+8613812345678", name="Zhou Xun")
    make_complaint(actor=frontdesk, store=store, customer=customer)
    client.force_login(frontdesk)
    html = client.get(URL).content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html
    assert 'data-testid="result-count">1 complaint<' in html


def test_a_large_count_is_written_with_thousands_grouped(client, hq, monkeypatch):
    # Head office's unfiltered count (a million complaints), as the kept counts give it.
    monkeypatch.setattr("complaints.views.complaint_count", lambda *, user: 1_000_075)
    client.force_login(hq)
    html = client.get(URL).content.decode()
    assert 'data-testid="result-count">1,000,075 complaints<' in html
    # Django's Chinese number format has no thousands separator.
    html = client.get(URL, headers={"accept-language": "zh-hans"}).content.decode()
    assert 'data-testid="result-count">1000075 条投诉<' in html


def test_pages_of_fifty(client, frontdesk, store):
    customer = CustomerFactory(store=store)
    for _ in range(51):
        make_complaint(actor=frontdesk, store=store, customer=customer)
    client.force_login(frontdesk)
    first = client.get(URL)
    assert len(first.context["page_obj"].object_list) == 50
    second = client.get(URL, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 1
    assert refs(first).isdisjoint(refs(second))


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_rows(client, frontdesk, store):
    def queries() -> int:
        client.get(URL)  # warm the session and permission caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        return len(captured)

    client.force_login(frontdesk)
    for _ in range(3):
        make_complaint(actor=frontdesk, store=store)
    few = queries()
    for _ in range(27):
        make_complaint(actor=frontdesk, store=store)
    many = queries()
    assert len(client.get(URL).context["page_obj"].object_list) == 30
    assert many == few


# ---- the filter contract ---------------------------------------------------------------------


@pytest.fixture
def world(frontdesk, supervisor, store, other_store, frontdesk2):
    """A handful of complaints that differ in exactly one way each."""
    now = timezone.now()
    colleague = staff("Front desk", store, username="colleague")
    zhang = CustomerFactory(store=store, name="Zhang Wei", phone="+8613900001111")
    other_leaf = Category.objects.get(code="rude-staff")
    c = {}
    c["new_phone"] = make_complaint(actor=frontdesk, store=store, channel="phone")
    c["walkin_high"] = make_complaint(
        actor=frontdesk,
        store=store,
        channel="walk_in",
        severity="high",
        acknowledge_now=True,
        customer=zhang,
        product_sku="KX-200",
        product_batch="B7",
        account="The handle melted on the stove.",
    )
    c["rude"] = make_complaint(actor=frontdesk, store=store, category=other_leaf, severity="low")
    c["old_overdue"] = make_complaint(
        actor=frontdesk, store=store, received_at=now - timedelta(days=3)
    )
    c["other_store"] = make_complaint(actor=frontdesk2, store=other_store)
    # On the spot, then reopened by the supervisor.
    c["one_stop"] = make_complaint(actor=frontdesk, store=store)
    resolution_services.resolution_resolve_on_the_spot(
        complaint_id=c["one_stop"].pk, actor=frontdesk, type="apology", amount=0, description="."
    )
    c["reopened"] = make_complaint(actor=frontdesk, store=store)
    resolution_services.resolution_resolve_on_the_spot(
        complaint_id=c["reopened"].pk, actor=frontdesk, type="apology", amount=0, description="."
    )
    services.complaint_reopen(complaint_id=c["reopened"].pk, actor=supervisor, reason="Again.")
    c["escalated"] = make_complaint(actor=frontdesk, store=store)
    services.complaint_escalate(
        complaint_id=c["escalated"].pk, actor=supervisor, new_owner=supervisor, reason="Big."
    )
    c["colleagues"] = make_complaint(actor=colleague, store=store)
    c["verdict"] = make_complaint(actor=frontdesk, store=store)
    services.complaint_record_verdict(
        complaint_id=c["verdict"].pk,
        actor=supervisor,
        verdict="good_faith",
        root_cause="Bad seal.",
        responsible_department="warehouse",
    )
    c["withdrawn"] = make_complaint(actor=frontdesk, store=store)
    services.complaint_withdraw(complaint_id=c["withdrawn"].pk, actor=frontdesk, reason="OK.")
    return {name: complaint.reference for name, complaint in c.items()} | {
        "_colleague": colleague,
        "_zhang": zhang,
        "_other_leaf": other_leaf,
    }


def mine(world, *names) -> set[str]:
    return {world[name] for name in names}


def all_of_store(world) -> set[str]:
    return {
        ref for name, ref in world.items() if not name.startswith("_") and name != "other_store"
    }


def test_status_one_several_and_open(client, frontdesk, world):
    client.force_login(frontdesk)
    assert listed(client, status="new") == all_of_store(world) - mine(
        world, "walkin_high", "one_stop", "reopened", "withdrawn"
    ) - {world["reopened"]}
    assert listed(client, status=["acknowledged", "closed"]) == mine(
        world, "walkin_high", "withdrawn"
    )
    assert listed(client, status="resolved") == mine(world, "one_stop")
    assert listed(client, status="open") == all_of_store(world) - mine(
        world, "one_stop", "withdrawn"
    )


def test_store_one_or_several(client, hq, world, store, other_store):
    client.force_login(hq)
    assert listed(client, store=other_store.pk) == mine(world, "other_store")
    assert listed(client, store=[store.pk, other_store.pk]) == all_of_store(world) | mine(
        world, "other_store"
    )


def test_another_stores_id_shows_nothing_rather_than_everything(
    client, frontdesk, world, other_store
):
    client.force_login(frontdesk)
    response = client.get(URL, {"store": other_store.pk})
    assert refs(response) == set()
    assert "not valid" in response.content.decode()


def test_category_leaf_and_parent(client, frontdesk, world):
    client.force_login(frontdesk)
    leaf = world["_other_leaf"]
    assert listed(client, category=leaf.pk) == mine(world, "rude")
    assert listed(client, category_parent=leaf.parent_id) == mine(world, "rude")
    quality = leaf_category().parent_id
    assert listed(client, category_parent=quality) == all_of_store(world) - mine(world, "rude")


def test_severity_channel_level(client, frontdesk, world):
    client.force_login(frontdesk)
    assert listed(client, severity="high") == mine(world, "walkin_high")
    assert listed(client, severity="low") == mine(world, "rude")
    assert listed(client, channel="walk_in") == mine(world, "walkin_high")
    assert listed(client, level="region") == mine(world, "escalated")


def test_owner(client, frontdesk, supervisor, world):
    client.force_login(frontdesk)
    assert listed(client, owner=world["_colleague"].pk) == mine(world, "colleagues")
    assert listed(client, owner=supervisor.pk) == mine(world, "escalated")


def test_the_owner_filter_offers_colleagues_and_head_office_only(
    client, frontdesk, supervisor, frontdesk2, hq, store
):
    staff("Front desk", store, username="left", is_active=False)
    options = {"frontdesk", "supervisor", "hq"}  # not frontdesk2 (another store), not "left"
    client.force_login(frontdesk)
    offered = client.get(URL).context["filter"].form.fields["owner"].queryset
    assert [user.username for user in offered] == sorted(options)
    client.force_login(hq)
    offered = client.get(URL).context["filter"].form.fields["owner"].queryset
    assert [user.username for user in offered] == sorted([*options, "frontdesk2"])


def test_overdue_true_and_false(client, frontdesk, world):
    client.force_login(frontdesk)
    assert listed(client, overdue="true") == mine(world, "old_overdue")
    assert world["old_overdue"] not in listed(client, overdue="false")
    assert world["new_phone"] in listed(client, overdue="false")


def test_received_dates_are_inclusive_days_in_the_active_time_zone(client, frontdesk, store):
    # Shanghai: 23:30 on 1 March is still 1 March there, though it is 15:30 UTC.
    late_evening = make_complaint(
        actor=frontdesk, store=store, received_at=datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)
    )
    early_next = make_complaint(
        actor=frontdesk, store=store, received_at=datetime(2026, 3, 2, 0, 10, tzinfo=SHANGHAI)
    )
    client.force_login(frontdesk)
    march1 = {"received_after": "2026-03-01", "received_before": "2026-03-01"}
    assert listed(client, **march1) == {late_evening.reference}
    assert listed(client, received_after="2026-03-02", received_before="2026-03-02") == {
        early_next.reference
    }
    assert listed(client, received_before="2026-03-02") == {
        late_evening.reference,
        early_next.reference,
    }


def test_resolved_dates(client, frontdesk, world):
    client.force_login(frontdesk)
    today = timezone.localdate(timezone.now(), SHANGHAI).isoformat()
    assert listed(client, resolved_after=today, resolved_before=today) == mine(world, "one_stop")
    assert listed(client, resolved_before="2000-01-01") == set()


def test_department_and_verdict(client, frontdesk, world):
    client.force_login(frontdesk)
    assert listed(client, department="warehouse") == mine(world, "verdict")
    assert listed(client, verdict="good_faith") == mine(world, "verdict")


def test_product_sku_and_batch(client, frontdesk, world):
    client.force_login(frontdesk)
    assert listed(client, product_sku="KX-200") == mine(world, "walkin_high")
    assert listed(client, product_batch="B7") == mine(world, "walkin_high")
    assert listed(client, product_sku="KX-2") == set()  # exact, as the cluster links mean it


def test_customer(client, frontdesk, world):
    client.force_login(frontdesk)
    assert listed(client, customer=world["_zhang"].pk) == mine(world, "walkin_high")


def test_one_stop_and_reopened(client, frontdesk, world):
    client.force_login(frontdesk)
    assert listed(client, one_stop="true") == mine(world, "one_stop")
    assert world["one_stop"] not in listed(client, one_stop="false")
    assert listed(client, reopened="true") == mine(world, "reopened")
    assert world["reopened"] not in listed(client, reopened="false")


def test_text_search(client, frontdesk, world):
    client.force_login(frontdesk)
    assert listed(client, q=world["walkin_high"]) == mine(world, "walkin_high")
    assert listed(client, q="zhang wei") == mine(world, "walkin_high")
    assert listed(client, q="139 0000 1111") == mine(world, "walkin_high")
    assert listed(client, q="handle melted") == mine(world, "walkin_high")


def test_sorting(client, frontdesk, world):
    client.force_login(frontdesk)

    def order(sort):
        response = client.get(URL, {"sort": sort})
        return [c.reference for c in response.context["page_obj"].object_list]

    by_severity = order("-severity")
    assert by_severity[0] == world["walkin_high"]
    assert by_severity[-1] == world["rude"]
    assert order("severity")[0] == world["rude"]
    newest = order("-received_at")
    assert newest[-1] == world["old_overdue"]
    assert order("received_at")[0] == world["old_overdue"]
    due = [Complaint.objects.get(reference=r).resolve_due_at for r in order("resolve_due_at")]
    assert due == sorted(due)
    statuses = [Complaint.objects.get(reference=r).status for r in order("status")]
    assert statuses[0] == "new" and statuses[-1] == "closed"


# ---- at a million complaints: same rows, cheaper ------------------------------------


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 3 rows, so a few complaints make many pages."""
    monkeypatch.setattr("complaints.views.LIST_PAGE_SIZE", 3)


def test_every_page_holds_the_rows_offset_would_give_in_every_sort(
    client, frontdesk, store, small_pages
):
    # Pages are read by key (and the second half from the far end): they must be exactly the
    # slices of the full order, ties on the received time included, in every sort.
    now = timezone.now()
    for index in range(11):
        make_complaint(
            actor=frontdesk,
            store=store,
            received_at=now - timedelta(hours=index // 2),  # pairs received at the same time
            severity=["low", "medium", "high", "critical"][index % 4],
        )
    client.force_login(frontdesk)
    for sort in ("", "received_at", "-severity", "status", "resolve_due_at"):
        everything = Complaint.objects.filter(store=store)
        if sort:
            from complaints.filters import sort_complaints

            expected = list(sort_complaints(everything, sort).values_list("reference", flat=True))
        else:
            expected = list(
                everything.order_by("-received_at", "-pk").values_list("reference", flat=True)
            )
        shown = []
        for number in range(1, 5):
            response = client.get(URL, {"sort": sort, "page": number} if sort else {"page": number})
            page = response.context["page_obj"]
            assert page.number == number and page.paginator.num_pages == 4
            shown += [c.reference for c in page.object_list]
        assert shown == expected, sort


def test_a_search_pages_through_its_matches_in_every_sort(
    client, frontdesk, store, small_pages, monkeypatch
):
    # A search reads its matches' ids once and then those rows by id: each page must still be
    # exactly its slice of the sorted matches, past the count limit too.
    monkeypatch.setattr("complaints.views.SEARCH_COUNT_LIMIT", 4)
    now = timezone.now()
    for index in range(8):
        make_complaint(
            actor=frontdesk,
            store=store,
            account="The kettle leaks." if index != 3 else "Rude staff.",
            received_at=now - timedelta(hours=index // 2),
            severity=["low", "medium", "high", "critical"][index % 4],
        )
    client.force_login(frontdesk)
    from complaints.filters import sort_complaints

    matches = Complaint.objects.filter(store=store, account__icontains="kettle")
    for sort in ("", "received_at", "-severity", "status"):
        expected = list(
            sort_complaints(matches, sort or "-received_at").values_list("reference", flat=True)
        )
        shown = []
        for number in range(1, 4):
            params = {"q": "kettle", "page": number} | ({"sort": sort} if sort else {})
            page = client.get(URL, params).context["page_obj"]
            shown += [c.reference for c in page.object_list]
        assert shown == expected, sort
        assert not page.has_next()


def test_the_count_is_every_visible_complaint_per_role(
    client, frontdesk, frontdesk2, hq, store, other_store
):
    for _ in range(3):
        make_complaint(actor=frontdesk, store=store)
    make_complaint(actor=frontdesk2, store=other_store)
    client.force_login(frontdesk)
    assert client.get(URL).context["page_obj"].paginator.count == 3
    client.force_login(frontdesk2)
    assert client.get(URL).context["page_obj"].paginator.count == 1
    client.force_login(hq)
    html = client.get(URL).content.decode()
    assert 'data-testid="result-count">4 complaints<' in html
    make_complaint(actor=frontdesk, store=store)
    assert client.get(URL).context["page_obj"].paginator.count == 5
    assert client.get(URL, {"store": store.pk}).context["page_obj"].paginator.count == 4


def test_search_finds_by_name_phone_and_account_words_only_in_my_stores(
    client, frontdesk, frontdesk2, store, other_store
):
    # A customer registered in Beijing complains in Shanghai, and in Beijing too.
    li = CustomerFactory(store=other_store, name="Li Na", phone="+8613512349876")
    here = make_complaint(actor=frontdesk, store=store, customer=li, account="Scratched door.")
    there = make_complaint(actor=frontdesk2, store=other_store, customer=li, account="Late.")
    kettle = make_complaint(actor=frontdesk, store=store, account="The KETTLE leaks water.")
    client.force_login(frontdesk)
    assert listed(client, q="li na") == {here.reference}
    assert listed(client, q="1234 9876") == {here.reference}
    assert listed(client, q="door") == {here.reference}
    assert listed(client, q="kettle leaks") == {kettle.reference}
    client.force_login(frontdesk2)
    assert listed(client, q="Li Na") == {there.reference}
    assert listed(client, q="kettle") == set()


def test_a_search_with_many_matches_says_more_than_and_pages_on(
    client, frontdesk, store, small_pages, monkeypatch
):
    monkeypatch.setattr("complaints.views.SEARCH_COUNT_LIMIT", 4)
    for _ in range(8):
        make_complaint(actor=frontdesk, store=store, account="The kettle leaks.")
    make_complaint(actor=frontdesk, store=store, account="Rude staff.")
    client.force_login(frontdesk)
    first = client.get(URL, {"q": "kettle"})
    html = first.content.decode()
    assert 'data-testid="result-count">more than 4 complaints<' in html
    assert "Page 1<" in html and "last »" not in html
    seen = []
    for number in range(1, 4):
        page = client.get(URL, {"q": "kettle", "page": number}).context["page_obj"]
        seen += [c.reference for c in page.object_list]
    assert len(seen) == len(set(seen)) == 8
    assert not page.has_next()
    # Under the limit the count is exact again.
    html = client.get(URL, {"q": "rude"}).content.decode()
    assert 'data-testid="result-count">1 complaint<' in html


def test_an_invalid_filter_is_marked_on_its_field(client, frontdesk):
    client.force_login(frontdesk)
    html = client.get(URL, {"received_after": "not a date", "q": "x"}).content.decode()
    assert 'aria-describedby="id_received_after_error"' in html
    assert '<div id="id_received_after_error" class="invalid-feedback">' in html
    assert 'name="q" value="x"' in html


def test_searching_and_deep_pages_run_a_constant_number_of_queries(
    client, frontdesk, store, small_pages
):
    client.force_login(frontdesk)

    def queries(**params) -> int:
        client.get(URL, params)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    for _ in range(4):
        make_complaint(actor=frontdesk, store=store)
    few = (queries(q="kettle"), queries(page=2))
    for _ in range(8):
        make_complaint(actor=frontdesk, store=store)
    assert (queries(q="kettle"), queries(page=4)) == few
