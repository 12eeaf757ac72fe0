"""Follow-up records: in-app notifications, the ledger that makes every reminder happen once,
the outbox of external messages (e-mail, SMS), callback surveys and the front desk's callbacks.

Everything the beat job looks for is found through an index on a due time, so its cost
follows what falls due, not what is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .messages import render_notification


class NotificationKind(models.TextChoices):
    CRITICAL_LOGGED = "critical_logged", _("Critical complaint logged")
    APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
    APPROVED = "approved", _("Resolution approved")
    REJECTED = "rejected", _("Resolution rejected")
    ASSIGNED = "assigned", _("Complaint assigned")
    ESCALATED = "escalated", _("Complaint escalated")
    REOPENED = "reopened", _("Complaint reopened")
    ACK_DUE_SOON = "ack_due_soon", _("Acknowledgement due soon")
    ACK_BREACHED = "ack_breached", _("Acknowledgement overdue")
    ACK_BREACHED_DAY = "ack_breached_day", _("Acknowledgement a day overdue")
    RESOLVE_DUE_SOON = "resolve_due_soon", _("Resolution due soon")
    RESOLVE_BREACHED = "resolve_breached", _("Resolution overdue")
    RESOLVE_BREACHED_DAY = "resolve_breached_day", _("Resolution a day overdue")
    APPROVAL_WAITING = "approval_waiting", _("Approval waiting")
    APPROVAL_WAITING_DAY = "approval_waiting_day", _("Approval waiting a day")
    COMMITMENT_DUE_SOON = "commitment_due_soon", _("Commitment due soon")
    COMMITMENT_OVERDUE = "commitment_overdue", _("Commitment overdue")
    COMMITMENT_OVERDUE_DAY = "commitment_overdue_day", _("Commitment a day overdue")
    SURVEY_DISSATISFIED = "survey_dissatisfied", _("Customer dissatisfied")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly summary")


class Notification(models.Model):
    """One message for one member of staff. The text is rendered from `kind` and `params` in
    the reader's language, so the same row reads in English or Chinese."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("complaint"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The message in the active language."""
        return render_notification(self.kind, self.params)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class LedgerEntry(models.Model):
    """Proof that one step of follow-up happened: at most one row per subject, kind and step.

    Whoever inserts the row (in the same transaction as the notifications it causes) does the
    work; a second sweep, a retried task or a second beat finds the row and does nothing.
    """

    subject_type = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    step = models.CharField(max_length=64)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up ledger entry")
        verbose_name_plural = _("follow-up ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind", "step"], name="ledger_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.kind} {self.step}"


class SweepCursor(models.Model):
    """How far a periodic sweep has looked, so the next one only looks at what crossed a
    threshold since (with a margin); overlapping windows are harmless thanks to the ledger."""

    name = models.CharField(max_length=40, unique=True)
    swept_until = models.DateTimeField()
    # The newest complaint and commitment ids already looked at.
    last_ids = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.swept_until:%Y-%m-%d %H:%M:%S}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class DeliveryPurpose(models.TextChoices):
    NOTIFICATION = "notification", _("Notification")
    SURVEY = "survey", _("Survey invitation")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.Model):
    """One external message (e-mail or SMS): the outbox. Written in the same transaction as
    what causes it, dispatched to a worker on commit, re-dispatched by the sweep while still
    pending, and sent by a worker that holds the row's lock, so it goes out once."""

    purpose = models.CharField(max_length=14, choices=DeliveryPurpose.choices)
    channel = models.CharField(max_length=8, choices=DeliveryChannel.choices)
    address = models.CharField(max_length=254)
    language = models.CharField(max_length=10, default="en")
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    survey = models.ForeignKey(
        "SurveyInvitation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_pending")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.get_channel_display()} ({self.status})"


class SurveyState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    NOT_SENT = "not_sent", _("Not sent (call back instead)")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")


class SurveyInvitation(models.Model):
    """The follow-up of one resolved complaint: the survey, the callback if needed, and the
    automatic closure. Each `*_due_at` is cleared once its step is done or no longer needed."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="surveys"
    )
    state = models.CharField(
        max_length=10, choices=SurveyState.choices, default=SurveyState.SCHEDULED
    )
    language = models.CharField(max_length=10, default="zh-hans")
    channel = models.CharField(max_length=8, blank=True)
    # sha256 of the token; the token itself is only ever in the message sent to the customer.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    send_due_at = models.DateTimeField(null=True, blank=True)
    callback_due_at = models.DateTimeField(null=True, blank=True)
    close_due_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            models.Index(fields=["send_due_at"], name="survey_send_due"),
            models.Index(fields=["callback_due_at"], name="survey_callback_due"),
            models.Index(fields=["close_due_at"], name="survey_close_due"),
            models.Index(fields=["complaint", "state"], name="survey_complaint_state"),
            models.Index(fields=["answered_at"], name="survey_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.state}"

    @property
    def is_dissatisfied(self) -> bool:
        return self.solved is False or (self.satisfaction is not None and self.satisfaction <= 2)


class CallbackReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("No consent to be contacted by message")
    NO_CHANNEL = "no_channel", _("No way to send the survey (or the customer prefers a call)")
    NO_ANSWER = "no_answer", _("Survey not answered")


class Callback(models.Model):
    """A call the front desk owes a customer whose complaint was resolved."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="callbacks"
    )
    survey = models.ForeignKey(
        SurveyInvitation, on_delete=models.CASCADE, related_name="callbacks", null=True
    )
    reason = models.CharField(_("why"), max_length=12, choices=CallbackReason.choices)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    reached = models.BooleanField(_("customer reached"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        permissions = [("do_callback", _("Can call customers back and record the outcome"))]
        indexes = [models.Index(fields=["done_at", "created_at"], name="callback_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["survey"],
                condition=models.Q(done_at__isnull=True),
                name="one_open_callback_per_survey",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.reason}"
