"""Per-request context and the security middlewares.

- `StoreTimezoneMiddleware`: show times in the store's time zone.
- `SessionIdleTimeoutMiddleware`: sign out after SESSION_IDLE_SECONDS of inactivity, and after
  SESSION_COOKIE_AGE since sign-in whatever the activity (the absolute limit).
- `PrivateNoStoreMiddleware`: pages shown to a signed-in user carry personal data; browsers
  and proxies must not keep a copy.
- Deactivating a user ends every session they have (`user_sessions_end`).
- Personal data is masked in log records (`PersonalDataLogFilter`) and in error reports
  (`PersonalDataExceptionReporterFilter`).

The logging configuration imports this module before the app registry is ready: no model
imports at module level.
"""

from __future__ import annotations

import logging
import re
import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter

# Session keys: when the user signed in, and when they were last seen (epoch seconds).
LOGIN_AT = "login_at"
LAST_SEEN = "last_seen"


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


@receiver(user_logged_in, dispatch_uid="complaints.session_login_at")
def _remember_login_time(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now


class SessionIdleTimeoutMiddleware:
    """Sign out a session idle longer than SESSION_IDLE_SECONDS, or older than
    SESSION_COOKIE_AGE since sign-in (activity does not extend that one)."""

    # Write `last_seen` at most this often, so that browsing does not save the session on
    # every request.
    TOUCH_EVERY_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.contrib.auth.views import redirect_to_login

        expired = self._expired(request)
        if not expired:
            return None
        logout(request)
        if not getattr(view_func, "login_required", True):
            return None  # a public page (survey, health check): go on, signed out
        messages.info(request, expired)
        if request.headers.get("HX-Request"):
            # A fragment request: make HTMX load the sign-in page as a whole page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(request.get_full_path()).url
            return response
        return redirect_to_login(request.get_full_path())

    def _expired(self, request) -> str:
        """Why the session just ended (a message for the user), or "" if it goes on."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        last_seen = session.get(LAST_SEEN)
        if login_at is None:  # signed in by a path that sent no signal (tests' force_login)
            session[LOGIN_AT] = login_at = now
        if last_seen is None:
            session[LAST_SEEN] = last_seen = now
        if now - login_at > settings.SESSION_COOKIE_AGE:
            return _("You have been signed out: sessions last at most %(hours)s hours.") % {
                "hours": round(settings.SESSION_COOKIE_AGE / 3600, 1)
            }
        if now - last_seen > settings.SESSION_IDLE_SECONDS:
            return _("You have been signed out after %(minutes)s minutes without activity.") % {
                "minutes": settings.SESSION_IDLE_SECONDS // 60
            }
        if now - last_seen > self.TOUCH_EVERY_SECONDS:
            session[LAST_SEEN] = now
        return ""


class PrivateNoStoreMiddleware:
    """Every response to a signed-in user may hold personal data: never stored by the
    browser's cache or a proxy (static files are served before this runs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


# ---- deactivation ends sessions ---------------------------------------------------------------


def user_sessions_end(*, user) -> int:
    """End every session of a user (deactivated staff must not stay signed in anywhere).

    Scans the live sessions: deactivation is rare and the number of live sessions is small.
    Returns how many were ended.
    """
    from django.contrib.sessions.models import Session

    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            ended.append(session.session_key)
    if ended:
        Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@receiver(
    post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="complaints.end_sessions_on_deactivate"
)
def _end_sessions_of_deactivated_user(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    user_sessions_end(user=instance)


# ---- personal data in logs and error reports ---------------------------------------------------

_EMAIL = re.compile(r"(?P<first>[\w.+-])[\w.+-]*@(?P<domain>[\w-]+(?:\.[\w-]+)+)")
# International numbers (+86 138 1234 5678), Chinese mobiles with separators, and any bare run
# of 7–15 digits. Complaint references (SH01-2026-000123) and dates are left alone: a digit run
# next to a letter or a hyphen is not a phone number.
_PHONE = re.compile(
    r"\+\d[\d \-]{6,18}\d"
    r"|(?<![\w-])1\d{2}[ \-]\d{4}[ \-]\d{4}(?![\w-])"
    r"|(?<![\w-])\d{7,15}(?![\w-])"
)


def _mask_phone(match: re.Match) -> str:
    text = match.group(0)
    digits = "".join(ch for ch in text if ch.isdigit())
    prefix = "+" if text.startswith("+") else ""
    if len(digits) < 9:
        return prefix + "*" * (len(digits) - 2) + digits[-2:]
    return prefix + digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def personal_data_mask(text: str) -> str:
    """Replace e-mail addresses and phone numbers in a text by masked forms
    (`c***@example.com`, `138****5678`)."""
    text = _EMAIL.sub(lambda m: f"{m.group('first')}***@{m.group('domain')}", text)
    return _PHONE.sub(_mask_phone, text)


class PersonalDataLogFilter(logging.Filter):
    """Mask phone numbers and e-mail addresses in every log record a handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the formatter to report
            return True
        record.msg = personal_data_mask(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = personal_data_mask(record.exc_text)
        return True


# POST fields and local variables whose value is a customer's personal data.
PERSONAL_FIELDS = re.compile(
    r"(^|_|-)(name|phone|email|e_mail|address|account|desired_outcome|handling_notes|comment|"
    r"note|notes|text|reason|description|customer_request|declined_reason|root_cause|q|search|"
    r"first_name|last_name)$",
    flags=re.I,
)


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the admins' e-mail) hide customers' personal data: POST fields that carry
    it are starred, and phone numbers and e-mail addresses in local variables are masked."""

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if request is None or not self.is_active(request):
            return parameters
        return self._cleanse_personal(parameters)

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        multivaluedict = super().get_cleansed_multivaluedict(request, multivaluedict)
        if not self.is_active(request):
            return multivaluedict
        return self._cleanse_personal(multivaluedict)

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        from customers.models import Customer

        cleansed = []
        for name, value in variables:
            if isinstance(value, Customer):
                value = f"<Customer #{value.pk}>"
            elif isinstance(name, str) and PERSONAL_FIELDS.search(name) and value:
                value = self.cleansed_substitute
            else:
                try:
                    text = repr(value)
                except Exception:
                    text = ""
                masked = personal_data_mask(text)
                if masked != text:
                    value = masked
            cleansed.append((name, value))
        return cleansed

    def _cleanse_personal(self, multivaluedict):
        if not any(PERSONAL_FIELDS.search(key) for key in multivaluedict):
            return multivaluedict
        multivaluedict = multivaluedict.copy()
        for key in list(multivaluedict):
            if PERSONAL_FIELDS.search(key):
                multivaluedict[key] = self.cleansed_substitute
        return multivaluedict
