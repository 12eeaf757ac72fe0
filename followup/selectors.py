"""Reads for follow-up: who must hear of something, the notification list, the callback queue
and the survey behind a token."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from complaints.models import Complaint, Status
from complaints.roles import STORE_MANAGER, SUPERVISOR
from complaints.selectors import complaints_visible_to, staff_in_roles

from .models import Callback, Notification, SurveyInvitation, SurveyState


def store_supervisors(*, store_id: int) -> list:
    return staff_in_roles(store_id=store_id, roles=[SUPERVISOR])


def store_managers(*, store_id: int) -> list:
    return staff_in_roles(store_id=store_id, roles=[STORE_MANAGER])


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).select_related("complaint")


def unread_notification_count(*, user, cap: int = 99) -> int:
    """Unread notifications, counted up to `cap` (the badge shows "99+") in one query."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .order_by()
        .values("pk")[: cap + 1]
        .count()
    )


def callback_queue(*, user) -> QuerySet[Callback]:
    """Open callbacks of resolved complaints the user may see, oldest first."""
    return (
        Callback.objects.filter(
            done_at__isnull=True,
            complaint__in=complaints_visible_to(user).filter(status=Status.RESOLVED),
        )
        .select_related(
            "complaint", "complaint__store", "complaint__customer", "complaint__category"
        )
        .order_by("created_at", "id")
    )


def callback_detail(*, user, callback_id: int) -> Callback:
    """One open or done callback the user may see, or Callback.DoesNotExist (404)."""
    return (
        Callback.objects.filter(complaint__in=complaints_visible_to(user))
        .select_related(
            "complaint",
            "complaint__store",
            "complaint__customer",
            "complaint__category",
            "complaint__category__parent",
            "complaint__owner",
            "done_by",
        )
        .get(pk=callback_id)
    )


def may_do_callbacks(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("followup.do_callback"))


def response_script_for(*, complaint: Complaint, language: str):
    """The script for the complaint's category (or its parent) in the customer's language,
    falling back to any language; None when head office has not written one."""
    from resolutions.models import ResponseScript

    categories = [complaint.category_id]
    if complaint.category.parent_id:
        categories.append(complaint.category.parent_id)
    scripts = list(ResponseScript.objects.filter(category_id__in=categories))
    if not scripts:
        return None

    def rank(script) -> tuple[int, int]:
        return (
            0 if script.language == language else 1,
            categories.index(script.category_id),
        )

    return sorted(scripts, key=rank)[0]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def survey_for_token(*, token: str) -> SurveyInvitation:
    """The open survey behind a token, or SurveyInvitation.DoesNotExist: unknown, used,
    cancelled and expired tokens are all the same to the customer."""
    if not token or len(token) > 100:
        raise SurveyInvitation.DoesNotExist
    return SurveyInvitation.objects.select_related("complaint", "complaint__store").get(
        token_hash=token_hash(token), state=SurveyState.SENT, expires_at__gt=timezone.now()
    )
