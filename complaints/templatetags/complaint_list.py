"""The complaint list's rendering, kept cheap: the page shows 21 filters and 50 rows on every
request, and rendering them through crispy's and Django's per-field templates took longer than
the page's queries (see the report of issue 5)."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join

from complaints.models import Complaint

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


_LABELS = {
    name: dict(Complaint._meta.get_field(name).flatchoices)
    for name in ("status", "severity", "channel", "level")
}


@register.filter
def choice_label(complaint: Complaint, name: str) -> str:
    """`get_<name>_display()` without its cost: Django hashes every choice's (lazy) label on
    each call, a translation lookup per choice and row."""
    value = getattr(complaint, name)
    return str(_LABELS[name].get(value, value))
