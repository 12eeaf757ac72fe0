"""Reports keep no tables of their own; this model only carries their permissions."""

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
