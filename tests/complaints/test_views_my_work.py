"""`/`: my open complaints, due soonest first; a store summary for those who watch stores."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import services
from tests.factories import CustomerFactory, make_complaint

pytestmark = pytest.mark.django_db

URL = reverse("complaints:my_work")


def refs(response) -> list[str]:
    assert response.status_code == 200
    return [c.reference for c in response.context["page_obj"].object_list]


def test_my_open_complaints_due_soonest_first_with_overdue_highlighted(
    client, frontdesk, supervisor, store
):
    now = timezone.now()
    later = make_complaint(actor=frontdesk, store=store)
    overdue = make_complaint(actor=frontdesk, store=store, received_at=now - timedelta(days=2))
    critical = make_complaint(actor=frontdesk, store=store, severity="critical")
    closed = make_complaint(actor=frontdesk, store=store)
    services.complaint_withdraw(complaint_id=closed.pk, actor=frontdesk, reason="Fine now.")
    not_mine = make_complaint(actor=supervisor, store=store)
    client.force_login(frontdesk)
    response = client.get(URL)
    assert refs(response) == [overdue.reference, critical.reference, later.reference]
    html = response.content.decode()
    assert closed.reference not in html and not_mine.reference not in html
    assert "due-overdue" in html
    assert "store-summary" not in html  # front desk watches their own work, not the store


@pytest.mark.parametrize("role", ["supervisor", "manager", "hq"])
def test_store_watchers_see_open_and_overdue_counts(
    client, request, frontdesk, frontdesk2, store, other_store, role
):
    make_complaint(actor=frontdesk, store=store)
    make_complaint(actor=frontdesk, store=store, received_at=timezone.now() - timedelta(days=3))
    make_complaint(actor=frontdesk2, store=other_store)
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    summary = {row["store__code"]: row for row in response.context["store_summary"]}
    assert summary["sh01"]["open_count"] == 2
    assert summary["sh01"]["overdue_count"] == 1
    html = response.content.decode()
    assert f"{reverse('complaints:list')}?store={store.pk}&amp;overdue=true" in html
    if role == "hq":
        assert summary["bj01"]["open_count"] == 1
    else:
        assert "bj01" not in summary


def test_the_other_helpers_sections_are_included(client, frontdesk):
    client.force_login(frontdesk)
    names = [t.name for t in client.get(URL).templates]
    assert "resolutions/_my_work.html" in names
    assert "followup/_my_work.html" in names


def test_my_work_runs_the_same_number_of_queries_for_3_and_30_rows(
    client, frontdesk, supervisor, store
):
    def queries(user) -> int:
        client.force_login(user)
        client.get(URL)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    customer = CustomerFactory(store=store)
    for _ in range(3):
        make_complaint(actor=frontdesk, store=store, customer=customer)
    few = queries(frontdesk), queries(supervisor)
    for _ in range(27):
        make_complaint(actor=frontdesk, store=store, customer=customer)
    many = queries(frontdesk), queries(supervisor)
    client.force_login(frontdesk)
    assert len(refs(client.get(URL))) == 25  # a page
    assert many == few
