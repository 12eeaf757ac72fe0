"""Add bulk complaints to the demo data for the load test: `python -m loadtest.generate N`.

Rows are written with bulk inserts (not through the services: 100,000 complaints in well under
a minute), spread over the last three years across the demo stores, in realistic states, each
with its "logged" event. Also creates the load test's staff: per store a few front-desk users,
supervisors and a store manager, all with the demo password and exactly one store each, so
that a response showing another store's reference is a leak.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

BATCH = 5_000
ACCOUNTS = [
    "The kettle stopped working after two days.",
    "The delivery arrived a week late and the box was crushed.",
    "Staff at the counter were rude when I asked for a receipt.",
    "I was charged twice for the same order.",
    "The repaired phone broke again after one week.",
    "收到的商品有划痕，包装也破了。",
    "排队等了四十分钟，没有人处理。",
    "售后维修后问题依旧，希望退货。",
    "发票金额与实际支付不一致。",
    "店内空调坏了，环境很差。",
]
OUTCOMES = ["A refund.", "An exchange.", "An apology.", "退款。", "换新。", ""]
PRODUCTS = [("Electric kettle", "KT-200"), ("Phone X2", "PX2-128"), ("Air fryer", "AF-55")]
ROLES = [("fd", "Front desk", 4), ("sup", "Supervisor", 3), ("mgr", "Store manager", 1)]


def staff_create(*, password: str) -> dict[str, list[str]]:
    """The load test's staff: `lt.<store>.<role><n>`, one store each. Returns store → names."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from complaints.models import StaffProfile, Store, StoreMembership

    hashed = make_password(password)
    user_model = get_user_model()
    by_store: dict[str, list[str]] = {}
    for store in Store.objects.all():
        names = []
        for prefix, role, count in ROLES:
            for n in range(1, count + 1):
                username = f"lt.{store.code}.{prefix}{n}"
                user, _ = user_model.objects.get_or_create(
                    username=username, defaults={"is_staff": role != "Front desk"}
                )
                user.password = hashed
                user.is_active = True
                user.save()
                user.groups.set([Group.objects.get(name=role)])
                StoreMembership.objects.get_or_create(user=user, store=store)
                StaffProfile.objects.get_or_create(user=user, defaults={"language": "en"})
                names.append(username)
        by_store[store.code] = names
    return by_store


def complaints_generate(*, total: int, seed: int = 6) -> int:
    """Insert `total` complaints (with customers and 'logged' events) in bulk."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from complaints import rules
    from complaints.models import (
        Category,
        Channel,
        ClosureReason,
        Complaint,
        ComplaintEvent,
        EventKind,
        Level,
        ReferenceCounter,
        Severity,
        Status,
        Store,
    )
    from customers.models import Customer

    rng = random.Random(seed)
    now = timezone.now()
    stores = list(Store.objects.all())
    leaves = list(Category.objects.filter(parent__isnull=False, is_active=True))
    staff = {
        s.pk: list(
            get_user_model().objects.filter(store_memberships__store=s, groups__name="Front desk")
        )
        for s in stores
    }
    counters: dict[tuple[int, int], int] = defaultdict(int)
    for counter in ReferenceCounter.objects.all():
        counters[(counter.store_id, counter.year)] = counter.last_number

    created = 0
    while created < total:
        size = min(BATCH, total - created)
        with transaction.atomic():
            customers = []
            for _ in range(size // 3 + 1):
                store = rng.choice(stores)
                customers.append(
                    Customer(
                        store=store,
                        name=f"Load Customer {rng.randint(1, 10**9)}",
                        phone=f"+86139{rng.randint(10**7, 10**8 - 1)}",
                        preferred_language=rng.choice(["en", "zh-hans"]),
                    )
                )
            customers = Customer.objects.bulk_create(customers)
            by_store = defaultdict(list)
            for customer in customers:
                by_store[customer.store_id].append(customer)

            rows = []
            for _ in range(size):
                store = rng.choice(stores)
                received = now - timedelta(seconds=rng.randint(3600, 3 * 365 * 86400))
                year = received.astimezone(ZoneInfo(store.time_zone)).year
                counters[(store.pk, year)] += 1
                category = rng.choice(leaves)
                severity = rng.choices(list(Severity.values), weights=[3, 5, 2, 0.5])[0]
                age_days = (now - received).days
                if age_days > 30:
                    status = rng.choices([Status.CLOSED, Status.RESOLVED], weights=[9, 1])[0]
                else:
                    status = rng.choice(list(Status.values))
                owner = rng.choice(staff[store.pk])
                resolved = status in (Status.RESOLVED, Status.CLOSED)
                resolved_at = received + timedelta(hours=rng.uniform(0.2, 70)) if resolved else None
                product, sku = rng.choice(PRODUCTS)
                rows.append(
                    Complaint(
                        reference=f"{store.code.upper()}-{year}-{counters[(store.pk, year)]:06d}",
                        store=store,
                        channel=rng.choice(list(Channel.values)),
                        received_at=received,
                        customer=rng.choice(by_store.get(store.pk) or customers),
                        product_name=product,
                        product_sku=sku,
                        product_batch=f"B{rng.randint(1, 400):04d}",
                        category=category,
                        severity=severity,
                        level=Level.STORE,
                        account=rng.choice(ACCOUNTS),
                        desired_outcome=rng.choice(OUTCOMES),
                        owner=owner,
                        created_by=owner,
                        status=status,
                        closure_reason=ClosureReason.RESOLVED if status == Status.CLOSED else "",
                        ack_due_at=rules.ack_due_at(received_at=received),
                        resolve_due_at=rules.resolve_due_at(
                            received_at=received,
                            level=Level.STORE,
                            severity=severity,
                            category_hours=category.resolve_within_hours,
                        ),
                        acknowledged_at=None
                        if status == Status.NEW
                        else received + timedelta(hours=rng.uniform(0.1, 20)),
                        resolved_at=resolved_at,
                        closed_at=resolved_at + timedelta(days=2)
                        if status == Status.CLOSED
                        else None,
                    )
                )
            complaints = Complaint.objects.bulk_create(rows)
            ComplaintEvent.objects.bulk_create(
                [
                    ComplaintEvent(
                        complaint=c,
                        actor_id=c.owner_id,
                        kind=EventKind.CREATED,
                        to_status=Status.NEW,
                        action="create",
                        created_at=c.received_at,
                    )
                    for c in complaints
                ]
            )
        created += size
        print(f"  {created:,} / {total:,} complaints", flush=True)

    for (store_id, year), number in counters.items():
        ReferenceCounter.objects.update_or_create(
            store_id=store_id, year=year, defaults={"last_number": number}
        )
    return created


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.settings")
    django.setup()
    from complaints.models import Complaint

    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    password = os.environ["DEMO_PASSWORD"]
    staff_create(password=password)
    have = Complaint.objects.count()
    started = time.monotonic()
    if have >= total:
        print(f"{have:,} complaints already there: nothing to generate")
        return
    complaints_generate(total=total)
    print(f"generated {total:,} complaints in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
