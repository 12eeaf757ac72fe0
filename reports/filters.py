"""The complaint list's drill-down filters for the weekly report.

`complaints.filters.ComplaintFilter` mixes these in, so each figure of the weekly report can
link to `/complaints/?…` filtered to exactly the complaints behind it. They use the same
conditions as the report (`reports.measures`), and dates and weeks are read in *each
complaint's own store's* calendar: a week is Monday 00:00 to Monday 00:00 in that store's
time zone, whoever looks at the list and wherever the stores are.

    received_local_after / received_local_before   dates, inclusive, store-local
    resolved_local_after / resolved_local_before   dates, inclusive, store-local
    open_at_end_of / overdue_at_end_of             a date: open (overdue) at the end of that
                                                   store-local day (for today or later: as
                                                   things stand, with the due times to come)
    acknowledged_on_time / resolved_on_time        yes | no
    resolution_type                                the current resolution's type
    commitment_due_week + commitment_result        ISO week (2026-W47); any | kept | broken
    survey                                         sent | answered | dissatisfied: has a
                                                   follow-up survey sent (answered, …)

They are hidden inputs in the list's filter form, so changing a visible filter keeps them.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Store
from resolutions.models import Commitment, ResolutionType

from . import measures
from .weeks import IsoWeek, local_midnight

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
COMMITMENT_RESULTS = [("any", _("Any")), ("kept", _("Kept")), ("broken", _("Broken"))]
SURVEY_RESULTS = [
    ("sent", _("Sent")),
    ("answered", _("Answered")),
    ("dissatisfied", _("Dissatisfied")),
]


class IsoWeekField(forms.CharField):
    default_error_messages = {"invalid": _("Enter a week as YYYY-Www, for example 2026-W47.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return IsoWeek.parse(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class IsoWeekFilter(django_filters.Filter):
    field_class = IsoWeekField


def _hidden_date(label):
    return django_filters.DateFilter(label=label, method="filter_local", widget=forms.HiddenInput)


class ReportDrilldownFilters(django_filters.FilterSet):
    received_local_after = _hidden_date(_("Received from (store's calendar)"))
    received_local_before = _hidden_date(_("Received until (store's calendar)"))
    resolved_local_after = _hidden_date(_("Resolved from (store's calendar)"))
    resolved_local_before = _hidden_date(_("Resolved until (store's calendar)"))
    open_at_end_of = _hidden_date(_("Open at the end of"))
    overdue_at_end_of = _hidden_date(_("Overdue at the end of"))
    acknowledged_on_time = django_filters.ChoiceFilter(
        label=_("Acknowledged in time"),
        choices=YES_NO,
        method="filter_acknowledged_on_time",
        widget=forms.HiddenInput,
    )
    resolved_on_time = django_filters.ChoiceFilter(
        label=_("Resolved in time"),
        choices=YES_NO,
        method="filter_resolved_on_time",
        widget=forms.HiddenInput,
    )
    resolution_type = django_filters.ChoiceFilter(
        label=_("Resolution type"),
        choices=ResolutionType.choices,
        field_name="resolutions__type",
        method="filter_resolution_type",
        widget=forms.HiddenInput,
    )
    commitment_due_week = IsoWeekFilter(
        label=_("Commitment due in week"),
        method="filter_commitment_due_week",
        widget=forms.HiddenInput,
    )
    commitment_result = django_filters.ChoiceFilter(
        label=_("Commitment"),
        choices=COMMITMENT_RESULTS,
        method="filter_companion",
        widget=forms.HiddenInput,
    )
    survey = django_filters.ChoiceFilter(
        label=_("Follow-up survey"),
        choices=SURVEY_RESULTS,
        method="filter_survey",
        widget=forms.HiddenInput,
    )

    @property
    def drilldown_active(self) -> list:
        """The drill-down parameters given, as bound (hidden) fields for the list's form."""
        names = ReportDrilldownFilters.base_filters
        return [self.form[name] for name in names if self.form[name].value() not in (None, "")]

    # ---- store-local calendars ---------------------------------------------------------------

    def _zones(self) -> list[str]:
        """The time zones of the stores (one small query, once per list request)."""
        if not hasattr(self, "_zone_names"):
            self._zone_names = sorted(
                set(Store.objects.order_by().values_list("time_zone", flat=True))
            )
        return self._zone_names

    def _per_zone(self, make, store_field: str = "store__time_zone") -> Q:
        """OR over the stores' time zones of `make(tz)` for complaints of stores in that zone."""
        condition = Q(pk__in=[])
        for name in self._zones():
            condition |= Q(**{store_field: name}) & make(ZoneInfo(name))
        return condition

    def filter_local(self, queryset: QuerySet, name: str, value: date | None) -> QuerySet:
        if not value:
            return queryset
        if name == "open_at_end_of":
            return queryset.filter(
                self._per_zone(
                    lambda tz: measures.open_at(local_midnight(value + timedelta(1), tz))
                )
            )
        if name == "overdue_at_end_of":
            return queryset.filter(
                self._per_zone(
                    lambda tz: measures.overdue_at(local_midnight(value + timedelta(1), tz))
                )
            )
        field, bound = name.rsplit("_local_", 1)
        column = f"{field}_at"
        if bound == "after":
            return queryset.filter(
                self._per_zone(lambda tz: Q(**{f"{column}__gte": local_midnight(value, tz)}))
            )
        return queryset.filter(
            self._per_zone(
                lambda tz: Q(**{f"{column}__lt": local_midnight(value + timedelta(1), tz)})
            )
        )

    # ---- report measures --------------------------------------------------------------------

    def filter_acknowledged_on_time(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(measures.acknowledged_on_time())
        if value == "no":
            return queryset.filter(measures.acknowledged_late())
        return queryset

    def filter_resolved_on_time(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(measures.resolved_on_time())
        if value == "no":
            return queryset.filter(measures.resolved_late())
        return queryset

    def filter_resolution_type(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(resolutions__is_current=True, resolutions__type=value)

    def filter_companion(self, queryset, name, value):
        """Read together with its week filter (both describe the same row)."""
        return queryset

    def _week_range(self, week: IsoWeek, column: str, store_field: str) -> Q:
        return self._per_zone(
            lambda tz: Q(**{f"{column}__gte": week.start_in(tz), f"{column}__lt": week.end_in(tz)}),
            store_field=store_field,
        )

    def filter_commitment_due_week(self, queryset, name, value: IsoWeek | None):
        if not value:
            return queryset
        commitments = Commitment.objects.filter(
            self._week_range(value, "due_at", "complaint__store__time_zone"),
            due_at__lt=timezone.now(),
        )
        result = self.form.cleaned_data.get("commitment_result")
        if result == "kept":
            commitments = commitments.filter(measures.commitment_kept())
        elif result == "broken":
            commitments = commitments.filter(measures.commitment_broken())
        return queryset.filter(pk__in=commitments.values("complaint_id"))

    def filter_survey(self, queryset, name, value):
        """Complaints with a follow-up survey sent (answered; answered dissatisfied)."""
        from .selectors import survey_model

        model = survey_model()
        if not value or model is None:
            return queryset
        surveys = model.objects.filter(sent_at__isnull=False)
        if value == "answered":
            surveys = surveys.filter(measures.survey_answered())
        elif value == "dissatisfied":
            surveys = surveys.filter(measures.survey_dissatisfied())
        return queryset.filter(pk__in=surveys.values("complaint_id"))
