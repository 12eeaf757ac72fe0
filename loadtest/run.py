# ruff: noqa: S603 - runs our own programs (manage.py, gunicorn, locust) with fixed arguments
"""`make loadtest`: 200 concurrent staff for two minutes against gunicorn on PostgreSQL.

1. A database of its own (LOADTEST_DATABASE_URL, default `onestop_loadtest` on the local
   PostgreSQL): migrate, the demo data, 100,000 more complaints in bulk (kept between runs;
   `--fresh` rebuilds), the load test's staff (one store each).
2. gunicorn (production settings, DEBUG off, static files by WhiteNoise) on 127.0.0.1.
3. locust, headless: LOADTEST_USERS (200) staff sign in (ramping up), then LOADTEST_SECONDS
   (120) of steady load, measured from the moment the last one has signed in; each opens a
   page every 5-15 s.
4. Prints throughput and p50/p95 per page and overall; exits non-zero on any failed request
   or any response carrying another store's reference.

Only loopback is used; every step is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR = Path(os.environ.get("LOADTEST_VAR_DIR", "/tmp/onestop-loadtest"))  # noqa: S108
DATABASE_URL = os.environ.get(
    "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onestop_loadtest"
)
PORT = int(os.environ.get("LOADTEST_PORT", "8199"))
USERS = int(os.environ.get("LOADTEST_USERS", "200"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "120"))
# Sign-in hashes the password (~0.3 s of CPU): ramp slowly enough that the sign-ins are over
# when the measurement starts.
SPAWN_RATE = float(os.environ.get("LOADTEST_SPAWN_RATE", "4"))
COMPLAINTS = int(os.environ.get("LOADTEST_COMPLAINTS", "100000"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", str(max(2, (os.cpu_count() or 2) * 2))))
PASSWORD = os.environ.get("DEMO_PASSWORD", "onestop-demo-2026")


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "loadtest.settings",
            "DATABASE_URL": DATABASE_URL,
            "DEBUG": "0",
            "SECRET_KEY": env.get("LOADTEST_SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ONESTOP_VAR_DIR": str(VAR),
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "DEMO_PASSWORD": PASSWORD,
            "DB_CONN_MAX_AGE": "600",
        }
    )
    return env


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(args: list[str], env: dict[str, str], timeout: int = 900) -> None:
    subprocess.run(args, cwd=REPO, env=env, check=True, timeout=timeout)


def database_recreate() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_exists() -> bool:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]
        ).fetchone()
    return row is not None


def prepare(env: dict[str, str], fresh: bool) -> None:
    step(f"database {urlsplit(DATABASE_URL).path.lstrip('/')}")
    if fresh or not database_exists():
        database_recreate()
    py = str(BIN / "python")
    run([py, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([py, "manage.py", "load_demo", "--password", PASSWORD], env)
    step(f"{COMPLAINTS:,} more complaints (bulk inserts)")
    run([py, "-m", "loadtest.generate", str(COMPLAINTS)], env)
    run([py, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    run(
        [
            py,
            "-c",
            "import django; django.setup(); from django.db import connection; "
            "connection.cursor().execute('ANALYZE')",
        ],
        env,
    )


def staff_by_store(env: dict[str, str]) -> dict[str, list[str]]:
    code = (
        "import json, django; django.setup();"
        "from complaints.models import StoreMembership as M;"
        "rows = M.objects.filter(user__username__startswith='lt.').values_list("
        "'store__code', 'user__username').order_by('user__username');"
        "out = {};"
        "[out.setdefault(s, []).append(u) for s, u in rows];"
        "print(json.dumps(out))"
    )
    result = subprocess.run(
        [str(BIN / "python"), "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def wait_until_up(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url} within {seconds} s")


def report(csv_prefix: Path) -> tuple[int, int]:
    """Print the table; return (requests, failures)."""
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(
        f"\n{'request':38} {'count':>8} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    )
    total = (0, 0)
    for row in rows:
        if int(row["Request Count"]) == 0:
            continue
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL (after sign-in)"
        print(
            f"{name[:38]:38} {int(row['Request Count']):>8} {int(row['Failure Count']):>5} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
        if row["Name"] == "Aggregated":
            total = (int(row["Request Count"]), int(row["Failure Count"]))
    print("(times in ms)")
    failures = Path(f"{csv_prefix}_failures.csv")
    if failures.exists():
        lines = failures.read_text().strip().splitlines()[1:]
        for line in lines[:20]:
            print("FAILURE", line)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the data as it is")
    options = parser.parse_args()

    VAR.mkdir(parents=True, exist_ok=True)
    env = server_env()
    if not options.skip_prepare:
        prepare(env, options.fresh)
    staff = staff_by_store(env)

    step(f"gunicorn, {WORKERS} workers, on 127.0.0.1:{PORT}")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--error-logfile",
            str(VAR / "gunicorn.log"),
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        step(f"locust: {USERS} staff, ramp {SPAWN_RATE:g}/s, then {SECONDS} s measured")
        csv_prefix = VAR / "locust"
        locust_env = dict(
            os.environ,
            LOADTEST_STAFF=json.dumps(staff),
            DEMO_PASSWORD=PASSWORD,
            LOADTEST_USERS=str(USERS),
            LOADTEST_SECONDS=str(SECONDS),
        )
        ramp = int(USERS / SPAWN_RATE) + 1
        result = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(REPO / "loadtest" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--users",
                str(USERS),
                "--spawn-rate",
                str(SPAWN_RATE),
                # A ceiling: the locustfile stops the run SECONDS after the last sign-in.
                "--run-time",
                f"{SECONDS + ramp + 300}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(csv_prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=REPO,
            env=locust_env,
            timeout=SECONDS + ramp + 480,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    requests, failed = report(csv_prefix)
    print(
        f"\n{USERS} concurrent staff, {SECONDS} s, {COMPLAINTS:,} extra complaints, "
        f"gunicorn {WORKERS} workers, PostgreSQL: {requests:,} requests, {failed} failed"
    )
    if failed or result.returncode != 0:
        print("LOAD TEST FAILED: errors or another store's data in a response", file=sys.stderr)
        return 1
    print("LOAD TEST PASSED: no errors, no response with another store's data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
