"""Every URL pattern of the project, and how to fill it for a `World` (see world.py).

`routes()` walks `get_resolver()` (admin included). `fill(route, world, side)` returns the URL
for one store's objects, or raises `UnknownRoute`: a new page must be added here, so that the
access matrix and the hostile-text tests cover it from the day it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver


class UnknownRoute(Exception):
    pass


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" or "" for unnamed patterns
    pattern: str
    kwargs: tuple[str, ...]
    callback: object

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.pattern.startswith("admin/")

    @property
    def is_public(self) -> bool:
        return not getattr(self.callback, "login_required", True)


def _walk(resolver: URLResolver, prefix: str, namespace: str):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            kwargs = tuple(entry.pattern.regex.groupindex)
            yield Route(name, prefix + str(entry.pattern), kwargs, entry.callback)


def routes() -> list[Route]:
    return list(_walk(get_resolver(), "", ""))


# ---- what each URL keyword means ---------------------------------------------------------------

# Keyword → the kind of object in `Side.objects` (or a lambda over the side).
KEYWORDS = {
    "reference": lambda side: side.complaint.reference,
    "attachment_id": lambda side: side.objects["attachment"].pk,
    "customer_id": lambda side: side.objects["customer"].pk,
}
# Per URL name, for keywords whose meaning depends on the page.
BY_NAME = {
    "followup:open": {"pk": lambda side: side.objects["notification"].pk},
    "followup:reopen": {"pk": lambda side: side.objects["notification"].pk},
    "followup:callback": {"pk": lambda side: side.objects["callback"].pk},
    "resolutions:task_done": {"pk": lambda side: side.objects["task"].pk},
    "resolutions:commitment_kept": {"pk": lambda side: side.objects["commitment"].pk},
    # Resolution pages act on the complaint awaiting a decision or the customer.
    "resolutions:approve": {"reference": lambda side: side.objects["approval"].reference},
    "resolutions:reject": {"reference": lambda side: side.objects["approval"].reference},
    "resolutions:pass_up": {"reference": lambda side: side.objects["approval"].reference},
    "resolutions:accept": {"reference": lambda side: side.objects["approval"].reference},
    "resolutions:decline": {"reference": lambda side: side.objects["approval"].reference},
    "resolutions:agreement": {"reference": lambda side: side.objects["fulfilment"].reference},
}
# Pages that show no store data at all, or are not for signed-in staff: outside the matrix.
NOT_STORE_DATA = {
    "healthz",
    "login",
    "logout",
    "set_language",
    "followup:survey",  # public, by token: tested in test_access_matrix separately
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
}


def action_names() -> list[str]:
    """Every action the complaint page posts to `complaints:act`."""
    from complaints.views import ACTIONS

    return sorted(ACTIONS)


# ---- admin ---------------------------------------------------------------------------------


def _admin_model_for(route: Route):
    """The registered model a `admin:<app>_<model>_<view>` route belongs to, and the view."""
    short = route.name.removeprefix("admin:")
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(prefix):
            return model, model_admin, short[len(prefix) :]
    return None, None, None


def admin_object_for(model, side):
    """One store's object of a registered model, or None for chain-wide models."""
    from complaints.models import Complaint, Store
    from customers.models import Customer
    from followup.models import Callback, Delivery, Notification, SurveyInvitation
    from resolutions.models import Commitment, FulfilmentTask, Resolution

    by_model = {
        Callback: lambda: side.objects["callback"],
        SurveyInvitation: lambda: side.objects["survey"],
        Notification: lambda: side.objects["notification"],
        Delivery: lambda: (
            Delivery.objects.filter(survey=side.objects["survey"]).first()
            or Delivery.objects.create(
                purpose="survey",
                channel="sms",
                address=str(side.objects["resolved"].customer.phone),
                survey=side.objects["survey"],
            )
        ),
        Store: lambda: side.store,
        Complaint: lambda: side.complaint,
        Customer: lambda: side.objects["customer"],
        Resolution: lambda: side.objects["approval"].resolutions.first(),
        Commitment: lambda: side.objects["commitment"],
        FulfilmentTask: lambda: side.objects["task"],
    }
    for klass, get in by_model.items():
        if issubclass(model, klass):  # proxies (PendingApproval) count as their concrete model
            return get()
    return None


# Registered models that are not any store's data (chain-wide settings and accounts).
CHAIN_WIDE_MODELS = {
    "complaints.category",
    "resolutions.authoritylimit",
    "resolutions.responsescript",
    "auth.group",
    "auth.user",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def admin_url(route: Route, side, *, object_id=None) -> str | None:
    """Fill an admin route; None when it needs no object or is about chain-wide data."""
    from django.urls import reverse

    if route.name in NOT_STORE_DATA:
        return None
    if route.name == "admin:index":
        return reverse("admin:index")
    if route.name == "admin:app_list":
        return None  # covered by the model changelists
    if route.name == "admin:autocomplete":
        return reverse("admin:autocomplete")
    if route.name == "admin:view_on_site":
        return None  # a redirect to the object's own page, which the matrix covers
    if not route.name:  # the catch-all "final" pattern
        return None
    model, _model_admin, view = _admin_model_for(route)
    if model is None:
        raise UnknownRoute(f"{route.name} ({route.pattern}): which model?")
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    if not route.kwargs:
        return reverse(route.name)
    obj = object_id if object_id is not None else admin_object_for(model, side)
    if obj is None:
        if label in CHAIN_WIDE_MODELS:
            return None
        raise UnknownRoute(f"{route.name}: add {label} to admin_object_for or CHAIN_WIDE_MODELS")
    if set(route.kwargs) != {"object_id"}:
        raise UnknownRoute(f"{route.name}: unexpected keywords {route.kwargs}")
    return reverse(route.name, kwargs={"object_id": getattr(obj, "pk", obj)})


# ---- the app's pages -----------------------------------------------------------------------


def app_urls(route: Route, side, *, mixed_with=None) -> list[str]:
    """The URLs of one app route for one store's objects (one per action for `act`).

    `mixed_with` (another side) fills the first keyword from this side and the rest from the
    other: my complaint's reference with their attachment's id, the classic IDOR.
    """
    from django.urls import reverse

    if route.name in NOT_STORE_DATA:
        return []
    if not route.name:
        raise UnknownRoute(f"unnamed pattern {route.pattern}")
    if not route.kwargs:
        return [reverse(route.name)]
    overrides = BY_NAME.get(route.name, {})
    values = {}
    for index, keyword in enumerate(route.kwargs):
        source = side if (mixed_with is None or index == 0) else mixed_with
        if keyword == "action" and route.name == "complaints:act":
            continue
        getter = overrides.get(keyword) or KEYWORDS.get(keyword)
        if getter is None:
            raise UnknownRoute(
                f"{route.name} ({route.pattern}): how to fill <{keyword}>? Add it to "
                "tests/security/urlmap.py"
            )
        values[keyword] = getter(source)
    if route.name == "complaints:act":
        return [reverse(route.name, kwargs={**values, "action": a}) for a in action_names()]
    return [reverse(route.name, kwargs=values)]
