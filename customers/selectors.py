"""Reads about customers. Scoping: a user sees the customers registered at their stores and
those with complaints in their stores (head office: all); complaint counts shown next to a
customer are counted over the complaints the user may see."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone

from complaints.models import Complaint
from complaints.selectors import complaints_visible_to, sees_all_stores, stores_visible_to
from config.postgresql import InArray

from .models import Customer, SearchName

# Two or more complaints within this many days make a repeat complainant (SPEC "Records").
REPEAT_WINDOW_DAYS = 90
REPEAT_THRESHOLD = 2


def customers_visible_to(user) -> QuerySet[Customer]:
    """Customers registered at the user's stores or with a complaint there; head office: all."""
    if (
        not user.is_authenticated
        or not user.is_active
        or not user.has_perm("customers.view_customer")
    ):
        return Customer.objects.none()
    if sees_all_stores(user):
        return Customer.objects.all()
    stores = stores_visible_to(user).values("pk")
    return Customer.objects.filter(
        Q(store__in=stores)
        | Q(pk__in=Complaint.objects.filter(store__in=stores).values("customer_id"))
    )


def _count_of(complaints: QuerySet[Complaint]) -> Coalesce:
    """A correlated count per customer row: evaluated only for the rows a page shows."""
    counted = (
        complaints.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def customers_with_history(*, user, queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """Annotate `complaint_count` and `recent_complaint_count` (last 90 days), over the
    complaints the user may see."""
    visible = complaints_visible_to(user)
    since = timezone.now() - timedelta(days=REPEAT_WINDOW_DAYS)
    return queryset.annotate(
        complaint_count=_count_of(visible),
        recent_complaint_count=_count_of(visible.filter(received_at__gte=since)),
    )


def customer_is_repeat(customer: Customer) -> bool:
    """Two or more complaints in the last 90 days (needs `customers_with_history`)."""
    return getattr(customer, "recent_complaint_count", 0) >= REPEAT_THRESHOLD


def name_contains(text: str, *, using: str = DEFAULT_DB_ALIAS) -> Q:
    """Customers whose name contains `text`, in any case. On PostgreSQL the distinct names are
    matched first (`SearchName`, by trigram), then the customers with those names (by index)."""
    if connections[using].vendor != "postgresql":
        return Q(name__icontains=text)
    names = SearchName.objects.filter(name__icontains=text).values("name")
    return Q(InArray(Upper("name"), Subquery(names)))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def customer_search(*, user, query: str) -> QuerySet[Customer]:
    """The list page: visible customers whose name, e-mail or phone digits contain the query."""
    customers = customers_visible_to(user)
    query = (query or "").strip()
    if not query:
        return customers
    condition = name_contains(query) | Q(email__icontains=query)
    digits = _digits(query)
    if len(digits) >= 3:
        condition |= Q(phone__contains=digits)
    return customers.filter(condition)


def customer_lookup(*, user, query: str, limit: int = 8) -> list[Customer]:
    """Intake's as-you-type search by phone or e-mail (a name works too), with history counts.
    Too short a query finds nothing, so that typing two digits lists no one."""
    query = (query or "").strip()
    digits = _digits(query)
    if "@" in query or re.search(r"[^\d\s+()\-.]", query):
        if len(query) < 2:
            return []
        condition = Q(email__istartswith=query) | name_contains(query)
    elif len(digits) >= 4:
        condition = Q(phone__contains=digits)
    else:
        return []
    customers = customers_visible_to(user).filter(condition, anonymised_at__isnull=True)
    customers = customers_with_history(user=user, queryset=customers).select_related("store")
    return list(customers.order_by("-recent_complaint_count", "name", "pk")[:limit])


def customer_detail(*, user, customer_id: int) -> Customer:
    """One visible customer with history counts, or Customer.DoesNotExist (the view: 404)."""
    customers = customers_with_history(user=user, queryset=customers_visible_to(user))
    return customers.select_related("store").get(pk=customer_id)


def customer_complaints(*, user, customer: Customer) -> QuerySet[Complaint]:
    """The customer's complaints the user may see, newest first."""
    return (
        complaints_visible_to(user)
        .filter(customer=customer)
        .select_related("store", "category", "category__parent", "owner")
        .order_by("-received_at", "-pk")
    )


def customer_match_for_intake(*, user, phone, email: str) -> Customer | None:
    """The one visible customer with exactly this phone (or, without a phone, this e-mail)."""
    customers = customers_visible_to(user).filter(anonymised_at__isnull=True)
    if phone:
        matches = list(customers.filter(phone=phone)[:2])
    elif email:
        matches = list(customers.filter(email__iexact=email)[:2])
    else:
        return None
    return matches[0] if len(matches) == 1 else None
