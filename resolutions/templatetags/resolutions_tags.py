"""Data for the resolution includes on other apps' pages, in a fixed number of queries.

- `{% resolution_panel_data complaint as panel %}` for the complaint page's panel;
- `{% resolutions_my_work as work %}` for the my-work page;
- `{% script_for category as script %}` for the script hint at intake.
"""

from __future__ import annotations

from django import template
from django.db.models import Count, Q, Window
from django.utils import timezone

from complaints.models import Status

from .. import links
from ..forms import (
    AcceptanceForm,
    ApproveForm,
    CommitmentForm,
    DeclineForm,
    PassUpForm,
    RejectForm,
    ResolutionForm,
)
from ..models import ResolutionState
from ..selectors import (
    commitments_due_for,
    complaint_panel_data,
    fulfilment_tasks_open_for,
    resolutions_user_may_approve,
    response_script_for,
    script_language,
)

register = template.Library()

MY_WORK_ROWS = 5
PROPOSABLE = {Status.NEW, Status.ACKNOWLEDGED, Status.INVESTIGATING}
SETTLEABLE = {Status.NEW, Status.ACKNOWLEDGED}
PRINTABLE = {ResolutionState.OFFERED, ResolutionState.ACCEPTED, ResolutionState.FULFILLED}


@register.simple_tag(takes_context=True)
def resolution_panel_data(context, complaint, available=None):
    """Everything the resolution panel of one complaint shows and offers to this user."""
    user = context["user"]
    panel = complaint_panel_data(complaint=complaint, user=user)
    available = set(available or ())
    status = complaint.status
    panel.may_propose = status in PROPOSABLE and user.has_perm("complaints.propose_resolution")
    panel.may_settle = status in SETTLEABLE and (
        "resolve_on_the_spot" in available or user.has_perm("complaints.resolve_on_the_spot")
    )
    panel.may_answer = status == Status.AWAITING_CUSTOMER and user.has_perm(
        "complaints.record_customer_response"
    )
    panel.may_fulfil = status == Status.IN_FULFILMENT and user.has_perm(
        "complaints.record_fulfilment"
    )
    panel.may_commit = status != Status.CLOSED and user.has_perm("resolutions.add_commitment")
    panel.may_keep = user.has_perm("resolutions.keep_commitment")
    panel.printable = panel.current is not None and panel.current.state in PRINTABLE
    if panel.may_propose or panel.may_settle:
        panel.form = ResolutionForm(user=user, complaint=complaint, table=panel.table)
    if panel.may_decide:
        panel.approve_form = ApproveForm(auto_id="approve_%s")
        panel.reject_form = RejectForm(auto_id="reject_%s")
        panel.pass_up_form = PassUpForm(auto_id="passup_%s")
    if panel.may_answer:
        panel.acceptance_form = AcceptanceForm(auto_id="accept_%s")
        panel.decline_form = DeclineForm(auto_id="decline_%s")
    if panel.may_commit:
        panel.commitment_form = CommitmentForm(auto_id="commitment_%s")
    return panel


@register.simple_tag(takes_context=True)
def resolutions_my_work(context):
    """Approvals waiting for me, my open fulfilment tasks, my commitments due soon or broken:
    one query each, the totals riding along with the first rows."""
    user = context["user"]
    may_approve = user.has_perm("complaints.approve_resolution")
    approvals, approvals_total = (
        _first_rows(
            # The card shows the reference, the amount and who proposed it: no more joins.
            resolutions_user_may_approve(user=user)
            .select_related(None)
            .select_related("complaint", "proposed_by"),
            MY_WORK_ROWS,
        )
        if may_approve
        else ([], {"total": 0})
    )
    tasks, tasks_total = _first_rows(fulfilment_tasks_open_for(user=user), MY_WORK_ROWS)
    commitments, commitments_total = _first_rows(
        commitments_due_for(user=user),
        MY_WORK_ROWS * 2,
        broken=Q(due_at__lt=timezone.now()),
    )
    return {
        "may_approve": may_approve,
        "approvals": approvals,
        "approvals_count": approvals_total["total"],
        "tasks": tasks,
        "tasks_count": tasks_total["total"],
        "commitments": commitments,
        "commitments_count": commitments_total["total"],
        "broken_count": commitments_total["broken"],
    }


def _first_rows(queryset, limit: int, **subsets: Q) -> tuple[list, dict[str, int]]:
    """The first `limit` rows, how many rows there are in all and how many in each subset,
    in one query: the counts are window functions over the whole result."""
    counts = {"total": Window(Count("pk"))}
    counts.update({name: Window(Count("pk", filter=q)) for name, q in subsets.items()})
    rows = list(queryset.annotate(**{f"_{name}": c for name, c in counts.items()})[:limit])
    return rows, {name: getattr(rows[0], f"_{name}") if rows else 0 for name in counts}


STATE_CLASSES = {
    ResolutionState.AWAITING_APPROVAL: "text-bg-warning",
    ResolutionState.OFFERED: "text-bg-info",
    ResolutionState.ACCEPTED: "text-bg-primary",
    ResolutionState.FULFILLED: "text-bg-success",
    ResolutionState.REJECTED: "text-bg-danger",
    ResolutionState.DECLINED: "text-bg-secondary",
    ResolutionState.WITHDRAWN: "text-bg-light border",
}


@register.filter
def resolution_state_class(state: str) -> str:
    """The Bootstrap badge class for a resolution state."""
    return STATE_CLASSES.get(state, "text-bg-secondary")


@register.simple_tag
def script_for(category, language: str = ""):
    """The response script for a category in the given (or the current) language."""
    return response_script_for(category=category, language=script_language(language or None))


@register.filter
def complaint_url(complaint) -> str:
    """The complaint page of a complaint."""
    return links.complaint_url(complaint)
