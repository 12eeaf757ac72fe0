"""One service per lifecycle transition of the complaint itself (the resolution's are in
`resolutions.services`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import (
    Complaint,
)
from .core import text_required, transition_run

# ---- simple transitions ----------------------------------------------------------------------


def complaint_acknowledge(
    *,
    complaint_id: int,
    actor,
    note: str = "",
    expected_version: int | None = None,
    data: dict | None = None,
) -> Complaint:
    """Acknowledge receipt to the customer (within 24 hours). `note` is what staff typed;
    words of the system's own go in `data` as a message id (see `transition_run`)."""
    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="acknowledge",
        text=note,
        expected_version=expected_version,
        data=data,
    )


def complaint_investigate(
    *, complaint_id: int, actor, note: str = "", expected_version: int | None = None
) -> Complaint:
    """Start verifying and investigating the complaint."""
    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="investigate",
        text=note,
        expected_version=expected_version,
    )


def complaint_close(
    *,
    complaint_id: int,
    actor,
    note: str = "",
    expected_version: int | None = None,
    system: bool = False,
    data: dict | None = None,
) -> Complaint:
    """Close a resolved complaint after follow-up (or automatically when nobody answered:
    then `actor=None, system=True`, and the reason is a message id in `data`)."""
    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="close",
        text=note,
        expected_version=expected_version,
        system=system,
        data=data,
    )


def complaint_close_unfounded(
    *,
    complaint_id: int,
    actor,
    reason: str,
    root_cause: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """A supervisor closes a complaint found unfounded; the reason is required."""
    reason = text_required(reason, _("Say why the complaint is unfounded."))
    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="close_unfounded",
        text=reason,
        expected_version=expected_version,
        before=lambda c: _set_root_cause(c, root_cause),
    )


def complaint_close_malicious(
    *,
    complaint_id: int,
    actor,
    reason: str,
    root_cause: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """A supervisor closes a complaint found malicious; the reason is required."""
    reason = text_required(reason, _("Say why the complaint is malicious."))
    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="close_malicious",
        text=reason,
        expected_version=expected_version,
        before=lambda c: _set_root_cause(c, root_cause),
    )


def _set_root_cause(complaint: Complaint, root_cause: str) -> None:
    if root_cause.strip():
        complaint.root_cause = root_cause.strip()


def complaint_withdraw(
    *, complaint_id: int, actor, reason: str, expected_version: int | None = None
) -> Complaint:
    """The customer withdrew the complaint; record what they said."""
    reason = text_required(reason, _("Record what the customer said when withdrawing."))
    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="withdraw",
        text=reason,
        expected_version=expected_version,
    )


def complaint_reopen(
    *, complaint_id: int, actor, reason: str, expected_version: int | None = None
) -> Complaint:
    """A supervisor takes a resolved or closed complaint back to investigating; counted."""
    reason = text_required(reason, _("Say why the complaint is reopened."))

    def _retire_resolution(complaint: Complaint) -> None:
        complaint.resolutions.filter(is_current=True).update(is_current=False)

    return transition_run(
        complaint_id=complaint_id,
        actor=actor,
        name="reopen",
        text=reason,
        expected_version=expected_version,
        after=_retire_resolution,
    )
