"""Forms of the complaint pages: intake, and one small form per action on the complaint page.

Forms validate what the user typed and say what is wrong next to the field; the services
decide what is allowed and write.
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from phonenumber_field.formfields import PhoneNumberField

from customers.models import Customer, PreferredChannel
from customers.selectors import customers_visible_to

from .models import (
    Category,
    Channel,
    Complaint,
    Department,
    EventKind,
    Store,
    Verdict,
)
from .selectors import staff_of_store, stores_visible_to
from .uploads import MultipleFileField, uploads_validate

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# Clocks at the counter and on the server differ a little; "received in the future" is a typo
# only beyond this.
CLOCK_SKEW = timedelta(minutes=5)

# What the intake form records about the complaint itself, as `complaint_create` takes it (the
# store is chosen on the form too, and passed on its own).
COMPLAINT_FIELDS = (
    "channel",
    "received_at",
    "product_name",
    "product_sku",
    "product_batch",
    "purchase_date",
    "receipt_number",
    "category",
    "severity",
    "account",
    "desired_outcome",
    "mood",
)


def store_zone(store: Store | None):
    if store is None:
        return timezone.get_current_timezone()
    try:
        return zoneinfo.ZoneInfo(store.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def leaf_categories():
    """The categories a complaint is filed under: active children of active parents."""
    return Category.objects.filter(
        parent__isnull=False, is_active=True, parent__is_active=True
    ).select_related("parent")


class GroupedCategoryField(forms.ModelChoiceField):
    """Leaf categories grouped under their parent, in the user's language."""

    def __init__(self, *args, **kwargs):
        kwargs["queryset"] = leaf_categories()
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Category) -> str:
        return obj.name

    def grouped_choices(self) -> list:
        groups: dict[int, tuple[str, list]] = {}
        leaves = sorted(self.queryset, key=lambda c: (c.parent.position, c.parent.code, c.position))
        for leaf in leaves:
            groups.setdefault(leaf.parent_id, (leaf.parent.name, []))[1].append(
                (leaf.pk, leaf.name)
            )
        return [("", "---------"), *groups.values()]


