"""The customer admin: scoped, 404 outside the scope, edits and erasure through the services."""

import pytest
from django.urls import reverse

from customers.models import Customer
from customers.services import ANONYMISED_NAME
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:customers_customer_changelist")


def change(customer):
    return reverse("admin:customers_customer_change", args=[customer.pk])


@pytest.fixture
def ours(store):
    return CustomerFactory(store=store, name="Wang Fang", phone="+8613812345678")


@pytest.fixture
def theirs(other_store):
    return CustomerFactory(store=other_store, name="Sun Li")


@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_scoped_list_with_masked_phones_and_404_outside(client, request, role, ours, theirs):
    client.force_login(request.getfixturevalue(role))
    html = client.get(LIST).content.decode()
    assert "Wang Fang" in html and "Sun Li" not in html
    assert "138****5678" in html and "13812345678" not in html
    assert client.get(change(ours)).status_code == 200
    assert client.get(change(theirs)).status_code == 404


def test_supervisor_edits_through_the_service(client, supervisor, ours):
    client.force_login(supervisor)
    response = client.post(
        change(ours),
        {
            "name": "Wang Fang",
            "phone": "13900001234",
            "email": "wf@example.com",
            "address": "",
            "preferred_language": "zh-hans",
            "preferred_channel": "sms",
            "handling_notes": "VIP since 2020.",
            "is_vip": "on",
        },
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert str(ours.phone) == "+8613900001234" and ours.is_vip


def test_head_office_erases_with_the_admin_action(client, hq, ours, theirs):
    client.force_login(hq)
    response = client.post(LIST, {"action": "anonymise", "_selected_action": [ours.pk, theirs.pk]})
    assert response.status_code == 302
    assert set(Customer.objects.values_list("name", flat=True)) == {ANONYMISED_NAME}
    # An erased customer is shown, not edited.
    assert 'name="_save"' not in client.get(change(ours)).content.decode()


def test_supervisor_cannot_erase(client, supervisor, ours):
    client.force_login(supervisor)
    assert 'value="anonymise"' not in client.get(LIST).content.decode()
    client.post(LIST, {"action": "anonymise", "_selected_action": [ours.pk]})
    ours.refresh_from_db()
    assert ours.name == "Wang Fang"
