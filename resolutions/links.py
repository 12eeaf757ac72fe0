"""Where resolution pages link to on other apps' pages."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def complaint_url(complaint) -> str:
    """The complaint page (a stable address: SPEC.md "Addresses")."""
    try:
        return reverse("complaints:detail", kwargs={"reference": complaint.reference})
    except NoReverseMatch:
        return f"/complaints/{complaint.reference}/"
