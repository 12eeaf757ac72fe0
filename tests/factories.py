"""Factories shared by every test package: stores, staff in roles, customers, complaints."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from complaints.models import Category, Store, StoreMembership
from customers.models import Customer

PASSWORD = "correct-horse-battery-staple"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"st{n:02d}")
    name = factory.Sequence(lambda n: f"Store {n}")
    region = "East"
    time_zone = "Asia/Shanghai"
    currency = "CNY"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def stores(self, create, extracted, **kwargs):
        if create and extracted:
            for store in extracted:
                StoreMembership.objects.get_or_create(user=self, store=store)
        if create:
            self.save()


def staff(role: str, *stores: Store, username: str | None = None, **extra):
    """A fresh user in one role and some stores (re-fetched so permission caches are empty)."""
    kwargs = {"role": role, "stores": list(stores), **extra}
    if username:
        kwargs["username"] = username
    if role in {"Supervisor", "Store manager", "Head office"}:
        kwargs.setdefault("is_staff", True)
    user = UserFactory(**kwargs)
    return get_user_model().objects.get(pk=user.pk)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    store = factory.SubFactory(StoreFactory)
    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    preferred_language = "zh-hans"
    consent_to_follow_up = True


def leaf_category(code: str = "defective-on-arrival") -> Category:
    return Category.objects.get(code=code)


def make_complaint(*, actor, store: Store | None = None, customer=None, **fields):
    """Log a complaint through the intake service, as a user would."""
    from complaints.services import complaint_create

    store = store or actor.store_memberships.first().store
    customer = customer or CustomerFactory(store=store)
    defaults = {
        "channel": "phone",
        "category": leaf_category(),
        "account": "The kettle stopped working after two days.",
        "severity": "medium",
    }
    defaults.update(fields)
    return complaint_create(actor=actor, store=store, customer=customer, **defaults)
