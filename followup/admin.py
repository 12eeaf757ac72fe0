"""Follow-up in the Django admin: survey answers, callbacks and the outbox, read-only.

Surveys and callbacks are scoped like complaints (another store's are 404); they change only
through the services (the survey page, the callback page, the sweep). The outbox of e-mails and
SMS is for operators (superusers): it shows what is pending, sent or failed, never a token.
"""

from __future__ import annotations

from django.contrib import admin

from complaints.admin import NotFoundOutsideScopeMixin
from complaints.selectors import complaints_visible_to

from .models import Callback, Delivery, SurveyInvitation


class ReadOnlyAdmin(NotFoundOutsideScopeMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "complaint",
        "state",
        "channel",
        "sent_at",
        "answered_at",
        "satisfaction",
        "solved",
    ]
    list_filter = ["state", "channel", "solved"]
    search_fields = ["complaint__reference"]
    date_hierarchy = "created_at"
    list_select_related = ["complaint"]
    exclude = ["token_hash"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(complaint__in=complaints_visible_to(request.user))
        )


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    list_display = [
        "complaint",
        "reason",
        "created_at",
        "attempts",
        "done_at",
        "reached",
        "satisfaction",
    ]
    list_filter = ["reason", "reached"]
    search_fields = ["complaint__reference"]
    list_select_related = ["complaint", "done_by"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(complaint__in=complaints_visible_to(request.user))
        )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "purpose", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "purpose", "channel"]
    fields = [
        "purpose",
        "channel",
        "language",
        "status",
        "attempts",
        "created_at",
        "dispatched_at",
        "sent_at",
        "last_error",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()
