"""One answer to "may this user grant this resolution without approval?".

The lifecycle's conditions (`complaints.rules`), the services, the forms, the approvals queue
and the admin all ask `within_authority` / `authority_table`, so a limit cannot be honoured on
one path and bypassed on another.

How a limit is found (SPEC.md "Authority limit"): for each of the user's roles the most
specific row wins (store and type, then store, then type, then the role's default); across
roles the user gets the highest. A blank amount is unlimited. A user with no matching row has
no authority at all (0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db.models import Q

from .models import AuthorityLimit, ResolutionType

UNLIMITED = None


@dataclass(frozen=True)
class _Row:
    role_id: int
    store_id: int | None
    resolution_type: str
    max_amount: Decimal | None

    @property
    def specificity(self) -> int:
        return (2 if self.store_id else 0) + (1 if self.resolution_type else 0)


def _limit_from_rows(rows: list[_Row], *, store_id: int | None, resolution_type: str):
    best_by_role: dict[int, _Row] = {}
    for row in rows:
        if row.store_id not in (None, store_id):
            continue
        if row.resolution_type not in ("", resolution_type):
            continue
        current = best_by_role.get(row.role_id)
        if current is None or row.specificity > current.specificity:
            best_by_role[row.role_id] = row
    if not best_by_role:
        return Decimal("0")
    limits = [row.max_amount for row in best_by_role.values()]
    if any(limit is UNLIMITED for limit in limits):
        return UNLIMITED
    return max(limits)


def _covers(limit: Decimal | None, amount) -> bool:
    return limit is UNLIMITED or Decimal(amount) <= limit


@dataclass(frozen=True)
class AuthorityTable:
    """A user's limits for every store and type, read in one query; answers without more."""

    rows: list[_Row] = field(default_factory=list)
    unlimited: bool = False

    def limit(self, *, store_id: int | None, resolution_type: str) -> Decimal | None:
        if self.unlimited:
            return UNLIMITED
        return _limit_from_rows(self.rows, store_id=store_id, resolution_type=resolution_type)

    def covers(self, *, store_id: int | None, resolution_type: str, amount) -> bool:
        return _covers(self.limit(store_id=store_id, resolution_type=resolution_type), amount)

    def q(
        self,
        *,
        store_field: str = "complaint__store",
        type_field: str = "type",
        amount_field: str = "amount",
    ) -> Q:
        """A filter for resolutions this user may grant (for queues and the admin list)."""
        if self.unlimited:
            return Q()
        override_stores = sorted({row.store_id for row in self.rows if row.store_id})
        condition = Q(pk__in=[])
        for resolution_type in ResolutionType.values:
            chain_wide = Q(**{type_field: resolution_type})
            if override_stores:
                chain_wide &= ~Q(**{f"{store_field}__in": override_stores})
            condition |= chain_wide & self._amount_q(
                amount_field, self.limit(store_id=None, resolution_type=resolution_type)
            )
            for store_id in override_stores:
                condition |= Q(**{store_field: store_id, type_field: resolution_type}) & (
                    self._amount_q(
                        amount_field,
                        self.limit(store_id=store_id, resolution_type=resolution_type),
                    )
                )
        return condition

    @staticmethod
    def _amount_q(amount_field: str, limit: Decimal | None) -> Q:
        return Q() if limit is UNLIMITED else Q(**{f"{amount_field}__lte": limit})


def _rows_for(roles_filter: Q) -> list[_Row]:
    return [
        _Row(**values)
        for values in AuthorityLimit.objects.filter(roles_filter).values(
            "role_id", "store_id", "resolution_type", "max_amount"
        )
    ]


def authority_table(*, user) -> AuthorityTable:
    """Every limit of the user's roles, in one query."""
    if not user.is_authenticated or not user.is_active:
        return AuthorityTable()
    if user.is_superuser:
        return AuthorityTable(unlimited=True)
    return AuthorityTable(rows=_rows_for(Q(role__in=user.groups.all())))


def authority_limit_for(*, user, store, resolution_type: str) -> Decimal | None:
    """The largest amount the user may grant at this store for this type (None: unlimited)."""
    return authority_table(user=user).limit(
        store_id=getattr(store, "pk", None), resolution_type=resolution_type
    )


def within_authority(*, user, store, resolution_type: str, amount) -> bool:
    """May this user grant this amount of this type at this store without approval?"""
    return _covers(
        authority_limit_for(user=user, store=store, resolution_type=resolution_type), amount
    )


def role_to_pass_up_to(*, store, resolution_type: str, amount) -> Group | None:
    """The lowest role whose limit covers this amount: where a pass-up goes.

    Only roles that hold the approve permission count; None when no role's limit covers it.
    """
    approvers = Group.objects.filter(
        permissions__codename="approve_resolution",
        permissions__content_type__app_label="complaints",
    )
    rows = _rows_for(Q(role__in=approvers))
    roles = {group.pk: group for group in approvers}
    candidates = []
    for role_id, group in roles.items():
        role_rows = [row for row in rows if row.role_id == role_id]
        limit = _limit_from_rows(
            role_rows, store_id=getattr(store, "pk", None), resolution_type=resolution_type
        )
        if _covers(limit, amount):
            # Unlimited sorts last: pass to the smallest sufficient authority first.
            candidates.append((limit is UNLIMITED, limit or Decimal("0"), group.name, group))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[:3])[3]
