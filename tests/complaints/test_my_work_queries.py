"""My work reads what its cards show in a fixed number of queries, however many rows: the
owned complaints and the callback card (reference, customer)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followup import surveys
from tests.factories import CustomerFactory, make_complaint
from tests.followup.conftest import resolve_on_the_spot

pytestmark = pytest.mark.django_db

URL = reverse("complaints:my_work")


def test_my_work_query_count_does_not_grow_with_rows(
    client, frontdesk, store, django_assert_max_num_queries
):
    def add(n):
        made = []
        for _ in range(n):
            make_complaint(actor=frontdesk, store=store)  # stays open: a row I own
            customer = CustomerFactory(store=store, consent_to_follow_up=False)
            spot = make_complaint(actor=frontdesk, store=store, customer=customer)
            resolve_on_the_spot(spot, frontdesk)
            made.append(spot)
        surveys.surveys_send_due(now=timezone.now() + timedelta(hours=25))
        return made

    client.force_login(frontdesk)
    first = add(1)
    client.get(URL)  # the session's first request writes it: not what is measured
    with django_assert_max_num_queries(40) as few:
        response = client.get(URL)
    html = response.content.decode()
    assert 'data-testid="callbacks-my-work"' in html
    assert first[0].reference in html and first[0].customer.name in html
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["page_obj"].object_list) == 5
