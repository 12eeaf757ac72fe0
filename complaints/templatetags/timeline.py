"""How the timeline reads: what the system wrote is translated when it is shown, in the
reader's language, and people appear by name."""

from __future__ import annotations

from django import template
from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from complaints.models import Level

register = template.Library()


@register.simple_tag
def event_system_text(event) -> str:
    """The system's words of an event, kept as an English message id (`data["msgid"]`, with
    `data["params"]` for its placeholders) and translated now. Staff-typed text stays in
    `event.text`, as typed. Older events have their system words in `event.text` already (the
    log is append-only). Plain text: the template escapes it, parameters included."""
    data = event.data or {}
    msgid = data.get("msgid")
    if not msgid:
        return ""
    text = gettext(msgid)
    params = data.get("params")
    if not params:
        return text
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        # A translation whose placeholders do not match: the English words, not a broken page.
        return msgid % params


@register.simple_tag
def timeline_people(events) -> dict[str, str]:
    """Display names (full name, else username) of the people an assignment or escalation
    names by username (`data["from"]`, `data["to"]`); one query at most for the whole page."""
    names: dict[str, str] = {}
    wanted: set[str] = set()
    for event in events:
        if event.actor is not None:
            names[event.actor.get_username()] = (
                event.actor.get_full_name() or event.actor.get_username()
            )
        data = event.data or {}
        for key in ("from", "to"):
            if isinstance(data.get(key), str):
                wanted.add(data[key])
    missing = wanted - names.keys()
    if missing:
        user_model = get_user_model()
        for user in user_model.objects.filter(**{f"{user_model.USERNAME_FIELD}__in": missing}).only(
            user_model.USERNAME_FIELD, "first_name", "last_name"
        ):
            names[user.get_username()] = user.get_full_name() or user.get_username()
    return names


@register.simple_tag
def person(people: dict[str, str], username: str) -> str:
    """A username from the log, shown as the person's name when known."""
    return people.get(username, username)


@register.simple_tag
def level_label(level: str) -> str:
    """An escalation's level (store, region, head office) in the reader's language."""
    return Level(level).label if level in Level.values else level
