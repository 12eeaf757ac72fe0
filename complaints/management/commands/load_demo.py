"""`manage.py load_demo --password PASSWORD`: the demo that `make run` serves.

Two stores, one user per role (frontdesk, frontdesk2, supervisor, manager, hq) plus a few
colleagues who cannot sign in, ~200 customers, and ~300 complaints spread over the past 13
weeks in every state, in English and Chinese.

Everything is written through the services a user's clicks go through (intake, transitions,
resolutions, approvals, escalation, notes), so the data obeys the same rules and has the same
event log as real work. To give the history realistic times, a `DemoClock` pins
`django.utils.timezone.now()` to the moment each step "happened" (see demo_clock.py); the
event log stays append-only, nothing is back-dated afterwards.

Idempotent: when the demo stores exist the command only (re)sets the demo users' password and
exits 0. `--reset` (DEBUG only) deletes the demo stores and everything in them first.

Other apps add their own demo data by providing `<app>/demo.py` with a
`load_demo(context: DemoContext)` function; it is called after the complaints are written,
inside the same transaction and with the clock running.
"""

from __future__ import annotations

import importlib
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from complaints import roles, services
from complaints.management import demo_texts as texts
from complaints.management.demo_clock import DemoClock
from complaints.models import (
    Category,
    Complaint,
    ComplaintEvent,
    EventKind,
    StaffProfile,
    Status,
    Store,
    StoreMembership,
)
from customers.models import Customer
from resolutions import services as resolution_services
from resolutions.authority import within_authority
from resolutions.models import FulfilmentTask

DEMO_STORES = [
    # code, name, region, time zone, language
    ("sh01", "Shanghai Nanjing Road", "East China", "Asia/Shanghai", "zh-hans"),
    ("bj01", "Beijing Wangfujing", "North China", "Asia/Shanghai", "zh-hans"),
]
DEMO_USERS = [
    # username, first name, last name, role, stores, staff-site access, language
    ("frontdesk", "Jing", "Chen", roles.FRONT_DESK, ["sh01"], False, "zh-hans"),
    ("frontdesk2", "Lei", "Zhao", roles.FRONT_DESK, ["bj01"], False, "zh-hans"),
    ("supervisor", "Min", "Wang", roles.SUPERVISOR, ["sh01"], True, "en"),
    ("manager", "Sarah", "Lin", roles.STORE_MANAGER, ["sh01", "bj01"], True, "en"),
    ("hq", "Hui", "Zhou", roles.HEAD_OFFICE, [], True, "zh-hans"),
]
# Colleagues who own part of the work so lists look real; they cannot sign in.
COLLEAGUES = [
    ("sh01.liwei", "Wei", "Li", roles.FRONT_DESK, ["sh01"], False, "zh-hans"),
    ("bj01.huna", "Na", "Hu", roles.FRONT_DESK, ["bj01"], False, "zh-hans"),
    ("bj01.sunli", "Li", "Sun", roles.SUPERVISOR, ["bj01"], True, "zh-hans"),
]
DEMO_USERNAMES = [row[0] for row in DEMO_USERS]
MOODS_BY_SEVERITY = {
    "low": ["calm", "calm", "concerned"],
    "medium": ["calm", "concerned", "upset"],
    "high": ["concerned", "upset", "angry"],
    "critical": ["upset", "angry", "furious"],
}
# Categories where a pinned approval's amount makes sense.
MONEY_CATEGORIES = ["defective-on-arrival", "broke-in-use", "repair-failed", "damaged-in-delivery"]
WEEKS = 13
GENERAL_COMPLAINTS = 270
CUSTOMERS_PER_STORE = 110
SEED = 20260


# One random source for the whole demo, reseeded per run: the same seed gives the same demo.
_rng = random.Random(SEED)


def hours(low: float, high: float) -> float:
    return _rng.uniform(low, high)


@dataclass
class DemoContext:
    """What every part of the demo needs; passed to other apps' `demo.load_demo` too."""

    stdout: object
    clock: DemoClock
    now: datetime
    rng: random.Random
    stores: dict[str, Store] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    customers: dict[str, list[Customer]] = field(default_factory=dict)
    complaint_ids: list[int] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def cutoff(self) -> datetime:
        return self.now - timedelta(minutes=5)

    def front_desk(self, store_code: str, demo_share: float = 0.7):
        demo, colleague = {
            "sh01": ("frontdesk", "sh01.liwei"),
            "bj01": ("frontdesk2", "bj01.huna"),
        }[store_code]
        return self.users[demo if self.rng.random() < demo_share else colleague]

    def supervisor(self, store_code: str):
        return self.users["supervisor" if store_code == "sh01" else "bj01.sunli"]


# ---- stores, staff, customers ----------------------------------------------------------------


