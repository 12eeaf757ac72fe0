# ruff: noqa: S603 - runs our own programs (manage.py, the generator, the measurements)
"""`make bench`: a million complaints in PostgreSQL, then server time per page.

1. A database of its own (BENCH_DATABASE_URL, default `onestop_bench` on the local
   PostgreSQL), migrated. The data is kept between runs when it already holds the asked
   number of complaints; `--fresh` (or a different `--complaints`) rebuilds it.
2. `bench.generate`: 10 stores, 3 years, complaints with events, resolutions, approvals,
   fulfilment tasks, commitments, survey answers and callbacks, streamed with COPY.
3. VACUUM ANALYZE, then `bench.measure`: p50/p95 server time and queries per page,
   written to bench-results/latest.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onestop_bench"
)


def env() -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": DATABASE_URL,
            "DB_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
        }
    )
    values.pop("REDIS_URL", None)  # in-process: the outbox goes to the filesystem broker
    return values


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(args: list[str], timeout: int) -> None:
    subprocess.run([sys.executable, *args], cwd=REPO, env=env(), check=True, timeout=timeout)


def _admin_url() -> tuple[str, str]:
    parts = urlsplit(DATABASE_URL)
    return parts._replace(path="/postgres").geturl(), parts.path.lstrip("/")


def database_prepare(*, complaints: int, fresh: bool) -> bool:
    """Create (or recreate) the database; True when it already holds the data."""
    import psycopg

    admin, name = _admin_url()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and not fresh:
            try:
                with psycopg.connect(DATABASE_URL) as bench:
                    count = bench.execute(
                        "SELECT count(*) FROM complaints_complaint c JOIN complaints_store s"
                        " ON s.id = c.store_id WHERE s.code LIKE 'bench%%'"
                    ).fetchone()[0]
            except psycopg.Error:
                count = 0
            # Intake during earlier measurements adds a few complaints.
            if complaints <= count <= complaints + 10_000:
                print(f"{name} already holds {count:,} benchmark complaints: kept.")
                return True
            fresh = True
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return False


def database_tune() -> None:
    """Tell the planner the storage is an SSD, as on any current server (the default
    random_page_cost of 4 models spinning disks and steers it to scan whole tables rather
    than follow an index to a few thousand rows)."""
    import psycopg

    name = urlsplit(DATABASE_URL).path.lstrip("/")
    admin, _ = _admin_url()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')


def vacuum() -> None:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true", help="rebuild the data")
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--output", default=str(REPO / "bench-results" / "latest.md"))
    args = parser.parse_args(argv)
    started = time.monotonic()

    step(f"Database {urlsplit(DATABASE_URL).path.lstrip('/')}")
    kept = database_prepare(complaints=args.complaints, fresh=args.fresh)
    database_tune()
    run(["manage.py", "migrate", "--noinput", "-v", "0"], timeout=1800)
    if not kept:
        step(f"Generating {args.complaints:,} complaints with COPY")
        generated = time.monotonic()
        run(["-m", "bench.generate", "--complaints", str(args.complaints)], timeout=3600)
        print(f"Generated in {time.monotonic() - generated:.0f} s")
    step("VACUUM ANALYZE")
    vacuum()
    step("Measuring")
    run(
        ["-m", "bench.measure", "--iterations", str(args.iterations), "--output", args.output],
        timeout=3600,
    )
    print(f"\nmake bench took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
