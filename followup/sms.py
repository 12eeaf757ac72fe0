"""Sending SMS: a small backend interface, chosen by settings.SMS_BACKEND.

The default `LogSmsBackend` writes each message to the log (development, demos). A real gateway
is a subclass of `BaseSmsBackend` whose `send` raises on failure, so the delivery is retried.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("followup.sms")


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> None:
        """Send one message to an E.164 number; raise if the gateway refused it."""
        raise NotImplementedError


class LogSmsBackend(BaseSmsBackend):
    """Writes messages to the log instead of sending them."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class MemorySmsBackend(BaseSmsBackend):
    """Keeps messages in `MemorySmsBackend.outbox` (for tests, like Django's locmem e-mail)."""

    outbox: list[dict] = []

    def send(self, *, to: str, text: str) -> None:
        MemorySmsBackend.outbox.append({"to": to, "text": text})


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, to: str, text: str) -> None:
    """Send one SMS through the configured backend."""
    get_sms_backend().send(to=to, text=text)
