"""A realistic complaint history for the benchmark, written with PostgreSQL COPY.

`python -m bench.generate --complaints 1000000` (normally through `make bench`): ten stores
(eight in Asia/Shanghai, one in Europe/London, one in America/New_York, so the weekly report
deals with three calendars), their staff, customers, and three years of complaints growing
over time, with office-hours and weekday patterns, each with its event log, resolution,
approval decision, fulfilment task, commitment, survey invitation and answer or callback where
its story calls for one. Recent complaints are still open in every state; a few old ones are
stuck and overdue; some customers complain again and again; some batches fail together.

Rows are built as COPY text in Python and streamed with psycopg 3's `cursor.copy` (no ORM,
no per-row INSERT). Staff, stores and reference counters go through the ORM (a few rows).
"""

from __future__ import annotations

import argparse
import math
import os
import queue
import random
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

STORES = [
    # code, name, region, time zone, currency, share of complaints
    ("bench01", "Shanghai Nanjing Road", "East", "Asia/Shanghai", "CNY", 16),
    ("bench02", "Shanghai Pudong", "East", "Asia/Shanghai", "CNY", 13),
    ("bench03", "Hangzhou West Lake", "East", "Asia/Shanghai", "CNY", 11),
    ("bench04", "Beijing Wangfujing", "North", "Asia/Shanghai", "CNY", 14),
    ("bench05", "Tianjin Binhai", "North", "Asia/Shanghai", "CNY", 8),
    ("bench06", "Guangzhou Tianhe", "South", "Asia/Shanghai", "CNY", 12),
    ("bench07", "Shenzhen Futian", "South", "Asia/Shanghai", "CNY", 10),
    ("bench08", "Chengdu Chunxi Road", "West", "Asia/Shanghai", "CNY", 8),
    ("bench09", "London Oxford Street", "Europe", "Europe/London", "GBP", 5),
    ("bench10", "New York Fifth Avenue", "America", "America/New_York", "USD", 3),
]
STAFF = [("fd", "Front desk", 6), ("sup", "Supervisor", 2), ("mgr", "Store manager", 1)]
PASSWORD = os.environ.get("DEMO_PASSWORD", "onestop-demo-2026")

CHANNELS = [
    ("walk_in", 35),
    ("phone", 30),
    ("web_form", 12),
    ("email", 8),
    ("social_media", 9),
    ("letter", 4),
    ("regulator", 2),
]
SEVERITIES = [("low", 30), ("medium", 50), ("high", 15), ("critical", 5)]
LEVELS = [("store", 86), ("region", 11), ("head_office", 3)]
MOODS = ["calm", "concerned", "upset", "angry", "furious", ""]
DEPARTMENTS = [
    ("sales", 14),
    ("customer_service", 18),
    ("after_sales", 14),
    ("warehouse", 12),
    ("logistics", 16),
    ("finance", 8),
    ("product", 12),
    ("facilities", 4),
    ("other", 2),
]
RESOLUTION_TYPES = [
    # type, weight, (low, high) amount, fulfilment team and task
    ("apology", 24, (0, 0), None),
    ("refund", 20, (20, 2500), ("finance", "Finance: pay the refund")),
    ("exchange", 15, (50, 3000), ("warehouse", "Warehouse: ship the replacement")),
    ("repair", 10, (0, 800), ("service", "Service: book and carry out the repair")),
    ("compensation", 7, (50, 5000), ("finance", "Finance: pay the compensation")),
    ("gift", 8, (20, 300), ("store", "Store: hand over the gift")),
    ("discount", 12, (10, 200), ("store", "Store: issue the coupon")),
    ("reservice", 4, (0, 400), ("service", "Service: book the free re-service")),
]
SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu"]
GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Qiang", "Lei", "Jun", "Yong", "Yan", "Jie", "Tao"]
PRODUCTS = [
    ("Electric kettle", "KT"),
    ("Phone X2", "PX"),
    ("Air fryer", "AF"),
    ("Rice cooker", "RC"),
    ("Bluetooth headphones", "BH"),
    ("Washing machine", "WM"),
    ("Vacuum cleaner", "VC"),
    ("Smart watch", "SW"),
    ("Hair dryer", "HD"),
    ("Laptop 14", "LT"),
]
CLOSING_ACTIONS = {
    "resolved": "close",
    "unfounded": "close_unfounded",
    "withdrawn": "withdraw",
    "malicious": "close_malicious",
}
ACCOUNT_OPENINGS = [
    "The {p} stopped working after {n} days.",
    "I bought the {p} last week and it arrived damaged.",
    "Staff at the counter were rude when I asked about the {p}.",
    "I was charged twice for the {p}.",
    "The repaired {p} broke again after {n} days.",
    "Delivery of the {p} was {n} days late and nobody called.",
    "收到的{p}有划痕，包装也破了。",
    "排队等了{n}十分钟，没有人处理。",
    "售后维修后{p}问题依旧，希望退货。",
    "发票金额与实际支付不一致。",
]
ACCOUNT_ENDINGS = [
    " I want a refund.",
    " Please replace it.",
    " This is the second time this happens.",
    " I expect an apology from the manager.",
    " 希望尽快处理。",
    " 请给我一个说法。",
    "",
]