class ComplaintIntakeForm(forms.ModelForm):
    """The registration form: where, who, what was bought, what happened, what they want."""

    customer_search = forms.CharField(
        label=gettext_lazy("Find the customer by phone or e-mail"),
        required=False,
        max_length=120,
    )
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(), required=False, widget=forms.HiddenInput
    )
    customer_name = forms.CharField(
        label=pgettext_lazy("of a person", "Name"), max_length=120, required=False
    )
    customer_phone = PhoneNumberField(label=gettext_lazy("Phone"), required=False)
    customer_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    customer_language = forms.ChoiceField(
        label=gettext_lazy("Preferred language"), choices=settings.LANGUAGES, initial="zh-hans"
    )
    customer_channel = forms.ChoiceField(
        label=gettext_lazy("Contact them by"),
        choices=PreferredChannel.choices,
        initial=PreferredChannel.SMS,
    )
    customer_consent = forms.BooleanField(
        label=gettext_lazy("The customer agrees to be contacted for follow-up"), required=False
    )
    acknowledge_now = forms.BooleanField(
        label=gettext_lazy("Acknowledge now (the customer knows we have it)"),
        required=False,
        help_text=gettext_lazy("Walk-ins are acknowledged at the counter."),
    )
    attachments = MultipleFileField(label=gettext_lazy("Photos and documents"))

    class Meta:
        model = Complaint
        fields = ["store", *COMPLAINT_FIELDS]
        field_classes = {"category": GroupedCategoryField}
        widgets = {
            "received_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
            ),
            "purchase_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "account": forms.Textarea(attrs={"rows": 5}),
            "desired_outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "account": gettext_lazy("In the customer's own words. Listen; do not argue."),
            "desired_outcome": gettext_lazy("Ask the customer what would put it right."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        stores = stores_visible_to(user)
        self.fields["store"].queryset = stores
        self.fields["store"].empty_label = None if len(stores) == 1 else "---------"
        self.single_store = stores[0] if len(stores) == 1 else None
        if self.single_store is not None:
            self.fields["store"].initial = self.single_store.pk
        self.fields["customer"].queryset = customers_visible_to(user).filter(
            anonymised_at__isnull=True
        )
        self.fields["channel"].initial = Channel.WALK_IN
        self.fields["acknowledge_now"].initial = True
        self.fields["received_at"].show_hidden_initial = False
        self.fields["received_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        self.fields["received_at"].label = _("Received at (store time)")
        self.fields["received_at"].initial = timezone.localtime(
            timezone.now(), store_zone(self.single_store)
        ).strftime(DATETIME_LOCAL)
        self.fields["category"].widget.choices = self.fields["category"].grouped_choices()
        self.fields["mood"].required = False
        lookup = reverse("customers:lookup")
        htmx = {
            "hx-get": lookup,
            "hx-trigger": "input changed delay:300ms, search",
            "hx-target": "#customer-matches",
            "hx-sync": "this:replace",
            "autocomplete": "off",
        }
        self.fields["customer_search"].widget.attrs.update(
            {**htmx, "type": "search", "placeholder": _("138 1234 5678 or name@example.com")}
        )
        for name in ("customer_phone", "customer_email"):
            self.fields[name].widget.attrs.update(htmx)
        self.selected_customer = self._selected_customer()
        self.helper = self._helper()

    def _selected_customer(self) -> Customer | None:
        """The customer picked in the lookup (kept when the form comes back with errors)."""
        if not self.is_bound:
            return None
        raw = self.data.get(self.add_prefix("customer"))
        if not raw:
            return None
        try:
            return self.fields["customer"].clean(raw)
        except ValidationError:
            return None

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(
                _("Where and how"),
                Div(
                    Div("store", css_class="col-md-4"),
                    Div("channel", css_class="col-md-4"),
                    Div("received_at", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Customer"),
                Field("customer_search"),
                HTML('{% include "complaints/_intake_customer.html" %}'),
                "customer",
                Div(
                    Div(
                        Div("customer_name", css_class="col-md-4"),
                        Div("customer_phone", css_class="col-md-4"),
                        Div("customer_email", css_class="col-md-4"),
                        css_class="row",
                    ),
                    Div(
                        Div("customer_language", css_class="col-md-4"),
                        Div("customer_channel", css_class="col-md-4"),
                        Div("customer_consent", css_class="col-md-4 pt-md-4"),
                        css_class="row",
                    ),
                    css_id="new-customer",
                    css_class="d-none" if self.selected_customer else "",
                ),
            ),
            Fieldset(
                _("Product or service"),
                Div(
                    Div("product_name", css_class="col-md-6"),
                    Div("product_sku", css_class="col-md-3"),
                    Div("product_batch", css_class="col-md-3"),
                    css_class="row",
                ),
                Div(
                    Div("purchase_date", css_class="col-md-3"),
                    Div("receipt_number", css_class="col-md-3"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("The complaint"),
                Div(
                    Div("category", css_class="col-md-6"),
                    Div("severity", css_class="col-md-3"),
                    Div("mood", css_class="col-md-3"),
                    css_class="row",
                ),
                "account",
                "desired_outcome",
                "attachments",
                HTML('{% include "complaints/_intake_files_notice.html" %}'),
                "acknowledge_now",
                HTML('<input type="hidden" name="acknowledge_now_shown" value="1">'),
            ),
        )
        return helper

    # ---- validation -------------------------------------------------------------------------

    def clean_attachments(self):
        return uploads_validate(self.cleaned_data.get("attachments") or [])

    def clean(self):
        cleaned = super().clean()
        store = cleaned.get("store")
        zone = store_zone(store)
        received_at = cleaned.get("received_at")
        if received_at is not None:
            # The user typed the store's wall-clock time; the field read it in the active zone.
            naive = timezone.make_naive(received_at)
            received_at = timezone.make_aware(naive, zone)
            cleaned["received_at"] = received_at
            if received_at > timezone.now() + CLOCK_SKEW:
                self.add_error("received_at", _("The complaint cannot be received in the future."))
        purchase_date = cleaned.get("purchase_date")
        if purchase_date is not None:
            today = timezone.localdate(timezone.now(), zone)
            if purchase_date > today:
                self.add_error("purchase_date", _("The purchase date cannot be in the future."))
            elif received_at is not None and purchase_date > timezone.localdate(received_at, zone):
                self.add_error(
                    "purchase_date",
                    _("The purchase date cannot be after the complaint was received."),
                )
        if "customer" in self._errors:
            # A hidden field's error would be lost on the page: say it where it is seen.
            del self._errors["customer"]
            self.add_error(
                "customer_search",
                _("The customer you picked cannot be found any more. Search again."),
            )
        elif cleaned.get("customer") is None:
            self._clean_new_customer(cleaned)
        # A checkbox that is absent from the POST (a client that never showed it) follows the
        # channel: walk-ins are acknowledged at the counter. When the page showed it, what the
        # user left ticked or unticked wins.
        if "acknowledge_now_shown" not in self.data:
            cleaned["acknowledge_now"] = cleaned.get("channel") == Channel.WALK_IN
        return cleaned

    def _clean_new_customer(self, cleaned: dict) -> None:
        if not (cleaned.get("customer_name") or "").strip():
            self.add_error(
                "customer_name", _("Find the customer above, or enter the new customer's name.")
            )
        phone_given = bool(self.data.get(self.add_prefix("customer_phone"), "").strip())
        if (
            not phone_given
            and not cleaned.get("customer_email")
            and "customer_email" not in self.errors
        ):
            self.add_error(
                "customer_phone", _("Give a phone number or an e-mail so we can reach them.")
            )

    # ---- what the view hands to the services ------------------------------------------------

    def complaint_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in COMPLAINT_FIELDS}

    def new_customer_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["customer_name"],
            "phone": data.get("customer_phone") or "",
            "email": data.get("customer_email") or "",
            "preferred_language": data["customer_language"],
            "preferred_channel": data["customer_channel"],
            "consent_to_follow_up": data["customer_consent"],
        }


# ---- actions on the complaint page -----------------------------------------------------------


def text_field(label, *, required: bool = True) -> forms.CharField:
    """Free text on the complaint page's forms: up to 4,000 characters, in a two-row box."""
    return forms.CharField(
        label=label, required=required, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionForm(forms.Form):
    """Base of the complaint page's small forms; each knows the complaint and the user."""

    def __init__(self, *args, complaint: Complaint, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.user = user


class NoteOptionalForm(ActionForm):
    note = text_field(gettext_lazy("Note (optional)"), required=False)


class ReasonForm(ActionForm):
    reason = text_field(gettext_lazy("Reason"))


class CloseAsForm(ReasonForm):
    root_cause = text_field(gettext_lazy("Root cause (optional)"), required=False)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class ReassignForm(ActionForm):
    new_owner = OwnerChoiceField(
        label=gettext_lazy("New owner"), queryset=get_user_model().objects.none()
    )
    reason = text_field(gettext_lazy("Reason (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = staff_of_store(
            store=self.complaint.store, permission="complaints.add_note"
        ).exclude(pk=self.complaint.owner_id)


class EscalateForm(ReassignForm):
    reason = text_field(gettext_lazy("Why escalate"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The owner may stay the owner when the level goes up.
        self.fields["new_owner"].queryset = staff_of_store(
            store=self.complaint.store, permission="complaints.add_note"
        )
        self.fields["new_owner"].initial = self.complaint.owner_id


class AddNoteForm(ActionForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("What"),
        choices=[
            (EventKind.NOTE, gettext_lazy("Note")),
            (EventKind.CALL, gettext_lazy("Call with the customer")),
            (EventKind.MESSAGE, gettext_lazy("Message to or from the customer")),
        ],
        initial=EventKind.NOTE,
    )
    text = forms.CharField(
        label=gettext_lazy("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerdictForm(ActionForm):
    verdict = forms.ChoiceField(label=gettext_lazy("Verdict"), choices=Verdict.choices)
    root_cause = text_field(gettext_lazy("Root cause"), required=False)
    responsible_department = forms.ChoiceField(
        label=gettext_lazy("Responsible department"),
        choices=[("", "---------"), *Department.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(
                verdict=self.complaint.verdict,
                root_cause=self.complaint.root_cause,
                responsible_department=self.complaint.responsible_department,
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("verdict") == Verdict.GOOD_FAITH and not cleaned.get(
            "responsible_department"
        ):
            self.add_error(
                "responsible_department",
                _("A founded complaint needs the department responsible."),
            )
        return cleaned


class AttachmentUploadForm(ActionForm):
    files = MultipleFileField(label=gettext_lazy("Files"), required=True)

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if not files:
            raise ValidationError(_("Choose at least one file."))
        return uploads_validate(files, already_attached=self.complaint.attachments.count())
