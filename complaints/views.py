"""The complaint pages: my work, the list, intake, one complaint and its actions, downloads.

Views are thin: they read the request, call a selector or a service, and show the result.
A complaint the user may not see is a 404 everywhere; an action the user's role never allows is
a 403; a refusal of the moment (wrong state, someone else changed it) is a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers.selectors import REPEAT_THRESHOLD, REPEAT_WINDOW_DAYS
from customers.services import customer_get_or_create_for_intake
from resolutions import services as resolution_services
from resolutions.authority import within_authority
from resolutions.forms import ResolutionForm

from . import services
from .filters import ComplaintFilter
from .forms import (
    AddNoteForm,
    AttachmentUploadForm,
    CloseAsForm,
    ComplaintIntakeForm,
    EscalateForm,
    NoteOptionalForm,
    ReasonForm,
    ReassignForm,
    VerdictForm,
    store_zone,
)
from .models import NEXT_LEVEL, OPEN_STATUSES, Attachment, Complaint, Status, overdue_condition
from .pagination import ComplaintPaginator
from .selectors import (
    complaint_count,
    complaint_detail,
    complaint_list,
    complaint_timeline,
    complaints_visible_to,
    my_open_complaints,
    sees_all_stores,
)

LIST_PAGE_SIZE = 50
SEARCH_COUNT_LIMIT = 1000  # a text search counts its matches up to here ("more than 1,000")
MY_WORK_PAGE_SIZE = 25

SUBMIT_LOG = "log"
SUBMIT_SETTLE = "settle"
SUBMIT_APPROVAL = "request_approval"


def _page(request: HttpRequest, queryset, size: int):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# ---- my work ---------------------------------------------------------------------------------


@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """`/`: what I own that is still open, due soonest first; for those who watch stores, how
    their stores stand."""
    user = request.user
    page = _page(request, my_open_complaints(user=user), MY_WORK_PAGE_SIZE)
    watches_stores = sees_all_stores(user) or user.has_perm("complaints.approve_resolution")
    summary = _store_summary(user) if watches_stores else []
    return render(
        request,
        "complaints/my_work.html",
        {
            "page_obj": page,
            "complaints": page.object_list,
            "store_summary": summary,
            "watches_stores": watches_stores,
            "open_statuses": OPEN_STATUSES,
        },
    )


def _store_summary(user) -> list[dict]:
    """Open and overdue counts per visible store, in one aggregate query."""
    return list(
        complaints_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values("store_id", "store__code", "store__name")
        .annotate(
            open_count=Count("pk"),
            overdue_count=Count("pk", filter=overdue_condition(timezone.now())),
            new_count=Count("pk", filter=Q(status=Status.NEW)),
            approval_count=Count("pk", filter=Q(status=Status.AWAITING_APPROVAL)),
        )
        .order_by("store__code")
    )


# ---- the list --------------------------------------------------------------------------------


@require_GET
def complaint_list_view(request: HttpRequest) -> HttpResponse:
    """`/complaints/`: filterable, sortable, paginated in the database."""
    rows = complaint_list(user=request.user)
    filterset = ComplaintFilter(request.GET or None, queryset=rows, request=request)
    paginator = ComplaintPaginator(
        filterset.qs,
        LIST_PAGE_SIZE,
        count=None if filterset.narrows else complaint_count(user=request.user),
        count_limit=SEARCH_COUNT_LIMIT if filterset.searched else None,
        rows=rows,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "complaints": page.object_list,
            "filtered": bool(set(request.GET) - {"page", "sort"}),
        },
    )


# ---- intake ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def complaint_create_view(request: HttpRequest) -> HttpResponse:
    """`/complaints/new/`: log a complaint; optionally settle it on the spot or request
    approval of a resolution in the same step."""
    user = request.user
    if not user.has_perm("complaints.add_complaint"):
        raise PermissionDenied
    may_settle = user.has_perm("complaints.resolve_on_the_spot")
    submit = request.POST.get("submit", SUBMIT_LOG) if request.method == "POST" else SUBMIT_LOG
    if submit not in {SUBMIT_LOG, SUBMIT_SETTLE, SUBMIT_APPROVAL}:
        submit = SUBMIT_LOG
    if submit != SUBMIT_LOG and not may_settle:
        raise PermissionDenied

    if request.method == "POST":
        form = ComplaintIntakeForm(request.POST, request.FILES, user=user)
    else:
        form = ComplaintIntakeForm(user=user)
    settle_form = _settle_form(request, form, submit) if may_settle else None

    if request.method == "POST":
        valid = form.is_valid()
        if submit != SUBMIT_LOG:
            valid = settle_form.is_valid() and valid
            if valid and submit == SUBMIT_SETTLE:
                valid = _check_settle_authority(settle_form, user=user, form=form)
        if valid:
            try:
                complaint, notice = intake_submit(
                    user=user, form=form, settle_form=settle_form, submit=submit
                )
            except services.ComplaintActionError as exc:
                target = settle_form if submit != SUBMIT_LOG else form
                target.add_error(None, exc.message)
            else:
                messages.success(request, notice)
                return redirect("complaints:detail", reference=complaint.reference)
    return render(
        request,
        "complaints/create.html",
        {
            "form": form,
            "settle_form": settle_form,
            "files_lost": bool(request.FILES),
            "submit": submit,
        },
    )


def _settle_form(request: HttpRequest, form: ComplaintIntakeForm, submit: str) -> ResolutionForm:
    """The "settle now" part. Bound only when one of its buttons was used, so that plain
    logging neither validates it nor loses what was typed in it."""
    store = form.single_store
    raw_store = request.POST.get("store", "")
    # ASCII digits of a sane length only: int() refuses "²" and 5,000-digit numbers (a 500).
    if raw_store.isascii() and raw_store.isdigit() and len(raw_store) < 19:
        store = form.fields["store"].queryset.filter(pk=int(raw_store)).first() or store
    kwargs = {"prefix": "settle", "user": request.user, "store": store}
    if request.method == "POST" and submit != SUBMIT_LOG:
        return ResolutionForm(request.POST, use_required_attribute=False, **kwargs)
    initial = {}
    if request.method == "POST":
        initial = {
            name: request.POST.get(f"settle-{name}")
            for name in ("type", "amount", "description", "acceptance_method")
            if request.POST.get(f"settle-{name}")
        }
    return ResolutionForm(initial=initial, use_required_attribute=False, **kwargs)


def _check_settle_authority(settle_form: ResolutionForm, *, user, form) -> bool:
    """Above the user's own authority nothing is saved: they are told to request approval."""
    data = settle_form.cleaned_data
    if within_authority(
        user=user,
        store=form.cleaned_data["store"],
        resolution_type=data["type"],
        amount=data["amount"],
    ):
        return True
    settle_form.add_error(
        "amount",
        _(
            "%(amount)s is above what you may grant on your own. Use “Log and request "
            "approval” instead."
        )
        % {"amount": data["amount"]},
    )
    return False


