"""Writes. Every change of a complaint goes through one function here (or in
resolutions.services) that runs in a transaction, locks the row, checks the user's permission
and the state, applies the change and writes the event row, which sends
`signals.complaint_event_recorded` in the same transaction: that is how follow-up (and any
other app) learns of it, without this app knowing who listens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from . import rules, signals
from .models import (
    NEXT_LEVEL,
    Attachment,
    Complaint,
    ComplaintEvent,
    EventKind,
    ReferenceCounter,
    Status,
    Store,
)
from .selectors import complaints_visible_to, sees_all_stores, stores_visible_to


class ComplaintActionError(Exception):
    """A refusal the user should read: the message is translated and safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TransitionRefused(ComplaintActionError):
    pass


class ComplaintChanged(ComplaintActionError):
    """Someone else changed the complaint since the user loaded it; nothing was applied."""


ACTION_LABELS = {
    "acknowledge": gettext_lazy("acknowledge"),
    "investigate": gettext_lazy("start investigating"),
    "resolve_on_the_spot": gettext_lazy("resolve on the spot"),
    "propose": gettext_lazy("propose a resolution"),
    "approve": gettext_lazy("approve the resolution"),
    "reject": gettext_lazy("reject the resolution"),
    "customer_accepts": gettext_lazy("record the customer's acceptance"),
    "customer_declines": gettext_lazy("record that the customer declined"),
    "complete_fulfilment": gettext_lazy("complete fulfilment"),
    "close": gettext_lazy("close"),
    "close_unfounded": gettext_lazy("close as unfounded"),
    "close_malicious": gettext_lazy("close as malicious"),
    "withdraw": gettext_lazy("record the withdrawal"),
    "reopen": gettext_lazy("reopen"),
}


# ---- helpers shared by every write ----------------------------------------------------------


def complaint_lock(*, complaint_id: int, actor) -> Complaint:
    """Lock the row for this transaction; a complaint the actor may not see does not exist."""
    queryset = complaints_visible_to(actor) if actor is not None else Complaint.objects.all()
    return (
        queryset.select_for_update(of=("self",))
        .select_related("store", "category")
        .get(pk=complaint_id)
    )


def complaint_version_check(complaint: Complaint, expected_version: int | None) -> None:
    if expected_version is not None and complaint.version != expected_version:
        raise ComplaintChanged(
            _(
                "Someone else changed complaint %(reference)s a moment ago (it is now "
                "“%(status)s”). Nothing was applied: please look at it again."
            )
            % {"reference": complaint.reference, "status": complaint.get_status_display()}
        )


def event_record(
    *,
    complaint: Complaint,
    actor,
    kind: str,
    text: str = "",
    action: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> ComplaintEvent:
    """Append one line to the complaint's history and hand it to the follow-up machinery."""
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        kind=kind,
        text=text,
        action=action,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )
    signals.complaint_event_recorded.send(sender=ComplaintEvent, event=event)
    return event


def _save(complaint: Complaint) -> None:
    complaint.version = F("version") + 1
    try:
        complaint.save()
    except ConcurrentTransition as exc:  # belt and braces: the row lock should make this rare
        raise ComplaintChanged(
            _("Someone else changed this complaint a moment ago. Nothing was applied.")
        ) from exc
    complaint.refresh_from_db(fields=["version"])


def event_texts_redact(*, complaint_ids: Iterable[int], redact: Callable[[str], str]) -> int:
    """Erasure's one sanctioned edit of the append-only log: rewrite event texts (nothing else)
    of these complaints. On PostgreSQL the trigger allows it only inside this transaction."""
    changed = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL onestop.erasure = 'on'")
        events = ComplaintEvent.objects.filter(complaint_id__in=list(complaint_ids)).exclude(
            text=""
        )
        for pk, text in events.values_list("pk", "text"):
            redacted = redact(text)
            if redacted != text:
                # Past the queryset's own refusal on purpose: this is the redaction path.
                QuerySet.update(ComplaintEvent.objects.filter(pk=pk), text=redacted)
                changed += 1
    return changed


