"""Forms for resolutions. `ResolutionForm` is shared by intake (settle on the spot or request
approval), the complaint page (propose / settle) and tells the user their own limit. The
small forms below carry the approver's and the customer's answers."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .authority import UNLIMITED, authority_table
from .models import AcceptanceMethod, ResolutionType


class BootstrapMixin:
    """Give every widget Bootstrap's class, so templates can render fields as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _money(amount: Decimal, currency: str) -> str:
    return f"{number_format(amount, decimal_pos=2, force_grouping=True)} {currency}".strip()


class ResolutionForm(BootstrapMixin, forms.Form):
    type = forms.ChoiceField(label=_("Resolution"), choices=ResolutionType.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("What we offer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_("In words the customer understands, e.g. “Full refund of the kettle”."),
    )
    customer_request = forms.CharField(
        label=_("What the customer asked for"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    acceptance_method = forms.ChoiceField(
        label=_("How the customer accepted"),
        choices=AcceptanceMethod.choices,
        initial=AcceptanceMethod.VERBAL,
        required=False,
        help_text=_("Only when settling on the spot."),
    )

    def __init__(self, *args, user=None, store=None, complaint=None, table=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.complaint = complaint
        self.store = store if store is not None else getattr(complaint, "store", None)
        if complaint is not None and not self.is_bound:
            self.initial.setdefault("customer_request", complaint.desired_outcome)
        if table is None and user is not None:
            table = authority_table(user=user)  # one query, reused for every type
        self._table = table
        self.fields["amount"].help_text = self.limit_text()

    @property
    def currency(self) -> str:
        return getattr(self.store, "currency", "") or ""

    def limit_for(self, resolution_type: str = "") -> Decimal | None:
        if self._table is None:
            return Decimal("0")
        return self._table.limit(
            store_id=getattr(self.store, "pk", None), resolution_type=resolution_type
        )

    def is_within(self, resolution_type: str, amount) -> bool:
        limit = self.limit_for(resolution_type)
        return limit is UNLIMITED or Decimal(amount) <= limit

    def limits_json(self) -> str:
        """Per-type limits for resolutions.js ("" = unlimited), so the buttons follow the amount."""
        limits = {}
        for value in ResolutionType.values:
            limit = self.limit_for(value)
            limits[value] = "" if limit is UNLIMITED else str(limit)
        return json.dumps(limits)

    def limit_text(self) -> str:
        limit = self.limit_for("")
        if limit is UNLIMITED:
            return str(_("You may grant any amount without approval."))
        return str(
            _(
                "You may grant up to %(limit)s without approval; above it, the resolution "
                "goes to a supervisor or manager for approval."
            )
            % {"limit": _money(limit, self.currency)}
        )

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()

    def within_authority(self) -> bool:
        """For a valid form: may the user grant this without approval?"""
        return self.is_within(self.cleaned_data["type"], self.cleaned_data["amount"])


class ApproveForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.TextInput
    )


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is it rejected?"),
        max_length=2000,
        error_messages={"required": _("Say why the resolution is rejected.")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The proposer and the customer's case history will show this."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the resolution is rejected."))
        return reason


class PassUpForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Note for the next approver (optional)"),
        required=False,
        max_length=2000,
        widget=forms.TextInput,
    )


class AcceptanceForm(BootstrapMixin, forms.Form):
    method = forms.ChoiceField(
        label=_("How the customer accepted"),
        choices=AcceptanceMethod.choices,
        initial=AcceptanceMethod.SIGNED,
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)


class DeclineForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why did the customer decline?"),
        max_length=2000,
        error_messages={"required": _("Record why the customer declined.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommitmentForm(BootstrapMixin, forms.Form):
    description = forms.CharField(
        label=_("What we promise"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. “Call the customer with the repair date”")}
        ),
    )
    due_at = forms.DateTimeField(
        label=_("By when"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            tomorrow = timezone.localtime() + timedelta(days=1)
            self.initial.setdefault("due_at", tomorrow.replace(second=0, microsecond=0))

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at <= timezone.now():
            raise forms.ValidationError(_("The promised time must be in the future."))
        return due_at


class TaskDoneForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)
