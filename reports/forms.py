"""The weekly report's choice of week (stores are read by the view: another store's id is a
404, not a form error)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .filters import IsoWeekField


class WeeklyReportForm(forms.Form):
    week = IsoWeekField(
        label=_("Week"),
        required=False,
        widget=forms.TextInput(attrs={"type": "week", "class": "form-control"}),
        help_text=_("Weeks run from Monday to Sunday in each store's own time zone."),
    )
