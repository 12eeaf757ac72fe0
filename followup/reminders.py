"""The reminder and escalation ladder (SPEC "Follow-up"), run by beat every minute.

For each deadline (acknowledge, resolve, an approval waiting, a commitment) there are steps:
shortly before it falls due the owner is reminded; at breach the owner and the store's
supervisors; a day later the store manager. A step's threshold is the deadline plus an offset.

Cost follows what falls due, not what is stored: each step asks the database, through the
due-time indexes, only for rows whose threshold was crossed since the previous sweep (a cursor,
with a margin), plus the complaints and commitments created since then (a backdated complaint
may be born past its thresholds). The ledger makes each step happen once whatever overlaps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.display import local_time, user_label
from complaints.models import Complaint, Status
from resolutions.models import Commitment, Resolution, ResolutionState
from resolutions.selectors import resolution_approvers

from . import selectors
from .ledger import ledger_claim
from .models import LedgerEntry, NotificationKind, SweepCursor
from .services import notifications_send

logger = logging.getLogger("followup.reminders")

CURSOR = "reminders"
BATCH = 2000
ID_SLACK = 50
# Statuses in which the resolution clock runs (it pauses while waiting for the customer).
RESOLVE_STATUSES = [
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.AWAITING_APPROVAL,
    Status.IN_FULFILMENT,
]


@dataclass(frozen=True)
class Step:
    deadline: str  # ack | resolve | approval | commitment (the ledger's kind)
    name: str  # due_soon | breached | breached_day | waiting | waiting_day
    offset: timedelta  # threshold = deadline time + offset
    notification: str
    audience: tuple[str, ...]

    @property
    def before_due(self) -> bool:
        return self.offset < timedelta(0)


def ladder() -> list[Step]:
    lead = -timedelta(minutes=settings.FOLLOWUP_REMIND_BEFORE_MINUTES)
    day = timedelta(hours=settings.FOLLOWUP_MANAGER_AFTER_HOURS)
    approval = timedelta(hours=settings.FOLLOWUP_APPROVAL_REMIND_AFTER_HOURS)
    zero = timedelta(0)
    k = NotificationKind
    return [
        Step("ack", "due_soon", lead, k.ACK_DUE_SOON, ("owner",)),
        Step("ack", "breached", zero, k.ACK_BREACHED, ("owner", "supervisors")),
        Step("ack", "breached_day", day, k.ACK_BREACHED_DAY, ("managers",)),
        Step("resolve", "due_soon", lead, k.RESOLVE_DUE_SOON, ("owner",)),
        Step("resolve", "breached", zero, k.RESOLVE_BREACHED, ("owner", "supervisors")),
        Step("resolve", "breached_day", day, k.RESOLVE_BREACHED_DAY, ("managers",)),
        Step("approval", "waiting", approval, k.APPROVAL_WAITING, ("approvers",)),
        Step("approval", "waiting_day", day, k.APPROVAL_WAITING_DAY, ("managers",)),
        Step("commitment", "due_soon", lead, k.COMMITMENT_DUE_SOON, ("owner", "made_by")),
        Step(
            "commitment",
            "breached",
            zero,
            k.COMMITMENT_OVERDUE,
            ("owner", "made_by", "supervisors"),
        ),
        Step("commitment", "breached_day", day, k.COMMITMENT_OVERDUE_DAY, ("managers",)),
    ]


# ---- where each deadline lives -----------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One thing with a deadline: a complaint (ack/resolve), a resolution, a commitment."""

    kind: str
    pk: int
    due: datetime
    complaint: Complaint
    obj: object


def _ack_rows(lo: datetime, hi: datetime):
    rows = Complaint.objects.filter(
        status=Status.NEW, ack_due_at__gt=lo, ack_due_at__lte=hi
    ).select_related("store", "owner", "owner__staff_profile")
    return [Subject("ack", c.pk, c.ack_due_at, c, c) for c in rows]


def _resolve_rows(lo: datetime, hi: datetime):
    rows = Complaint.objects.filter(
        status__in=RESOLVE_STATUSES, resolve_due_at__gt=lo, resolve_due_at__lte=hi
    ).select_related("store", "owner", "owner__staff_profile")
    return [Subject("resolve", c.pk, c.resolve_due_at, c, c) for c in rows]


def _approval_rows(lo: datetime, hi: datetime):
    rows = Resolution.objects.filter(
        state=ResolutionState.AWAITING_APPROVAL,
        proposed_at__gt=lo,
        proposed_at__lte=hi,
        is_current=True,
        complaint__status=Status.AWAITING_APPROVAL,
    ).select_related("complaint", "complaint__store", "complaint__owner", "proposed_by")
    return [Subject("approval", r.pk, r.proposed_at, r.complaint, r) for r in rows]