def demo_stores(ctx: DemoContext) -> None:
    for code, name, region, tz, language in DEMO_STORES:
        ctx.stores[code] = Store.objects.create(
            code=code, name=name, region=region, time_zone=tz, currency="CNY", language=language
        )


def demo_staff(ctx: DemoContext, *, password: str) -> None:
    hashed = make_password(password)
    user_model = get_user_model()
    for rows, can_sign_in in ((DEMO_USERS, True), (COLLEAGUES, False)):
        for username, first, last, role, store_codes, is_staff, language in rows:
            user = user_model(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username.replace('.', '-')}@onestop.example.com",
                is_staff=is_staff,
            )
            if can_sign_in:
                user.password = hashed
            else:
                user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
            for code in store_codes:
                StoreMembership.objects.create(user=user, store=ctx.stores[code])
            StaffProfile.objects.create(user=user, language=language)
            # Re-fetch so the permission cache starts empty and then serves every check.
            ctx.users[username] = user_model.objects.get(pk=user.pk)


def demo_customers(ctx: DemoContext) -> None:
    rng = ctx.rng
    numbers = rng.sample(range(10_000_000, 99_999_999), CUSTOMERS_PER_STORE * len(ctx.stores))
    prefixes = ["138", "139", "136", "186", "135"]
    rows = []
    for index, number in enumerate(numbers):
        store = list(ctx.stores.values())[index % len(ctx.stores)]
        chinese = rng.random() < 0.72
        if chinese:
            (surname, surname_py), (given, given_py) = (
                rng.choice(texts.CN_SURNAMES),
                rng.choice(texts.CN_GIVEN),
            )
            name = surname + given
            email = f"{given_py}.{surname_py.lower()}{rng.randint(1, 99)}@example.cn"
            language = "zh-hans"
        else:
            first, last = rng.choice(texts.EN_FIRST), rng.choice(texts.EN_LAST)
            name = f"{first} {last}"
            email = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.com"
            language = "en"
        streets = texts.SH_STREETS if store.code == "sh01" else texts.BJ_STREETS
        city = "上海市" if store.code == "sh01" else "北京市"
        rows.append(
            Customer(
                store=store,
                name=name,
                phone=f"+86{rng.choice(prefixes)}{number}",
                email=email if rng.random() < 0.6 else "",
                address=f"{city}{rng.choice(streets)}{rng.randint(1, 999)}号"
                if rng.random() < 0.5
                else "",
                preferred_language=language,
                preferred_channel=rng.choices(["sms", "email", "phone"], weights=[6, 2, 2])[0],
                consent_to_follow_up=rng.random() < 0.8,
                is_vip=rng.random() < 0.06,
                handling_notes=(
                    "Prefers to be called after 18:00." if language == "en" else "请在18点后致电。"
                )
                if rng.random() < 0.08
                else "",
            )
        )
    Customer.objects.bulk_create(rows)
    for code, store in ctx.stores.items():
        ctx.customers[code] = list(Customer.objects.filter(store=store).order_by("pk"))
    ctx.counts["customers"] = len(rows)


# ---- one complaint's story -------------------------------------------------------------------


