"""Server time and query count of the main pages over the benchmark data.

`python -m bench.measure` (normally through `make bench`): each page is requested many times
in-process with Django's test client (no network, no browser: the time the server spends,
middleware and templates included) as the user who would open it, with the queries counted
by `CaptureQueriesContext`. Writes a Markdown table (p50, p95, queries, goal) to
`bench-results/latest.md` and prints it.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
STORE = "bench01"


@dataclass
class Result:
    name: str
    goal_ms: float | None
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    note: str = ""

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.times_ms)
        position = fraction * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    @property
    def verdict(self) -> str:
        if self.goal_ms is None or not self.times_ms:
            return ""
        return "ok" if self.percentile(0.95) < self.goal_ms else "**over goal**"

    def row(self) -> str:
        if not self.times_ms:
            return f"| {self.name} | – | – | – | – | {self.note} |"
        queries = (
            str(self.queries[0])
            if len(set(self.queries)) == 1
            else f"{min(self.queries)}–{max(self.queries)}"
        )
        goal = f"< {self.goal_ms:g} ms" if self.goal_ms else ""
        return (
            f"| {self.name} | {self.percentile(0.5):.1f} | {self.percentile(0.95):.1f} | "
            f"{queries} | {goal} {self.verdict} | {self.note} |"
        )


def _timed(result: Result, call, warmup: int, iterations: int, check=None, prepare=None) -> None:
    """`call(index)` timed, with its queries counted; `prepare(index)` runs first, untimed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(warmup + iterations):
        if prepare is not None:
            prepare(index)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = call(index)
            elapsed = (time.perf_counter() - started) * 1000
        if check is not None:
            check(response)
        if index >= warmup:
            result.times_ms.append(elapsed)
            result.queries.append(len(queries.captured_queries))


def _expect(status: int):
    def check(response):
        if response.status_code != status:
            raise SystemExit(f"unexpected HTTP {response.status_code} (expected {status})")

    return check


