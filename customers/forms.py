"""Forms of the customer pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Customer
from .services import EDITABLE_FIELDS


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone or e-mail"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )


class CustomerForm(forms.ModelForm):
    """Correcting a customer's details (front desk and up)."""

    class Meta:
        model = Customer
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "handling_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and not self.errors:
            raise forms.ValidationError(_("Keep a phone number or an e-mail so we can reach them."))
        return cleaned