class Case:
    """One demo complaint: its facts, and the steps people take on it (each calls a service)."""

    def __init__(self, ctx: DemoContext, plan: Plan):
        self.ctx, self.plan, self.rng = ctx, plan, ctx.rng
        self.store = ctx.stores[plan.store]
        self.owner = plan.owner or ctx.front_desk(plan.store)
        self.customer = plan.customer
        self.lang = "zh" if self.customer.preferred_language.startswith("zh") else "en"
        self.id: int | None = None
        self.status = Status.NEW
        self.level = "store"
        self.reopened = False
        self.commitments: list[int] = []

    def t(self, pair: tuple[str, str]) -> str:
        return pair[1] if self.lang == "zh" else pair[0]

    def pick(self, options: list[tuple[str, str]]) -> str:
        return self.t(self.rng.choice(options))

    def _refresh(self) -> None:
        self.status = Complaint.objects.values_list("status", flat=True).get(pk=self.id)

    # intake
    def create(self) -> None:
        plan, rng = self.plan, self.rng
        product = plan.product
        account, wish = plan.account
        p_name = (product[1] if self.lang == "zh" else product[0]) if product else ""
        complaint = services.complaint_create(
            actor=self.owner,
            store=self.store,
            customer=self.customer,
            channel=plan.channel,
            category=plan.category,
            account=account.format(p=p_name or ("商品" if self.lang == "zh" else "product")),
            desired_outcome=wish,
            severity=plan.severity,
            received_at=plan.received_at,
            mood=rng.choice(MOODS_BY_SEVERITY[plan.severity]),
            product_name=p_name,
            product_sku=plan.sku,
            product_batch=plan.batch,
            purchase_date=plan.purchase_date,
            receipt_number=f"{self.store.code.upper()}-R{rng.randint(10_000_000, 99_999_999)}"
            if product
            else "",
            acknowledge_now=plan.channel == "walk_in",
        )
        self.id = complaint.pk
        self.status = complaint.status
        self.ctx.complaint_ids.append(complaint.pk)

    # simple steps
    def acknowledge(self) -> None:
        services.complaint_acknowledge(complaint_id=self.id, actor=self.owner)
        self.status = Status.ACKNOWLEDGED

    def investigate(self) -> None:
        services.complaint_investigate(complaint_id=self.id, actor=self.owner)
        self.status = Status.INVESTIGATING

    def note(self) -> None:
        services.complaint_add_note(
            complaint_id=self.id, actor=self.owner, text=self.pick(texts.NOTES)
        )

    def call(self) -> None:
        services.complaint_add_note(
            complaint_id=self.id, actor=self.owner, text=self.pick(texts.CALLS), kind=EventKind.CALL
        )

    def verdict(self) -> None:
        top = self.plan.category.parent.code
        services.complaint_record_verdict(
            complaint_id=self.id,
            actor=self.ctx.supervisor(self.plan.store),
            verdict="good_faith",
            root_cause=self.t(texts.ROOT_CAUSES[top]),
            responsible_department=texts.DEPARTMENTS[top],
        )

    def escalate(self) -> None:
        supervisor = self.ctx.supervisor(self.plan.store)
        new_owner = supervisor if self.level == "store" else self.ctx.users["hq"]
        services.complaint_escalate(
            complaint_id=self.id,
            actor=supervisor,
            new_owner=new_owner,
            reason=self.pick(texts.ESCALATION_REASONS),
        )
        self.level = {"store": "region", "region": "head_office"}[self.level]
        self.owner = new_owner
        self.ctx.counts["escalations"] += 1

    # resolutions
    def offer(self, *, big: bool = False) -> tuple[str, Decimal]:
        """What to offer: the category's usual remedy; `big` asks for one above front desk."""
        top = self.plan.category.parent.code
        type_, rule = self.rng.choice(texts.OFFERS[top])
        if big:
            type_, rule = self.rng.choice(
                [("refund", "price"), ("compensation", (300, 1800)), ("exchange", "price")]
            )
        if rule == "price":
            amount = self.plan.product[3] if self.plan.product else 300
        elif isinstance(rule, tuple):
            amount = self.rng.randrange(rule[0], rule[1] + 1, 10)
        else:
            amount = rule
        if big and amount <= 200:
            amount = self.rng.randrange(300, 1800, 10)
        if self.plan.amount is not None:
            amount = self.plan.amount
            type_ = type_ if type_ not in ("apology", "repair", "reservice") else "compensation"
        return type_, Decimal(amount)

    def resolve_on_the_spot(self) -> None:
        top = self.plan.category.parent.code
        type_, rule = self.rng.choice(
            [o for o in texts.OFFERS[top] if o[1] == 0 or isinstance(o[1], tuple)]
            or [("apology", 0)]
        )
        amount = (
            Decimal(self.rng.randrange(rule[0], min(rule[1], 200) + 1, 10))
            if isinstance(rule, tuple)
            else Decimal(0)
        )
        resolution_services.resolution_resolve_on_the_spot(
            complaint_id=self.id,
            actor=self.owner,
            type=type_,
            amount=amount,
            description=self.t(texts.OFFER_TEXT[type_]),
            acceptance_method=self.rng.choice(["verbal", "signed"]),
        )
        self.status = Status.RESOLVED
        self.ctx.counts["on the spot"] += 1

    def propose(self, *, big: bool = False) -> None:
        type_, amount = self.offer(big=big)
        resolution_services.resolution_propose(
            complaint_id=self.id,
            actor=self.owner,
            type=type_,
            amount=amount,
            description=self.t(texts.OFFER_TEXT[type_]),
        )
        self._refresh()

    def approver(self):
        resolution = Complaint.objects.get(pk=self.id).current_resolution
        for candidate in (
            self.ctx.supervisor(self.plan.store),
            self.ctx.users["manager"],
            self.ctx.users["hq"],
        ):
            if candidate.pk != resolution.proposed_by_id and within_authority(
                user=candidate,
                store=self.store,
                resolution_type=resolution.type,
                amount=resolution.amount,
            ):
                return candidate
        raise CommandError(f"nobody may approve {resolution}")

    def pass_up(self) -> None:
        """The store's supervisor sees an amount above their limit and passes it up."""
        resolution_services.resolution_pass_up(
            complaint_id=self.id,
            actor=self.ctx.supervisor(self.plan.store),
            reason=self.t(("Above my limit.", "超出我的审批权限。")),
        )

    def needs_more_than_supervisor(self) -> bool:
        resolution = Complaint.objects.get(pk=self.id).current_resolution
        supervisor = self.ctx.supervisor(self.plan.store)
        return resolution.proposed_by_id != supervisor.pk and not within_authority(
            user=supervisor,
            store=self.store,
            resolution_type=resolution.type,
            amount=resolution.amount,
        )

    def approve(self) -> None:
        resolution_services.resolution_approve(complaint_id=self.id, actor=self.approver())
        self.status = Status.AWAITING_CUSTOMER

    def reject(self) -> None:
        resolution_services.resolution_reject(
            complaint_id=self.id,
            actor=self.approver(),
            reason=self.pick(texts.REJECT_REASONS),
        )
        self.status = Status.INVESTIGATING

    def accept(self) -> None:
        resolution_services.resolution_record_acceptance(
            complaint_id=self.id,
            actor=self.owner,
            method=self.rng.choice(["verbal", "signed", "email"]),
        )
        self._keep_commitments()
        self._refresh()

    def decline(self) -> None:
        resolution_services.resolution_record_decline(
            complaint_id=self.id, actor=self.owner, reason=self.pick(texts.DECLINE_REASONS)
        )
        self.status = Status.INVESTIGATING

    def fulfil(self) -> None:
        tasks = FulfilmentTask.objects.filter(
            resolution__complaint_id=self.id, resolution__is_current=True, done_at__isnull=True
        )
        for task in list(tasks):
            resolution_services.fulfilment_task_complete(task_id=task.pk, actor=self.owner)
        self._keep_commitments()
        self._refresh()

    # commitments: a promise with a due time, kept (or not) later
    def promise(self, *, due_in_hours: float = 24) -> None:
        commitment = resolution_services.commitment_add(
            complaint_id=self.id,
            actor=self.owner,
            description=self.pick(texts.COMMITMENTS),
            due_at=timezone.now() + timedelta(hours=due_in_hours),
        )
        self.commitments.append(commitment.pk)
        self.ctx.counts["commitments"] += 1

    def _keep_commitments(self) -> None:
        for pk in self.commitments:
            if self.rng.random() < 0.9:  # a few promises are simply forgotten
                resolution_services.commitment_keep(commitment_id=pk, actor=self.owner)
        self.commitments = []

    # endings
    def close(self) -> None:
        services.complaint_close(
            complaint_id=self.id,
            actor=self.ctx.supervisor(self.plan.store),
            note=self.pick(texts.CLOSE_NOTES),
        )
        self.status = Status.CLOSED

    def reopen(self) -> None:
        services.complaint_reopen(
            complaint_id=self.id,
            actor=self.ctx.supervisor(self.plan.store),
            reason=self.pick(texts.REOPEN_REASONS),
        )
        self.status = Status.INVESTIGATING
        self.reopened = True
        self.ctx.counts["reopened"] += 1

    def withdraw(self) -> None:
        services.complaint_withdraw(
            complaint_id=self.id, actor=self.owner, reason=self.pick(texts.WITHDRAW_REASONS)
        )
        self.status = Status.CLOSED

    def close_unfounded(self) -> None:
        services.complaint_close_unfounded(
            complaint_id=self.id,
            actor=self.ctx.supervisor(self.plan.store),
            reason=self.pick(texts.UNFOUNDED_REASONS),
        )
        self.status = Status.CLOSED

    def close_malicious(self) -> None:
        services.complaint_close_malicious(
            complaint_id=self.id,
            actor=self.ctx.supervisor(self.plan.store),
            reason=self.pick(texts.MALICIOUS_REASONS),
        )
        self.status = Status.CLOSED