def intake_submit(
    *, user, form: ComplaintIntakeForm, settle_form: ResolutionForm | None, submit: str
) -> tuple[Complaint, str]:
    """Register (or find again) the customer and log the complaint; then, in the same
    transaction, settle it on the spot or propose the resolution. All or nothing."""
    data = form.cleaned_data
    store = data["store"]
    with transaction.atomic():
        customer = data.get("customer")
        found_again = False
        if customer is None:
            customer, created = customer_get_or_create_for_intake(
                actor=user, store=store, **form.new_customer_fields()
            )
            found_again = not created
        complaint = services.complaint_create(
            actor=user,
            store=store,
            customer=customer,
            acknowledge_now=data["acknowledge_now"] or submit == SUBMIT_APPROVAL,
            attachments=data["attachments"],
            **form.complaint_fields(),
        )
        notice = _("Complaint %(reference)s is logged.") % {"reference": complaint.reference}
        if submit == SUBMIT_SETTLE:
            resolution_services.resolution_resolve_on_the_spot(
                complaint_id=complaint.pk,
                actor=user,
                type=settle_form.cleaned_data["type"],
                amount=settle_form.cleaned_data["amount"],
                description=settle_form.cleaned_data["description"],
                acceptance_method=settle_form.cleaned_data["acceptance_method"] or "verbal",
            )
            notice = _("Complaint %(reference)s is logged and settled on the spot.") % {
                "reference": complaint.reference
            }
        elif submit == SUBMIT_APPROVAL:
            resolution = resolution_services.resolution_propose(
                complaint_id=complaint.pk,
                actor=user,
                type=settle_form.cleaned_data["type"],
                amount=settle_form.cleaned_data["amount"],
                description=settle_form.cleaned_data["description"],
            )
            if resolution.state == "awaiting_approval":
                notice = _(
                    "Complaint %(reference)s is logged; the resolution waits for approval."
                ) % {"reference": complaint.reference}
            else:
                notice = _(
                    "Complaint %(reference)s is logged; the resolution is within your authority "
                    "and now waits for the customer's answer."
                ) % {"reference": complaint.reference}
    if found_again:
        notice = f"{notice} " + _(
            "The customer was already registered with this phone or e-mail: the complaint is "
            "filed under their record."
        )
    return complaint, notice


