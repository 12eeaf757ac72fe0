"""Pages and actions for resolutions. Thin: each action validates a small form, calls one
service with the complaint version the user saw, and goes back to the complaint page with the
service's message. Another store's complaint is a 404."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView

from complaints.models import Category, Complaint
from complaints.selectors import complaint_detail, complaints_visible_to
from complaints.services import ComplaintActionError

from . import services
from .authority import authority_table
from .forms import (
    AcceptanceForm,
    ApproveForm,
    CommitmentForm,
    DeclineForm,
    PassUpForm,
    RejectForm,
    ResolutionForm,
    TaskDoneForm,
)
from .links import complaint_url
from .models import Commitment, FulfilmentTask, ResolutionState
from .selectors import (
    agreement_resolution,
    categories_by_frequency,
    resolutions_awaiting_approval,
    response_script_for,
    script_language,
)

# ---- helpers -------------------------------------------------------------------------------


def _complaint_or_404(request: HttpRequest, reference: str) -> Complaint:
    try:
        return complaint_detail(user=request.user, reference=reference)
    except Complaint.DoesNotExist as exc:
        raise Http404(_("No such complaint.")) from exc


def _expected_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, TypeError, ValueError):
        return None


def _back(request: HttpRequest, complaint: Complaint | None, anchor: str = "resolution"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if complaint is None:
        return redirect("resolutions:approvals")
    return redirect(f"{complaint_url(complaint)}#{anchor}")


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _run(request: HttpRequest, action, success: str) -> bool:
    """Call a service; show its refusal as an error message. True when it went through."""
    try:
        action()
    except ComplaintActionError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _resolution_step(
    request: HttpRequest,
    complaint: Complaint,
    *,
    form_class: type[forms.Form],
    service: Callable[..., object],
    success: str,
    note_may_be_dropped: bool = False,
) -> HttpResponse:
    """One step of the approval or the customer's answer: validate the step's small form, call
    its service with the form's fields (named as the service's arguments) and the complaint
    version the user saw, and go back to the complaint page with `success` or the refusal.

    A form that does not validate is refused with its errors, except where its only field is
    an optional note (`note_may_be_dropped`): then the step goes through without the note.
    """
    form = form_class(request.POST)
    if not form.is_valid() and not note_may_be_dropped:
        messages.error(request, _form_errors(form))
        return _back(request, complaint)
    _run(
        request,
        lambda: service(
            complaint_id=complaint.pk,
            actor=request.user,
            expected_version=_expected_version(request),
            **form.cleaned_data,
        ),
        success,
    )
    return _back(request, complaint)


# ---- propose / settle on the spot ------------------------------------------------------------


def propose(request: HttpRequest, reference: str) -> HttpResponse:
    """Offer a resolution, or settle on the spot within the user's authority (one form)."""
    complaint = _complaint_or_404(request, reference)
    if not (
        request.user.has_perm("complaints.propose_resolution")
        or request.user.has_perm("complaints.resolve_on_the_spot")
    ):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ResolutionForm(request.POST if posted else None, user=request.user, complaint=complaint)
    if posted and form.is_valid():
        try:
            _propose_or_settle(request, complaint, form)
        except ComplaintActionError as exc:
            form.add_error(None, exc.message)
        else:
            return _back(request, complaint)
    return render(
        request,
        "resolutions/propose.html",
        {
            "complaint": complaint,
            "form": form,
            "version": complaint.version,
            "may_settle": complaint.status in ("new", "acknowledged")
            and request.user.has_perm("complaints.resolve_on_the_spot"),
            "script": response_script_for(category=complaint.category, language=script_language()),
            "complaint_url": complaint_url(complaint),
        },
    )


def _propose_or_settle(request: HttpRequest, complaint: Complaint, form: ResolutionForm) -> None:
    data = form.cleaned_data
    fields = {
        "complaint_id": complaint.pk,
        "actor": request.user,
        "type": data["type"],
        "amount": data["amount"],
        "description": data["description"],
        "customer_request": data["customer_request"],
        "expected_version": _expected_version(request),
    }
    if request.POST.get("action") == "settle":
        services.resolution_resolve_on_the_spot(
            acceptance_method=data["acceptance_method"], **fields
        )
        messages.success(
            request,
            _("Settled on the spot: complaint %(reference)s is resolved.")
            % {"reference": complaint.reference},
        )
        return
    resolution = services.resolution_propose(acknowledge_new=True, **fields)
    if resolution.state == ResolutionState.AWAITING_APPROVAL:
        messages.success(
            request,
            _("The resolution was sent for approval. The decision will show on this page."),
        )
    else:
        messages.success(
            request,
            _("The resolution is offered: record the customer's answer when you have it."),
        )


# ---- approval --------------------------------------------------------------------------------


@require_POST
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint_or_404(request, reference)
    return _resolution_step(
        request,
        complaint,
        form_class=ApproveForm,
        service=services.resolution_approve,
        success=_("Approved: the resolution for %(reference)s can now be offered to the customer.")
        % {"reference": complaint.reference},
        note_may_be_dropped=True,
    )


