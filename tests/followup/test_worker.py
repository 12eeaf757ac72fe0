"""Real Celery workers and beats against real Redis and the test database: a worker killed
with SIGKILL in the middle of a reminder, Redis stopped while a complaint is logged, two beat
processes at once. Each reminder goes out exactly once.

Needs REDIS_URL (CI sets it); skipped only when it is not set locally.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from followup.models import Delivery, DeliveryStatus, LedgerEntry, Notification, NotificationKind
from followup.tasks import followup_sweep
from tests.factories import leaf_category, make_complaint
from tests.followup.conftest import broker

REPO = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL"),
]


# ---- processes ---------------------------------------------------------------------------------


def database_url() -> str:
    """The test database, as a URL another process can use."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if "memory" in name:
            pytest.fail("worker tests need a file SQLite test database (see test_settings)")
        return f"sqlite:///{name}"
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Processes:
    """Starts celery (and redis-server) processes in their own process groups and always
    kills them at the end of the test."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.mail = tmp_path / "mail"
        self.mail.mkdir()
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def env(self, broker_url: str, **extra: str) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "DJANGO_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="1",
            DATABASE_URL=database_url(),
            DB_CONN_MAX_AGE="0",
            REDIS_URL=broker_url,
            ONESTOP_VAR_DIR=str(self.tmp / "var"),
            CELERY_BROKER_DIR=str(self.tmp / "broker"),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail),
            SMS_BACKEND="followup.sms.LogSmsBackend",
            PYTHONPATH=str(REPO),
            LOG_LEVEL="INFO",
        )
        env.update(extra)
        return env

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        process = subprocess.Popen(
            args,
            cwd=REPO,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((process, log))
        return process

    def worker(self, broker_url: str, name: str = "worker", concurrency: int = 1, **extra):
        process = self.start(
            name,
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"{name}-{os.getpid()}@%h",
                "--loglevel",
                "INFO",
            ],
            self.env(broker_url, **extra),
        )
        self.wait_for_log(process, "ready.", timeout=60)
        return process

    def beat(self, broker_url: str, name: str, **extra):
        return self.start(
            name,
            [
                CELERY,
                "-A",
                "config",
                "beat",
                "--schedule",
                str(self.tmp / f"{name}-schedule"),
                "--pidfile",
                str(self.tmp / f"{name}.pid"),
                "--loglevel",
                "INFO",
            ],
            self.env(broker_url, **extra),
        )

    def redis(self, port: int) -> subprocess.Popen:
        process = self.start(
            f"redis-{port}",
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            dict(os.environ),
        )
        wait_until(lambda: port_open(port), timeout=10, what=f"redis on {port}")
        return process

    def log_of(self, process) -> str:
        for started, log in self.started:
            if started is process:
                return log.read_text(errors="replace")
        return ""

    def wait_for_log(self, process, text: str, timeout: float) -> None:
        def seen() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"process exited:\n{self.log_of(process)[-3000:]}")
            return text in self.log_of(process)

        wait_until(seen, timeout=timeout, what=f"'{text}' in the log")

    def kill(self, process, sig=signal.SIGKILL) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            process.wait(timeout=20)

    def stop_all(self) -> None:
        for process, _log in reversed(self.started):
            self.kill(process)

    def emails(self) -> list[str]:
        """Each e-mail the workers sent (the file backend writes them to .log files)."""
        messages = []
        for path in sorted(self.mail.glob("*.log")):
            text = path.read_text(errors="replace")
            messages += [m for m in text.split("-" * 79) if "Subject:" in m]
        return messages


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_private_port() -> int:
    for port in range(6390, 6400):
        if not port_open(port):
            return port
    pytest.skip("no free port in 6390-6399 for a private redis-server")


@pytest.fixture
def processes(tmp_path):
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


@pytest.fixture
def purged():
    """Nothing left on the shared test broker's queue from earlier tests."""
    from config.celery import app

    app.control.purge()


def due_soon_complaint(actor, store):
    """A phone complaint received 23 hours ago: acknowledgement (and resolution) due in 1 h."""
    return make_complaint(
        actor=actor, store=store, received_at=timezone.now() - timedelta(hours=23)
    )