def weighted(rng: random.Random, pairs):
    values = [value for value, _ in pairs]
    weights = [weight for _, weight in pairs]

    def pick():
        return rng.choices(values, weights)[0]

    return pick, values, weights


def ts(value: float) -> str:
    """A COPY timestamptz from epoch seconds."""
    return datetime.fromtimestamp(value, UTC).isoformat(sep=" ")


def esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ")


NULL = "\\N"


class CopyWriter:
    """Streams COPY chunks to PostgreSQL from a thread of its own, so the database takes in
    one chunk while Python builds the next (psycopg waits without holding the GIL). One
    connection, one transaction: the thread is the only one using the cursor meanwhile."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                sql, data = item
                try:
                    with self.cursor.copy(sql) as copy:
                        copy.write(data)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                    self.error = exc

    def put(self, sql: str, data: str) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((sql, data))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class CopyBuffer:
    """Rows for one table, sent to COPY in chunks."""

    def __init__(self, writer: CopyWriter, table: str, columns: list[str], chunk: int = 20_000):
        self.writer, self.table, self.columns, self.chunk = writer, table, columns, chunk
        self.rows: list[str] = []
        self.count = 0

    def add(self, *values) -> None:
        self.rows.append("\t".join(values))
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
        self.writer.put(sql, "\n".join(self.rows) + "\n")
        self.count += len(self.rows)
        self.rows = []


class Ids:
    """Next primary keys, counted from what the tables already hold."""

    def __init__(self, cursor, tables: list[str]):
        self.next = {}
        for table in tables:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            self.next[table] = cursor.fetchone()[0] + 1

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


TABLES = {
    "customers_customer": [
        "id", "name", "phone", "email", "address", "preferred_language", "preferred_channel",
        "consent_to_follow_up", "is_vip", "handling_notes", "created_at", "store_id",
    ],
    "complaints_complaint": [
        "id", "reference", "channel", "received_at", "product_name", "product_sku",
        "product_batch", "purchase_date", "receipt_number", "severity", "level", "account",
        "desired_outcome", "mood", "verdict", "root_cause", "responsible_department", "status",
        "closure_reason", "ack_due_at", "resolve_due_at", "acknowledged_at", "resolved_at",
        "closed_at", "clock_paused_at", "paused_seconds", "resolved_on_the_spot",
        "reopen_count", "escalation_count", "created_at", "updated_at", "version",
        "category_id", "created_by_id", "customer_id", "owner_id", "store_id",
    ],
    "complaints_complaintevent": [
        "id", "kind", "from_status", "to_status", "action", "text", "data", "created_at",
        "actor_id", "complaint_id",
    ],
    "resolutions_resolution": [
        "id", "type", "amount", "currency", "description", "customer_request", "state",
        "is_current", "proposed_at", "on_the_spot", "accepted_at", "acceptance_method",
        "declined_reason", "fulfilled_at", "acceptance_recorded_by_id", "complaint_id",
        "proposed_by_id",
    ],
    "resolutions_approvaldecision": [
        "id", "decision", "reason", "decided_at", "decided_by_id", "resolution_id",
    ],
    "resolutions_fulfilmenttask": [
        "id", "team", "description", "due_at", "done_at", "note", "done_by_id", "owner_id",
        "resolution_id",
    ],
    "resolutions_commitment": [
        "id", "description", "due_at", "made_at", "kept_at", "complaint_id", "kept_by_id",
        "made_by_id",
    ],
    "followup_surveyinvitation": [
        "id", "state", "language", "channel", "token_hash", "created_at", "send_due_at",
        "callback_due_at", "close_due_at", "sent_at", "expires_at", "answered_at",
        "satisfaction", "solved", "comment", "complaint_id",
    ],
    "followup_callback": [
        "id", "reason", "created_at", "attempts", "last_attempt_at", "done_at", "reached",
        "satisfaction", "solved", "note", "complaint_id", "done_by_id", "survey_id",
    ],
}  # fmt: skip


def setup_people() -> tuple[list, dict, list]:
    """Stores, staff (one store each, plus `bench.hq`) through the ORM: a few hundred rows."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from complaints.models import StaffProfile, Store, StoreMembership

    hashed = make_password(PASSWORD)
    users = get_user_model()
    stores, staff = [], {}
    for code, name, region, zone, currency, _share in STORES:
        store, _ = Store.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "region": region,
                "time_zone": zone,
                "currency": currency,
                "language": "en" if currency != "CNY" else "zh-hans",
            },
        )
        stores.append(store)
        staff[store.pk] = {}
        for prefix, role, count in STAFF:
            for n in range(1, count + 1):
                user, _ = users.objects.get_or_create(
                    username=f"bench.{code}.{prefix}{n}",
                    defaults={"is_staff": role != "Front desk", "password": hashed},
                )
                user.groups.set([Group.objects.get(name=role)])
                StoreMembership.objects.get_or_create(user=user, store=store)
                StaffProfile.objects.get_or_create(user=user, defaults={"language": "en"})
                staff[store.pk].setdefault(prefix, []).append(user.pk)
    hq, _ = users.objects.get_or_create(
        username="bench.hq", defaults={"is_staff": True, "password": hashed}
    )
    hq.groups.set([Group.objects.get(name="Head office")])
    from complaints.models import Category

    leaves = list(
        Category.objects.filter(parent__isnull=False).values_list("pk", "resolve_within_hours")
    )
    return stores, staff, leaves


