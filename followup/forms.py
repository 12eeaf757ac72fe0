"""Forms: the customer's survey, the outcome of a callback, the reason for a reopen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

SCORES = [(n, str(n)) for n in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled your complaint?"),
        help_text=_("1 = very dissatisfied, 5 = very satisfied"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    solved = forms.ChoiceField(
        label=_("Was your problem solved?"), choices=YES_NO, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything else you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @property
    def solved_value(self) -> bool | None:
        return _yes_no(self.cleaned_data.get("solved"))


class CallbackOutcomeForm(forms.Form):
    reached = forms.ChoiceField(
        label=_("Did you reach the customer?"), choices=YES_NO, widget=forms.RadioSelect
    )
    satisfaction = forms.TypedChoiceField(
        label=_("The customer's satisfaction (1 to 5)"),
        choices=[("", "—"), *SCORES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    solved = forms.ChoiceField(
        label=_("Is the problem solved, in the customer's words?"),
        choices=[("", "—"), *YES_NO],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("reached") == "yes":
            if not data.get("satisfaction"):
                self.add_error("satisfaction", _("Record the customer's score."))
            if not data.get("solved"):
                self.add_error("solved", _("Record whether the problem is solved."))
        return data

    @property
    def values(self) -> dict:
        data = self.cleaned_data
        reached = data["reached"] == "yes"
        return {
            "reached": reached,
            "satisfaction": data.get("satisfaction") if reached else None,
            "solved": _yes_no(data.get("solved")) if reached else None,
            "note": data.get("note", ""),
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