Step = tuple[float, Callable[[], None]]  # (hours after the previous step, what happens)


# ---- stories: the paths complaints take (SPEC.md "Lifecycle") --------------------------------


def _first_contact(c: Case, rng: random.Random) -> Iterator[Step]:
    if c.status == Status.NEW:
        late = rng.random() < 0.1  # one in ten is acknowledged after the 24-hour limit
        yield (hours(25, 40) if late else hours(0.2, 12)), c.acknowledge
    yield hours(0.3, 4), c.investigate
    if rng.random() < 0.5:
        yield hours(0.2, 3), c.note
    if rng.random() < 0.2:
        yield hours(0.5, 4), c.call


def _settle(c: Case, rng: random.Random, *, big: bool = False) -> Iterator[Step]:
    """Propose, get approval if needed, agree with the customer, fulfil, follow up, close."""
    yield hours(1, 8), lambda: c.propose(big=big)
    if rng.random() < 0.35:
        yield hours(0.05, 0.3), lambda: c.promise(due_in_hours=rng.choice([24, 48, 72]))
    if c.status == Status.AWAITING_APPROVAL:
        if c.needs_more_than_supervisor() and rng.random() < 0.5:
            yield hours(0.5, 4), c.pass_up
        yield hours(0.5, 8), c.approve
    yield hours(2, 40), c.accept
    if c.status == Status.IN_FULFILMENT:
        yield hours(1, 16), c.fulfil
    yield hours(24, 120), c.close


