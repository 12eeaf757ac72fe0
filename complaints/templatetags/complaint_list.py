"""The complaint list's rendering, kept cheap: the page shows 21 filters and 50 rows on every
request, and rendering them through crispy's and Django's per-field templates took longer than
the page's queries (measured by `make bench`: the list page)."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.templatetags.complaints_tags import (
    choice_label,
    due_at,
    in_zone,
    masked,
    severity_badge,
    status_badge,
)

register = template.Library()


@register.filter
def filter_field(field: BoundField) -> str:
    """One filter as crispy's Bootstrap 5 field renders it (same markup: label, control with
    the same classes, errors below), written in Python."""
    widget = field.field.widget
    css = [type(widget).__name__.lower()]
    css.append("form-select" if isinstance(widget, forms.Select) else "form-control")
    attrs = {}
    errors = ""
    if field.errors:
        css.append("is-invalid")
        attrs = {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}_error"}
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
            ),
        )
    attrs["class"] = " ".join([widget.attrs.get("class", ""), *css]).strip()
    label = ""
    if field.label:
        label = format_html(
            '<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label
        )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}</div>',
        field.auto_id,
        label,
        field.as_widget(attrs=attrs),
        errors,
    )


@register.simple_tag
def complaint_row(complaint: Complaint, hide_customer=False, hide_owner=False) -> str:
    """One row of the complaint table (list, my work, a customer's complaints), written in
    Python as Django's admin writes its change list rows: some twenty template lookups and
    tags for each of 50 rows cost more than the page's queries."""
    c = complaint
    zone = c.store.time_zone
    badges = []
    if c.resolved_on_the_spot:
        spot = _("Resolved on the spot")
        badges.append(
            format_html(
                ' <span class="badge text-bg-success-subtle border border-success-subtle '
                'text-success-emphasis" title="{}"><i class="bi bi-lightning-charge" '
                'aria-hidden="true"></i><span class="visually-hidden">{}</span></span>',
                spot,
                spot,
            )
        )
    if c.reopen_count:
        badges.append(
            format_html(
                ' <span class="badge text-bg-warning" title="{}">↺ {}</span>',
                _("Reopened"),
                c.reopen_count,
            )
        )
    level = ""
    if c.level != "store":
        level = format_html(
            ' <span class="badge text-bg-light border">{}</span>', choice_label(c, "level")
        )
    customer = ""
    if not hide_customer:
        customer = format_html(
            '<td>{}<div class="small text-body-secondary text-nowrap" '
            'data-testid="masked-phone">{}</div></td>',
            c.customer.name,
            masked(c.customer.phone),
        )
    product = ""
    if c.product_name:
        product = format_html(
            '<div class="text-body-secondary text-truncate">{}</div>', c.product_name
        )
    owner = ""
    if not hide_owner:
        owner = format_html(
            '<td class="small">{}</td>', c.owner.get_full_name() or c.owner.get_username()
        )
    return format_html(
        "<tr{}>"
        '<td class="text-nowrap"><a href="{}" class="fw-semibold">{}</a>{}'
        '<div class="small text-body-secondary">{} · {}</div></td>'
        "<td>{}{}</td>"
        '<td class="text-nowrap small">{}</td>'
        "{}"
        '<td class="small">{} › {}{}</td>'
        "<td>{}</td>"
        '<td class="small text-nowrap">{}</td>'
        "{}</tr>",
        mark_safe(' class="table-danger"') if c.is_overdue else "",  # noqa: S308
        reverse("complaints:detail", args=[c.reference]),
        c.reference,
        mark_safe("".join(badges)),  # noqa: S308 (each built with format_html)
        c.store.code.upper(),
        choice_label(c, "channel"),
        status_badge(c),
        level,
        in_zone(c.received_at, zone).strftime("%Y-%m-%d %H:%M"),
        customer,
        c.category.parent.name if c.category.parent_id else "",
        c.category.name,
        product,
        severity_badge(c),
        due_at(c, zone),
        owner,
    )
