"""The Django admin for stores, categories and complaints.

Every list starts from the store-scoping selectors, and an object outside the user's scope is
a 404 (not the admin's usual "does not exist" redirect). Complaints are shown, never edited
here: their life goes through the services from the complaint page, so there are no
django-fsm transition buttons and the event log is a read-only inline.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customers.models import mask_phone

from .models import Attachment, Category, Complaint, ComplaintEvent, Store, StoreMembership
from .selectors import complaints_visible_to, stores_visible_to
from .templatetags.timeline import event_system_text


class NotFoundOutsideScopeMixin:
    """An object the user may not see answers 404 in change, history and delete views."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class ScopedStoreFilter(admin.SimpleListFilter):
    """Filter by store, offering only the stores the user may see."""

    title = _("store")
    parameter_name = "store"
    field = "store_id"

    def lookups(self, request, model_admin):
        return [(store.pk, str(store)) for store in stores_visible_to(request.user)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and str(value).isdigit():
            return queryset.filter(**{self.field: int(value)})
        return queryset


# ---- stores ----------------------------------------------------------------------------------


class StoreMembershipInline(admin.TabularInline):
    model = StoreMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Store)
class StoreAdmin(NotFoundOutsideScopeMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region", "time_zone", "currency", "language"]
    search_fields = ["code", "name", "region"]
    list_filter = ["region"]
    inlines = [StoreMembershipInline]

    def get_queryset(self, request):
        return stores_visible_to(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # complaints protect their store; close a store by removing its staff


# ---- categories ------------------------------------------------------------------------------


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "parent",
            "code",
            "name_en",
            "name_zh",
            "resolve_within_hours",
            "is_active",
            "position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and self.instance.children.exists():
            raise forms.ValidationError(
                _("This category has sub-categories, so it must stay at the top level.")
            )
        return parent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = [
        "__str__",
        "code",
        "name_en",
        "name_zh",
        "resolve_within_hours",
        "is_active",
        "position",
    ]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name_en", "name_zh"]
    list_select_related = ["parent"]
    ordering = ["parent__position", "parent__code", "position", "code"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # complaints keep their category; retire one with "active" instead


# ---- complaints ------------------------------------------------------------------------------


class ReadOnlyMixin:
    """Shown, never edited or deleted in the admin: only the services change these rows."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class ComplaintEventInline(ReadOnlyInline):
    """The append-only history: shown, never added to, changed or deleted here."""

    model = ComplaintEvent
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "action", "words"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    verbose_name_plural = _("timeline")

    @admin.display(description=_("text"))
    def words(self, obj: ComplaintEvent) -> str:
        """As on the complaint page: the system's words in the reader's language, then what
        staff typed (plain text: the admin escapes it)."""
        return " ".join(part for part in (event_system_text(obj), obj.text) if part)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("complaints.view_complaint")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("complaints.view_attachment")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("complaint", "uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        url = reverse("complaints:attachment", args=[obj.complaint.reference, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


@admin.register(Complaint)
class ComplaintAdmin(NotFoundOutsideScopeMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "store",
        "status",
        "severity",
        "level",
        "customer_name",
        "category",
        "owner",
        "received_at",
        "resolve_due_at",
    ]
    list_filter = [
        "status",
        ScopedStoreFilter,
        "severity",
        "level",
        "channel",
        "verdict",
        "responsible_department",
        "resolved_on_the_spot",
    ]
    search_fields = [
        "=reference",
        "customer__name",
        "customer__phone",
        "product_sku",
        "product_batch",
    ]
    list_select_related = ["store", "customer", "category", "category__parent", "owner"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [AttachmentInline, ComplaintEventInline]
    fieldsets = [
        (None, {"fields": ["reference", "status", "store", "channel", "received_at", "owner"]}),
        (_("Customer"), {"fields": ["customer_name", "customer_phone"]}),
        (
            _("Product or service"),
            {
                "fields": [
                    "product_name",
                    "product_sku",
                    "product_batch",
                    "purchase_date",
                    "receipt_number",
                ]
            },
        ),
        (
            _("The complaint"),
            {"fields": ["category", "severity", "level", "account", "desired_outcome", "mood"]},
        ),
        (
            _("Handling"),
            {
                "fields": [
                    "ack_due_at",
                    "resolve_due_at",
                    "acknowledged_at",
                    "resolved_at",
                    "closed_at",
                    "closure_reason",
                    "verdict",
                    "root_cause",
                    "responsible_department",
                    "resolved_on_the_spot",
                    "reopen_count",
                    "escalation_count",
                    "created_by",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field for _title, options in self.fieldsets for field in options["fields"]]

    def get_queryset(self, request):
        return complaints_visible_to(request.user).select_related(
            "store", "customer", "category", "category__parent", "owner", "created_by"
        )

    def has_add_permission(self, request) -> bool:
        return False  # intake is the complaint form in the app

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # lifecycle and edits go through the services from the complaint page

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def view_on_site(self, obj: Complaint) -> str:
        return reverse("complaints:detail", args=[obj.reference])

    @admin.display(description=_("customer"), ordering="customer__name")
    def customer_name(self, obj: Complaint) -> str:
        return obj.customer.name

    @admin.display(description=_("phone"))
    def customer_phone(self, obj: Complaint) -> str:
        return mask_phone(obj.customer.phone)
