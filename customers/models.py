"""Customers: found again by phone or e-mail at intake; erasable on request."""

from __future__ import annotations

import contextlib

import phonenumbers
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField


class PreferredChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call")


class Customer(models.Model):
    # The store that first registered the customer; visibility also follows their complaints.
    store = models.ForeignKey(
        "complaints.Store",
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("registered at"),
    )
    name = models.CharField(pgettext_lazy("of a person", "name"), max_length=120)
    phone = PhoneNumberField(_("phone"), blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    address = models.TextField(_("address"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        choices=PreferredChannel.choices,
        default=PreferredChannel.SMS,
    )
    consent_to_follow_up = models.BooleanField(
        _("agrees to be contacted for follow-up"), default=False
    )
    is_vip = models.BooleanField(_("VIP"), default=False)
    handling_notes = models.TextField(_("how to deal with this customer"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [("erase_customer", _("Can anonymise a customer on request"))]
        indexes = [models.Index(fields=["store", "name"], name="customer_store_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class SearchName(models.Model):
    """Every customer name once, upper-cased: what a search by name matches first (PostgreSQL,
    kept by triggers: migration 0002). The customers are then found by their exact name.
    Names repeat (thousands of customers are called Wang Wei), so matching a part of a name
    against these rows reads far fewer than matching it against every customer."""

    name = models.TextField(primary_key=True)

    def __str__(self) -> str:
        return self.name


def mask_phone(phone) -> str:
    """`138****5678`: the national number with all but the first three and last four hidden."""
    # Not `if not phone`: on a PhoneNumber that formats the number (a tenth of the list's rows).
    if phone is None or (isinstance(phone, str) and not phone):
        return ""
    if isinstance(phone, str) and phone.startswith("+"):
        # An E.164 string (as stored): mask the national number, not the country code.
        with contextlib.suppress(phonenumbers.NumberParseException):
            phone = phonenumbers.parse(phone, None)
    national = str(getattr(phone, "national_number", "") or phone)
    national = "".join(ch for ch in national if ch.isdigit())
    if len(national) <= 7:
        return "*" * max(len(national) - 2, 0) + national[-2:]
    return f"{national[:3]}{'*' * (len(national) - 7)}{national[-4:]}"
