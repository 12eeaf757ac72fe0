"""Search by name on PostgreSQL reads the distinct names (`SearchName`), kept by triggers
(customers migration 0002): it finds exactly the customers a plain "name contains" would, an
erased name is not kept, and a name being added is never lost to a removal at the same time."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from customers.models import Customer, SearchName
from customers.selectors import name_contains
from customers.services import customer_anonymise
from tests.factories import CustomerFactory, staff
from tests.locks import until_waiting

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kept by PostgreSQL triggers"),
]


def kept() -> set[str]:
    return set(SearchName.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_each_name_is_kept_once_in_capitals(store):
    for name in ("Wang Wei", "wang wei", "Li Na", "王伟"):
        CustomerFactory(store=store, name=name)
    assert kept() == {"WANG WEI", "LI NA", "王伟"}


@pytest.mark.django_db
def test_a_name_no_customer_has_any_more_is_forgotten(store):
    first, second = (CustomerFactory(store=store, name="Wang Wei") for _ in range(2))
    lone = CustomerFactory(store=store, name="Zhao Lei")
    gone = CustomerFactory(store=store, name="Sun Li")

    first.name = "Wang Fang"
    first.save()
    assert {"WANG WEI", "WANG FANG"} <= kept()  # the second Wang Wei still has the name

    second.name = "wang fang"
    second.save()
    assert "WANG WEI" not in kept()

    customer_anonymise(actor=staff("Head office"), customer_id=lone.pk)
    gone.delete()
    assert kept() == {"WANG FANG", Customer.objects.get(pk=lone.pk).name.upper()}


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["ng We", "WANG", "wei", "王", "Li", "%", "_", "a%b", " "])
def test_name_search_finds_what_name_contains_finds(store, text):
    for name in ("Wang Wei", "wang weiming", "Wang Fang", "Li Na", "王伟", "Ma 100%_a%b"):
        CustomerFactory(store=store, name=name)
    found = Customer.objects.filter(name_contains(text))
    expected = [c for c in Customer.objects.all() if text.lower() in c.name.lower()]
    assert sorted(c.pk for c in found) == sorted(c.pk for c in expected)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_name_being_added_survives_the_last_other_customer_of_that_name_being_renamed(store):
    """Intake adds a second Sun Li while someone renames the first: the rename must not drop
    the name, which the new customer (committed an instant later) has."""
    first = CustomerFactory(store=store, name="Sun Li")
    added, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def add() -> None:
        try:
            with transaction.atomic():
                CustomerFactory(store=store, name="Sun Li")
                added.set()
                release.wait(timeout=10)
            outcome["add"] = "done"
        except Exception as exc:  # noqa: BLE001 - reported by the test
            outcome["add"] = exc
        finally:
            connections.close_all()

    def rename() -> None:
        try:
            Customer.objects.filter(pk=first.pk).update(name="Sun Lili")
            outcome["rename"] = "done"
        except Exception as exc:  # noqa: BLE001 - reported by the test
            outcome["rename"] = exc
        finally:
            connections.close_all()

    adding = threading.Thread(target=add)
    adding.start()
    assert added.wait(timeout=10)
    renaming = threading.Thread(target=rename)
    renaming.start()
    waited = until_waiting(1)
    release.set()
    adding.join(timeout=20)
    renaming.join(timeout=20)

    assert outcome == {"add": "done", "rename": "done"}
    assert waited == 1, "the rename waits for the customer being added"
    assert {"SUN LI", "SUN LILI"} <= kept()
    assert list(Customer.objects.filter(name_contains("sun li")).values_list("name", flat=True))
