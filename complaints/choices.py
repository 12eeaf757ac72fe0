"""The complaint's vocabularies: status, channel, severity, level and the rest.

Apart from the models so that the rules (`complaints.rules`), which the models' transitions
call, can name a choice instead of spelling its string.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer")
    IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.AWAITING_APPROVAL,
    Status.AWAITING_CUSTOMER,
    Status.IN_FULFILMENT,
]


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    SOCIAL_MEDIA = "social_media", _("Social media")
    LETTER = "letter", _("Letter")
    REGULATOR = "regulator", _("Regulator referral")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Level(models.TextChoices):
    STORE = "store", _("Store")
    REGION = "region", _("Region")
    HEAD_OFFICE = "head_office", _("Head office")


NEXT_LEVEL = {Level.STORE: Level.REGION, Level.REGION: Level.HEAD_OFFICE}


class Mood(models.TextChoices):
    CALM = "calm", _("Calm")
    CONCERNED = "concerned", _("Concerned")
    UPSET = "upset", _("Upset")
    ANGRY = "angry", _("Angry")
    FURIOUS = "furious", _("Furious")


class Verdict(models.TextChoices):
    UNDETERMINED = "undetermined", _("Not yet determined")
    GOOD_FAITH = "good_faith", _("Founded (good faith)")
    UNFOUNDED = "unfounded", _("Unfounded")
    MALICIOUS = "malicious", _("Malicious")


class Department(models.TextChoices):
    SALES = "sales", _("Sales")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    AFTER_SALES = "after_sales", _("After-sales and repair")
    WAREHOUSE = "warehouse", _("Warehouse")
    LOGISTICS = "logistics", _("Logistics and delivery")
    FINANCE = "finance", _("Finance and billing")
    PRODUCT = "product", _("Product and supplier quality")
    FACILITIES = "facilities", _("Facilities")
    OTHER = "other", _("Other")


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    UNFOUNDED = "unfounded", _("Unfounded")
    MALICIOUS = "malicious", _("Malicious")
    WITHDRAWN = "withdrawn", _("Withdrawn by the customer")
