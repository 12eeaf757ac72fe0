"""The complaint list's filters. The query parameter names are a contract: the weekly report
links to the list filtered to exactly the complaints behind each figure, so renaming one breaks
those links.

    status (repeatable; "open" = every open status), store (repeatable, id), category (leaf id),
    category_parent (top-level id), severity, channel, level, owner (user id), overdue,
    received_after / received_before and resolved_after / resolved_before (dates, inclusive,
    in the active time zone), department, verdict, product_sku, product_batch, customer (id),
    one_stop, reopened, q (reference, customer name, phone digits, account), sort.

The weekly report's drill-down parameters (store-local weeks and dates, measures such as
"acknowledged in time") come from `reports.filters.ReportDrilldownFilters`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from config.postgresql import InArray
from customers.models import Customer
from customers.selectors import name_contains
from reports.filters import ReportDrilldownFilters

from .models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Department,
    Level,
    Severity,
    Status,
    StoreMembership,
    Verdict,
    overdue_condition,
)
from .selectors import store_ids_visible_to, stores_visible_to

OPEN = "open"
SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}
STATUS_RANK = {status: rank for rank, status in enumerate(Status.values, start=1)}
SORTS = {
    "-received_at": _("Newest first"),
    "received_at": _("Oldest first"),
    "resolve_due_at": _("Due soonest first"),
    "-resolve_due_at": _("Due latest first"),
    "-severity": _("Most severe first"),
    "severity": _("Least severe first"),
    "status": _("Status (lifecycle order)"),
    "-status": _("Status (reverse lifecycle order)"),
}


def _rank(field: str, ranks: dict) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class _RenderedInPython:
    """Writes the HTML Django's widget templates would, in Python: the filter form has about
    130 options, and an `{% include %}` for each of them was a fifth of the list's time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if "optgroups" in widget:
            if any(group for group, _options, _index in widget["optgroups"]):
                return super().render(name, value, attrs, renderer)
            options = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                (
                    (str(option["value"]), flatatt(option["attrs"]), option["label"])
                    for _group, options, _index in widget["optgroups"]
                    for option in options
                ),
            )
            select = '<select name="{}"{}>{}\n</select>'
            return format_html(select, widget["name"], flatatt(widget["attrs"]), options)
        shown = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', str(shown)) if shown is not None else "",
            flatatt(widget["attrs"]),
        )


