"""The Django admin for resolutions, where supervisors and managers approve compensation and
head office edits authority limits and response scripts.

Every queryset starts from `complaints_visible_to` (store scoping); approving and rejecting go
through `resolution_approve` / `resolution_reject`, so four eyes, the approver's limit and
"grant once" hold here exactly as on the complaint page. Resolutions, decisions, tasks and
commitments are never edited here: they change only through the services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.admin import NotFoundOutsideScopeMixin, ReadOnlyMixin
from complaints.models import Complaint
from complaints.roles import ROLES
from complaints.selectors import complaints_visible_to
from complaints.services import ComplaintActionError

from .authority import authority_table
from .forms import RejectForm
from .links import complaint_url
from .models import (
    ApprovalDecision,
    AuthorityLimit,
    Commitment,
    FulfilmentTask,
    PendingApproval,
    Resolution,
    ResponseScript,
)
from .selectors import resolutions_user_may_approve, resolutions_visible_to
from .services import resolution_approve, resolution_reject

APPROVE_PERMISSION = "complaints.approve_resolution"


class DecisionInline(ReadOnlyMixin, admin.TabularInline):
    model = ApprovalDecision
    extra = 0
    fields = ["decision", "decided_by", "decided_at", "reason", "passed_to"]
    readonly_fields = fields
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("resolutions.view_resolution")


class TaskInline(ReadOnlyMixin, admin.TabularInline):
    model = FulfilmentTask
    extra = 0
    fields = ["team", "description", "owner", "due_at", "done_at", "done_by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("resolutions.view_resolution")


RESOLUTION_FIELDS = [
    "complaint_link",
    "type",
    "amount",
    "currency",
    "description",
    "customer_request",
    "state",
    "is_current",
    "on_the_spot",
    "proposed_by",
    "proposed_at",
    "accepted_at",
    "acceptance_method",
    "acceptance_recorded_by",
    "declined_reason",
    "fulfilled_at",
]


class ResolutionAdminBase(NotFoundOutsideScopeMixin, ReadOnlyMixin, admin.ModelAdmin):
    fields = RESOLUTION_FIELDS
    readonly_fields = RESOLUTION_FIELDS
    inlines = [DecisionInline, TaskInline]
    search_fields = ["complaint__reference", "description"]
    list_select_related = ["complaint", "complaint__store", "proposed_by"]

    @admin.display(description=_("complaint"), ordering="complaint__reference")
    def complaint_link(self, obj: Resolution) -> str:
        return format_html(
            '<a href="{}#resolution">{}</a>', complaint_url(obj.complaint), obj.complaint.reference
        )

    @admin.display(description=_("store"), ordering="complaint__store__code")
    def store(self, obj: Resolution) -> str:
        return obj.complaint.store.name

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Resolution) -> str:
        return f"{obj.amount:,.2f} {obj.currency}"


@admin.register(Resolution)
class ResolutionAdmin(ResolutionAdminBase):
    list_display = [
        "complaint_link",
        "store",
        "type",
        "amount_display",
        "state",
        "is_current",
        "on_the_spot",
        "proposed_by",
        "proposed_at",
    ]
    list_filter = ["state", "type", "on_the_spot", "is_current"]
    date_hierarchy = "proposed_at"

    def get_queryset(self, request):
        return resolutions_visible_to(request.user, base=super().get_queryset(request))


@admin.register(PendingApproval)
class PendingApprovalAdmin(ResolutionAdminBase):
    """The approver's work list: only what this user may approve (their stores, not their own,
    within their limit), oldest first, with approve and reject actions."""

    list_display = [
        "reference",
        "store",
        "customer",
        "type",
        "amount_display",
        "offer",
        "proposed_by",
        "waiting_since",
        "complaint_page",
    ]
    list_filter = ["type"]
    actions = ["approve_selected", "reject_selected"]
    ordering = ["proposed_at", "id"]

    # Approvers see this list through the approve permission, not a model permission of the
    # proxy: the same permission string the transition checks.
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm(APPROVE_PERMISSION)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.has_perm(APPROVE_PERMISSION)

    def has_approve_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm(APPROVE_PERMISSION)

    def get_queryset(self, request):
        table = self._table(request)
        return resolutions_user_may_approve(
            user=request.user, table=table, base=PendingApproval.objects.all()
        ).select_related("complaint__customer")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _table(self, request):
        if not hasattr(request, "_authority_table"):
            request._authority_table = authority_table(user=request.user)
        return request._authority_table

    @admin.display(description=_("complaint"), ordering="complaint__reference")
    def reference(self, obj: Resolution) -> str:
        return obj.complaint.reference

    @admin.display(description=_("what we offer"))
    def offer(self, obj: Resolution) -> str:
        return obj.description[:80] + ("…" if len(obj.description) > 80 else "")

    @admin.display(description=_("complaint page"))
    def complaint_page(self, obj: Resolution) -> str:
        return format_html(
            '<a href="{}#resolution">{}</a>', complaint_url(obj.complaint), _("Open")
        )

    @admin.display(description=_("customer"))
    def customer(self, obj: Resolution) -> str:
        return obj.complaint.customer.name

    @admin.display(description=_("waiting since"), ordering="proposed_at")
    def waiting_since(self, obj: Resolution) -> str:
        return _("%(time)s ago") % {"time": timesince(obj.proposed_at)}

    def _decide(self, request, queryset, decide) -> int:
        """Run one service per selected resolution; report each refusal, count the rest."""
        done = 0
        for complaint_id, reference in queryset.values_list("complaint_id", "complaint__reference"):
            try:
                decide(complaint_id)
            except ComplaintActionError as exc:
                self.message_user(request, f"{reference}: {exc.message}", messages.ERROR)
            except Complaint.DoesNotExist:
                self.message_user(
                    request,
                    _("%(reference)s: not found.") % {"reference": reference},
                    messages.ERROR,
                )
            else:
                done += 1
        return done

    @admin.action(description=_("Approve the selected resolutions"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        if not queryset.exists():
            self.message_user(
                request,
                _("Nothing was approved: none of the selected resolutions is one you may approve."),
                messages.WARNING,
            )
            return None
        done = self._decide(
            request,
            queryset,
            lambda complaint_id: resolution_approve(complaint_id=complaint_id, actor=request.user),
        )
        if done:
            self.message_user(
                request,
                ngettext(
                    "Approved %(count)d resolution: it can now be offered to the customer.",
                    "Approved %(count)d resolutions: they can now be offered to the customers.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        return None

    @admin.action(description=_("Reject the selected resolutions…"), permissions=["approve"])
    def reject_selected(self, request, queryset):
        if not queryset.exists():
            self.message_user(
                request,
                _("Nothing was rejected: none of the selected resolutions is one you may decide."),
                messages.WARNING,
            )
            return None
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._decide(
                request,
                queryset,
                lambda complaint_id: resolution_reject(
                    complaint_id=complaint_id, actor=request.user, reason=reason
                ),
            )
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "Rejected %(count)d resolution: the complaint is back in investigation.",
                        "Rejected %(count)d resolutions: the complaints are back in investigation.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject resolutions"),
            "opts": self.model._meta,
            "queryset": queryset.select_related("complaint", "proposed_by"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "reject_selected",
            "media": self.media,
        }
        return TemplateResponse(request, "admin/resolutions/reject_confirmation.html", context)


class AuthorityLimitForm(forms.ModelForm):
    class Meta:
        model = AuthorityLimit
        fields = ["role", "store", "resolution_type", "max_amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Group.objects.filter(name__in=ROLES).order_by("name")

    def clean_max_amount(self):
        amount = self.cleaned_data.get("max_amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("A limit cannot be negative."))
        return amount

    def clean(self):
        cleaned = super().clean()
        # The constraint treats "every store" and "every type" as one value each; PostgreSQL
        # enforces it (NULLS NOT DISTINCT), SQLite cannot, so the form checks on both.
        role, store = cleaned.get("role"), cleaned.get("store")
        resolution_type = cleaned.get("resolution_type") or ""
        if role is not None:
            clash = AuthorityLimit.objects.filter(
                role=role, store=store, resolution_type=resolution_type
            )
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    _(
                        "There is already a limit for this role, store and type: change that "
                        "one instead."
                    )
                )
        return cleaned


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    form = AuthorityLimitForm
    list_display = ["role", "store_or_all", "type_or_all", "limit"]
    list_filter = ["role", "resolution_type", "store"]
    list_select_related = ["role", "store"]
    ordering = ["role__name", "store__code", "resolution_type"]

    @admin.display(description=_("store"), ordering="store__code")
    def store_or_all(self, obj: AuthorityLimit) -> str:
        return str(obj.store) if obj.store_id else _("every store")

    @admin.display(description=_("resolution type"), ordering="resolution_type")
    def type_or_all(self, obj: AuthorityLimit) -> str:
        return obj.get_resolution_type_display() if obj.resolution_type else _("every type")

    @admin.display(description=_("largest amount without approval"), ordering="max_amount")
    def limit(self, obj: AuthorityLimit) -> str:
        return _("unlimited") if obj.max_amount is None else f"{obj.max_amount:,.2f}"


@admin.register(ResponseScript)
class ResponseScriptAdmin(admin.ModelAdmin):
    list_display = ["category", "language", "opening_start"]
    list_filter = ["language", "category__parent"]
    search_fields = ["category__name_en", "category__name_zh", "opening"]
    list_select_related = ["category", "category__parent"]
    ordering = ["category__parent__position", "category__position", "language"]
    fieldsets = [
        (None, {"fields": ["category", "language", "opening"]}),
        (
            _("Closing message, in four parts"),
            {
                "fields": [
                    "closing_apology",
                    "closing_thanks_trust",
                    "closing_thanks_feedback",
                    "closing_improvement",
                ]
            },
        ),
    ]

    @admin.display(description=_("what to say"))
    def opening_start(self, obj: ResponseScript) -> str:
        return obj.opening[:90] + ("…" if len(obj.opening) > 90 else "")


@admin.register(Commitment)
class CommitmentAdmin(NotFoundOutsideScopeMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["complaint_link", "description", "due_at", "made_by", "kept_at", "broken"]
    list_filter = ["kept_at"]
    search_fields = ["complaint__reference", "description"]
    list_select_related = ["complaint", "made_by"]
    date_hierarchy = "due_at"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(complaint__in=complaints_visible_to(request.user))
        )

    @admin.display(description=_("complaint"), ordering="complaint__reference")
    def complaint_link(self, obj: Commitment) -> str:
        return format_html(
            '<a href="{}#commitments">{}</a>', complaint_url(obj.complaint), obj.complaint.reference
        )

    @admin.display(description=_("broken"), boolean=True)
    def broken(self, obj: Commitment) -> bool:
        return obj.is_broken


@admin.register(FulfilmentTask)
class FulfilmentTaskAdmin(NotFoundOutsideScopeMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["complaint_link", "team", "description", "owner", "due_at", "done_at"]
    list_filter = ["team", "done_at"]
    search_fields = ["resolution__complaint__reference", "description"]
    list_select_related = ["resolution__complaint", "owner"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(resolution__complaint__in=complaints_visible_to(request.user))
        )

    @admin.display(description=_("complaint"), ordering="resolution__complaint__reference")
    def complaint_link(self, obj: FulfilmentTask) -> str:
        complaint = obj.resolution.complaint
        return format_html(
            '<a href="{}#resolution">{}</a>', complaint_url(complaint), complaint.reference
        )