def _commitment_rows(lo: datetime, hi: datetime):
    rows = (
        Commitment.objects.filter(kept_at__isnull=True, due_at__gt=lo, due_at__lte=hi)
        .exclude(complaint__status=Status.CLOSED)
        .select_related(
            "complaint",
            "complaint__store",
            "complaint__owner",
            "complaint__owner__staff_profile",
            "made_by",
        )
    )
    return [Subject("commitment", c.pk, c.due_at, c.complaint, c) for c in rows]


SOURCES: dict[str, Callable] = {
    "ack": _ack_rows,
    "resolve": _resolve_rows,
    "approval": _approval_rows,
    "commitment": _commitment_rows,
}


def _complaint_subjects(complaint: Complaint) -> list[Subject]:
    """The deadlines of one complaint that are running now."""
    subjects = []
    if complaint.status == Status.NEW:
        subjects.append(Subject("ack", complaint.pk, complaint.ack_due_at, complaint, complaint))
    if complaint.status in RESOLVE_STATUSES:
        subjects.append(
            Subject("resolve", complaint.pk, complaint.resolve_due_at, complaint, complaint)
        )
    return subjects


# ---- one step for one subject ------------------------------------------------------------------


class _Audience:
    """Resolves who hears a step, caching store staff for the length of one sweep."""

    def __init__(self):
        self._cache: dict[tuple[int, str], list] = {}

    def _staff(self, store_id: int, role: str) -> list:
        key = (store_id, role)
        if key not in self._cache:
            if role == "supervisors":
                self._cache[key] = selectors.store_supervisors(store_id=store_id)
            else:
                self._cache[key] = selectors.store_managers(store_id=store_id)
        return self._cache[key]

    def people(self, step: Step, subject: Subject) -> list:
        complaint = subject.complaint
        people: list = []
        for who in step.audience:
            if who == "owner":
                people.append(complaint.owner)
            elif who == "made_by":
                people.append(subject.obj.made_by)
            elif who in {"supervisors", "managers"}:
                people.extend(self._staff(complaint.store_id, who))
            elif who == "approvers":
                people.extend(resolution_approvers(complaint=complaint, resolution=subject.obj))
        return people


def step_key(step: Step, due: datetime) -> str:
    """The ledger's step: the step's name and the deadline it belongs to, so a moved deadline
    (escalation, a paused clock) gets its own reminders and an unchanged one never twice."""
    return f"{step.name}@{due.astimezone(UTC):%Y%m%dT%H%M%S}"


def _params(step: Step, subject: Subject) -> dict:
    complaint = subject.complaint
    params = {
        "reference": complaint.reference,
        "store": complaint.store.name,
        "due": local_time(subject.due, complaint),
    }
    if subject.kind == "approval":
        params["since"] = params.pop("due")
        params["actor"] = user_label(subject.obj.proposed_by)
    if subject.kind == "commitment":
        params["commitment"] = subject.obj.description
    return params


def step_run(*, step: Step, subject: Subject, audience: _Audience | None = None) -> bool:
    """Carry out one step for one subject once: the ledger row and the notifications are
    written in one transaction; False if it had already happened."""
    audience = audience or _Audience()
    with transaction.atomic():
        if not ledger_claim(
            subject_type=subject.kind,
            subject_id=subject.pk,
            kind="reminder",
            step=step_key(step, subject.due),
            complaint_id=subject.complaint.pk,
        ):
            return False
        notifications_send(
            recipients=audience.people(step, subject),
            kind=step.notification,
            params=_params(step, subject),
            complaint=subject.complaint,
            url=subject.complaint.get_absolute_url(),
        )
    return True


def _due_now(step: Step, subject: Subject, *, now: datetime, earliest: datetime) -> bool:
    threshold = subject.due + step.offset
    if not (earliest < threshold <= now):
        return False
    # Once the deadline has passed, "due soon" is no longer worth saying.
    return not (step.before_due and subject.due <= now)


# ---- the sweep ----------------------------------------------------------------------------------


def _cursor_start(now: datetime) -> tuple[datetime, dict]:
    earliest = now - timedelta(hours=settings.FOLLOWUP_CATCH_UP_HOURS)
    cursor = SweepCursor.objects.filter(name=CURSOR).first()
    if cursor is None:
        return earliest, {}
    margin = timedelta(seconds=max(300, 3 * settings.FOLLOWUP_SWEEP_SECONDS))
    return max(earliest, cursor.swept_until - margin), cursor.last_ids or {}


