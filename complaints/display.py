"""How complaints appear in what is sent out of the app (notifications, e-mails, SMS):
absolute links, people's names and due times in the store's time zone.

Read by the follow-up app; kept with the complaints so that anything that writes about a
complaint, in any app, says it the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone


def absolute_url(path: str) -> str:
    """A path on this site as a full address (for e-mails and SMS); full addresses pass."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def user_label(user) -> str:
    """A staff member as others read them: full name, else username; no one is the app."""
    if user is None:
        return "OneStop"
    return user.get_full_name() or user.get_username()


def local_time(value, complaint) -> str:
    """A due time as the store's staff read it, in the store's time zone (language-neutral)."""
    return timezone.localtime(value, complaint.store.zone).strftime("%Y-%m-%d %H:%M")
