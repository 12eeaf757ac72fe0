"""What the resolutions app does when other apps' records change."""

from __future__ import annotations

from .models import Resolution


def erase_customer_words(sender, *, complaints, **kwargs) -> None:
    """Erasure: what the customer asked for and why they declined are their own words."""
    Resolution.objects.filter(complaint__in=complaints).update(
        customer_request="", declined_reason=""
    )
