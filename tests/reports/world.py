"""A small history of complaints in two stores with hand-computed weekly figures.

Stores: SH01 in Asia/Shanghai (UTC+8) and LDN1 in Europe/London, whose clocks went back
from BST to GMT at 01:00 UTC on Sunday 25 October 2026. The report week is 2026-W44
(Monday 26 October to Sunday 1 November); the week before, W43, is 169 hours long in London.

    Shanghai W44 = [2026-10-25 16:00 UTC, 2026-11-01 16:00 UTC)
    Shanghai W43 = [2026-10-18 16:00 UTC, 2026-10-25 16:00 UTC)
    London   W44 = [2026-10-26 00:00 UTC, 2026-11-02 00:00 UTC)
    London   W43 = [2026-10-18 23:00 UTC, 2026-10-26 00:00 UTC)   (Monday 00:00 BST)

Complaints (times UTC; "+Nh" from receipt; ack/resolve due = receipt + 24 h):

    A  SH  2026-11-01 15:30 (Sunday 23:30 Shanghai → W44)  walk-in, late delivery, batch B-77,
           customer X; acknowledged +1 h; still open at the end of W44
    B  SH  2026-11-01 16:30 (Monday 00:30 Shanghai → W45, not W44)
    C  SH  2026-10-25 16:10 (Monday 00:10 Shanghai → W44)  walk-in, late delivery, batch B-77,
           SKU-1, warehouse; ack +1 h; resolved +4 h (on time); apology 0 CNY;
           commitment due 10-27 00:00 kept 10-26 12:00; survey sent 10-27, answered 5, solved
    D  SH  2026-10-25 15:00 (Sunday 23:00 Shanghai → W43)  phone, late delivery, SKU-1,
           logistics; ack +30 h (late); resolved +50 h on 10-27 (W44, late); exchange 300 CNY;
           survey sent 10-28, answered 2 (dissatisfied)
    E  SH  2026-10-28 02:00 (W44)  phone, late delivery, batch B-77, logistics, customer X2;
           ack +1 h; resolved then reopened (reopen_count 1, no resolved_at, investigating);
           its old compensation 500 CNY is no longer current; commitments due 10-30 (not kept)
           and 10-31 (kept late, 11-01): both broken
    F  SH  2026-10-29 06:00 (W44)  phone, rude staff, SKU-9; resolved on the spot +0.5 h
           (one-stop), refund 100 CNY; survey sent 10-30, not answered
    G  SH  2026-10-14 10:00 (W42)  phone, SKU-1, customer X; ack +1 h; still investigating:
           overdue since 10-15 10:00
    L1 LDN 2026-10-25 23:30 (Sunday 23:30 GMT → W43)  walk-in, rude staff; resolved on the
           spot +20 min
    L2 LDN 2026-10-18 23:30 (Monday 00:30 BST → W43, not W42)  walk-in, rude staff;
           withdrawn (closed) 10-19 10:00, never acknowledged
    L3 LDN 2026-10-26 00:30 (Monday 00:30 GMT → W44)  phone, rude staff, SKU-9, sales,
           customer Y; ack +1 h; resolved +10 h on time; gift 50 GBP; survey sent 10-27,
           answered 4 but "not solved" (dissatisfied)
    L4 LDN 2026-11-01 23:59 (Sunday 23:59 GMT → W44)  e-mail, defective, customer Y; new,
           not acknowledged; commitment due 11-03 (W45)
    O  SH  2026-09-20 10:00 (W38)  batch B-77, customer X (outside the 30- and 90-day windows
           that matter here? 90 days: yes, inside; 30 days: no)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from complaints.models import Category, Complaint
from resolutions.models import Commitment, Resolution
from tests.factories import CustomerFactory, StoreFactory, make_complaint, staff


def forget_kept_reports() -> None:
    """Drop every kept week and page (PostgreSQL keeps them; `reports.changes`), so the
    next report is counted from the complaints."""
    from reports.models import ReportSnapshot, ReportWeek

    ReportSnapshot.objects.all().delete()
    ReportWeek.objects.all().delete()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class World:
    shanghai: object
    london: object
    hq: object
    manager: object
    manager_london: object
    frontdesk: object
    c: dict = field(default_factory=dict)


def _history(complaint: Complaint, **fields) -> Complaint:
    """Set what happened to a complaint in the past (the services stamp `now`)."""
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.refresh_from_db()
    return complaint


def _resolution(complaint, actor, type_, amount, currency, *, current=True):
    return Resolution.objects.create(
        complaint=complaint,
        type=type_,
        amount=Decimal(amount),
        currency=currency,
        description="What we agreed",
        state="fulfilled" if current else "withdrawn",
        is_current=current,
        proposed_by=actor,
    )


def _survey(complaint, *, sent_at, answered_at=None, satisfaction=None, solved=None):
    from followup.models import SurveyInvitation

    return SurveyInvitation.objects.create(
        complaint=complaint,
        state="answered" if answered_at else "sent",
        sent_at=sent_at,
        answered_at=answered_at,
        satisfaction=satisfaction,
        solved=solved,
    )


def weekly_world(store, hq, manager) -> World:
    """Build the history above around the shared `store` (Shanghai), `hq` and `manager`."""
    london = StoreFactory(
        code="ldn1", name="London Oxford Street", time_zone="Europe/London", currency="GBP"
    )
    frontdesk = staff("Front desk", store, london, username="frontdesk_both")
    manager_london = staff("Store manager", london, username="manager_london")
    world = World(
        shanghai=store,
        london=london,
        hq=hq,
        manager=manager,
        manager_london=manager_london,
        frontdesk=frontdesk,
    )
    late_delivery = Category.objects.get(code="late-delivery")
    rude = Category.objects.get(code="rude-staff")
    defective = Category.objects.get(code="defective-on-arrival")
    x = CustomerFactory(store=store, name="Customer X")
    x2 = CustomerFactory(store=store, name="Customer X2")
    y = CustomerFactory(store=london, name="Customer Y")

    def log(key, shop, received_at, *, customer=None, **fields):
        complaint = make_complaint(
            actor=frontdesk,
            store=shop,
            customer=customer or CustomerFactory(store=shop),
            received_at=received_at,
            **fields,
        )
        world.c[key] = complaint
        return complaint

    h = timedelta(hours=1)

    a = log(
        "A",
        store,
        utc(2026, 11, 1, 15, 30),
        customer=x,
        channel="walk_in",
        category=late_delivery,
        product_batch="B-77",
    )
    _history(a, status="acknowledged", acknowledged_at=a.received_at + h)

    log("B", store, utc(2026, 11, 1, 16, 30), channel="phone", category=defective)

    c = log(
        "C",
        store,
        utc(2026, 10, 25, 16, 10),
        channel="walk_in",
        category=late_delivery,
        product_batch="B-77",
        product_sku="SKU-1",
    )
    _history(
        c,
        status="resolved",
        acknowledged_at=c.received_at + h,
        resolved_at=c.received_at + 4 * h,
        responsible_department="warehouse",
    )
    _resolution(c, frontdesk, "apology", "0", "CNY")
    Commitment.objects.create(
        complaint=c,
        description="Call back",
        made_by=frontdesk,
        due_at=utc(2026, 10, 27),
        kept_at=utc(2026, 10, 26, 12),
    )
    _survey(
        c,
        sent_at=utc(2026, 10, 27, 2),
        answered_at=utc(2026, 10, 27, 5),
        satisfaction=5,
        solved=True,
    )

    d = log(
        "D",
        store,
        utc(2026, 10, 25, 15, 0),
        channel="phone",
        category=late_delivery,
        product_sku="SKU-1",
    )
    _history(
        d,
        status="resolved",
        acknowledged_at=d.received_at + 30 * h,
        resolved_at=d.received_at + 50 * h,
        responsible_department="logistics",
    )
    _resolution(d, frontdesk, "exchange", "300", "CNY")
    _survey(
        d,
        sent_at=utc(2026, 10, 28, 2),
        answered_at=utc(2026, 10, 29, 2),
        satisfaction=2,
        solved=True,
    )

    e = log(
        "E",
        store,
        utc(2026, 10, 28, 2, 0),
        customer=x2,
        channel="phone",
        category=late_delivery,
        product_batch="B-77",
    )
    _history(
        e,
        status="investigating",
        acknowledged_at=e.received_at + h,
        reopen_count=1,
        responsible_department="logistics",
    )
    _resolution(e, frontdesk, "compensation", "500", "CNY", current=False)
    Commitment.objects.create(
        complaint=e,
        description="Replace",
        made_by=frontdesk,
        due_at=utc(2026, 10, 30),
        kept_at=None,
    )
    Commitment.objects.create(
        complaint=e,
        description="Call",
        made_by=frontdesk,
        due_at=utc(2026, 10, 31),
        kept_at=utc(2026, 11, 1),
    )

    f = log(
        "F", store, utc(2026, 10, 29, 6, 0), channel="phone", category=rude, product_sku="SKU-9"
    )
    _history(
        f,
        status="resolved",
        acknowledged_at=f.received_at + h / 2,
        resolved_at=f.received_at + h / 2,
        resolved_on_the_spot=True,
    )
    _resolution(f, frontdesk, "refund", "100", "CNY")
    _survey(f, sent_at=utc(2026, 10, 30, 8))

    g = log(
        "G",
        store,
        utc(2026, 10, 14, 10, 0),
        customer=x,
        channel="phone",
        category=defective,
        product_sku="SKU-1",
    )
    _history(g, status="investigating", acknowledged_at=g.received_at + h)

    l1 = log("L1", london, utc(2026, 10, 25, 23, 30), channel="walk_in", category=rude)
    _history(
        l1,
        status="resolved",
        acknowledged_at=l1.received_at + h / 3,
        resolved_at=l1.received_at + h / 3,
        resolved_on_the_spot=True,
    )
    _resolution(l1, frontdesk, "apology", "0", "GBP")

    l2 = log("L2", london, utc(2026, 10, 18, 23, 30), channel="walk_in", category=rude)
    _history(l2, status="closed", closed_at=utc(2026, 10, 19, 10), closure_reason="withdrawn")

    l3 = log(
        "L3",
        london,
        utc(2026, 10, 26, 0, 30),
        customer=y,
        channel="phone",
        category=rude,
        product_sku="SKU-9",
    )
    _history(
        l3,
        status="resolved",
        acknowledged_at=l3.received_at + h,
        resolved_at=l3.received_at + 10 * h,
        responsible_department="sales",
    )
    _resolution(l3, frontdesk, "gift", "50", "GBP")
    _survey(
        l3,
        sent_at=utc(2026, 10, 27, 9),
        answered_at=utc(2026, 10, 27, 10),
        satisfaction=4,
        solved=False,
    )

    l4 = log(
        "L4", london, utc(2026, 11, 1, 23, 59), customer=y, channel="email", category=defective
    )
    Commitment.objects.create(
        complaint=l4, description="Call", made_by=frontdesk, due_at=utc(2026, 11, 3)
    )

    o = log(
        "O",
        store,
        utc(2026, 9, 20, 10, 0),
        customer=x,
        channel="phone",
        category=defective,
        product_batch="B-77",
    )
    _history(
        o,
        status="closed",
        acknowledged_at=o.received_at + h,
        resolved_at=o.received_at + 5 * h,
        closed_at=o.received_at + 48 * h,
    )
    return world