class _FetchedChoices(django_filters.fields.ModelChoiceIterator):
    """A model choice field's options in one plain fetch: Django iterates them with
    `iterator()`, which on PostgreSQL opens a server-side cursor (three round trips a field)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


_QUICK_WIDGETS = {
    base: type(base.__name__, (_RenderedInPython, base), {})
    for base in (
        forms.Select,
        forms.SelectMultiple,
        forms.TextInput,
        forms.DateInput,
        forms.NumberInput,
        forms.HiddenInput,
    )
}


def _yes_no() -> forms.Select:
    return forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])


class ComplaintFilter(ReportDrilldownFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Any open status")), *Status.choices],
        method="filter_status",
    )
    store = django_filters.ModelMultipleChoiceFilter(
        label=_("Store"), queryset=lambda request: stores_visible_to(request.user)
    )
    category_parent = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.filter(parent__isnull=True),
        method="filter_category_parent",
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Sub-category"),
        queryset=Category.objects.filter(parent__isnull=False).select_related("parent"),
    )
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=lambda request: _owners_visible_to(request.user)
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"), method="filter_overdue", widget=_yes_no()
    )
    received_after = django_filters.DateFilter(
        label=_("Received from"),
        method="filter_received_after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_before = django_filters.DateFilter(
        label=_("Received until"),
        method="filter_received_before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    resolved_after = django_filters.DateFilter(
        label=_("Resolved from"),
        method="filter_resolved_after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    resolved_before = django_filters.DateFilter(
        label=_("Resolved until"),
        method="filter_resolved_before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    department = django_filters.ChoiceFilter(
        label=_("Department"), field_name="responsible_department", choices=Department.choices
    )
    verdict = django_filters.ChoiceFilter(label=_("Verdict"), choices=Verdict.choices)
    product_sku = django_filters.CharFilter(label=_("SKU"), field_name="product_sku")
    product_batch = django_filters.CharFilter(label=_("Batch / lot"), field_name="product_batch")
    customer = django_filters.NumberFilter(
        label=_("Customer"), field_name="customer_id", widget=forms.HiddenInput
    )
    one_stop = django_filters.BooleanFilter(
        label=_("Resolved on the spot"), field_name="resolved_on_the_spot", widget=_yes_no()
    )
    reopened = django_filters.BooleanFilter(
        label=_("Reopened"), method="filter_reopened", widget=_yes_no()
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=list(SORTS.items()), method="filter_sort", empty_label=None
    )

    # ---- filters that are more than a lookup ------------------------------------------------

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        customers = name_contains(value, using=queryset.db)
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 3:
            customers |= Q(phone__contains=digits)
        # The matching customers first, then an OR on the complaint's own columns: each branch
        # can use its own (trigram) index, where an OR across the join reads every row.
        by_customer = _customer_in(queryset.db, Customer.objects.filter(customers))
        store_ids = store_ids_visible_to(self.request.user) if self.request else None
        if store_ids is not None:
            # The list's store scope again, inside this branch: the (store, customer) index
            # then skips the customers' complaints in other stores.
            by_customer &= Q(store_id__in=store_ids)
        own_columns = Q(reference__icontains=value) | Q(account__icontains=value)
        return queryset.filter(own_columns | by_customer)

    def filter_category_parent(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        # The sub-categories' ids rather than a join to the category table, so the count is
        # read from the complaint indexes alone.
        return queryset.filter(category_id__in=Category.objects.filter(parent=value).values("pk"))

    def filter_status(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        statuses: set[str] = set()
        for item in value:
            statuses.update(OPEN_STATUSES if item == OPEN else [item])
        return queryset.filter(status__in=sorted(statuses))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = overdue_condition(timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_reopened(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(reopen_count__gt=0) if value else queryset.filter(reopen_count=0)

    def filter_received_after(self, queryset, name, value: date | None):
        return queryset.filter(received_at__gte=_start_of_day(value)) if value else queryset

    def filter_received_before(self, queryset, name, value: date | None):
        end = _start_of_day(value + timedelta(days=1)) if value else None
        return queryset.filter(received_at__lt=end) if value else queryset

    def filter_resolved_after(self, queryset, name, value: date | None):
        return queryset.filter(resolved_at__gte=_start_of_day(value)) if value else queryset

    def filter_resolved_before(self, queryset, name, value: date | None):
        end = _start_of_day(value + timedelta(days=1)) if value else None
        return queryset.filter(resolved_at__lt=end) if value else queryset

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return sort_complaints(queryset, value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "store"):
            self.form.fields[name].widget.attrs["size"] = 4
        for field in self.form.fields.values():
            # The same widget (choices, attributes, formats), rendered without templates.
            quick = _QUICK_WIDGETS.get(type(field.widget))
            if quick is not None:
                field.widget.__class__ = quick
            if isinstance(field, forms.ModelChoiceField):
                field.iterator = _FetchedChoices
                field.queryset = field.queryset  # gives the widget choices from the new iterator

    @property
    def narrows(self) -> bool:
        """Whether any filter is given (sorting is not one): if not, the list shows every
        complaint the user sees. Invalid parameters narrow the list (to nothing)."""
        if not self.is_bound:
            return False
        if not self.form.is_valid():
            return True
        return any(
            not _empty(value) for name, value in self.form.cleaned_data.items() if name != "sort"
        )

    @property
    def searched(self) -> bool:
        return self.is_bound and self.form.is_valid() and bool(self.form.cleaned_data.get("q"))

    @property
    def qs(self) -> QuerySet:
        """Invalid parameters (another store's id, a bad date) show no rows and the error,
        never a wider list than asked for."""
        if not hasattr(self, "_qs"):
            if self.is_bound and not self.form.is_valid():
                self._qs = self.queryset.none()
            else:
                queryset = super().qs
                if not (self.form.cleaned_data.get("sort") if self.is_bound else None):
                    queryset = sort_complaints(queryset, "-received_at")
                self._qs = queryset
        return self._qs


def _empty(value) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, list | tuple | set | QuerySet):
        return len(value) == 0
    return False


def sort_complaints(queryset: QuerySet, sort: str) -> QuerySet:
    """Order by one of SORTS; the primary key breaks ties so pages do not overlap."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "severity":
        queryset = queryset.annotate(severity_rank=_rank("severity", SEVERITY_RANK))
        key = "severity_rank"
    elif key == "status":
        queryset = queryset.annotate(status_rank=_rank("status", STATUS_RANK))
        key = "status_rank"
    elif key not in {"received_at", "resolve_due_at"}:
        key, descending = "received_at", True
    prefix = "-" if descending else ""
    return queryset.order_by(f"{prefix}{key}", f"{prefix}pk")


def _customer_in(using: str, customers: QuerySet) -> Q:
    ids = customers.order_by().values("pk")
    if connections[using].vendor == "postgresql":
        return Q(InArray(F("customer_id"), Subquery(ids)))
    return Q(customer_id__in=ids)


def _owners_visible_to(user) -> QuerySet:
    """Staff who may own complaints the user sees: colleagues of their stores and head office.
    Subqueries rather than joins: no DISTINCT over the users' rows, and only their names."""
    users = get_user_model().objects.filter(is_active=True).only("username").order_by("username")
    roles = users.model.groups.through.objects
    store_ids = store_ids_visible_to(user)
    if store_ids is None:
        return users.filter(pk__in=roles.values("user_id"))
    colleagues = StoreMembership.objects.filter(store_id__in=store_ids).values("user_id")
    head_office = roles.filter(group__permissions__codename="view_all_stores").values("user_id")
    return users.filter(Q(pk__in=colleagues) | Q(pk__in=head_office))
