"""Reads. Store scoping lives here: every list, page, export, report and admin starts from
`complaints_visible_to` (or `stores_visible_to`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import OPEN_STATUSES, Complaint, ComplaintEvent, Status, Store, StoreMembership


def sees_all_stores(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("complaints.view_all_stores")
    )


def stores_visible_to(user) -> QuerySet[Store]:
    if not user.is_authenticated or not user.is_active:
        return Store.objects.none()
    if sees_all_stores(user):
        return Store.objects.all()
    return Store.objects.filter(pk__in=StoreMembership.objects.filter(user=user).values("store"))


def _may_see_complaints(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("complaints.view_complaint")
    )


# Bumped by every change of a store membership made through the ORM: the ids cached on a user
# object (below) are read again after any such change, even on the same object.
_membership_generation = itertools.count()
_generation = next(_membership_generation)


@receiver(post_save, sender=StoreMembership, dispatch_uid="complaints.membership_saved")
@receiver(post_delete, sender=StoreMembership, dispatch_uid="complaints.membership_deleted")
@receiver(m2m_changed, sender=Store.staff.through, dispatch_uid="complaints.membership_m2m")
def _membership_changed(**kwargs) -> None:
    global _generation
    _generation = next(_membership_generation)


def _member_store_ids(user) -> list[int]:
    """The user's stores, read once per user object (a request has one): a page scopes several
    querysets by them. A copy each time, so that no caller can alter the cached list."""
    cached = getattr(user, "_member_store_ids_cache", None)
    if cached is None or cached[0] != _generation or cached[1] != user.pk:
        ids = list(StoreMembership.objects.filter(user=user).values_list("store_id", flat=True))
        cached = (_generation, user.pk, ids)
        user._member_store_ids_cache = cached
    return list(cached[2])


def store_ids_visible_to(user) -> list[int] | None:
    """The ids of the stores whose complaints the user sees; None for every store."""
    if not _may_see_complaints(user):
        return []
    return None if sees_all_stores(user) else _member_store_ids(user)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every complaint the user may see: their stores' (head office: all)."""
    if not _may_see_complaints(user):
        return Complaint.objects.none()
    if sees_all_stores(user):
        return Complaint.objects.all()
    # The store ids as literals, not a subquery: PostgreSQL then walks the (store, received_at)
    # indexes in order instead of scanning a store's rows to sort them (one tiny query more).
    return Complaint.objects.filter(store_id__in=_member_store_ids(user))


def complaint_count(*, user) -> int:
    """How many complaints the user sees (the unfiltered list's count). On PostgreSQL from
    the per-store counts its triggers keep exact (migration complaints 0005): counting a
    million rows, even from an index, takes longer than the whole page may."""
    if connection.vendor != "postgresql":
        return complaints_visible_to(user).count()
    store_ids = store_ids_visible_to(user)
    if store_ids == []:
        return 0
    with connection.cursor() as cursor:
        if store_ids is None:
            cursor.execute("SELECT COALESCE(SUM(complaints), 0) FROM complaint_count_by_store")
        else:
            cursor.execute(
                "SELECT COALESCE(SUM(complaints), 0) FROM complaint_count_by_store"
                " WHERE store_id = ANY(%s)",
                [store_ids],
            )
        return int(cursor.fetchone()[0])


# What a row of the complaint table shows (`complaint_list.complaint_row`), and no more: about
# a third of the five tables' columns. Building the rest into 300 model instances a page took
# as long as the page's queries.
ROW_FIELDS = (
    *("reference", "channel", "status", "level", "severity", "received_at", "product_name"),
    *("ack_due_at", "resolve_due_at", "resolved_on_the_spot", "reopen_count"),
    *("store__code", "store__time_zone"),
    *("customer__name", "customer__phone"),
    *("category__name_en", "category__name_zh", "category__parent_id"),
    *("category__parent__name_en", "category__parent__name_zh"),
    *("owner__username", "owner__first_name", "owner__last_name"),
)


def complaint_list(*, user) -> QuerySet[Complaint]:
    """The list page's rows, with what each row shows joined in."""
    return (
        complaints_visible_to(user)
        .select_related("store", "customer", "category", "category__parent", "owner")
        .only(*ROW_FIELDS)
    )


def complaint_detail(*, user, reference: str) -> Complaint:
    """One complaint the user may see, or Complaint.DoesNotExist (the view answers 404)."""
    return (
        complaints_visible_to(user)
        .select_related("store", "customer", "category", "category__parent", "owner", "created_by")
        .get(reference=reference)
    )


def complaint_timeline(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor").order_by("created_at", "id")


def my_open_complaints(*, user) -> QuerySet[Complaint]:
    """Complaints I own that are still open, due soonest first."""
    return (
        complaint_list(user=user)
        .filter(owner=user, status__in=OPEN_STATUSES)
        .order_by("resolve_due_at", "id")
    )


def staff_of_store(*, store: Store, permission: str | None = None):
    """Active staff of a store (optionally those holding a permission), for assignment choices."""
    from django.contrib.auth.models import Permission

    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(store_memberships__store=store) | Q(groups__permissions__codename="view_all_stores")
        )
    )
    if permission:
        app_label, codename = permission.split(".", 1)
        perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        users = users.filter(Q(groups__permissions__in=perm) | Q(user_permissions__in=perm))
    return users.distinct().order_by("username")


def staff_in_roles(*, store_id: int | None, roles: Iterable[str]) -> list:
    """Active members of a store (any store's, with `store_id=None`: for head office, who
    belong to none) who hold one of the roles, with their profile for their language."""
    users = get_user_model().objects.filter(is_active=True, groups__name__in=list(roles))
    if store_id is not None:
        users = users.filter(store_memberships__store_id=store_id)
    return list(users.select_related("staff_profile").distinct().order_by("pk"))


__all__ = [
    "OPEN_STATUSES",
    "Status",
    "complaint_count",
    "complaint_detail",
    "complaint_list",
    "complaint_timeline",
    "complaints_visible_to",
    "my_open_complaints",
    "sees_all_stores",
    "staff_in_roles",
    "staff_of_store",
    "store_ids_visible_to",
    "stores_visible_to",
]