def measure(*, iterations: int, warmup: int, only: str = "") -> tuple[list[Result], dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from complaints.models import Category, Complaint, Store
    from complaints.selectors import complaint_count
    from customers.models import Customer

    rng = random.Random(7)
    users = get_user_model().objects
    store = Store.objects.get(code=STORE)
    frontdesk = users.get(username=f"bench.{STORE}.fd1")
    supervisor = users.get(username=f"bench.{STORE}.sup1")
    manager = users.get(username=f"bench.{STORE}.mgr1")
    hq = users.get(username="bench.hq")

    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    fd, sup, mgr, head = (client_for(u) for u in (frontdesk, supervisor, manager, hq))
    references = list(
        Complaint.objects.filter(store=store)
        .order_by("?")
        .values_list("reference", flat=True)[: iterations + warmup]
    )
    parent = Category.objects.filter(parent__isnull=True).order_by("position").first()
    customers = list(
        Customer.objects.filter(store=store).order_by("?").values_list("pk", flat=True)[:200]
    )
    leaves = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    facts = {
        "load_before": _load(),
        "complaints": Complaint.objects.count(),
        "store_complaints": Complaint.objects.filter(store=store).count(),
        "stores": Store.objects.count(),
    }

    results: list[Result] = []

    def wanted(name: str) -> bool:
        return only.lower() in name.lower()

    def get(name, client, path, goal, note="", status=200, prepare=None):
        if not wanted(name):
            return
        result = Result(name, goal, note=note)
        paths = path if isinstance(path, list) else [path]
        _timed(
            result,
            lambda i: client.get(paths[i % len(paths)]),
            warmup,
            iterations,
            _expect(status),
            prepare,
        )
        results.append(result)
        print(result.row(), flush=True)

    if complaint_count(user=hq) != facts["complaints"]:
        # Kept by triggers, which a bulk load bypasses: a wrong count would measure the
        # unfiltered list with too few rows and the deep pages as the first page.
        raise SystemExit("the list's kept count of complaints is wrong: regenerate (--fresh)")
    store_note = f"supervisor of one store ({facts['store_complaints']:,} complaints)"
    get("List, unfiltered", sup, "/complaints/", 50, store_note)
    get(
        "List, filtered",
        sup,
        [
            "/complaints/?status=open",
            f"/complaints/?category_parent={parent.pk}&severity=high",
            "/complaints/?channel=phone&sort=resolve_due_at",
            "/complaints/?overdue=true",
        ],
        50,
        "open / category+severity / channel+sort / overdue",
    )
    get(
        "List, text search",
        sup,
        ["/complaints/?q=Wang+Wei", "/complaints/?q=kettle", "/complaints/?q=13912"],
        50,
        "customer name / account words / phone digits",
    )
    get(
        "List, deep page",
        sup,
        [f"/complaints/?page={n}" for n in (800, 1600, 2400)],
        50,
        "pages 800–2,400 of 50 rows",
    )
    get(
        "List, head office (all stores)",
        head,
        "/complaints/",
        50,
        f"{facts['complaints']:,} complaints",
    )
    get(
        "Complaint page",
        fd,
        [f"/complaints/{reference}/" for reference in references],
        50,
        "a different complaint each time",
    )
    get("My work", fd, "/", 50, "front desk")
    get("My work (supervisor)", sup, "/", 50, "adds the store summary and approvals")
    get("My work (manager)", mgr, "/", 50, "adds the store summary and approvals")

    if wanted("Intake (POST)"):
        _writes(results, fd, store, rng, leaves, customers, warmup, iterations)

    # The weekly pages as readers get them: last week's snapshot, valid (reports.snapshots).
    get(
        "Weekly trend, one store",
        mgr,
        "/reports/weekly/",
        150,
        "store manager, 13 weeks, from the week's snapshot",
    )
    get(
        "Weekly trend, all stores",
        head,
        "/reports/weekly/",
        500,
        f"head office, {facts['stores']} stores in 3 time zones, side by side, from the snapshot",
    )
    get("Weekly CSV export, all stores", head, "/reports/weekly.csv", 500, "head office")
    get("Weekly CSV export, one store", mgr, "/reports/weekly.csv", 150, "store manager")

    # And as the first reader of a week that has just ended (or after a change to it): the
    # page and that week's counts dropped, the twelve weeks before read back; and with
    # nothing kept at all (before the hourly task first runs, as right after a bulk load):
    # every week counted from the complaints.
    # The dropping runs before each request, untimed.
    def forget(*, everything: bool):
        from reports.models import ReportSnapshot, ReportWeek
        from reports.selectors import default_week

        def prepare(_index):
            ReportSnapshot.objects.all().delete()
            weeks = ReportWeek.objects.all()
            if not everything:
                weeks = weeks.filter(week=str(default_week()))
            weeks.delete()

        return prepare

    for who, client, goal in (("one store", mgr, 150), ("all stores", head, 500)):
        get(
            f"Weekly trend, {who}, new week",
            client,
            "/reports/weekly/",
            goal,
            "the week just ended counted, the 12 before read back",
            prepare=forget(everything=False),
        )
        get(
            f"Weekly trend, {who}, nothing kept",
            client,
            "/reports/weekly/",
            goal,
            "all 13 weeks counted from the complaints (before the hourly task's first run)",
            prepare=forget(everything=True),
        )
    if wanted("Reminder job"):
        results.append(_reminder_job(iterations=min(iterations, 10)))
        print(results[-1].row(), flush=True)
    return results, facts


def _writes(results, fd, store, rng, leaves, customers, warmup, iterations) -> None:
    """Intake POSTs, then acknowledging the complaints they logged (a transition)."""
    from complaints.models import Complaint

    # Intake: log a complaint for a known customer, as the counter does.
    created: list[str] = []
    intake = Result("Intake (POST)", 80, note="existing customer; redirect to the new complaint")

    def post_intake(index):
        local = datetime.now(ZoneInfo(store.time_zone))  # the store's wall clock
        response = fd.post(
            "/complaints/new/",
            {
                "store": store.pk,
                "channel": "phone",
                "received_at": local.strftime("%Y-%m-%dT%H:%M"),
                "category": rng.choice(leaves),
                "severity": "medium",
                "mood": "upset",
                "account": "The kettle stopped working after two days. Benchmark intake.",
                "desired_outcome": "A refund.",
                "customer": rng.choice(customers),
                "customer_language": "zh-hans",
                "customer_channel": "sms",
                "submit": "log",
            },
        )
        if response.status_code == 302:
            created.append(response["Location"].rstrip("/").rsplit("/", 1)[-1])
        return response

    _timed(intake, post_intake, warmup, iterations, _expect(302))
    results.append(intake)
    print(intake.row(), flush=True)

    # A transition: acknowledge the complaints just logged, with the version the page showed.
    transition = Result("Transition (acknowledge)", 50, note="POST with the version seen")
    targets = list(
        Complaint.objects.filter(reference__in=created, status="new").values_list(
            "reference", "version"
        )
    )

    def post_acknowledge(index):
        reference, version = targets[index]
        return fd.post(f"/complaints/{reference}/act/acknowledge/", {"version": version})

    count = min(len(targets), warmup + iterations)
    _timed(transition, post_acknowledge, min(warmup, count // 3), count - min(warmup, count // 3))
    done = Complaint.objects.filter(
        reference__in=[r for r, _ in targets[:count]], status="acknowledged"
    ).count()
    transition.note += f"; {done} of {count} acknowledged"
    results.append(transition)
    print(transition.row(), flush=True)


def _reminder_job(*, iterations: int) -> Result:
    """The beat's follow-up sweep (reminders, surveys, callbacks, auto-close, outbox)."""
    try:
        from followup.tasks import followup_sweep
    except ImportError:
        return Result("Reminder job", 1000, note="not built yet (followup.tasks.followup_sweep)")
    result = Result("Reminder job (follow-up sweep)", 1000)
    first = Result("", None)
    outcomes: list = []
    _timed(first, lambda i: outcomes.append(followup_sweep()), 0, 1)
    _timed(result, lambda i: outcomes.append(followup_sweep()), 0, iterations)
    failed = [o for o in outcomes if "failed" in o.values()]
    result.note = (
        f"one sweep a minute apart in production, back to back here; the first sweep "
        f"(7-day catch-up: {outcomes[0]}) took {first.times_ms[0]:.0f} ms and "
        f"{first.queries[0]} queries" + (f"; FAILED parts: {failed[0]}" if failed else "")
    )
    return result


def markdown(results: list[Result], facts: dict, *, iterations: int, seconds: float) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW random_page_cost")
        random_page_cost = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        counts = {}
        for table in (
            "complaints_complaintevent",
            "resolutions_resolution",
            "resolutions_commitment",
            "followup_surveyinvitation",
        ):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            counts[table] = cursor.fetchone()[0]
    cpu = _cpu_model()
    lines = [
        "# OneStop benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench` on {os.cpu_count()} "
        f"cores ({cpu}; {_cpu_reference()}), PostgreSQL {pg_version} "
        f"(shared_buffers {shared_buffers}, "
        f"random_page_cost {random_page_cost}), Python {platform.python_version()}.",
        f"Data: {facts['complaints']:,} complaints in {facts['stores']} stores over 3 years, "
        f"~{counts['complaints_complaintevent']:,} events, "
        f"~{counts['resolutions_resolution']:,} resolutions, "
        f"~{counts['resolutions_commitment']:,} commitments, "
        f"~{counts['followup_surveyinvitation']:,} survey invitations.",
        f"Server time in-process (Django test client, DEBUG off), {iterations} requests each "
        f"after a warm-up; queries counted per request. Measured in {seconds:.0f} s; "
        f"load average {facts['load_before']} before, {_load()} after (other work on the "
        f"machine slows every figure).",
        "",
        "| what | p50 ms | p95 ms | queries | goal (p95) | notes |",
        "|---|---:|---:|---:|---|---|",
        *[result.row() for result in results],
        "",
    ]
    return "\n".join(lines)


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _cpu_reference() -> str:
    """How fast this machine runs Python, to compare runs on different machines: most of a
    page's server time is Python (templates, the ORM), so a CPU half as fast doubles it."""
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for step in range(10_000_000):
            total += step
        best = min(best, time.perf_counter() - started)
    return f"a 10-million-step Python loop takes {best:.2f} s"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--output", default=str(REPO / "bench-results" / "latest.md"))
    parser.add_argument("--only", default="", help="measure only what names contain this")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    # Not setup_test_environment(): its instrumented template rendering (for assertions on
    # contexts) would be measured too. bench.settings allows the test client's host.
    started = time.monotonic()
    print("| what | p50 ms | p95 ms | queries | goal (p95) | notes |", flush=True)
    results, facts = measure(iterations=args.iterations, warmup=args.warmup, only=args.only)
    text = markdown(results, facts, iterations=args.iterations, seconds=time.monotonic() - started)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print()
    print(text)
    print(f"Written to {output}")


if __name__ == "__main__":
    main()
