"""What the shared layout needs on every page: navigation badges and the user's role names."""

from __future__ import annotations


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_roles": [group.name for group in user.groups.all()],
    }