def story_on_the_spot(c: Case, rng: random.Random) -> Iterator[Step]:
    yield hours(0.05, 0.4), c.resolve_on_the_spot
    yield hours(24, 120), c.close


def story_standard(c: Case, rng: random.Random) -> Iterator[Step]:
    yield from _first_contact(c, rng)
    if rng.random() < 0.4:
        yield hours(0.5, 4), c.verdict
    yield from _settle(c, rng)


def story_approval(c: Case, rng: random.Random) -> Iterator[Step]:
    yield from _first_contact(c, rng)
    yield hours(0.5, 4), c.verdict
    yield from _settle(c, rng, big=True)


def story_rejected(c: Case, rng: random.Random) -> Iterator[Step]:
    yield from _first_contact(c, rng)
    yield hours(1, 8), lambda: c.propose(big=True)
    if c.status == Status.AWAITING_APPROVAL:
        yield hours(1, 12), c.reject
    yield from _settle(c, rng)


def story_declined(c: Case, rng: random.Random) -> Iterator[Step]:
    yield from _first_contact(c, rng)
    yield hours(1, 8), c.propose
    if c.status == Status.AWAITING_APPROVAL:
        yield hours(1, 14), c.approve
    yield hours(2, 30), c.decline
    yield from _settle(c, rng, big=True)


def story_unfounded(c: Case, rng: random.Random) -> Iterator[Step]:
    yield from _first_contact(c, rng)
    yield hours(4, 30), c.close_unfounded


def story_malicious(c: Case, rng: random.Random) -> Iterator[Step]:
    yield from _first_contact(c, rng)
    yield hours(4, 30), c.close_malicious


def story_withdrawn(c: Case, rng: random.Random) -> Iterator[Step]:
    if c.status == Status.NEW:
        yield hours(0.2, 10), c.acknowledge
    yield hours(2, 48), c.withdraw


def story_reopened(c: Case, rng: random.Random) -> Iterator[Step]:
    yield from _first_contact(c, rng)
    yield from _settle(c, rng)
    yield hours(20, 120), c.reopen
    yield hours(0.5, 6), c.call
    yield from _settle(c, rng, big=True)


def story_escalated(c: Case, rng: random.Random) -> Iterator[Step]:
    yield from _first_contact(c, rng)
    yield hours(1, 12), c.escalate
    if c.plan.severity == "critical" or rng.random() < 0.3:
        yield hours(2, 24), c.escalate
    yield hours(2, 24), c.note
    yield hours(0.5, 4), c.verdict
    yield from _settle(c, rng, big=True)


def story_stalled_with_promise(c: Case, rng: random.Random) -> Iterator[Step]:
    """Acknowledged and investigated, a call-back promised, then nothing: overdue twice over."""
    yield hours(0.5, 2), c.acknowledge
    yield hours(0.5, 2), c.investigate
    yield hours(0.5, 2), lambda: c.promise(due_in_hours=24)


STORIES: list[tuple[Callable[[Case, random.Random], Iterator[Step]], float]] = [
    (story_on_the_spot, 22),
    (story_standard, 28),
    (story_approval, 15),
    (story_rejected, 4),
    (story_declined, 4),
    (story_unfounded, 4),
    (story_malicious, 1),
    (story_withdrawn, 5),
    (story_reopened, 6),
    (story_escalated, 6),
]


@dataclass
class Plan:
    """Everything decided about a complaint before its story is played."""

    store: str
    received_at: datetime
    story: Callable[[Case, random.Random], Iterator[Step]]
    channel: str
    category: Category
    severity: str
    customer: Customer
    account: tuple[str, str]
    product: tuple | None
    sku: str = ""
    batch: str = ""
    purchase_date: date | None = None
    owner: object = None
    amount: int | None = None
    until: Callable[[Case], bool] | None = None
    pace: float = 1.0