def delivered(**filters) -> bool:
    pending = Delivery.objects.filter(**filters).exclude(status=DeliveryStatus.SENT)
    return Delivery.objects.filter(**filters).exists() and not pending.exists()


# ---- the tests ---------------------------------------------------------------------------------


def test_a_worker_killed_in_the_middle_of_a_reminder_still_sends_it_exactly_once(
    processes, purged, frontdesk, store
):
    complaint = due_soon_complaint(frontdesk, store)
    processes.worker(
        settings.REDIS_URL,
        EMAIL_BACKEND="tests.followup.gateways.SlowOnceFileEmailBackend",
        SLOW_EMAIL_SECONDS="120",
    )
    followup_sweep.delay()  # what beat does every minute

    marker = processes.mail / "sending.pid"
    wait_until(marker.exists, timeout=60, what="the worker to start sending")
    os.kill(int(marker.read_text()), signal.SIGKILL)  # the pool process sending the e-mail

    wait_until(lambda: delivered(address=frontdesk.email), timeout=60, what="the reminders")
    notes = Notification.objects.filter(complaint=complaint, kind=NotificationKind.ACK_DUE_SOON)
    assert notes.count() == 1
    mails = [m for m in processes.emails() if complaint.reference in m]
    assert len(mails) == Delivery.objects.filter(address=frontdesk.email).count() == 2
    assert sum("acknowledged" in m for m in mails) == 1
    killed = Delivery.objects.get(notification=notes.get())
    assert killed.attempts == 2 and killed.status == DeliveryStatus.SENT

    followup_sweep.delay()  # and again: nothing new
    time.sleep(2)
    assert len([m for m in processes.emails() if complaint.reference in m]) == 2


def test_a_whole_worker_killed_mid_send_is_made_good_by_the_next_sweep(
    processes, purged, frontdesk, store
):
    complaint = due_soon_complaint(frontdesk, store)
    first = processes.worker(
        settings.REDIS_URL,
        EMAIL_BACKEND="tests.followup.gateways.SlowOnceFileEmailBackend",
        SLOW_EMAIL_SECONDS="120",
    )
    followup_sweep.delay()
    marker = processes.mail / "sending.pid"
    wait_until(marker.exists, timeout=60, what="the worker to start sending")
    processes.kill(first)  # SIGKILL to the main process and its pool alike
    # Its message now waits, unacknowledged, for the visibility timeout (hours). The next
    # sweep does not wait: the delivery is still pending, so it is dispatched again.
    processes.worker(settings.REDIS_URL, name="worker-2", FOLLOWUP_REDISPATCH_AFTER_SECONDS="0")
    followup_sweep.delay()
    wait_until(lambda: delivered(address=frontdesk.email), timeout=60, what="the reminders")
    mails = [m for m in processes.emails() if complaint.reference in m]
    assert sum("acknowledged" in m for m in mails) == 1
    assert len(mails) == Delivery.objects.filter(address=frontdesk.email).count()


def test_redis_stopped_while_a_complaint_is_logged(processes, client, frontdesk, supervisor, store):
    port = free_private_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis = processes.redis(port)
    client.force_login(frontdesk)
    with broker(url):
        processes.kill(redis)  # the broker goes down
        started = time.monotonic()
        response = client.post(
            reverse("complaints:create"),
            {
                "store": store.pk,
                "channel": "phone",
                "received_at": (timezone.now() - timedelta(hours=23))
                .astimezone(ZoneInfo(store.time_zone))
                .strftime("%Y-%m-%dT%H:%M"),
                "customer_name": "Li Lei",
                "customer_phone": "139 0000 1234",
                "customer_language": "zh-hans",
                "customer_channel": "sms",
                "category": leaf_category().pk,
                "severity": "critical",
                "account": "Smoke came out of the heater.",
                "acknowledge_now_shown": "1",
                "submit": "log",
            },
            follow=True,
        )
        assert time.monotonic() - started < 15
        assert response.status_code == 200
        complaint = Complaint.objects.get(customer__name="Li Lei")
        assert response.redirect_chain[-1][0].endswith(f"/complaints/{complaint.reference}/")
        assert any(m.level_tag == "success" for m in response.context["messages"])
        alert = Delivery.objects.get(address=supervisor.email)  # critical: supervisors told
        assert alert.dispatched_at is None and alert.status == DeliveryStatus.PENDING

        processes.redis(port)  # the broker is back
        processes.worker(url, FOLLOWUP_REDISPATCH_AFTER_SECONDS="0")
        followup_sweep.delay()

        wait_until(
            lambda: (
                delivered(address=supervisor.email)
                and Notification.objects.filter(
                    complaint=complaint, kind=NotificationKind.ACK_DUE_SOON
                ).exists()
                and delivered(address=frontdesk.email)
            ),
            timeout=60,
            what="the alert and the reminder",
        )
    mails = [m for m in processes.emails() if complaint.reference in m]
    assert sum("Critical complaint" in m and supervisor.email in m for m in mails) == 1
    assert sum("acknowledged" in m and frontdesk.email in m for m in mails) == 1
    assert len(mails) == Delivery.objects.filter(status=DeliveryStatus.SENT).count()


