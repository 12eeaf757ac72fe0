"""Small pieces the complaint and customer pages share: badges, due times, masked phones."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from complaints.models import Complaint, Severity, Status
from customers.models import mask_phone

register = template.Library()

STATUS_STYLES = {
    Status.NEW: "text-bg-info",
    Status.ACKNOWLEDGED: "text-bg-primary",
    Status.INVESTIGATING: "text-bg-primary",
    Status.AWAITING_APPROVAL: "text-bg-warning",
    Status.AWAITING_CUSTOMER: "text-bg-light border",
    Status.IN_FULFILMENT: "text-bg-secondary",
    Status.RESOLVED: "text-bg-success",
    Status.CLOSED: "text-bg-dark",
}
SEVERITY_STYLES = {
    Severity.LOW: "text-bg-light border",
    Severity.MEDIUM: "text-bg-secondary",
    Severity.HIGH: "text-bg-warning",
    Severity.CRITICAL: "text-bg-danger",
}
DUE_SOON = timedelta(hours=4)
# get_FOO_display() hashes every choice's lazy label (a translation lookup each) per call; the
# list shows badges and labels on each of its 50 rows.
_CHOICE_LABELS = {
    name: dict(Complaint._meta.get_field(name).flatchoices)
    for name in ("status", "severity", "channel", "level")
}


def choice_label(complaint, name: str) -> str:
    """`get_<name>_display()` without its cost, in the reader's language."""
    value = getattr(complaint, name)
    return str(_CHOICE_LABELS[name].get(value, value))


@register.simple_tag
def status_badge(complaint) -> str:
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_STYLES.get(complaint.status, "text-bg-secondary"),
        complaint.status,
        choice_label(complaint, "status"),
    )


@register.simple_tag
def severity_badge(complaint) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        SEVERITY_STYLES.get(complaint.severity, "text-bg-secondary"),
        choice_label(complaint, "severity"),
    )


@register.simple_tag
def due_at(complaint, tz_name: str = "") -> str:
    """When the complaint is due next (acknowledgement while new, else resolution), in the
    store's time zone, marked when overdue or due within four hours."""
    if not complaint.is_open:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    due = complaint.acknowledge_by if complaint.status == Status.NEW else complaint.resolve_due_at
    zone = _zone(tz_name)
    shown = timezone.localtime(due, zone).strftime("%Y-%m-%d %H:%M")
    what = _("acknowledge by") if complaint.status == Status.NEW else _("resolve by")
    if complaint.status == Status.AWAITING_CUSTOMER:
        return format_html(
            '<span class="text-body-secondary" title="{}">{} <small>({})</small></span>',
            what,
            shown,
            _("paused: waiting for the customer"),
        )
    now = timezone.now()
    if complaint.is_overdue:
        return format_html(
            '<span class="due-overdue text-danger-emphasis" title="{}">'
            '<i class="bi bi-exclamation-triangle-fill" '
            'aria-hidden="true"></i> {} <span class="badge text-bg-danger">{}</span></span>',
            what,
            shown,
            _("overdue"),
        )
    css = "due-soon text-warning-emphasis fw-semibold" if due - now <= DUE_SOON else ""
    return format_html('<span class="{}" title="{}">{}</span>', css, what, shown)


def _zone(tz_name: str):
    if not tz_name:
        return timezone.get_current_timezone()
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


@register.filter
def masked(phone) -> str:
    """`138****5678`."""
    return mask_phone(phone)


@register.filter
def in_zone(value, tz_name: str):
    """A datetime in the given store's time zone (for rows of several stores on one page)."""
    if value is None:
        return None
    return timezone.localtime(value, _zone(tz_name))