def transition_run(
    *,
    complaint_id: int,
    actor,
    name: str,
    text: str = "",
    expected_version: int | None = None,
    kwargs: dict | None = None,
    before: Callable[[Complaint], None] | None = None,
    after: Callable[[Complaint], None] | None = None,
    data: dict | None = None,
    system: bool = False,
) -> Complaint:
    """Run one lifecycle transition for a user: lock, check state and permission, apply, log.

    `before` runs on the locked complaint before the transition (to validate or prepare),
    `after` once it is applied and saved, both inside the same transaction. `system=True`
    (only with actor=None) is the follow-up machinery acting on its own, e.g. closing a
    complaint nobody answered about: no user's permission applies, the event has no actor.

    `text` is only what a person typed. The system's own words go in `data` as an English
    message id (`msgid`, with `params` for its placeholders, never anything personal) that the
    timeline translates for each reader.
    """
    if system and actor is not None:
        raise ValueError("A system transition has no actor.")
    with transaction.atomic():
        complaint = complaint_lock(complaint_id=complaint_id, actor=actor)
        complaint_version_check(complaint, expected_version)
        method = getattr(complaint, name)
        label = ACTION_LABELS.get(name, name)
        if not can_proceed(method):
            raise TransitionRefused(
                _("Complaint %(reference)s is “%(status)s”: it is too late to %(action)s.")
                % {
                    "reference": complaint.reference,
                    "status": complaint.get_status_display(),
                    "action": label,
                }
            )
        if not system and (actor is None or not has_transition_perm(method, actor)):
            raise TransitionRefused(
                _("You may not %(action)s on complaint %(reference)s.")
                % {"action": label, "reference": complaint.reference}
            )
        if before is not None:
            before(complaint)
        from_status = complaint.status
        method(**(kwargs or {}))
        _save(complaint)
        if after is not None:
            after(complaint)
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.TRANSITION,
            text=text,
            action=name,
            from_status=from_status,
            to_status=complaint.status,
            data=data,
        )
    return complaint


def available_transitions(*, complaint: Complaint, user) -> list[str]:
    """The names of the transitions this user may run on this complaint now (for buttons)."""
    return [
        t.name
        for t in complaint.get_available_user_status_transitions(user)  # type: ignore[attr-defined]
    ]


def _require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ComplaintActionError(message)
    return text


# ---- intake ----------------------------------------------------------------------------------


def _next_reference(*, store: Store, year: int) -> str:
    """`STORE-YYYY-NNNNNN`, unique under concurrent intake: the counter row is locked by the
    UPDATE until the intake transaction commits."""
    updated = ReferenceCounter.objects.filter(store=store, year=year).update(
        last_number=F("last_number") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(store=store, year=year, last_number=1)
        except IntegrityError:
            ReferenceCounter.objects.filter(store=store, year=year).update(
                last_number=F("last_number") + 1
            )
    number = ReferenceCounter.objects.get(store=store, year=year).last_number
    return f"{store.code.upper()}-{year}-{number:06d}"


def complaint_create(
    *,
    actor,
    store: Store,
    customer,
    channel: str,
    category,
    account: str,
    severity: str = "medium",
    received_at: datetime | None = None,
    desired_outcome: str = "",
    mood: str = "",
    product_name: str = "",
    product_sku: str = "",
    product_batch: str = "",
    purchase_date=None,
    receipt_number: str = "",
    acknowledge_now: bool = False,
    attachments: Iterable = (),
) -> Complaint:
    """Log a complaint: the logging user owns it; walk-ins may be acknowledged at intake."""
    if not actor.has_perm("complaints.add_complaint"):
        raise PermissionDenied
    if not stores_visible_to(actor).filter(pk=store.pk).exists():
        raise PermissionDenied
    received_at = received_at or timezone.now()
    with transaction.atomic():
        complaint = Complaint(
            reference=_next_reference(store=store, year=received_at.astimezone(store.zone).year),
            store=store,
            customer=customer,
            channel=channel,
            category=category,
            account=account,
            severity=severity,
            received_at=received_at,
            desired_outcome=desired_outcome,
            mood=mood,
            product_name=product_name,
            product_sku=product_sku,
            product_batch=product_batch,
            purchase_date=purchase_date,
            receipt_number=receipt_number,
            owner=actor,
            created_by=actor,
            ack_due_at=rules.ack_due_at(received_at=received_at),
            resolve_due_at=rules.resolve_due_at(
                received_at=received_at,
                level="store",
                severity=severity,
                category_hours=category.resolve_within_hours,
            ),
        )
        complaint.save()
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.CREATED,
            to_status=Status.NEW,
            action="create",
            data={"channel": channel},
        )
        for upload in attachments:
            attachment_add(complaint=complaint, actor=actor, upload=upload, _locked=True)
        if acknowledge_now:
            # The system's words are an English message id: the timeline translates them for
            # each reader.
            complaint = complaint_acknowledge(
                complaint_id=complaint.pk,
                actor=actor,
                data={"msgid": gettext_noop("Acknowledged at intake.")},
            )
    return complaint


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
    reason = _require_text(reason, _("Say why the complaint is unfounded."))
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
    reason = _require_text(reason, _("Say why the complaint is malicious."))
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
    reason = _require_text(reason, _("Record what the customer said when withdrawing."))
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
    reason = _require_text(reason, _("Say why the complaint is reopened."))

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
        _save(complaint)
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
    reason = _require_text(reason, _("Say why the complaint is escalated."))
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
        _save(complaint)
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
    text = _require_text(text, _("Write the note first."))
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
        _save(complaint)
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
