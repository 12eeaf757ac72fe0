"""Customer services: found again at intake, edits, and erasure refused without the right."""

import pytest
from django.core.exceptions import PermissionDenied

from customers.services import (
    CustomerActionError,
    customer_anonymise,
    customer_get_or_create_for_intake,
    customer_update,
)
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_found_again_by_phone(frontdesk, store):
    known = CustomerFactory(store=store, phone="+8613812345678")
    found, created = customer_get_or_create_for_intake(
        actor=frontdesk, store=store, name="W. Fang", phone="+8613812345678"
    )
    assert (found, created) == (known, False)


def test_found_again_by_email_when_no_phone_is_given(frontdesk, store):
    known = CustomerFactory(store=store, email="wf@example.com")
    found, created = customer_get_or_create_for_intake(
        actor=frontdesk, store=store, name="W. Fang", email="WF@example.com"
    )
    assert (found, created) == (known, False)


def test_two_matches_or_an_invisible_match_register_a_new_customer(frontdesk, store, other_store):
    CustomerFactory(store=store, phone="+8613812345678")
    CustomerFactory(store=store, phone="+8613812345678")
    CustomerFactory(store=other_store, phone="+8613700000000")
    for phone in ("+8613812345678", "+8613700000000"):
        customer, created = customer_get_or_create_for_intake(
            actor=frontdesk, store=store, name="New", phone=phone
        )
        assert created and customer.store == store


def test_manager_may_not_register_or_edit(manager, store):
    customer = CustomerFactory(store=store)
    with pytest.raises(PermissionDenied):
        customer_get_or_create_for_intake(actor=manager, store=store, name="X", phone="")
    with pytest.raises(PermissionDenied):
        customer_update(actor=manager, customer_id=customer.pk, name="Y")


def test_only_head_office_erases_and_an_erased_customer_stays_erased(
    frontdesk, supervisor, hq, store
):
    customer = CustomerFactory(store=store)
    for user in (frontdesk, supervisor):
        with pytest.raises(PermissionDenied):
            customer_anonymise(actor=user, customer_id=customer.pk)
    customer_anonymise(actor=hq, customer_id=customer.pk)
    with pytest.raises(CustomerActionError):
        customer_update(actor=hq, customer_id=customer.pk, name="Back again")