def _plan(
    ctx: DemoContext,
    *,
    store: str,
    received_at: datetime,
    story=None,
    category_code: str | None = None,
    channel: str | None = None,
    severity: str | None = None,
    **extra,
) -> Plan:
    rng = ctx.rng
    story = story or rng.choices([s for s, _ in STORIES], weights=[w for _, w in STORIES])[0]
    if category_code is None:
        codes = list(texts.CATEGORY_WEIGHTS)
        weights = [texts.CATEGORY_WEIGHTS[c] for c in codes]
        # Singles' Day (11 November) brings a wave of delivery complaints.
        if received_at.month == 11 and received_at.day >= 11:
            weights = [
                w * (3 if c in ("late-delivery", "damaged-in-delivery") else 1)
                for c, w in zip(codes, weights, strict=True)
            ]
        category_code = rng.choices(codes, weights=weights)[0]
    category = ctx_category(category_code)
    if channel is None:
        channel = (
            "walk_in"
            if story is story_on_the_spot
            else rng.choices(
                ["walk_in", "phone", "email", "web_form", "social_media", "letter", "regulator"],
                weights=[30, 28, 10, 14, 12, 4, 2],
            )[0]
        )
    if severity is None:
        severity = (
            rng.choice(["high", "critical"])
            if category_code == "safety-hazard"
            else rng.choices(["low", "medium", "high", "critical"], weights=[25, 52, 20, 3])[0]
        )
    language_customers = ctx.customers[store]
    # The first customers come back more often: repeat complainants (SPEC "Customer").
    customer = rng.choices(
        language_customers, weights=[5 if i < 15 else 1 for i in range(len(language_customers))]
    )[0]
    lang = "zh" if customer.preferred_language.startswith("zh") else "en"
    entry = rng.choice(texts.ACCOUNTS[category_code])
    account = (entry[2], entry[3]) if lang == "zh" else (entry[0], entry[1])
    product = None
    if "{p}" in account[0] or category.parent.code in (
        "product-quality",
        "after-sales",
        "price-billing",
    ):
        product = rng.choice(texts.PRODUCTS)
    purchase_date = batch = None
    if product:
        purchase_date = (received_at - timedelta(days=rng.randint(0, 60))).date()
        # Batch codes are per product and month of manufacture; the cluster's is kept apart.
        batch = f"{product[2][:2]}{purchase_date:%y%m}-{rng.randint(1, 6)}"
    return Plan(
        store=store,
        received_at=received_at,
        story=story,
        channel=channel,
        category=category,
        severity=severity,
        customer=customer,
        account=account,
        product=product,
        sku=f"{product[2]}-{rng.choice(['WH', 'BK', 'SL'])}" if product else "",
        batch=batch or "",
        purchase_date=purchase_date,
        **extra,
    )


_CATEGORIES: dict[str, Category] = {}


def ctx_category(code: str) -> Category:
    if code not in _CATEGORIES:
        _CATEGORIES[code] = Category.objects.select_related("parent").get(code=code)
    return _CATEGORIES[code]


def _received_times(ctx: DemoContext, count: int) -> list[datetime]:
    """Spread over the past 13 weeks in shop hours, busier lately and after Singles' Day."""
    rng, tz = ctx.rng, ZoneInfo("Asia/Shanghai")
    today = ctx.now.astimezone(tz).date()
    days = [today - timedelta(days=n) for n in range(WEEKS * 7)]
    weights = []
    for day in days:
        weight = 1.0 + 0.4 * (1 - (today - day).days / (WEEKS * 7))  # a slowly rising trend
        weight *= 1.35 if day.weekday() >= 5 else 1.0
        if day.month == 11 and 11 <= day.day <= 25:
            weight *= 1.6
        weights.append(weight)
    times = []
    while len(times) < count:
        day = rng.choices(days, weights=weights)[0]
        moment = datetime(
            day.year, day.month, day.day, rng.randint(10, 20), rng.randint(0, 59), tzinfo=tz
        )
        if moment < ctx.cutoff:
            times.append(moment.astimezone(ZoneInfo("UTC")))
    return times