def _cursor_advance(now: datetime, last_ids: dict) -> None:
    updated = SweepCursor.objects.filter(name=CURSOR, swept_until__lt=now).update(
        swept_until=now, last_ids=last_ids
    )
    if not updated and not SweepCursor.objects.filter(name=CURSOR).exists():
        try:
            with transaction.atomic():
                SweepCursor.objects.create(name=CURSOR, swept_until=now, last_ids=last_ids)
        except IntegrityError:
            pass  # another sweep created it a moment ago


def reminders_sweep(*, now: datetime | None = None) -> int:
    """Send every reminder whose threshold was crossed since the last sweep; returns how many
    steps were carried out by this call."""
    now = now or timezone.now()
    start, last_ids = _cursor_start(now)
    earliest = now - timedelta(hours=settings.FOLLOWUP_CATCH_UP_HOURS)
    candidates: dict[tuple[str, int, str], tuple[Step, Subject]] = {}

    def consider(step: Step, subject: Subject) -> None:
        candidates.setdefault(
            (subject.kind, subject.pk, step_key(step, subject.due)), (step, subject)
        )

    steps = ladder()
    for step in steps:
        # threshold = due + offset lies in (start, now]  <=>  due in (start - offset, now - offset]
        lo, hi = start - step.offset, now - step.offset
        if step.before_due:
            lo = max(lo, now)  # not yet due: a breached one gets the breach step instead
        if lo >= hi:
            continue
        for subject in SOURCES[step.deadline](lo, hi):
            consider(step, subject)

    new_ids = dict(last_ids)
    if not last_ids:
        new_ids = {
            "complaint": _max_id(Complaint),
            "commitment": _max_id(Commitment),
        }
    else:
        born = list(
            # A little behind the cursor: ids are handed out before their rows commit.
            Complaint.objects.filter(pk__gt=int(last_ids.get("complaint", 0)) - ID_SLACK)
            .select_related("store", "owner", "owner__staff_profile")
            .order_by("pk")[:BATCH]
        )
        commitments = list(
            Commitment.objects.filter(pk__gt=int(last_ids.get("commitment", 0)) - ID_SLACK)
            .select_related(
                "complaint",
                "complaint__store",
                "complaint__owner",
                "complaint__owner__staff_profile",
                "made_by",
            )
            .order_by("pk")[:BATCH]
        )
        subjects = [s for c in born for s in _complaint_subjects(c)] + [
            Subject("commitment", c.pk, c.due_at, c.complaint, c)
            for c in commitments
            if c.kept_at is None and c.complaint.status != Status.CLOSED
        ]
        for subject in subjects:
            for step in steps:
                if step.deadline == subject.kind and _due_now(
                    step, subject, now=now, earliest=earliest
                ):
                    consider(step, subject)
        if born:
            new_ids["complaint"] = max(born[-1].pk, int(last_ids.get("complaint", 0)))
        if commitments:
            new_ids["commitment"] = max(commitments[-1].pk, int(last_ids.get("commitment", 0)))
    # Windows overlap (the margin) and the newest rows are looked at again: one query tells
    # which steps already happened, so only the new ones try to claim the ledger.
    done = 0
    if candidates:
        known = set(
            LedgerEntry.objects.filter(
                kind="reminder",
                subject_type__in={key[0] for key in candidates},
                subject_id__in={key[1] for key in candidates},
            ).values_list("subject_type", "subject_id", "step")
        )
        audience = _Audience()
        for key, (step, subject) in candidates.items():
            if key not in known and step_run(step=step, subject=subject, audience=audience):
                done += 1
    _cursor_advance(now, new_ids)
    return done


def _max_id(model) -> int:
    """The newest id (the primary key index answers it at once)."""
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def reminders_catch_up(*, complaint: Complaint, now: datetime | None = None) -> int:
    """Carry out, now, the steps of a complaint's running deadlines whose thresholds are
    already behind it (a reopened complaint gets its level's whole limit again, but a short
    one may already be inside the "due soon" lead). Inside the caller's transaction."""
    now = now or timezone.now()
    earliest = now - timedelta(hours=settings.FOLLOWUP_CATCH_UP_HOURS)
    done = 0
    for subject in _complaint_subjects(complaint):
        for step in ladder():
            if step.deadline != subject.kind:
                continue
            if _due_now(step, subject, now=now, earliest=earliest):
                done += step_run(step=step, subject=subject)
    return done
