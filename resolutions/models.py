"""What the customer gets: resolutions, the authority to grant them, approvals, fulfilment,
commitments made to the customer, and the response scripts staff read from."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResolutionType(models.TextChoices):
    REFUND = "refund", _("Refund")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    COMPENSATION = "compensation", _("Compensation payment")
    GIFT = "gift", _("Gift")
    DISCOUNT = "discount", _("Discount / coupon")
    RESERVICE = "reservice", _("Free re-service")
    APOLOGY = "apology", _("Apology only")


class ResolutionState(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    OFFERED = "offered", _("Offered to the customer")
    ACCEPTED = "accepted", _("Accepted by the customer")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Rejected by the approver")
    DECLINED = "declined", _("Declined by the customer")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AcceptanceMethod(models.TextChoices):
    SIGNED = "signed", _("Signed form")
    VERBAL = "verbal", _("Verbal")
    EMAIL = "email", _("E-mail")


class Resolution(models.Model):
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="resolutions"
    )
    type = models.CharField(_("type"), max_length=14, choices=ResolutionType.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    description = models.TextField(_("what we offer"))
    customer_request = models.TextField(_("what the customer asked for"), blank=True)
    state = models.CharField(
        _("state"), max_length=18, choices=ResolutionState.choices, default=ResolutionState.OFFERED
    )
    # Exactly one current resolution per complaint at most; older ones stay as history.
    is_current = models.BooleanField(default=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposed_resolutions",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    on_the_spot = models.BooleanField(_("settled on the spot"), default=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    acceptance_method = models.CharField(
        _("accepted by"), max_length=10, choices=AcceptanceMethod.choices, blank=True
    )
    acceptance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptance recorded by"),
    )
    declined_reason = models.TextField(_("why the customer declined"), blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(is_current=True),
                name="one_current_resolution_per_complaint",
            )
        ]
        indexes = [
            models.Index(fields=["state", "proposed_at"], name="resolution_state_proposed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.amount} {self.currency}"


class PendingApproval(Resolution):
    """The admin's work list for approvers: resolutions waiting for a decision."""

    class Meta:
        proxy = True
        verbose_name = _("resolution awaiting approval")
        verbose_name_plural = _("resolutions awaiting approval")


class AuthorityLimit(models.Model):
    """The largest amount a role may grant without approval; blank amount means unlimited.

    A row may be narrowed to one store and/or one resolution type; the most specific row wins.
    """

    role = models.ForeignKey(
        "auth.Group",
        on_delete=models.CASCADE,
        related_name="authority_limits",
        verbose_name=_("role"),
    )
    store = models.ForeignKey(
        "complaints.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="authority_limits",
        verbose_name=_("store"),
        help_text=_("Leave empty for every store."),
    )
    resolution_type = models.CharField(
        _("resolution type"),
        max_length=14,
        choices=ResolutionType.choices,
        blank=True,
        help_text=_("Leave empty for every type."),
    )
    max_amount = models.DecimalField(
        _("largest amount without approval"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )

    class Meta:
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "store", "resolution_type"],
                name="unique_authority_limit",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        amount = _("unlimited") if self.max_amount is None else self.max_amount
        return f"{self.role}: {amount}"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    PASS_UP = "pass_up", _("Passed up")


FINAL_DECISIONS = [Decision.APPROVE, Decision.REJECT]


class ApprovalDecision(models.Model):
    """Who decided what about a resolution waiting for approval, when and why.

    Approve and reject are final: at most one per resolution (the database refuses a second,
    whatever path it comes from). Pass-ups are not final and name the role they go to.
    """

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("when"), default=timezone.now)
    passed_to = models.ForeignKey(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("passed up to"),
    )

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution"],
                condition=models.Q(decision__in=FINAL_DECISIONS),
                name="one_final_decision_per_resolution",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} · {self.decided_by}"


class FulfilmentTeam(models.TextChoices):
    FINANCE = "finance", _("Finance")
    WAREHOUSE = "warehouse", _("Warehouse")
    SERVICE = "service", _("Service desk")
    STORE = "store", _("Store")


class FulfilmentTask(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="tasks")
    team = models.CharField(_("team"), max_length=10, choices=FulfilmentTeam.choices)
    description = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fulfilment_tasks",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("fulfilment task")
        verbose_name_plural = _("fulfilment tasks")
        indexes = [models.Index(fields=["owner", "done_at"], name="task_owner_done")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        return not self.done_at and self.due_at is not None and self.due_at < timezone.now()


class CommitmentQuerySet(models.QuerySet):
    def open(self) -> CommitmentQuerySet:
        return self.filter(kept_at__isnull=True)

    def broken(self, now=None) -> CommitmentQuerySet:
        """Overdue and not kept, or kept after the promised time."""
        now = now or timezone.now()
        return self.filter(
            models.Q(kept_at__isnull=True, due_at__lt=now)
            | models.Q(kept_at__gt=models.F("due_at"))
        )


class Commitment(models.Model):
    """A promise made to the customer: what, by when, by whom; kept or broken."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="commitments"
    )
    description = models.CharField(_("what we promised"), max_length=300)
    due_at = models.DateTimeField(_("due"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("made by"),
    )
    made_at = models.DateTimeField(_("made at"), default=timezone.now)
    kept_at = models.DateTimeField(_("kept at"), null=True, blank=True)
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept by"),
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        permissions = [("keep_commitment", _("Can mark a commitment kept"))]
        indexes = [
            models.Index(fields=["kept_at", "due_at"], name="commitment_open_due"),
            # My work's commitments due for a user: those they made, those on their complaints.
            models.Index(
                fields=["made_by", "due_at"],
                condition=models.Q(kept_at__isnull=True),
                name="commitment_made_open",
            ),
            models.Index(
                fields=["complaint", "due_at"],
                condition=models.Q(kept_at__isnull=True),
                name="commitment_complaint_open",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_broken(self) -> bool:
        """Overdue and not kept, or kept late."""
        if self.kept_at:
            return self.kept_at > self.due_at
        return self.due_at < timezone.now()

    @property
    def is_due_soon(self) -> bool:
        """Not kept, not yet overdue, due within the next day."""
        now = timezone.now()
        return not self.kept_at and now <= self.due_at < now + timedelta(days=1)


class ResponseScript(models.Model):
    """The recommended words for staff, per category and language, plus the closing message."""

    category = models.ForeignKey(
        "complaints.Category",
        on_delete=models.CASCADE,
        related_name="scripts",
        verbose_name=_("category"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    opening = models.TextField(_("what to say"))
    closing_apology = models.TextField(_("closing: apologise again"))
    closing_thanks_trust = models.TextField(_("closing: thank for the trust"))
    closing_thanks_feedback = models.TextField(_("closing: thank for showing our shortcoming"))
    closing_improvement = models.TextField(_("closing: what we will improve"))

    class Meta:
        verbose_name = _("response script")
        verbose_name_plural = _("response scripts")
        constraints = [
            models.UniqueConstraint(fields=["category", "language"], name="unique_script")
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.language})"

    @property
    def closing_parts(self) -> list[str]:
        """The closing message in its four parts, in the order staff say them."""
        return [
            self.closing_apology,
            self.closing_thanks_trust,
            self.closing_thanks_feedback,
            self.closing_improvement,
        ]
