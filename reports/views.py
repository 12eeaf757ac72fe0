"""The weekly trend page and its CSV export (thin: the figures come from selectors)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from complaints.models import Store
from complaints.selectors import stores_visible_to

from . import exports, presenters
from .forms import WeeklyReportForm
from .links import ComplaintLinks
from .selectors import WeeklyReport, default_week, report_stores, weekly_report


class WeeklyReportMixin(PermissionRequiredMixin):
    permission_required = "reports.view_weekly_report"
    raise_exception = True

    def load_report(self) -> tuple[WeeklyReportForm, WeeklyReport]:
        """The report for ?week= and ?store= (another store's id → 404, never data)."""
        user = self.request.user
        try:
            stores = report_stores(user=user, store_ids=self.request.GET.getlist("store"))
        except Store.DoesNotExist:
            raise Http404(_("No such store.")) from None
        if not stores:
            raise Http404(_("You belong to no store."))
        form = WeeklyReportForm(self.request.GET if "week" in self.request.GET else None)
        self.week_valid = not form.is_bound or form.is_valid()
        week = form.cleaned_data.get("week") if form.is_bound and self.week_valid else None
        report = weekly_report(
            user=user,
            stores=stores,
            week=week or default_week(),
            store_table=len(stores) > 1 and user.has_perm("reports.view_cross_store_report"),
        )
        return form, report

    def query(self, report: WeeklyReport, **overrides) -> str:
        """This page's query string (week, the stores asked for), with some values changed."""
        params = {"week": str(report.week), "sort": self.request.GET.get("sort", "")}
        params.update(overrides)
        pairs = [("store", pk) for pk in self.request.GET.getlist("store")]
        pairs += [(key, value) for key, value in params.items() if value]
        return urlencode(pairs)


class WeeklyReportView(WeeklyReportMixin, TemplateView):
    template_name = "reports/weekly.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, report = self.load_report()
        links = ComplaintLinks(report.store_ids)
        league, applied_sort = presenters.league_rows(
            report, links, self.request.GET.get("sort", "")
        )
        page = reverse("reports:weekly")
        league_columns = []
        for key, label, title in presenters.league_columns(report):
            current = applied_sort.lstrip("-") == key
            descending = applied_sort.startswith("-")
            toggled = key if current and descending else f"-{key}"
            if key == "store" and not current:
                toggled = "store"
            aria = ("descending" if descending else "ascending") if current else None
            league_columns.append(
                (key, label, title, f"{page}?{self.query(report, sort=toggled)}#stores", aria)
            )
        context.update(
            form=form,
            report=report,
            available_stores=list(stores_visible_to(self.request.user).order_by("code")),
            selected_store_ids=set(report.store_ids),
            tiles=presenters.tiles(report, links),
            chart_data=presenters.chart_data(report, links),
            trend_rows=presenters.trend_rows(report, links),
            trend_columns=[str(m.label) for m in presenters.table_measures(report)],
            league_rows=league,
            league_columns=league_columns,
            category_rows=[
                (
                    row,
                    links.category(report.week, row.key),
                    links.category(report.week.shift(-1), row.key),
                )
                for row in report.categories
            ],
            channel_rows=[
                (
                    row,
                    links.channel(report.week, row.key),
                    links.channel(report.week.shift(-1), row.key),
                )
                for row in report.channels
            ],
            department_rows=[
                (
                    row,
                    links.department(report.week, row.key),
                    links.department(report.week.shift(-1), row.key),
                )
                for row in report.departments
            ],
            repeat_rows=[
                (row, links.window(*report.repeat_window, customer=row.customer_id))
                for row in report.repeat_complainants
            ],
            cluster_rows=[
                (row, links.window(*report.cluster_window, **{row.kind: row.value}))
                for row in report.clusters
            ],
            week_label=presenters.week_label(report.week),
            previous_url=f"{page}?{self.query(report, week=str(report.week.shift(-1)))}",
            next_url=f"{page}?{self.query(report, week=str(report.week.shift(1)))}",
            csv_url=f"{reverse('reports:weekly_csv')}?{self.query(report, sort='')}",
            sees_cross_store=self.request.user.has_perm("reports.view_cross_store_report"),
        )
        return context


class WeeklyReportCsvView(WeeklyReportMixin, View):
    def get(self, request, *args, **kwargs):
        form, report = self.load_report()
        if not self.week_valid:
            return HttpResponseBadRequest(_("Enter a week as YYYY-Www, for example 2026-W47."))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        codes = "-".join(store.code for store in report.stores)[:60]
        response["Content-Disposition"] = f'attachment; filename="weekly-{report.week}-{codes}.csv"'
        exports.weekly_csv(report, response)
        return response
