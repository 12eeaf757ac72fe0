"""Data for the resolution includes on other apps' pages, in a fixed number of queries.

- `{% resolution_panel_data complaint as panel %}` for the complaint page's panel;
- `{% resolutions_my_work as work %}` for the my-work page;
- `{% script_for category as script %}` for the script hint at intake.
"""

from __future__ import annotations

from django import template
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
    """Approvals waiting for me, my open fulfilment tasks, my commitments due soon or broken."""
    user = context["user"]
    approvals = resolutions_user_may_approve(user=user)
    tasks = fulfilment_tasks_open_for(user=user)
    commitments = commitments_due_for(user=user)
    may_approve = user.has_perm("complaints.approve_resolution")
    approval_rows = list(approvals[:MY_WORK_ROWS]) if may_approve else []
    task_rows = list(tasks[:MY_WORK_ROWS])
    commitment_rows = list(commitments[: MY_WORK_ROWS * 2])
    return {
        "may_approve": may_approve,
        "approvals": approval_rows,
        "approvals_count": _count(approvals, approval_rows, MY_WORK_ROWS),
        "tasks": task_rows,
        "tasks_count": _count(tasks, task_rows, MY_WORK_ROWS),
        "commitments": commitment_rows,
        "commitments_count": _count(commitments, commitment_rows, MY_WORK_ROWS * 2),
        "broken_count": (
            sum(1 for commitment in commitment_rows if commitment.is_broken)
            if len(commitment_rows) < MY_WORK_ROWS * 2
            else commitments.filter(due_at__lt=timezone.now()).count()
        ),
    }


def _count(queryset, rows: list, page: int) -> int:
    """The total, without a COUNT query when the first rows already are all of them."""
    return len(rows) if len(rows) < page else queryset.count()


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
