"""Forms for resolutions. `ResolutionForm` is shared by intake (settle on the spot), the
complaint page (propose / settle) and tells the user their own limit."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .authority import authority_limit_for
from .models import AcceptanceMethod, ResolutionType


class ResolutionForm(forms.Form):
    type = forms.ChoiceField(label=_("Resolution"), choices=ResolutionType.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("0"),
    )
    description = forms.CharField(
        label=_("What we offer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    acceptance_method = forms.ChoiceField(
        label=_("How the customer accepted"),
        choices=AcceptanceMethod.choices,
        initial=AcceptanceMethod.VERBAL,
        required=False,
        help_text=_("Only when settling on the spot."),
    )

    def __init__(self, *args, user=None, store=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.store = store
        self.fields["amount"].help_text = self.limit_text()

    def limit_for(self, resolution_type: str = "") -> Decimal | None:
        if self.user is None:
            return Decimal("0")
        return authority_limit_for(
            user=self.user, store=self.store, resolution_type=resolution_type
        )

    def limit_text(self) -> str:
        limit = self.limit_for("")
        if limit is None:
            return str(_("You may grant any amount without approval."))
        currency = getattr(self.store, "currency", "")
        return str(
            _(
                "You may grant up to %(limit)s %(currency)s without approval; above it, the "
                "resolution goes to a supervisor or manager."
            )
            % {"limit": limit, "currency": currency}
        )
