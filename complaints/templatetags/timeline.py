"""How the timeline reads: what the system wrote is translated when it is shown, in the
reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def event_system_text(event) -> str:
    """The system's words of an event, kept as an English message id (`data["msgid"]`, with
    `data["params"]`) and translated now. Staff-typed text stays in `event.text`, as typed.
    Older events have their system words in `event.text` already (the log is append-only)."""
    data = event.data or {}
    msgid = data.get("msgid")
    if not msgid:
        return ""
    text = gettext(msgid)
    params = data.get("params")
    return text % params if params else text
