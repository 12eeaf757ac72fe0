"""Four eyes: who may decide (approve, reject, pass up) a resolution waiting for approval.

One rule, asked everywhere: the complaint's `approve` and `reject` transitions
(`complaints.rules`), the services, the complaint page's panel, the approvals queue, the
admin and the list of people notified of a request. Deciding needs the approve permission
and never the proposer; approving also needs the decider's own limit to cover the amount
(`resolutions.authority`).
"""

from __future__ import annotations

from django.db.models import Q

from .authority import AuthorityTable, authority_table

APPROVE_PERMISSION = "complaints.approve_resolution"


def may_decide(*, user, resolution) -> bool:
    """A holder of the approve permission who did not propose the resolution."""
    return (
        resolution is not None
        and user.has_perm(APPROVE_PERMISSION)
        and resolution.proposed_by_id != user.pk
    )


def may_approve(*, user, resolution, store_id: int, table: AuthorityTable | None = None) -> bool:
    """May decide, and the user's own limit covers the amount at the complaint's store."""
    if not may_decide(user=user, resolution=resolution):
        return False
    table = table if table is not None else authority_table(user=user)
    return table.covers(
        store_id=store_id, resolution_type=resolution.type, amount=resolution.amount
    )


def decidable_by(user, *, proposed_by_field: str = "proposed_by") -> Q:
    """`may_decide` as a filter over resolutions (the permission is checked by the caller)."""
    return ~Q(**{proposed_by_field: user.pk})
