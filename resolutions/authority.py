"""One answer to "may this user grant this resolution without approval?".

The lifecycle's conditions, the forms and the admin all ask `within_authority`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from .models import AuthorityLimit

UNLIMITED = None


def authority_limit_for(*, user, store, resolution_type: str) -> Decimal | None:
    """The largest amount the user may grant at this store for this type (None: unlimited).

    For each of the user's roles the most specific row wins (store and type, then store,
    then type, then the role's default); across roles the user gets the highest.
    A user with no role and no row has no authority (0).
    """
    if not user.is_authenticated or not user.is_active:
        return Decimal("0")
    if user.is_superuser:
        return UNLIMITED
    store_filter = (
        Q(store__isnull=True) | Q(store=store) if store is not None else Q(store__isnull=True)
    )
    rows = AuthorityLimit.objects.filter(
        store_filter, role__in=user.groups.all(), resolution_type__in=[resolution_type, ""]
    ).values("role_id", "store_id", "resolution_type", "max_amount")
    best_by_role: dict[int, tuple[int, Decimal | None]] = {}
    for row in rows:
        specificity = (2 if row["store_id"] else 0) + (1 if row["resolution_type"] else 0)
        current = best_by_role.get(row["role_id"])
        if current is None or specificity > current[0]:
            best_by_role[row["role_id"]] = (specificity, row["max_amount"])
    if not best_by_role:
        return Decimal("0")
    limits = [limit for _, limit in best_by_role.values()]
    if any(limit is UNLIMITED for limit in limits):
        return UNLIMITED
    return max(limits)


def within_authority(*, user, store, resolution_type: str, amount: Decimal) -> bool:
    limit = authority_limit_for(user=user, store=store, resolution_type=resolution_type)
    return limit is UNLIMITED or Decimal(amount) <= limit