def _pinned_plans(ctx: DemoContext) -> list[Plan]:
    """Complaints that end in a chosen state, so every role's page has something to do."""
    ago = lambda h: ctx.now - timedelta(hours=h)  # noqa: E731
    u = ctx.users

    def status_is(status):
        return lambda c: c.status == status

    specs = [
        # (store, hours ago, story, until, extra)
        ("sh01", 1.5, story_standard, status_is(Status.NEW), {"channel": "phone"}),
        ("bj01", 3, story_standard, status_is(Status.NEW), {"channel": "web_form"}),
        # acknowledgement overdue
        ("sh01", 30, story_standard, status_is(Status.NEW), {"channel": "email"}),
        ("bj01", 40, story_standard, status_is(Status.NEW), {"channel": "social_media"}),
        ("sh01", 5, story_standard, status_is(Status.ACKNOWLEDGED), {"channel": "phone"}),
        ("sh01", 50, story_standard, status_is(Status.ACKNOWLEDGED), {"channel": "email"}),
        ("bj01", 20, story_standard, status_is(Status.ACKNOWLEDGED), {"channel": "phone"}),
        ("sh01", 10, story_standard, status_is(Status.INVESTIGATING), {}),
        ("sh01", 96, story_stalled_with_promise, None, {"channel": "phone"}),
        ("bj01", 24 * 20, story_stalled_with_promise, None, {"channel": "letter"}),
        ("sh01", 60, story_escalated, lambda c: c.level == "region", {"severity": "high"}),
        (
            "sh01",
            30,
            story_escalated,
            lambda c: c.level == "head_office",
            {"severity": "critical", "category_code": "safety-hazard"},
        ),
        ("sh01", 8, story_approval, status_is(Status.AWAITING_APPROVAL), {"amount": 450}),
        ("sh01", 14, story_approval, status_is(Status.AWAITING_APPROVAL), {"amount": 1200}),
        ("sh01", 44, story_approval, status_is(Status.AWAITING_APPROVAL), {"amount": 1800}),
        ("sh01", 36, story_approval, status_is(Status.AWAITING_APPROVAL), {"amount": 5999}),
        ("bj01", 28, story_approval, status_is(Status.AWAITING_APPROVAL), {"amount": 3299}),
        ("bj01", 12, story_approval, status_is(Status.AWAITING_APPROVAL), {"amount": 800}),
        ("sh01", 9, story_standard, status_is(Status.AWAITING_CUSTOMER), {}),
        ("sh01", 40, story_approval, status_is(Status.AWAITING_CUSTOMER), {"amount": 900}),
        ("bj01", 30, story_standard, status_is(Status.AWAITING_CUSTOMER), {}),
        ("sh01", 45, story_approval, status_is(Status.IN_FULFILMENT), {"amount": 1500}),
        ("sh01", 16, story_approval, status_is(Status.IN_FULFILMENT), {"amount": 599}),
        ("bj01", 50, story_approval, status_is(Status.IN_FULFILMENT), {"amount": 699}),
        ("sh01", 3, story_on_the_spot, status_is(Status.RESOLVED), {}),
        ("sh01", 60, story_standard, status_is(Status.RESOLVED), {}),
        ("bj01", 55, story_on_the_spot, status_is(Status.RESOLVED), {}),
        ("sh01", 24 * 9, story_reopened, lambda c: c.reopened, {"category_code": "repair-failed"}),
    ]
    plans = []
    for store, hours_ago, story, until, extra in specs:
        owner = u["frontdesk" if store == "sh01" else "frontdesk2"]
        if "amount" in extra:  # money at stake: a product problem
            extra = {"category_code": ctx.rng.choice(MONEY_CATEGORIES), **extra}
        plans.append(
            _plan(
                ctx,
                store=store,
                received_at=ago(hours_ago),
                story=story,
                owner=owner,
                until=until,
                # Recent ones move fast enough to reach their state in the hours they have.
                pace=0.3 if hours_ago >= 24 else 0.1,
                **extra,
            )
        )
    return plans


def _cluster(ctx: DemoContext, plans: list[Plan]) -> None:
    """Four complaints on one robot-vacuum batch within 30 days: a cluster for head office."""
    recent = [
        p
        for p in plans
        if ctx.now - p.received_at < timedelta(days=28) and p.story is not story_on_the_spot
    ]
    product = next(p for p in texts.PRODUCTS if texts.CLUSTER_SKU.startswith(p[2]))
    for plan in ctx.rng.sample(recent, 4):
        plan.category = ctx_category(ctx.rng.choice(["safety-hazard", "broke-in-use"]))
        plan.product = product
        plan.sku = texts.CLUSTER_SKU
        plan.batch = texts.CLUSTER_BATCH
        plan.purchase_date = date(2026, 10, 20)
        lang = "zh" if plan.customer.preferred_language.startswith("zh") else "en"
        entry = ctx.rng.choice(texts.ACCOUNTS[plan.category.code])
        plan.account = (entry[2], entry[3]) if lang == "zh" else (entry[0], entry[1])
        if plan.category.code == "safety-hazard":
            plan.severity = "high"


def play(ctx: DemoContext, plan: Plan) -> Case:
    """Write one complaint's history, step by step, never past the present moment."""
    case = Case(ctx, plan)
    ctx.clock.set(plan.received_at)
    case.create()
    moment = plan.received_at
    for delay, action in plan.story(case, ctx.rng):
        if plan.until is not None and plan.until(case):
            break
        moment += timedelta(hours=delay * plan.pace)
        if moment > ctx.cutoff:
            break
        ctx.clock.set(moment)
        action()
    return case


def demo_complaints(ctx: DemoContext) -> None:
    store_codes = list(ctx.stores)
    plans = [
        _plan(
            ctx,
            store=store_codes[i % 2] if ctx.rng.random() < 0.55 else store_codes[(i + 1) % 2],
            received_at=when,
        )
        for i, when in enumerate(_received_times(ctx, GENERAL_COMPLAINTS))
    ]
    _cluster(ctx, plans)
    plans += _pinned_plans(ctx)
    plans.sort(key=lambda p: p.received_at)  # references follow the order of receipt
    for plan in plans:
        play(ctx, plan)


