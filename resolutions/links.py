"""Where resolution pages link to on other apps' pages."""

from __future__ import annotations


def complaint_url(complaint) -> str:
    """The complaint page (a stable address: SPEC.md "Addresses")."""
    return complaint.get_absolute_url()
