"""Changes that are not transitions: reassignment, escalation, notes, the verdict and
attachments."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    NEXT_LEVEL,
    Attachment,
    Complaint,
    ComplaintEvent,
    EventKind,
)
from ..selectors import sees_all_stores
from .core import (
    ComplaintActionError,
    TransitionRefused,
    complaint_lock,
    complaint_save,
    complaint_version_check,
    event_record,
    text_required,
)

# ---- not transitions: assignment, escalation, notes, verdict, attachments --------------------


def complaint_reassign(
    *, complaint_id: int, actor, new_owner, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """A supervisor hands the complaint to another member of the store's staff."""
    if not actor.has_perm("complaints.reassign_complaint"):
        raise TransitionRefused(_("You may not reassign complaints."))
    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        complaint_version_check(complaint, expected_version)
        _check_assignable(complaint, new_owner)
        old_owner = complaint.owner
        complaint.owner = new_owner
        complaint_save(complaint)
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.ASSIGNED,
            text=reason,
            action="reassign",
            data={"from": old_owner.get_username(), "to": new_owner.get_username()},
        )
    return complaint


def _check_assignable(complaint: Complaint, user) -> None:
    if not user.is_active or not (
        sees_all_stores(user) or user.store_memberships.filter(store=complaint.store).exists()
    ):
        raise ComplaintActionError(_("%(user)s does not work at this store.") % {"user": user})
    if not user.has_perm("complaints.view_complaint"):
        raise ComplaintActionError(_("%(user)s cannot work on complaints.") % {"user": user})


def complaint_escalate(
    *, complaint_id: int, actor, new_owner, reason: str, expected_version: int | None = None
) -> Complaint:
    """Raise the level (store → region → head office), reassign, and recompute the due time."""
    reason = text_required(reason, _("Say why the complaint is escalated."))
    if not actor.has_perm("complaints.escalate_complaint"):
        raise TransitionRefused(_("You may not escalate complaints."))
    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        complaint_version_check(complaint, expected_version)
        if not complaint.is_open:
            raise TransitionRefused(_("Only open complaints can be escalated."))
        next_level = NEXT_LEVEL.get(complaint.level)
        if next_level is None:
            raise TransitionRefused(_("This complaint is already at head office level."))
        _check_assignable(complaint, new_owner)
        old_level, old_owner = complaint.level, complaint.owner
        complaint.level = next_level
        complaint.owner = new_owner
        complaint.escalation_count += 1
        complaint.recompute_resolve_due()
        complaint_save(complaint)
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.ESCALATED,
            text=reason,
            action="escalate",
            data={
                "from_level": old_level,
                "to_level": next_level,
                "from": old_owner.get_username(),
                "to": new_owner.get_username(),
                "resolve_due_at": complaint.resolve_due_at.isoformat(),
            },
        )
    return complaint


def complaint_add_note(
    *, complaint_id: int, actor, text: str, kind: str = EventKind.NOTE
) -> ComplaintEvent:
    """Add a note, or record a call or message with the customer, to the timeline."""
    text = text_required(text, _("Write the note first."))
    if kind not in {EventKind.NOTE, EventKind.CALL, EventKind.MESSAGE}:
        raise ComplaintActionError(_("Unknown kind of note."))
    if not actor.has_perm("complaints.add_note"):
        raise TransitionRefused(_("You may not add notes."))
    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        return event_record(complaint=complaint, actor=actor, kind=kind, text=text, action=kind)


def complaint_record_verdict(
    *,
    complaint_id: int,
    actor,
    verdict: str,
    root_cause: str,
    responsible_department: str,
    expected_version: int | None = None,
) -> Complaint:
    """A supervisor records whether the complaint is founded, its root cause and department."""
    if not actor.has_perm("complaints.record_verdict"):
        raise TransitionRefused(_("You may not record the verdict."))
    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        complaint_version_check(complaint, expected_version)
        complaint.verdict = verdict
        complaint.root_cause = root_cause.strip()
        complaint.responsible_department = responsible_department
        complaint_save(complaint)
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.VERDICT,
            text=root_cause.strip(),
            action="verdict",
            data={"verdict": verdict, "department": responsible_department},
        )
    return complaint


def attachment_add(*, complaint: Complaint, actor, upload, _locked: bool = False) -> Attachment:
    """Store a validated upload under a generated name and log it.

    The form validates type (by content), size and count; this checks count again under the
    lock so two uploads at once cannot exceed it.
    """
    from django.conf import settings

    if not actor.has_perm("complaints.add_attachment"):
        raise TransitionRefused(_("You may not add attachments."))
    with transaction.atomic():
        if not _locked:
            complaint = complaint_lock(complaint_id=complaint.pk, actor=actor)
        if complaint.attachments.count() >= settings.ATTACHMENT_MAX_COUNT:
            raise ComplaintActionError(
                _("A complaint can have at most %(count)d attachments.")
                % {"count": settings.ATTACHMENT_MAX_COUNT}
            )
        attachment = Attachment(
            complaint=complaint,
            original_name=getattr(upload, "safe_name", upload.name)[:200],
            content_type=getattr(upload, "detected_type", "application/octet-stream"),
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.ATTACHMENT,
            text=attachment.original_name,
            action="attachment",
        )
    return attachment