def demo_extensions(ctx: DemoContext) -> None:
    """Let other apps add their demo data (`<app>/demo.py` with `load_demo(context)`)."""
    for app_config in apps.get_app_configs():
        if app_config.name == "complaints":
            continue
        try:
            module = importlib.import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.demo":
                raise
            continue
        loader = getattr(module, "load_demo", None)
        if loader is not None:
            loader(ctx)


# ---- reset -----------------------------------------------------------------------------------


def demo_reset(stdout) -> None:
    """Delete the demo stores and everything in them (development only).

    The event log is append-only (in Python and, on PostgreSQL, by a trigger). Wiping a demo
    is the one deliberate exception: rows go by raw SQL with the trigger disabled inside this
    transaction, which requires owning the table (true in development).
    """
    stores = list(Store.objects.filter(code__in=[s[0] for s in DEMO_STORES]))
    complaint_ids = list(Complaint.objects.filter(store__in=stores).values_list("pk", flat=True))
    table = ComplaintEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER complaints_event_append_only")
        for start in range(0, len(complaint_ids), 500):
            chunk = complaint_ids[start : start + 500]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE complaint_id IN ({placeholders})", chunk)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER complaints_event_append_only")
    Complaint.objects.filter(pk__in=complaint_ids).delete()
    Customer.objects.filter(store__in=stores).delete()
    usernames = DEMO_USERNAMES + [row[0] for row in COLLEAGUES]
    get_user_model().objects.filter(username__in=usernames).delete()
    Store.objects.filter(pk__in=[s.pk for s in stores]).delete()
    stdout.write(f"Removed the demo: {len(complaint_ids)} complaints, stores and demo users.")


# ---- the command -----------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load the demo: two stores, one user per role, and ~300 complaints of the past 13 weeks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for the demo users (frontdesk, frontdesk2, supervisor, manager, hq). "
            "Default: a random one, printed.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo stores and everything in them first (DEBUG only).",
        )
        parser.add_argument(
            "--seed", type=int, default=SEED, help="Random seed (same seed, same demo)."
        )

    def handle(self, *args, password=None, reset=False, seed=SEED, **options):
        from django.utils.crypto import get_random_string

        password = password or get_random_string(16)
        demo_exists = Store.objects.filter(code__in=[s[0] for s in DEMO_STORES]).exists()
        if reset:
            if not settings.DEBUG:
                raise CommandError("--reset deletes data: it runs only with DEBUG=1.")
            if demo_exists:
                with transaction.atomic():
                    demo_reset(self.stdout)
                demo_exists = False
        if demo_exists:
            hashed = make_password(password)
            updated = (
                get_user_model().objects.filter(username__in=DEMO_USERNAMES).update(password=hashed)
            )
            self.stdout.write(
                f"Demo data is already loaded (stores {', '.join(s[0] for s in DEMO_STORES)}); "
                f"set the password of {updated} demo users. Use --reset to load it afresh."
            )
            self._print_users(password)
            return

        _rng.seed(seed)
        _CATEGORIES.clear()
        clock = DemoClock()
        ctx = DemoContext(stdout=self.stdout, clock=clock, now=timezone.now(), rng=_rng)
        with transaction.atomic(), clock.running():
            demo_stores(ctx)
            demo_staff(ctx, password=password)
            demo_customers(ctx)
            demo_complaints(ctx)
            demo_extensions(ctx)
        self._summary(ctx)
        self._print_users(password)

    def _summary(self, ctx: DemoContext) -> None:
        by_status = Counter(
            Complaint.objects.filter(pk__in=ctx.complaint_ids).values_list("status", flat=True)
        )
        overdue = Complaint.objects.filter(pk__in=ctx.complaint_ids).overdue().count()
        events = ComplaintEvent.objects.filter(complaint_id__in=ctx.complaint_ids).count()
        self.stdout.write(
            f"Loaded {len(ctx.complaint_ids)} complaints ({events} events) for "
            f"{ctx.counts['customers']} customers in stores {', '.join(ctx.stores)}."
        )
        self.stdout.write(
            "  "
            + ", ".join(f"{Status(s).label}: {by_status.get(s, 0)}" for s in Status.values)
            + f"; overdue: {overdue}; escalations: {ctx.counts['escalations']}; reopened: "
            f"{ctx.counts['reopened']}; on the spot: {ctx.counts['on the spot']}; "
            f"commitments: {ctx.counts['commitments']}."
        )
        missing = [s for s in Status.values if not by_status.get(s)]
        if missing:
            self.stderr.write(f"  Warning: no demo complaint ends in {', '.join(missing)}.")

    def _print_users(self, password: str) -> None:
        self.stdout.write("Demo users: " + ", ".join(DEMO_USERNAMES) + f" — password: {password}")
