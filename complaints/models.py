"""Stores, staff membership, categories, complaints, their attachments and the event log.

The complaint owns its state graph (SPEC.md "Lifecycle"): transition methods only change
fields in memory; `complaints.services` runs each one inside a locked transaction, saves,
and writes the event row.
"""

from __future__ import annotations

import functools
import math
import uuid
import zoneinfo
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from . import rules
from .choices import (  # noqa: F401  (the vocabularies are read from here too)
    NEXT_LEVEL,
    OPEN_STATUSES,
    Channel,
    ClosureReason,
    Department,
    Level,
    Mood,
    Severity,
    Status,
    Verdict,
)


class Store(models.Model):
    code = models.SlugField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.CharField(_("region"), max_length=80)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    language = models.CharField(
        _("default language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="StoreMembership",
        related_name="stores",
        verbose_name=_("staff"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return f"{self.code.upper()} · {self.name}"

    @property
    def zone(self) -> tzinfo:
        """The store's time zone, in which its staff and customers read every time; a name
        that is not a known zone (typed in the admin) reads as the server's zone, UTC."""
        return zone_named(self.time_zone)


@functools.lru_cache(maxsize=256)
def zone_named(name: str) -> tzinfo:
    """A time zone by its IANA name; an unknown or malformed name is the server's zone."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class StoreMembership(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "user"], name="unique_store_membership")
        ]
        verbose_name = _("store membership")
        verbose_name_plural = _("store memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.store.code}"


class StaffProfile(models.Model):
    """What a staff member prefers: the language of their e-mails and a phone for SMS."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)


class Category(models.Model):
    """Two levels: a top-level category has no parent; complaints are filed under a child."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    resolve_within_hours = models.PositiveIntegerField(
        _("resolve within (hours)"),
        null=True,
        blank=True,
        help_text=_("Optional: a shorter limit than the level's for complaints of this category."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or "en"
        return self.name_zh if language.startswith("zh") else self.name_en


class ReferenceCounter(models.Model):
    """The last sequence number used for a store's complaints in one year."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "year"], name="unique_reference_counter")
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.year}: {self.last_number}"


def overdue_condition(now: datetime) -> Q:
    """Overdue, as one condition (so it can be negated or counted with): not acknowledged in
    time, or open past the resolve-by time; never while the clock is paused for the customer.
    Written as "an open status, and one of the due times passed" so PostgreSQL reads it from
    the index of open complaints alone (the due times are never NULL, so negating it stays
    exact). `Complaint.is_overdue` is the same rule for one row."""
    return Q(status__in=[s for s in OPEN_STATUSES if s != Status.AWAITING_CUSTOMER]) & (
        Q(status=Status.NEW, ack_due_at__lt=now) | Q(resolve_due_at__lt=now)
    )


class ComplaintQuerySet(models.QuerySet):
    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None) -> ComplaintQuerySet:
        return self.filter(overdue_condition(now or timezone.now()))


class Complaint(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("store")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("customer"),
    )

    product_name = models.CharField(_("product or service"), max_length=200, blank=True)
    product_sku = models.CharField(_("SKU"), max_length=64, blank=True)
    product_batch = models.CharField(_("batch / lot"), max_length=64, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    receipt_number = models.CharField(_("order / receipt number"), max_length=64, blank=True)

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("category")
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.STORE)
    account = models.TextField(_("the customer's account"))
    desired_outcome = models.TextField(_("outcome the customer asks for"), blank=True)
    mood = models.CharField(_("customer's mood"), max_length=12, choices=Mood.choices, blank=True)

    verdict = models.CharField(
        _("verdict"), max_length=14, choices=Verdict.choices, default=Verdict.UNDETERMINED
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    responsible_department = models.CharField(
        _("responsible department"), max_length=20, choices=Department.choices, blank=True
    )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
        verbose_name=_("owner"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="logged_complaints",
        verbose_name=_("logged by"),
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, protected=True
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=12, choices=ClosureReason.choices, blank=True
    )

    ack_due_at = models.DateTimeField(_("acknowledge by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The resolution clock pauses while the complaint waits for the customer (and restarts at
    # a reopen: paused_seconds then covers everything before it).
    clock_paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_seconds = models.PositiveIntegerField(default=0, editable=False)
    resolved_on_the_spot = models.BooleanField(_("resolved on the spot"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("times escalated"), default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every service write; forms carry it so concurrent edits cannot overwrite.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["store", "-received_at"], name="complaint_store_received"),
            models.Index(fields=["store", "status", "-received_at"], name="complaint_store_status"),
            models.Index(fields=["owner", "status", "resolve_due_at"], name="complaint_owner_due"),
            models.Index(fields=["status", "ack_due_at"], name="complaint_status_ack_due"),
            models.Index(fields=["status", "resolve_due_at"], name="complaint_status_resolve_due"),
            models.Index(fields=["category", "-received_at"], name="complaint_category_received"),
            # store_id rides along so that a customer's complaints in a time window, per
            # store, are answered from the index alone (the weekly repeat complainants).
            models.Index(
                fields=["customer", "-received_at"],
                include=["store"],
                name="complaint_customer_stores",
            ),
            models.Index(fields=["product_sku", "received_at"], name="complaint_sku_received"),
            models.Index(fields=["product_batch", "received_at"], name="complaint_batch_received"),
            models.Index(fields=["store", "resolved_at"], name="complaint_store_resolved"),
        ]
        permissions = [
            ("view_all_stores", _("Can see every store's complaints")),
            ("acknowledge_complaint", _("Can acknowledge a complaint")),
            ("investigate_complaint", _("Can start investigating a complaint")),
            ("propose_resolution", _("Can propose a resolution")),
            ("resolve_on_the_spot", _("Can resolve a complaint on the spot")),
            ("approve_resolution", _("Can approve or reject a resolution")),
            ("record_customer_response", _("Can record the customer's acceptance or refusal")),
            ("record_fulfilment", _("Can record fulfilment")),
            ("reassign_complaint", _("Can reassign a complaint")),
            ("escalate_complaint", _("Can escalate a complaint")),
            ("close_unfounded", _("Can close a complaint as unfounded or malicious")),
            ("close_complaint", _("Can close a resolved complaint")),
            ("reopen_complaint", _("Can reopen a complaint")),
            ("withdraw_complaint", _("Can record that the customer withdrew")),
            ("record_verdict", _("Can record the verdict and root cause")),
            ("add_note", _("Can add a note or call to a complaint")),
            ("view_attachment", _("Can download attachments")),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        """The complaint page: a stable address that bookmarks and e-mails link to."""
        return reverse("complaints:detail", kwargs={"reference": self.reference})

    # ---- derived facts -------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def acknowledge_by(self) -> datetime:
        """When staff must acknowledge at the latest: 24 h after receipt, or the resolve-by
        time when that comes first (critical severity, a category's short limit), since a
        complaint cannot be resolved before it is acknowledged. `ack_due_at` itself stays the
        SPEC's 24 h, which the weekly report's "acknowledged within 24 h" compares against."""
        return min(self.ack_due_at, self.resolve_due_at)

    @property
    def is_overdue(self) -> bool:
        now = timezone.now()
        if self.status == Status.NEW and self.acknowledge_by < now:
            return True
        return (
            self.is_open and self.status != Status.AWAITING_CUSTOMER and self.resolve_due_at < now
        )

    @property
    def current_resolution(self):
        """The newest resolution that has not been rejected, declined or superseded."""
        return self.resolutions.filter(is_current=True).first()

    def recompute_resolve_due(self) -> None:
        self.resolve_due_at = rules.resolve_due_at(
            received_at=self.received_at,
            level=self.level,
            severity=self.severity,
            category_hours=self.category.resolve_within_hours,
            paused_seconds=self.paused_seconds,
        )

    def _pause_clock(self) -> None:
        self.clock_paused_at = timezone.now()

    def _resume_clock(self) -> None:
        if self.clock_paused_at:
            paused = int((timezone.now() - self.clock_paused_at).total_seconds())
            self.paused_seconds += max(paused, 0)
            self.resolve_due_at += timedelta(seconds=max(paused, 0))
            self.clock_paused_at = None

    def _restart_clock(self) -> None:
        """A reopened complaint gets its level's whole limit again, counted from the reopen:
        the time before it counts as paused, so a later escalation still counts from here
        (and the reminder ladder, keyed by the deadline, starts again)."""
        self.clock_paused_at = None
        before = (timezone.now() - self.received_at).total_seconds()
        self.paused_seconds = max(math.ceil(before), 0)  # rounded up: never short of the limit
        self.recompute_resolve_due()

    # ---- the lifecycle (SPEC.md) ----------------------------------------------------------
    # Bodies change fields in memory only; complaints.services runs, saves and logs them.

    @transition(
        field=status,
        source=Status.NEW,
        target=Status.ACKNOWLEDGED,
        permission="complaints.acknowledge_complaint",
    )
    def acknowledge(self) -> None:
        self.acknowledged_at = timezone.now()

    @transition(
        field=status,
        source=Status.ACKNOWLEDGED,
        target=Status.INVESTIGATING,
        permission="complaints.investigate_complaint",
    )
    def investigate(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.NEW, Status.ACKNOWLEDGED],
        target=Status.RESOLVED,
        permission=rules.may_resolve_on_the_spot,
    )
    def resolve_on_the_spot(self, *, resolution) -> None:
        now = timezone.now()
        self.acknowledged_at = self.acknowledged_at or now
        self.resolved_at = now
        self.resolved_on_the_spot = True

    @transition(
        field=status,
        source=[Status.ACKNOWLEDGED, Status.INVESTIGATING],
        target=RETURN_VALUE(Status.AWAITING_CUSTOMER, Status.AWAITING_APPROVAL),
        permission="complaints.propose_resolution",
    )
    def propose(self, *, resolution, within_authority: bool) -> str:
        if within_authority:
            self._pause_clock()
            return Status.AWAITING_CUSTOMER
        return Status.AWAITING_APPROVAL

    @transition(
        field=status,
        source=Status.AWAITING_APPROVAL,
        target=Status.AWAITING_CUSTOMER,
        permission=rules.may_approve_current_resolution,
    )
    def approve(self) -> None:
        self._pause_clock()

    @transition(
        field=status,
        source=Status.AWAITING_APPROVAL,
        target=Status.INVESTIGATING,
        permission=rules.may_decide_current_resolution,
    )
    def reject(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.AWAITING_CUSTOMER,
        target=Status.IN_FULFILMENT,
        permission="complaints.record_customer_response",
    )
    def customer_accepts(self) -> None:
        self._resume_clock()

    @transition(
        field=status,
        source=Status.AWAITING_CUSTOMER,
        target=Status.INVESTIGATING,
        permission="complaints.record_customer_response",
    )
    def customer_declines(self) -> None:
        self._resume_clock()

    @transition(
        field=status,
        source=Status.IN_FULFILMENT,
        target=Status.RESOLVED,
        permission="complaints.record_fulfilment",
    )
    def complete_fulfilment(self) -> None:
        self.resolved_at = timezone.now()

    @transition(
        field=status,
        source=Status.RESOLVED,
        target=Status.CLOSED,
        permission="complaints.close_complaint",
    )
    def close(self) -> None:
        self.closed_at = timezone.now()
        self.closure_reason = ClosureReason.RESOLVED

    @transition(
        field=status,
        source=OPEN_STATUSES,
        target=Status.CLOSED,
        permission="complaints.close_unfounded",
    )
    def close_unfounded(self) -> None:
        self._resume_clock()
        self.closed_at = timezone.now()
        self.closure_reason = ClosureReason.UNFOUNDED
        self.verdict = Verdict.UNFOUNDED

    @transition(
        field=status,
        source=OPEN_STATUSES,
        target=Status.CLOSED,
        permission="complaints.close_unfounded",
    )
    def close_malicious(self) -> None:
        self._resume_clock()
        self.closed_at = timezone.now()
        self.closure_reason = ClosureReason.MALICIOUS
        self.verdict = Verdict.MALICIOUS

    @transition(
        field=status,
        source=OPEN_STATUSES,
        target=Status.CLOSED,
        permission="complaints.withdraw_complaint",
    )
    def withdraw(self) -> None:
        self._resume_clock()
        self.closed_at = timezone.now()
        self.closure_reason = ClosureReason.WITHDRAWN

    @transition(
        field=status,
        source=[Status.RESOLVED, Status.CLOSED],
        target=Status.INVESTIGATING,
        permission="complaints.reopen_complaint",
    )
    def reopen(self) -> None:
        self.reopen_count += 1
        self.resolved_at = None
        self.closed_at = None
        self.closure_reason = ""
        self.resolved_on_the_spot = False
        self._restart_clock()


class EventKind(models.TextChoices):
    CREATED = "created", _("Logged")
    TRANSITION = "transition", _("Status changed")
    ASSIGNED = "assigned", _("Reassigned")
    ESCALATED = "escalated", _("Escalated")
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MESSAGE = "message", _("Message")
    ATTACHMENT = "attachment", _("Attachment added")
    VERDICT = "verdict", _("Verdict recorded")
    RESOLUTION = "resolution", _("Resolution")
    APPROVAL = "approval", _("Approval decision")
    FULFILMENT = "fulfilment", _("Fulfilment")
    COMMITMENT = "commitment", _("Commitment")
    FOLLOW_UP = "follow_up", _("Follow-up")
    REMINDER = "reminder", _("Reminder")


class AppendOnlyError(Exception):
    """The event log is never edited or deleted."""


class ComplaintEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The event log is append-only.")

    def delete(self):
        raise AppendOnlyError("The event log is append-only.")


class ComplaintEvent(models.Model):
    """One line of a complaint's history. Append-only: see also the PostgreSQL trigger."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    # The transition or action name (acknowledge, reopen, …) for counting in reports.
    action = models.CharField(_("action"), max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = ComplaintEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["complaint", "created_at"], name="event_complaint_time")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("The event log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The event log is append-only.")


def attachment_path(instance: Attachment, filename: str) -> str:
    """A generated name: nothing of what the user called the file reaches the disk."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


ZERO = Decimal("0")
