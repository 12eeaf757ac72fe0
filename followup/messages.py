"""What each notification says. Stored as a kind plus parameters and rendered in whatever
language is active, so the in-app list follows the reader's language and e-mails are rendered
under `translation.override(recipient's language)`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Words passed as ("t", msgid) parameters, listed here so makemessages finds them.
YES = gettext_noop("yes")
NO = gettext_noop("no")

MESSAGES = {
    "critical_logged": _("Critical complaint %(reference)s was logged at %(store)s."),
    "approval_requested": _(
        "%(actor)s asks for approval of %(amount)s on complaint %(reference)s."
    ),
    "approved": _("%(actor)s approved the resolution of complaint %(reference)s."),
    "rejected": _("%(actor)s rejected the resolution of complaint %(reference)s: %(reason)s"),
    "assigned": _("%(actor)s assigned complaint %(reference)s to you."),
    "escalated": _("Complaint %(reference)s was escalated to you by %(actor)s: %(reason)s"),
    "reopened": _("Complaint %(reference)s was reopened by %(actor)s: %(reason)s"),
    "ack_due_soon": _("Complaint %(reference)s must be acknowledged by %(due)s."),
    "ack_breached": _("Complaint %(reference)s was not acknowledged in time (due %(due)s)."),
    "ack_breached_day": _(
        "Complaint %(reference)s at %(store)s is still not acknowledged a day after it was due "
        "(%(due)s)."
    ),
    "resolve_due_soon": _("Complaint %(reference)s must be resolved by %(due)s."),
    "resolve_breached": _("Complaint %(reference)s was not resolved in time (due %(due)s)."),
    "resolve_breached_day": _(
        "Complaint %(reference)s at %(store)s is still not resolved a day after it was due "
        "(%(due)s)."
    ),
    "approval_waiting": _(
        "The resolution of complaint %(reference)s has been waiting for approval since %(since)s."
    ),
    "approval_waiting_day": _(
        "The resolution of complaint %(reference)s at %(store)s has been waiting for approval "
        "for more than a day (since %(since)s)."
    ),
    "commitment_due_soon": _(
        "Commitment on complaint %(reference)s is due by %(due)s: %(commitment)s"
    ),
    "commitment_overdue": _("Commitment on complaint %(reference)s is overdue: %(commitment)s"),
    "commitment_overdue_day": _(
        "Commitment on complaint %(reference)s at %(store)s is a day overdue: %(commitment)s"
    ),
    "survey_dissatisfied": _(
        "The customer of complaint %(reference)s is not satisfied (score %(score)s, problem "
        "solved: %(solved)s). Consider reopening it."
    ),
    "weekly_digest": _("The weekly summary of %(store)s for %(week)s is ready."),
}


def render_notification(kind: str, params: dict) -> str:
    template = MESSAGES.get(kind)
    if template is None:
        return kind
    values = {key: _translate_param(value) for key, value in params.items()}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)


def _translate_param(value):
    """Parameters may be ("t", "msgid") pairs that must be translated at render time."""
    if isinstance(value, list) and len(value) == 2 and value[0] == "t":
        from django.utils.translation import gettext

        return gettext(value[1])
    return value
