"""The reports app's tables: the permissions carrier, and what the weekly report keeps between
readers with the change log that keeps it exact (PostgreSQL; see `reports.changes`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_weekly_report", _("Can read the weekly trend pages of their stores")),
            ("view_cross_store_report", _("Can compare every store side by side")),
        ]

    def __str__(self) -> str:
        return "reports"


class ReportChange(models.Model):
    """A change to data a weekly figure counts: written only by PostgreSQL triggers (migration
    0005) on complaints, resolutions, commitments, survey invitations and stores. It says
    which store changed and from which instant on its weeks may count differently; `xid` is
    the writing transaction (`pg_current_xact_id()`), so a snapshot taken while it was still
    running knows it did not see it."""

    store_id = models.IntegerField()
    changed_from = models.DateTimeField()
    xid = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["store_id", "changed_from"], name="report_change_store")]

    def __str__(self) -> str:
        return f"store {self.store_id} from {self.changed_from:%Y-%m-%d %H:%M}"


class Kept(models.Model):
    """Counts kept for later readers, with what the database had committed when counting
    began (`reports.changes.Taken`): its snapshot (`pg_current_snapshot()`), the counting
    transaction and the newest change logged then."""

    taken = models.TextField()
    xid = models.BigIntegerField()
    last_change = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        abstract = True
        default_permissions = ()


class ReportWeek(Kept):
    """One store's counts for one ended week (`counts`: the trend's figures and the
    departments; `hours`: the hours to resolve). Valid while no change it did not see
    touches the store before `week_end` (the store's local Monday 00:00)."""

    store_id = models.IntegerField()
    week = models.CharField(max_length=8)  # 2026-W47
    week_end = models.DateTimeField()
    counts = models.JSONField()
    hours = models.BinaryField()  # float64s, sorted: `changes.pack_hours`

    class Meta(Kept.Meta):
        constraints = [
            models.UniqueConstraint(fields=["store_id", "week"], name="report_week_store_week")
        ]

    def __str__(self) -> str:
        return f"store {self.store_id} {self.week}"


class ReportSnapshot(Kept):
    """A computed weekly page for one set of stores and one ended week. Valid while no
    change it did not see touches its stores before `valid_before` (the week's end)."""

    key = models.TextField(unique=True)
    store_ids = models.JSONField()
    valid_before = models.DateTimeField()
    payload = models.JSONField()

    def __str__(self) -> str:
        return self.key
