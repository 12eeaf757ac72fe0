"""An e-mail backend for worker tests: Django's file-based backend that, the first time it is
asked to send, writes a marker with its process id and pauses, so a test can kill the worker
in the middle of sending. It is configured through the worker's environment (EMAIL_BACKEND),
like any real backend."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend


class SlowOnceFileEmailBackend(EmailBackend):
    def send_messages(self, email_messages):
        marker = Path(settings.EMAIL_FILE_PATH) / "sending.pid"
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "60")))
        return super().send_messages(email_messages)


class FailingOnceSmsBackend:
    """An SMS gateway that refuses the first message, then keeps them like MemorySmsBackend."""

    failed = False

    def send(self, *, to: str, text: str) -> None:
        from followup.sms import MemorySmsBackend

        if not FailingOnceSmsBackend.failed:
            FailingOnceSmsBackend.failed = True
            raise ConnectionError("gateway timeout")
        MemorySmsBackend.outbox.append({"to": to, "text": text})
