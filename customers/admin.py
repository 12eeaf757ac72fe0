"""The Django admin for customers: scoped like the customer pages; edits and erasure go
through the customer services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.admin import NotFoundOutsideScopeMixin, ScopedStoreFilter

from .models import Customer, mask_phone
from .selectors import customers_visible_to
from .services import EDITABLE_FIELDS, CustomerActionError, customer_anonymise, customer_update


class AnonymisedFilter(admin.SimpleListFilter):
    title = _("anonymised")
    parameter_name = "anonymised"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(anonymised_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(anonymised_at__isnull=True)
        return queryset


@admin.register(Customer)
class CustomerAdmin(NotFoundOutsideScopeMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "phone_masked",
        "email",
        "store",
        "is_vip",
        "consent_to_follow_up",
        "anonymised_at",
    ]
    list_filter = [ScopedStoreFilter, "is_vip", "consent_to_follow_up", AnonymisedFilter]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["store"]
    show_full_result_count = False
    fields = ["store", *EDITABLE_FIELDS, "anonymised_at", "created_at"]
    readonly_fields = ["store", "anonymised_at", "created_at"]
    actions = ["anonymise"]

    def get_queryset(self, request):
        return customers_visible_to(request.user).select_related("store")

    def has_add_permission(self, request) -> bool:
        return False  # customers are registered at intake

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # complaints keep their customer; erase personal data instead

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.anonymised_at:
            return False
        return super().has_change_permission(request, obj)

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("customers.erase_customer")

    def save_model(self, request, obj, form, change):
        """Edits go through the service (scoping, permission, erased customers stay erased)."""
        customer_update(
            actor=request.user,
            customer_id=obj.pk,
            **{name: form.cleaned_data[name] for name in EDITABLE_FIELDS},
        )

    @admin.display(description=_("phone"))
    def phone_masked(self, obj: Customer) -> str:
        return mask_phone(obj.phone)

    @admin.action(
        permissions=["erase"], description=_("Erase the personal data of the selected customers")
    )
    def anonymise(self, request, queryset):
        done = 0
        for customer in queryset:
            try:
                customer_anonymise(actor=request.user, customer_id=customer.pk)
            except CustomerActionError as exc:
                self.message_user(request, f"{customer}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "Erased the personal data of %(count)d customer.",
                    "Erased the personal data of %(count)d customers.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
