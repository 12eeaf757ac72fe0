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


def test_commitments_due_for_me_are_those_i_made_or_on_my_complaints_and_all_are_counted(
    client, frontdesk, supervisor, frontdesk2, store, other_store
):
    from resolutions.models import Commitment

    now = timezone.now()
    mine = make_complaint(actor=frontdesk, store=store)
    theirs = make_complaint(actor=supervisor, store=store)
    closed = make_complaint(actor=frontdesk, store=store)
    services.complaint_withdraw(complaint_id=closed.pk, actor=frontdesk, reason="Fine now.")
    elsewhere = make_complaint(actor=frontdesk2, store=other_store)

    def promise(complaint, by, due, what, **fields):
        Commitment.objects.create(
            complaint=complaint, made_by=by, due_at=now + due, description=what, **fields
        )

    promise(mine, supervisor, timedelta(hours=2), "On my complaint, by my supervisor")
    promise(theirs, frontdesk, -timedelta(hours=1), "Made by me on theirs")
    for n in range(11):
        promise(mine, frontdesk, -timedelta(hours=2, minutes=n), f"Overdue promise {n}")
    promise(closed, frontdesk, -timedelta(hours=1), "On a closed complaint")
    promise(mine, frontdesk, -timedelta(hours=1), "Kept", kept_at=now)
    promise(mine, frontdesk, timedelta(days=3), "Not due for days")
    promise(theirs, supervisor, -timedelta(hours=1), "Someone else's")
    promise(elsewhere, frontdesk2, -timedelta(hours=1), "Another store's")

    client.force_login(frontdesk)
    html = client.get(URL).content.decode()
    assert 'data-testid="commitments-count">13<' in html  # 10 shown
    assert "12 broken" in html
    assert "Overdue promise 10" in html  # the most overdue first
    assert "On my complaint, by my supervisor" not in html  # the 11th: due last
    for hidden in ("On a closed complaint", "Kept", "Not due for days", "Someone else"):
        assert hidden not in html
    assert "Another store" not in html

    Commitment.objects.filter(description__startswith="Overdue promise").delete()
    html = client.get(URL).content.decode()
    assert 'data-testid="commitments-count">2<' in html and "1 broken" in html
    assert "On my complaint, by my supervisor" in html and "Made by me on theirs" in html


def test_approvals_waiting_for_me_are_my_stores_within_my_limit_and_all_are_counted(
    client, frontdesk, frontdesk2, supervisor, store, other_store
):
    from tests.resolutions.helpers import awaiting_approval

    waiting = [awaiting_approval(proposer=frontdesk, amount="1500") for _ in range(6)]
    awaiting_approval(proposer=frontdesk, amount="5000")  # above the supervisor's limit
    awaiting_approval(proposer=frontdesk2, amount="1500", store=other_store)
    client.force_login(supervisor)
    html = client.get(URL).content.decode()
    assert 'data-testid="approvals-count">6<' in html  # 5 shown
    assert sum(c.reference in html for c in waiting) == 5