# ---- one complaint ---------------------------------------------------------------------------


def _visible_complaint(user, reference: str) -> Complaint:
    try:
        return complaint_detail(user=user, reference=reference)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc


# The complaint page's own transitions; the resolution ones belong to the resolutions panel.
PAGE_TRANSITIONS = [
    "acknowledge",
    "investigate",
    "close",
    "close_unfounded",
    "close_malicious",
    "withdraw",
    "reopen",
]


@dataclass(frozen=True)
class Action:
    label: str
    form_class: type
    permission: str
    run: Callable[..., str]
    style: str = "outline-secondary"
    confirm: str = ""


def _run_transition(service_name: str, **extra):
    def run(*, complaint: Complaint, user, data: dict, version: int | None) -> str:
        getattr(services, service_name)(
            complaint_id=complaint.pk,
            actor=user,
            expected_version=version,
            **{key: data.get(key, "") for key in extra.get("fields", ())},
        )
        return extra["done"]

    return run


def _reassign(*, complaint, user, data, version) -> str:
    services.complaint_reassign(
        complaint_id=complaint.pk,
        actor=user,
        new_owner=data["new_owner"],
        reason=data.get("reason", ""),
        expected_version=version,
    )
    return _("Complaint reassigned to %(user)s.") % {"user": data["new_owner"]}


def _escalate(*, complaint, user, data, version) -> str:
    updated = services.complaint_escalate(
        complaint_id=complaint.pk,
        actor=user,
        new_owner=data["new_owner"],
        reason=data["reason"],
        expected_version=version,
    )
    return _("Complaint escalated to %(level)s level, owned by %(user)s.") % {
        "level": updated.get_level_display(),
        "user": data["new_owner"],
    }


def _note(*, complaint, user, data, version) -> str:
    services.complaint_add_note(
        complaint_id=complaint.pk, actor=user, text=data["text"], kind=data["kind"]
    )
    return _("Added to the timeline.")


def _verdict(*, complaint, user, data, version) -> str:
    services.complaint_record_verdict(
        complaint_id=complaint.pk,
        actor=user,
        verdict=data["verdict"],
        root_cause=data.get("root_cause", ""),
        responsible_department=data.get("responsible_department", ""),
        expected_version=version,
    )
    return _("Verdict recorded.")


def _upload(*, complaint, user, data, version) -> str:
    with transaction.atomic():
        for upload in data["files"]:
            services.attachment_add(complaint=complaint, actor=user, upload=upload)
    return _("Attached %(count)d file(s).") % {"count": len(data["files"])}


ACTIONS: dict[str, Action] = {
    "acknowledge": Action(
        gettext_lazy("Acknowledge"),
        NoteOptionalForm,
        "complaints.acknowledge_complaint",
        _run_transition(
            "complaint_acknowledge", fields=("note",), done=gettext_lazy("Acknowledged.")
        ),
        style="primary",
    ),
    "investigate": Action(
        gettext_lazy("Start investigating"),
        NoteOptionalForm,
        "complaints.investigate_complaint",
        _run_transition(
            "complaint_investigate", fields=("note",), done=gettext_lazy("Investigation started.")
        ),
        style="primary",
    ),
    "close": Action(
        gettext_lazy("Close"),
        NoteOptionalForm,
        "complaints.close_complaint",
        _run_transition("complaint_close", fields=("note",), done=gettext_lazy("Closed.")),
        style="success",
    ),
    "close_unfounded": Action(
        gettext_lazy("Close as unfounded"),
        CloseAsForm,
        "complaints.close_unfounded",
        _run_transition(
            "complaint_close_unfounded",
            fields=("reason", "root_cause"),
            done=gettext_lazy("Closed as unfounded."),
        ),
        style="outline-danger",
    ),
    "close_malicious": Action(
        gettext_lazy("Close as malicious"),
        CloseAsForm,
        "complaints.close_unfounded",
        _run_transition(
            "complaint_close_malicious",
            fields=("reason", "root_cause"),
            done=gettext_lazy("Closed as malicious."),
        ),
        style="outline-danger",
    ),
    "withdraw": Action(
        gettext_lazy("Customer withdrew"),
        ReasonForm,
        "complaints.withdraw_complaint",
        _run_transition(
            "complaint_withdraw", fields=("reason",), done=gettext_lazy("Withdrawal recorded.")
        ),
    ),
    "reopen": Action(
        gettext_lazy("Reopen"),
        ReasonForm,
        "complaints.reopen_complaint",
        _run_transition("complaint_reopen", fields=("reason",), done=gettext_lazy("Reopened.")),
        style="warning",
    ),
    "escalate": Action(
        gettext_lazy("Escalate"),
        EscalateForm,
        "complaints.escalate_complaint",
        _escalate,
        style="outline-warning",
    ),
    "reassign": Action(
        gettext_lazy("Reassign"), ReassignForm, "complaints.reassign_complaint", _reassign
    ),
    "note": Action(gettext_lazy("Add note or call"), AddNoteForm, "complaints.add_note", _note),
    "verdict": Action(
        gettext_lazy("Record verdict"), VerdictForm, "complaints.record_verdict", _verdict
    ),
    "upload": Action(
        gettext_lazy("Attach files"), AttachmentUploadForm, "complaints.add_attachment", _upload
    ),
}