def generate(*, total: int, years: float = 3.0, seed: int = 20261125, out=sys.stdout) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.models import ReferenceCounter

    started = time.monotonic()
    rng = random.Random(seed)
    stores, staff, leaves = setup_people()
    now = timezone.now().timestamp()
    begin = now - years * 365.25 * 86400
    hour = 3600.0

    pick_channel, *_ = weighted(rng, CHANNELS)
    pick_severity, *_ = weighted(rng, SEVERITIES)
    pick_level, *_ = weighted(rng, LEVELS)
    pick_department, *_ = weighted(rng, DEPARTMENTS)
    pick_resolution, *_ = weighted(rng, [(r, r[1]) for r in RESOLUTION_TYPES])
    # A few categories account for most complaints (what the Pareto chart shows).
    category_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(leaves))]
    rng.shuffle(category_weights)
    level_hours = {"store": 24.0, "region": 48.0, "head_office": 72.0}
    skus = [f"{code}-{n:03d}" for _name, code in PRODUCTS for n in range(1, 151)]
    sku_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(skus))]
    product_of = {sku: name for name, code in PRODUCTS for sku in skus if sku.startswith(code)}
    # Some lots are bad: complaints about them come in bursts (the clusters).
    bad_lots = {(rng.choice(skus), rng.randint(1, 40)) for _ in range(300)}
    bad_lot_list = sorted(bad_lots)

    counters: dict[tuple[int, int], int] = defaultdict(int)
    for row in ReferenceCounter.objects.values("store_id", "year", "last_number"):
        counters[(row["store_id"], row["year"])] = row["last_number"]

    stats = defaultdict(int)
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg 3 cursor: COPY
        # A bulk load: the rows are consistent by construction, so skip the per-row foreign
        # key triggers (checked again below) for the length of this transaction.
        cursor.execute("SET LOCAL session_replication_role = replica")
        ids = Ids(cursor, list(TABLES))
        dropped: list[tuple[str, str]] = []
        writer = CopyWriter(cursor)
        out_ = {table: CopyBuffer(writer, table, columns) for table, columns in TABLES.items()}
        customers_t = out_["customers_customer"]
        complaints_t = out_["complaints_complaint"]
        events_t = out_["complaints_complaintevent"]
        resolutions_t = out_["resolutions_resolution"]
        decisions_t = out_["resolutions_approvaldecision"]
        tasks_t = out_["resolutions_fulfilmenttask"]
        commitments_t = out_["resolutions_commitment"]
        surveys_t = out_["followup_surveyinvitation"]
        callbacks_t = out_["followup_callback"]

        # Customers and receipt times, store by store; then every complaint in time order
        # across the stores, as they would have arrived (so the table's physical order
        # follows time, as in production, which the planner's estimates depend on).
        shares = [share for *_rest, share in STORES]
        share_total = sum(shares)
        category_cum = list(_cumulative(category_weights))
        sku_cum = list(_cumulative(sku_weights))
        contexts, plan = [], []
        for store_index, (store, share) in enumerate(zip(stores, shares, strict=True)):
            count = round(total * share / share_total)
            if store is stores[-1]:
                count = total - len(plan)
            zone = ZoneInfo(store.time_zone)
            currency = store.currency

            # Customers of this store: many complain once, a few again and again.
            customer_ids, customer_consent, customer_lang = [], [], []
            for _ in range(max(1, int(count * 0.4))):
                pk = ids.take("customers_customer")
                name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}{rng.choice(GIVEN).lower()}"
                consent = rng.random() < 0.6
                language = "zh-hans" if currency == "CNY" else "en"
                customers_t.add(
                    str(pk),
                    name,
                    f"+861{rng.randint(30, 89)}{rng.randint(10**7, 10**8 - 1)}",
                    f"c{pk}@example.com" if rng.random() < 0.4 else "",
                    "",
                    language,
                    rng.choice(["sms", "sms", "email", "phone"]),
                    "t" if consent else "f",
                    "t" if rng.random() < 0.03 else "f",
                    "",
                    ts(begin),
                    str(store.pk),
                )
                customer_ids.append(pk)
                customer_consent.append(consent)
                customer_lang.append(language)
            customer_weights = [1 / (rank + 1) ** 0.35 for rank in range(len(customer_ids))]
            contexts.append(
                (
                    store,
                    zone,
                    staff[store.pk]["fd"],
                    staff[store.pk]["sup"],
                    staff[store.pk]["sup"] + staff[store.pk]["mgr"],
                    currency,
                    customer_ids,
                    customer_consent,
                    customer_lang,
                    list(_cumulative(customer_weights)),
                )
            )

            # Receipt times: growth over the years (density rising linearly), opening
            # hours 9–21 local, busier at weekends.
            made = 0
            while made < count:
                day = begin + (now - begin) * math.sqrt(rng.random())
                local = datetime.fromtimestamp(day, zone)
                if local.weekday() < 5 and rng.random() < 0.25:
                    continue
                local = local.replace(
                    hour=rng.choice((9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 16, 17, 18, 19, 20)),
                    minute=rng.randint(0, 59),
                    second=rng.randint(0, 59),
                )
                value = local.timestamp()
                if value < now - 60:
                    plan.append((value, store_index))
                    made += 1
        customers_t.flush()
        plan.sort()
        writer.close()  # the cursor is the main thread's again
        _indexes_drop(cursor, dropped)
        writer = CopyWriter(cursor)
        for buffer in out_.values():
            buffer.writer = writer

        for received, store_index in plan:
            (
                store,
                zone,
                fds,
                sups,
                approvers,
                currency,
                customer_ids,
                customer_consent,
                customer_lang,
                customer_cum,
            ) = contexts[store_index]
            stats["complaints"] += 1
            pk = ids.take("complaints_complaint")
            year = datetime.fromtimestamp(received, zone).year
            counters[(store.pk, year)] += 1
            reference = f"{store.code.upper()}-{year}-{counters[(store.pk, year)]:06d}"
            index = _pick(rng, customer_cum)
            customer, consent = customer_ids[index], customer_consent[index]
            channel = pick_channel()
            severity = pick_severity()
            level = pick_level()
            category, category_hours = leaves[_pick(rng, category_cum)]
            limit = level_hours[level]
            if category_hours:
                limit = min(limit, float(category_hours))
            if severity == "critical":
                limit /= 2
            owner = rng.choice(fds)

            product_name = sku = batch = ""
            if rng.random() < 0.7:
                if rng.random() < 0.04:
                    sku, lot = rng.choice(bad_lot_list)
                else:
                    sku, lot = skus[_pick(rng, sku_cum)], rng.randint(1, 40)
                product_name, batch = product_of[sku], f"{sku}-L{lot:02d}"
            opening = rng.choice(ACCOUNT_OPENINGS).format(
                p=product_name or "order", n=rng.randint(2, 9)
            )
            account = opening + rng.choice(ACCOUNT_ENDINGS)

            # The story: how long until acknowledged, resolved, closed.
            walk_in = channel == "walk_in"
            one_stop = rng.random() < (0.45 if walk_in else 0.2)
            stuck = rng.random() < 0.0015  # forgotten: open and overdue for long
            if one_stop:
                ack = resolved = received + rng.uniform(300, 2400)
            else:
                ack = received if walk_in else received + rng.expovariate(1 / (5 * hour))
                if rng.random() < 0.05:
                    ack = received + rng.uniform(24, 60) * hour  # acknowledged late
                resolved = ack + rng.lognormvariate(math.log(0.55 * limit * hour), 0.8)
            paused = 0
            if not one_stop and rng.random() < 0.5:
                paused = int(rng.uniform(2, 40) * hour)
                resolved += paused
            if stuck:
                resolved = now + 1e9
            reopened = not one_stop and rng.random() < 0.03
            outcome = "resolved"
            roll = rng.random()
            if not one_stop and roll < 0.015:
                outcome = "unfounded"
            elif not one_stop and roll < 0.025:
                outcome = "withdrawn"
            elif not one_stop and roll < 0.028:
                outcome = "malicious"
            ack_due = received + 24 * hour
            resolve_due = received + limit * hour + paused

            status, closure, closed = "closed", "", None
            acknowledged = ack if ack < now else None
            resolved_at = None
            clock_paused = None
            if outcome != "resolved":
                closed = (ack if acknowledged else received) + rng.uniform(4, 72) * hour
                if closed > now:
                    closed = None
                    status = "investigating" if acknowledged else "new"
                else:
                    closure = outcome
            elif resolved <= now:
                resolved_at = resolved
                closed = resolved + rng.uniform(1, 8) * 86400
                if closed > now or rng.random() < 0.04:
                    closed, status = None, "resolved"
                else:
                    closure = "resolved"
            else:
                # Still open: where in the lifecycle depends on how far it has come.
                if acknowledged is None:
                    status = "new"
                else:
                    stage = (now - received) / max(resolved - received, 1)
                    status = (
                        "acknowledged"
                        if stage < 0.15
                        else "investigating"
                        if stage < 0.45
                        else rng.choice(
                            [
                                "awaiting_approval",
                                "awaiting_customer",
                                "awaiting_customer",
                                "in_fulfilment",
                                "investigating",
                            ]
                        )
                    )
                if status == "awaiting_customer":
                    clock_paused = received + (now - received) * 0.6
            if stuck:
                status = rng.choice(["acknowledged", "investigating", "awaiting_approval"])
            open_now = status not in ("resolved", "closed")
            reopen_count = 1 if reopened and not open_now else 0
            verdict = {
                "unfounded": "unfounded",
                "malicious": "malicious",
            }.get(outcome, "good_faith" if resolved_at else "undetermined")
            department = ""
            if resolved_at or (acknowledged and rng.random() < 0.5):
                department = pick_department()
            last = max(v for v in (received, acknowledged, resolved_at, closed) if v)
            events = []
            complaints_row = [
                str(pk),
                reference,
                channel,
                ts(received),
                product_name,
                sku,
                batch,
                NULL,
                "",
                severity,
                level,
                esc(account),
                "",
                rng.choice(MOODS),
                verdict,
                "",
                department,
                status,
                closure,
                ts(ack_due),
                ts(resolve_due),
                ts(acknowledged) if acknowledged else NULL,
                ts(resolved_at) if resolved_at else NULL,
                ts(closed) if closed else NULL,
                ts(clock_paused) if clock_paused else NULL,
                str(paused),
                "t" if one_stop and resolved_at else "f",
                str(reopen_count),
                "0",
                ts(received),
                ts(last),
                "1",  # version, set below
                str(category),
                str(owner),
                str(customer),
                str(owner),
                str(store.pk),
            ]

            def event(kind, at, frm="", to="", action="", actor=owner, text="", log=events):
                log.append((kind, frm, to, action, text, at, actor))

            event("created", received, to="new", action="create")
            if one_stop and resolved_at:
                event("transition", resolved_at, "new", "resolved", "resolve_on_the_spot")
            else:
                if acknowledged:
                    event("transition", acknowledged, "new", "acknowledged", "acknowledge")
                    if status not in ("acknowledged",) or closed or resolved_at:
                        event(
                            "transition",
                            acknowledged + 600,
                            "acknowledged",
                            "investigating",
                            "investigate",
                        )

            # Resolution, approval, fulfilment.
            needs_resolution = (resolved_at is not None) or status in (
                "awaiting_approval",
                "awaiting_customer",
                "in_fulfilment",
            )
            if needs_resolution:
                kind, _w, (low, high), plan = pick_resolution()
                amount = 0 if high == 0 else round(rng.uniform(low, high) / 10) * 10
                if one_stop:
                    amount = min(amount, 200)
                proposed = (
                    resolved_at - rng.uniform(0.1, 0.4) * (resolved_at - received)
                    if resolved_at and not one_stop
                    else (resolved_at or (acknowledged or received) + 3600)
                )
                proposed = min(proposed, now - 60)
                if reopen_count:
                    # The first offer did not hold: retired when reopened.
                    old = ids.take("resolutions_resolution")
                    resolutions_t.add(
                        str(old), "apology", "0.00", currency, "First offer", "",
                        "fulfilled", "f", ts(received + hour), "f", ts(received + hour),
                        "verbal", "", ts(received + hour), str(owner), str(pk), str(owner),
                    )  # fmt: skip
                    event("transition", received + 2 * hour, "resolved", "investigating",
                          "reopen", actor=rng.choice(sups), text="Called again.")  # fmt: skip
                approval = amount > 200 and not one_stop
                accepted = resolved_at or (proposed + hour if status == "in_fulfilment" else None)
                state = (
                    "fulfilled"
                    if resolved_at
                    else "accepted"
                    if status == "in_fulfilment"
                    else "awaiting_approval"
                    if status == "awaiting_approval"
                    else "offered"
                )
                if status == "awaiting_approval":
                    approval, accepted = True, None
                resolution = ids.take("resolutions_resolution")
                resolutions_t.add(
                    str(resolution),
                    kind,
                    f"{amount:.2f}",
                    currency,
                    "What we offered",
                    "",
                    state,
                    "t",
                    ts(proposed),
                    "t" if one_stop else "f",
                    ts(accepted) if accepted else NULL,
                    "verbal" if accepted else "",
                    "",
                    ts(resolved_at) if resolved_at else NULL,
                    str(owner) if accepted else NULL,
                    str(pk),
                    str(owner),
                )
                stats["resolutions"] += 1
                if not one_stop:
                    target = "awaiting_approval" if approval else "awaiting_customer"
                    event("transition", proposed, "investigating", target, "propose")
                if approval and status != "awaiting_approval":
                    decided = proposed + rng.uniform(0.2, 6) * hour
                    decisions_t.add(
                        str(ids.take("resolutions_approvaldecision")),
                        "approve",
                        "",
                        ts(decided),
                        str(rng.choice(approvers)),
                        str(resolution),
                    )
                    event("transition", decided, "awaiting_approval", "awaiting_customer",
                          "approve", actor=rng.choice(approvers))  # fmt: skip
                if accepted and not one_stop:
                    event("transition", accepted, "awaiting_customer", "in_fulfilment",
                          "customer_accepts")  # fmt: skip
                if plan and (accepted or one_stop):
                    done = resolved_at
                    tasks_t.add(
                        str(ids.take("resolutions_fulfilmenttask")),
                        plan[0],
                        plan[1],
                        NULL,
                        ts(done) if done else NULL,
                        "",
                        str(owner) if done else NULL,
                        str(owner),
                        str(resolution),
                    )
                if resolved_at and not one_stop:
                    event("transition", resolved_at, "in_fulfilment", "resolved",
                          "complete_fulfilment")  # fmt: skip

            if closed:
                action = CLOSING_ACTIONS[outcome]
                frm = "resolved" if outcome == "resolved" else "investigating"
                event("transition", closed, frm, "closed", action)

            # A promise made when it could not be settled at once.
            if not one_stop and acknowledged and rng.random() < 0.14:
                made = acknowledged
                due = made + rng.uniform(12, 72) * hour
                kept = None
                roll = rng.random()
                if roll < 0.86:
                    kept = made + (due - made) * rng.uniform(0.2, 0.98)
                elif roll < 0.93:
                    kept = due + rng.uniform(1, 30) * hour
                if kept and kept > now:
                    kept = None
                commitments_t.add(
                    str(ids.take("resolutions_commitment")),
                    "Call the customer back with the outcome",
                    ts(due),
                    ts(made),
                    ts(kept) if kept else NULL,
                    str(pk),
                    str(owner) if kept else NULL,
                    str(owner),
                )
                event("commitment", made, action="commitment_make")

            # Follow-up: a survey for those who agreed to be contacted, else a callback.
            if resolved_at:
                send_at = resolved_at + 24 * hour
                if consent:
                    survey = ids.take("followup_surveyinvitation")
                    answered = sat = solved = None
                    state, sent, send_due, expires = "scheduled", None, send_at, None
                    if send_at <= now:
                        state, sent, send_due = "sent", send_at, None
                        expires = send_at + 14 * 86400
                        if rng.random() < 0.46:
                            answered = sent + rng.expovariate(1 / (20 * hour))
                            if answered > now:
                                answered = None
                            else:
                                state = "answered"
                                sat = rng.choices([1, 2, 3, 4, 5], [6, 8, 16, 35, 35])[0]
                                solved = sat >= 3 or rng.random() < 0.3
                    surveys_t.add(
                        str(survey),
                        state,
                        customer_lang[index],
                        "sms" if sent else "",
                        NULL,
                        ts(resolved_at),
                        ts(send_due) if send_due else NULL,
                        NULL,
                        NULL,
                        ts(sent) if sent else NULL,
                        ts(expires) if expires else NULL,
                        ts(answered) if answered else NULL,
                        str(sat) if sat else NULL,
                        ("t" if solved else "f") if solved is not None else NULL,
                        "",
                        str(pk),
                    )
                    stats["surveys"] += 1
                elif send_at <= now and rng.random() < 0.6:
                    done = send_at + rng.uniform(1, 48) * hour
                    reached = rng.random() < 0.8
                    sat = rng.choices([1, 2, 3, 4, 5], [5, 7, 18, 35, 35])[0] if reached else None
                    callbacks_t.add(
                        str(ids.take("followup_callback")),
                        "no_consent",
                        ts(send_at),
                        "1",
                        ts(done) if done < now else NULL,
                        ts(done) if done < now else NULL,
                        ("t" if reached else "f") if done < now else NULL,
                        str(sat) if sat and done < now else NULL,
                        ("t" if (sat or 0) >= 3 else "f") if sat and done < now else NULL,
                        "",
                        str(pk),
                        str(owner) if done < now else NULL,
                        NULL,
                    )

            complaints_row[31] = str(len(events))
            complaints_t.add(*complaints_row)
            for kind, frm, to, action, text, at, actor in events:
                events_t.add(
                    str(ids.take("complaints_complaintevent")),
                    kind,
                    frm,
                    to,
                    action,
                    esc(text),
                    "{}",
                    ts(min(at, now - 1)),
                    str(actor) if actor else NULL,
                    str(pk),
                )
            stats["events"] += len(events)
            if stats["complaints"] % 100_000 == 0:
                for buffer in out_.values():
                    buffer.flush()
                print(
                    f"  {stats['complaints']:,} complaints ({time.monotonic() - started:.0f} s)",
                    file=out,
                    flush=True,
                )

        for buffer in out_.values():
            buffer.flush()
        print(
            f"  rows written ({time.monotonic() - started:.0f} s); indexing", file=out, flush=True
        )
        _indexes_create(cursor, dropped)
        _kept_by_triggers_refresh(cursor)
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        for (store_id, year), number in counters.items():
            ReferenceCounter.objects.update_or_create(
                store_id=store_id, year=year, defaults={"last_number": number}
            )
        result = {table: buffer.count for table, buffer in out_.items()}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def _indexes_drop(cursor, dropped: list) -> None:
    """Drop the plain indexes of the big tables for the load (a bulk load then one index
    build is much faster than maintaining a dozen indexes row by row); keys and unique
    constraints stay."""
    big = [table for table in TABLES if table != "customers_customer"]
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [big],
    )
    for name, definition in cursor.fetchall():
        dropped.append((name, definition))
        cursor.execute(f'DROP INDEX "{name}"')


def _indexes_create(cursor, dropped: list) -> None:
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in dropped:
        cursor.execute(definition)


def _kept_by_triggers_refresh(cursor) -> None:
    """What triggers keep, computed once for the whole load, which ran with them off: each
    store's count of complaints (the unfiltered list's count and its page numbers) and the
    customers' distinct names (search by name)."""
    cursor.execute("DELETE FROM complaint_count_by_store")
    cursor.execute(
        "INSERT INTO complaint_count_by_store (store_id, complaints)"
        " SELECT store_id, count(*) FROM complaints_complaint GROUP BY store_id"
    )
    cursor.execute(
        "INSERT INTO customers_searchname (name) SELECT DISTINCT upper(name::text)"
        " FROM customers_customer ON CONFLICT DO NOTHING"
    )


def _cumulative(weights):
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    from bisect import bisect_left

    return min(bisect_left(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=3.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark data is written with PostgreSQL's COPY: set DATABASE_URL.")
    result = generate(total=args.complaints, years=args.years)
    print(result)


if __name__ == "__main__":
    main()