@require_POST
def reject(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint_or_404(request, reference)
    return _resolution_step(
        request,
        complaint,
        form_class=RejectForm,
        service=services.resolution_reject,
        success=_("Rejected: complaint %(reference)s is back in investigation.")
        % {"reference": complaint.reference},
    )


@require_POST
def pass_up(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint_or_404(request, reference)
    return _resolution_step(
        request,
        complaint,
        form_class=PassUpForm,
        service=services.resolution_pass_up,
        success=_("Passed up: the resolution for %(reference)s waits for a higher approver.")
        % {"reference": complaint.reference},
        note_may_be_dropped=True,
    )


class ApprovalQueueView(PermissionRequiredMixin, ListView):
    """Resolutions waiting for approval in my stores that I may decide, oldest first."""

    permission_required = "complaints.approve_resolution"
    template_name = "resolutions/approvals.html"
    context_object_name = "resolutions"
    paginate_by = 25

    def get_queryset(self):
        return resolutions_awaiting_approval(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = authority_table(user=self.request.user)
        for resolution in context["resolutions"]:
            resolution.limit = table.limit(
                store_id=resolution.complaint.store_id, resolution_type=resolution.type
            )
            resolution.covered = table.covers(
                store_id=resolution.complaint.store_id,
                resolution_type=resolution.type,
                amount=resolution.amount,
            )
        return context


# ---- the customer's answer -------------------------------------------------------------------


@require_POST
def accept(request: HttpRequest, reference: str) -> HttpResponse:
    return _resolution_step(
        request,
        _complaint_or_404(request, reference),
        form_class=AcceptanceForm,
        service=services.resolution_record_acceptance,
        success=_("The customer's acceptance is recorded."),
    )


@require_POST
def decline(request: HttpRequest, reference: str) -> HttpResponse:
    return _resolution_step(
        request,
        _complaint_or_404(request, reference),
        form_class=DeclineForm,
        service=services.resolution_record_decline,
        success=_("Recorded that the customer declined: the complaint is back in investigation."),
    )


# ---- fulfilment and commitments --------------------------------------------------------------


@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = FulfilmentTask.objects.select_related("resolution__complaint").get(
            pk=pk, resolution__complaint__in=complaints_visible_to(request.user)
        )
    except FulfilmentTask.DoesNotExist as exc:
        raise Http404 from exc
    form = TaskDoneForm(request.POST)
    form.is_valid()
    _run(
        request,
        lambda: services.fulfilment_task_complete(
            task_id=task.pk, actor=request.user, note=form.cleaned_data.get("note", "")
        ),
        _("Task done: %(task)s.") % {"task": _(task.description)},
    )
    return _back(request, task.resolution.complaint)


@require_POST
def commitment_add(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint_or_404(request, reference)
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, complaint, anchor="commitments")
    _run(
        request,
        lambda: services.commitment_add(
            complaint_id=complaint.pk,
            actor=request.user,
            description=form.cleaned_data["description"],
            due_at=form.cleaned_data["due_at"],
        ),
        _("Commitment recorded. Keep it, and mark it kept here."),
    )
    return _back(request, complaint, anchor="commitments")


@require_POST
def commitment_kept(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        commitment = Commitment.objects.select_related("complaint").get(
            pk=pk, complaint__in=complaints_visible_to(request.user)
        )
    except Commitment.DoesNotExist as exc:
        raise Http404 from exc
    _run(
        request,
        lambda: services.commitment_keep(commitment_id=commitment.pk, actor=request.user),
        _("Commitment marked kept."),
    )
    return _back(request, commitment.complaint, anchor="commitments")


# ---- agreement and scripts -------------------------------------------------------------------


@require_GET
def agreement(request: HttpRequest, reference: str) -> HttpResponse:
    """The printable agreement, in the customer's preferred language, on A4."""
    complaint = _complaint_or_404(request, reference)
    language = complaint.customer.preferred_language or complaint.store.language or "en"
    try:
        store_tz = zoneinfo.ZoneInfo(complaint.store.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        store_tz = timezone.get_current_timezone()
    with translation.override(language), timezone.override(store_tz):
        resolution = agreement_resolution(complaint=complaint)
        context = {
            "complaint": complaint,
            "customer": complaint.customer,
            "resolution": resolution,
            "script": response_script_for(
                category=complaint.category, language=script_language(language)
            ),
            "today": timezone.localdate(),
            "language": language,
            "complaint_url": complaint_url(complaint),
        }
        return render(request, "resolutions/agreement.html", context)


@require_GET
def scripts(request: HttpRequest) -> HttpResponse:
    """Response scripts for every category, the most frequent complaints first."""
    if not request.user.has_perm("resolutions.view_responsescript"):
        raise PermissionDenied
    language = script_language()
    return render(
        request,
        "resolutions/scripts.html",
        {
            "ranked": categories_by_frequency(user=request.user, language=language),
            "language": language,
        },
    )


@require_GET
def script_hint(request: HttpRequest) -> HttpResponse:
    """The script for one category as a fragment, for the intake form (HTMX / resolutions.js)."""
    category = None
    try:
        category = Category.objects.select_related("parent").get(
            pk=int(request.GET.get("category", "")), is_active=True
        )
    except (Category.DoesNotExist, ValueError):
        category = None
    return render(request, "resolutions/_script_hint.html", {"category": category})