def _available_actions(
    complaint: Complaint, user, transitions: set[str], attachment_count: int
) -> list[str]:
    """What this user may do on this complaint now, in the order the buttons appear."""
    names = [name for name in PAGE_TRANSITIONS if name in transitions]
    if complaint.is_open:
        if user.has_perm("complaints.escalate_complaint") and complaint.level in NEXT_LEVEL:
            names.append("escalate")
        if user.has_perm("complaints.reassign_complaint"):
            names.append("reassign")
    if user.has_perm("complaints.add_note"):
        names.append("note")
    if user.has_perm("complaints.record_verdict"):
        names.append("verdict")
    if (
        user.has_perm("complaints.add_attachment")
        and attachment_count < settings.ATTACHMENT_MAX_COUNT
    ):
        names.append("upload")
    return names


@require_GET
def complaint_detail_view(request: HttpRequest, reference: str) -> HttpResponse:
    """`/complaints/<reference>/`: the facts, the timeline, and what this user may do now.
    Times are shown in the complaint's store's time zone."""
    user = request.user
    complaint = _visible_complaint(user, reference)
    with timezone.override(store_zone(complaint.store)):
        available = set(services.available_transitions(complaint=complaint, user=user))
        attachments = list(complaint.attachments.all())
        action_names = _available_actions(complaint, user, available, len(attachments))
        action_forms = [
            (
                name,
                ACTIONS[name],
                ACTIONS[name].form_class(prefix=name, complaint=complaint, user=user),
            )
            for name in action_names
        ]
        customer_recent = (
            complaints_visible_to(user)
            .filter(
                customer_id=complaint.customer_id,
                received_at__gte=timezone.now() - timedelta(days=REPEAT_WINDOW_DAYS),
            )
            .count()
        )
        return render(
            request,
            "complaints/detail.html",
            {
                "complaint": complaint,
                "available": available,
                "version": complaint.version,
                "action_forms": action_forms,
                "timeline": complaint_timeline(complaint=complaint),
                "attachments": attachments,
                "may_download": user.has_perm("complaints.view_attachment"),
                "customer_recent_count": customer_recent,
                "customer_is_repeat": customer_recent >= REPEAT_THRESHOLD,
                "max_attachments": settings.ATTACHMENT_MAX_COUNT,
                "store_tz": complaint.store.time_zone,
            },
        )


@require_POST
def complaint_action_view(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """POST `/complaints/<reference>/act/<action>/`: run one action through its service with
    the version the page showed, so nobody overwrites what they did not see."""
    user = request.user
    complaint = _visible_complaint(user, reference)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    if not user.has_perm(spec.permission):
        raise PermissionDenied
    form = spec.form_class(
        request.POST, request.FILES, prefix=action, complaint=complaint, user=user
    )
    back = redirect("complaints:detail", reference=complaint.reference)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return back
    version = _posted_version(request)
    try:
        done = spec.run(complaint=complaint, user=user, data=form.cleaned_data, version=version)
    except services.ComplaintActionError as exc:
        messages.error(request, exc.message)
    except Complaint.DoesNotExist as exc:  # lost sight of it between the page and the click
        raise Http404 from exc
    else:
        messages.success(request, str(done))
    return back


def _posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@require_GET
def attachment_download(request: HttpRequest, reference: str, attachment_id: int):
    """An attachment, only to users who may see the complaint, always as a download."""
    user = request.user
    complaint = _visible_complaint(user, reference)
    if not user.has_perm("complaints.view_attachment"):
        raise PermissionDenied
    try:
        attachment = complaint.attachments.get(pk=attachment_id)
        handle = attachment.file.open("rb")
    except (Attachment.DoesNotExist, FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
