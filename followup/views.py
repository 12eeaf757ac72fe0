"""Pages: the notification list, the front desk's callback queue and a callback, and the
customer's public survey. Thin: forms validate, services decide, selectors scope."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints.models import Complaint, Status
from complaints.services import ComplaintActionError

from . import selectors, services, surveys
from .forms import CallbackOutcomeForm, ReopenForm, SurveyForm
from .models import Callback, Notification, NotificationKind, SurveyInvitation

logger = logging.getLogger("followup.views")
PAGE_SIZE = 25


# ---- notifications -------------------------------------------------------------------------------


@require_http_methods(["GET"])
def notification_list_view(request):
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    may_reopen = request.user.has_perm("complaints.reopen_complaint")
    return render(
        request,
        "followup/notifications.html",
        {
            "page": page,
            "may_reopen": may_reopen,
            "reopen_kind": NotificationKind.SURVEY_DISSATISFIED,
            "reopenable": {Status.RESOLVED, Status.CLOSED},
            "reopen_form": ReopenForm(),
        },
    )


def _safe_target(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return "followup:notifications"


@require_POST
def notification_open_view(request, pk: int):
    """Mark the notification read and go where it points."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    if request.POST.get("next") == "list":
        return redirect("followup:notifications")
    return redirect(_safe_target(request, notification.url))


@require_POST
def notifications_read_all_view(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("followup:notifications")


@require_POST
def notification_reopen_view(request, pk: int):
    """Take up the offer in a dissatisfied-customer alert: reopen the complaint."""
    try:
        notification = Notification.objects.select_related("complaint").get(
            pk=pk, recipient=request.user, kind=NotificationKind.SURVEY_DISSATISFIED
        )
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the complaint is reopened."))
        return redirect("followup:notifications")
    try:
        complaint = surveys.complaint_reopen_after_follow_up(
            complaint_id=notification.complaint_id,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc
    except ComplaintActionError as exc:
        messages.error(request, exc.message)
        return redirect("followup:notifications")
    services.notification_mark_read(user=request.user, notification_id=pk)
    messages.success(
        request, _("Complaint %(reference)s is reopened.") % {"reference": complaint.reference}
    )
    return redirect(complaint)


# ---- callbacks -----------------------------------------------------------------------------------


@permission_required("followup.do_callback", raise_exception=True)
@require_http_methods(["GET"])
def callback_list_view(request):
    page = Paginator(selectors.callback_queue(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "followup/callbacks.html", {"page": page})


@permission_required("followup.do_callback", raise_exception=True)
@require_http_methods(["GET", "POST"])
def callback_detail_view(request, pk: int):
    try:
        callback = selectors.callback_detail(user=request.user, callback_id=pk)
    except Callback.DoesNotExist as exc:
        raise Http404 from exc
    complaint = callback.complaint
    form = CallbackOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.callback_record(callback_id=callback.pk, actor=request.user, **form.values)
        except Complaint.DoesNotExist as exc:
            raise Http404 from exc
        except ComplaintActionError as exc:
            form.add_error(None, exc.message)
        else:
            if form.values["reached"]:
                messages.success(request, _("The call is recorded. Thank you."))
            else:
                messages.info(
                    request, _("Recorded: customer not reached. The callback stays in the queue.")
                )
            return redirect("followup:callbacks")
    script = selectors.response_script_for(
        complaint=complaint, language=complaint.customer.preferred_language
    )
    return render(
        request,
        "followup/callback.html",
        {
            "callback": callback,
            "complaint": complaint,
            "customer": complaint.customer,
            "script": script,
            "form": form,
            "complaint_url": complaint.get_absolute_url(),
        },
    )


# ---- the customer's survey (public) --------------------------------------------------------------


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_limited(request) -> bool:
    """At most SURVEY_RATE_LIMIT_PER_MINUTE requests per minute from one address. A cache
    that cannot be reached lets the customer through rather than failing the page."""
    key = f"survey-rate:{_client_ip(request)}:{int(timezone.now().timestamp() // 60)}"
    try:
        cache.add(key, 0, timeout=90)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - cache down: do not punish the customer
        logger.warning("Survey rate limit unavailable", exc_info=True)
        return False
    return count > settings.SURVEY_RATE_LIMIT_PER_MINUTE


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_view(request, token: str):
    if _rate_limited(request):
        return HttpResponse(
            _("Too many requests. Please wait a minute and try again."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    try:
        invitation = selectors.survey_for_token(token=token)
    except SurveyInvitation.DoesNotExist as exc:
        raise Http404 from exc
    language = invitation.language or settings.LANGUAGE_CODE
    with translation.override(language):
        form = SurveyForm(request.POST or None)
        context = {
            "form": form,
            "store": invitation.complaint.store,
            "language": language,
        }
        if request.method == "POST" and form.is_valid():
            try:
                surveys.survey_answer(
                    token=token,
                    satisfaction=form.cleaned_data["satisfaction"],
                    solved=bool(form.solved_value),
                    comment=form.cleaned_data.get("comment", ""),
                )
            except surveys.SurveyNotFound as exc:
                raise Http404 from exc
            response = render(request, "followup/survey_thanks.html", context)
        else:
            response = render(request, "followup/survey.html", context)
    response["Content-Language"] = language
    return response
