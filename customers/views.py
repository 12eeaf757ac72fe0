"""The customer pages: search, one customer and their history, edit, erase on request, and
intake's as-you-type lookup. Another store's customer is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import CustomerForm, CustomerSearchForm
from .models import Customer
from .selectors import (
    REPEAT_THRESHOLD,
    REPEAT_WINDOW_DAYS,
    customer_complaints,
    customer_detail,
    customer_is_repeat,
    customer_lookup,
    customer_search,
    customers_with_history,
)
from .services import CustomerActionError, customer_anonymise, customer_update

LIST_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 25


def _require_view(user) -> None:
    if not user.has_perm("customers.view_customer"):
        raise PermissionDenied


def _visible_customer(user, customer_id: int) -> Customer:
    try:
        return customer_detail(user=user, customer_id=customer_id)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def customer_list_view(request: HttpRequest) -> HttpResponse:
    """`/customers/`: visible customers by name, phone or e-mail; phones masked."""
    _require_view(request.user)
    form = CustomerSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    customers = customers_with_history(
        user=request.user, queryset=customer_search(user=request.user, query=query)
    ).select_related("store")
    page = Paginator(customers.order_by("name", "pk"), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for customer in page.object_list:
        customer.is_repeat = customer_is_repeat(customer)
    return render(
        request,
        "customers/list.html",
        {"form": form, "page_obj": page, "customers": page.object_list, "query": query},
    )


@require_GET
def customer_lookup_view(request: HttpRequest) -> HttpResponse:
    """Intake's HTMX lookup: a few matches with masked phones, history count and the
    repeat-complainant badge."""
    _require_view(request.user)
    query = ""
    for name in ("q", "customer_search", "customer_phone", "customer_email"):
        if request.GET.get(name, "").strip():
            query = request.GET[name].strip()[:120]
            break
    customers = customer_lookup(user=request.user, query=query)
    for customer in customers:
        customer.is_repeat = customer_is_repeat(customer)
    return render(
        request, "customers/_lookup_results.html", {"customers": customers, "query": query}
    )


@require_GET
def customer_detail_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """`/customers/<id>/`: details, the repeat-complainant flag and the complaint history."""
    _require_view(request.user)
    customer = _visible_customer(request.user, customer_id)
    page = Paginator(
        customer_complaints(user=request.user, customer=customer), HISTORY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "is_repeat": customer_is_repeat(customer),
            "repeat_days": REPEAT_WINDOW_DAYS,
            "repeat_threshold": REPEAT_THRESHOLD,
            "page_obj": page,
            "complaints": page.object_list,
            "show_full_phone": request.user.has_perm("customers.change_customer"),
        },
    )


@require_http_methods(["GET", "POST"])
def customer_edit_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Correct a customer's details (front desk and up)."""
    _require_view(request.user)
    customer = _visible_customer(request.user, customer_id)
    if not request.user.has_perm("customers.change_customer"):
        raise PermissionDenied
    if customer.anonymised_at:
        messages.error(request, _("This customer was anonymised and cannot be edited."))
        return redirect("customers:detail", customer_id=customer.pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            customer_update(
                actor=request.user,
                customer_id=customer.pk,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except CustomerActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Customer details saved."))
        return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/edit.html", {"customer": customer, "form": form})


@require_http_methods(["GET", "POST"])
def customer_erase_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Erasure on request (head office): confirm, then wipe the personal data."""
    _require_view(request.user)
    customer = _visible_customer(request.user, customer_id)
    if not request.user.has_perm("customers.erase_customer"):
        raise PermissionDenied
    if request.method == "POST":
        try:
            customer_anonymise(actor=request.user, customer_id=customer.pk)
        except CustomerActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The customer's personal data was erased. Their complaints remain, anonymised."),
            )
        return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/erase.html", {"customer": customer})
