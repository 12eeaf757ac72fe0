"""The machinery every write of a complaint shares: refusals, the row lock and the version
check, the event row (which sends `complaint_event_recorded`), and running one transition."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from .. import signals
from ..models import (
    Complaint,
    ComplaintEvent,
    EventKind,
)
from ..selectors import complaints_visible_to


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


def complaint_save(complaint: Complaint) -> None:
    complaint.version = F("version") + 1
    try:
        complaint.save()
    except ConcurrentTransition as exc:  # belt and braces: the row lock should make this rare
        raise ComplaintChanged(
            _("Someone else changed this complaint a moment ago. Nothing was applied.")
        ) from exc
    complaint.refresh_from_db(fields=["version"])


def event_texts_redact(*, customer_id: int, redact: Callable[[str], str]) -> int:
    """Erasure's one sanctioned edit of the append-only log: rewrite the event texts (nothing
    else) of an anonymised customer's complaints. On PostgreSQL only the database function
    `complaints_event_texts_erase` may do it (migration 0008), and only for such a customer."""
    events = ComplaintEvent.objects.filter(complaint__customer_id=customer_id).exclude(text="")
    redacted = {}
    for pk, text in events.values_list("pk", "text"):
        new_text = redact(text)
        if new_text != text:
            redacted[pk] = new_text
    if not redacted:
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT complaints_event_texts_erase(%s, %s, %s)",
                    [customer_id, list(redacted), list(redacted.values())],
                )
                return cursor.fetchone()[0]
        for pk, new_text in redacted.items():
            # Past the queryset's own refusal on purpose: this is the redaction path.
            QuerySet.update(ComplaintEvent.objects.filter(pk=pk), text=new_text)
    return len(redacted)


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
        complaint_save(complaint)
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


def text_required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ComplaintActionError(message)
    return text
