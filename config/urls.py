from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from .health import healthz

# Lazy: the admin shows them in each reader's language (Chinese: "OneStop 一站通").
admin.site.site_header = _("OneStop")
admin.site.site_title = _("OneStop")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switcher works before signing in too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("customers/", include("customers.urls")),
    path("resolutions/", include("resolutions.urls")),
    path("reports/", include("reports.urls")),
    path("", include("followup.urls")),
    path("", include("complaints.urls")),
]