def test_a_hung_redis_does_not_hang_the_request(processes, frontdesk, supervisor, store):
    port = free_private_port()
    redis = processes.redis(port)
    with broker(f"redis://127.0.0.1:{port}/0"):
        os.kill(redis.pid, signal.SIGSTOP)  # accepts connections, never answers
        try:
            started = time.monotonic()
            complaint = make_complaint(actor=frontdesk, store=store, severity="critical")
            elapsed = time.monotonic() - started
        finally:
            os.kill(redis.pid, signal.SIGCONT)
    assert elapsed < 10, f"logging took {elapsed:.1f}s with a hung broker"
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert Delivery.objects.get(address=supervisor.email).status == DeliveryStatus.PENDING


def test_two_beat_processes_send_each_reminder_once(processes, purged, frontdesk, store):
    complaints = [due_soon_complaint(frontdesk, store) for _ in range(4)]
    processes.worker(settings.REDIS_URL, concurrency=2)
    beat_env = {"FOLLOWUP_SWEEP_SECONDS": "0.5"}
    first = processes.beat(settings.REDIS_URL, "beat-a", **beat_env)
    second = processes.beat(settings.REDIS_URL, "beat-b", **beat_env)

    def sweeps_seen() -> int:
        return sum(
            processes.log_of(b).count("followup.tasks.followup_sweep") for b in (first, second)
        )

    wait_until(lambda: sweeps_seen() >= 10, timeout=60, what="both beats to send sweeps")
    wait_until(
        lambda: (
            delivered(address=frontdesk.email)
            and Delivery.objects.filter(address=frontdesk.email).count() >= 8
        ),
        timeout=60,
        what="the reminders",
    )
    time.sleep(2)  # more sweeps: still nothing twice
    for complaint in complaints:
        kinds = sorted(
            Notification.objects.filter(complaint=complaint).values_list("kind", flat=True)
        )
        assert kinds == [NotificationKind.ACK_DUE_SOON, NotificationKind.RESOLVE_DUE_SOON]
        assert LedgerEntry.objects.filter(complaint=complaint).count() == 2
        assert sum(complaint.reference in m for m in processes.emails()) == 2


def test_make_run_processes_tasks_with_the_filesystem_broker(processes, tmp_path, frontdesk, store):
    """`make run` without Redis: worker and beat on kombu's filesystem transport do the work."""
    complaint = due_soon_complaint(frontdesk, store)
    env = processes.env("", FOLLOWUP_SWEEP_SECONDS="1")
    env.pop("REDIS_URL")
    worker = processes.start(
        "fs-worker",
        [CELERY, "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1", "-l", "INFO"],
        env,
    )
    processes.wait_for_log(worker, "ready.", timeout=60)
    processes.start(
        "fs-beat",
        [CELERY, "-A", "config", "beat", "-s", str(tmp_path / "fs-schedule"), "-l", "INFO"],
        env,
    )
    wait_until(
        lambda: (
            delivered(notification__complaint=complaint)
            and Notification.objects.filter(complaint=complaint).count() == 2
        ),
        timeout=60,
        what="the reminders through the filesystem broker",
    )
    assert sum(complaint.reference in m for m in processes.emails()) == 2
    shutil.rmtree(tmp_path / "var", ignore_errors=True)
