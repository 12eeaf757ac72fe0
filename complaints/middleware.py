"""Per-request context: the store's time zone, and the idle session limit."""

from __future__ import annotations

import time
import zoneinfo

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone


class StoreTimezoneMiddleware:
    """Show times in the time zone of the user's (first) store; UTC for head office staff
    who belong to no store. Pages about one complaint switch to that complaint's store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tz_name = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            tz_name = request.session.get("store_tz")
            if tz_name is None:
                membership = user.store_memberships.select_related("store").first()
                tz_name = membership.store.time_zone if membership else settings.TIME_ZONE
                request.session["store_tz"] = tz_name
        if tz_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class SessionIdleTimeoutMiddleware:
    """Sign out a session that has been idle longer than SESSION_IDLE_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen", now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
            if now - last_seen > 30 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)
