"""Reads for resolutions. Store scoping always starts from `complaints_visible_to`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from complaints.models import Category, Complaint, Status
from complaints.roles import HEAD_OFFICE, STORE_MANAGER, SUPERVISOR
from complaints.selectors import complaints_visible_to, staff_in_roles

from .authority import AuthorityTable, authority_table
from .models import (
    ApprovalDecision,
    Commitment,
    Decision,
    FulfilmentTask,
    Resolution,
    ResolutionState,
    ResponseScript,
)
from .rules import APPROVE_PERMISSION, decidable_by, may_approve, may_decide

# How far ahead "due soon" looks for commitments on the my-work page.
COMMITMENT_DUE_SOON = timedelta(days=1)
# The scripts list ranks categories by complaints received in this window.
SCRIPT_RANKING_WINDOW = timedelta(days=365)


def script_language(language: str | None = None) -> str:
    """The ResponseScript language for a UI or customer language code."""
    language = (language or get_language() or "en").lower()
    return "zh-hans" if language.startswith("zh") else "en"


def resolutions_visible_to(user, *, base: QuerySet | None = None) -> QuerySet[Resolution]:
    """Resolutions of the complaints the user may see (`base`: e.g. a proxy model's)."""
    base = Resolution.objects.all() if base is None else base
    return base.filter(complaint__in=complaints_visible_to(user))


def resolutions_awaiting_approval(*, user, base: QuerySet | None = None) -> QuerySet[Resolution]:
    """Resolutions waiting for a decision in the user's stores that the user may decide: they
    hold the approve permission and did not propose it (four eyes). Oldest first."""
    base = Resolution.objects.all() if base is None else base
    if not user.has_perm(APPROVE_PERMISSION):
        return base.none()
    passed_up_by_me = ApprovalDecision.objects.filter(
        resolution=OuterRef("pk"), decided_by=user, decision=Decision.PASS_UP
    )
    # The complaint's status inside the store scoping: PostgreSQL then starts from the user's
    # stores' complaints awaiting approval (store-status index), not from every store's.
    waiting = complaints_visible_to(user).filter(status=Status.AWAITING_APPROVAL)
    return (
        base.filter(
            decidable_by(user),
            complaint__in=waiting,
            is_current=True,
            state=ResolutionState.AWAITING_APPROVAL,
        )
        .select_related(
            "complaint",
            "complaint__store",
            "complaint__customer",
            "complaint__category",
            "complaint__category__parent",
            "proposed_by",
        )
        .annotate(passed_up_by_me=Exists(passed_up_by_me))
        .order_by("proposed_at", "id")
    )


def resolutions_user_may_approve(
    *, user, table: AuthorityTable | None = None, base: QuerySet | None = None
) -> QuerySet[Resolution]:
    """Of those, the ones within the user's own limit: what they may approve right now."""
    table = table or authority_table(user=user)
    return resolutions_awaiting_approval(user=user, base=base).filter(table.q())


@dataclass
class PanelData:
    """What the complaint page's resolution panel shows; built in a fixed number of queries."""

    current: Resolution | None
    history: list[Resolution]
    commitments: list[Commitment]
    script: ResponseScript | None
    table: AuthorityTable
    may_approve: bool = False
    may_decide: bool = False
    must_pass_up: bool = False
    passed_up_by_me: bool = False
    limit: object = None
    open_tasks: list[FulfilmentTask] = field(default_factory=list)


def complaint_panel_data(*, complaint: Complaint, user) -> PanelData:
    """The resolutions of one complaint (current first, then history, newest first), their
    decisions and tasks, its commitments and the response script in the user's language."""
    resolutions = list(
        complaint.resolutions.select_related("proposed_by", "acceptance_recorded_by")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=ApprovalDecision.objects.select_related("decided_by", "passed_to"),
            ),
            Prefetch("tasks", queryset=FulfilmentTask.objects.select_related("owner", "done_by")),
        )
        .order_by("-proposed_at", "-id")
    )
    current = next((r for r in resolutions if r.is_current), None)
    history = [r for r in resolutions if not r.is_current]
    commitments = list(
        complaint.commitments.select_related("made_by", "kept_by").order_by("due_at", "id")
    )
    table = authority_table(user=user)
    data = PanelData(
        current=current,
        history=history,
        commitments=commitments,
        script=response_script_for(category=complaint.category, language=script_language()),
        table=table,
    )
    if current is not None:
        data.limit = table.limit(store_id=complaint.store_id, resolution_type=current.type)
        data.open_tasks = [task for task in current.tasks.all() if not task.done_at]
        if (
            current.state == ResolutionState.AWAITING_APPROVAL
            and complaint.status == Status.AWAITING_APPROVAL
            and may_decide(user=user, resolution=current)
        ):
            data.may_decide = True
            data.may_approve = may_approve(
                user=user, resolution=current, store_id=complaint.store_id, table=table
            )
            data.must_pass_up = not data.may_approve
            data.passed_up_by_me = any(
                d.decision == Decision.PASS_UP and d.decided_by_id == user.pk
                for d in current.decisions.all()
            )
    return data


def response_script_for(*, category: Category | None, language: str) -> ResponseScript | None:
    """The script for a category in a language, else its parent's, else the English one."""
    if category is None:
        return None
    candidates = [category.pk] + ([category.parent_id] if category.parent_id else [])
    scripts = list(
        ResponseScript.objects.filter(category_id__in=candidates, language__in=[language, "en"])
    )

    def rank(script: ResponseScript) -> tuple[int, int]:
        return (
            0 if script.category_id == category.pk else 1,
            0 if script.language == language else 1,
        )

    return min(scripts, key=rank) if scripts else None


@dataclass
class RankedCategory:
    category: Category
    count: int
    script: ResponseScript | None


def categories_by_frequency(*, user, language: str) -> list[RankedCategory]:
    """Every active complaint category with its script in the language, the most frequent
    first (complaints the user can see in the last twelve months, counted in one query)."""
    since = timezone.now() - SCRIPT_RANKING_WINDOW
    counts = dict(
        complaints_visible_to(user)
        .filter(received_at__gte=since)
        .order_by()
        .values_list("category")
        .annotate(n=Count("id"))
    )
    categories = list(
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "scripts",
                queryset=ResponseScript.objects.filter(language__in=[language, "en"]),
            )
        )
    )
    by_parent: dict[int, int] = {}
    for category in categories:
        if category.parent_id:
            by_parent[category.parent_id] = by_parent.get(category.parent_id, 0) + counts.get(
                category.pk, 0
            )
    scripts_of = {category.pk: list(category.scripts.all()) for category in categories}

    def pick(category: Category) -> ResponseScript | None:
        for owner in (category.pk, category.parent_id):
            found = {s.language: s for s in scripts_of.get(owner, [])}
            if found:
                return found.get(language) or found.get("en")
        return None

    ranked = [
        RankedCategory(
            category=category,
            count=(
                counts.get(category.pk, 0)
                if category.parent_id
                else by_parent.get(category.pk, 0) + counts.get(category.pk, 0)
            ),
            script=pick(category),
        )
        for category in categories
        if category.parent_id  # complaints are filed under leaves
    ]
    ranked.sort(key=lambda r: (-r.count, r.category.parent.position, r.category.position))
    return ranked


def fulfilment_tasks_open_for(*, user) -> QuerySet[FulfilmentTask]:
    """Open fulfilment tasks the user owns on complaints they can see, oldest due first."""
    return (
        FulfilmentTask.objects.filter(
            owner=user,
            done_at__isnull=True,
            resolution__is_current=True,
            resolution__complaint__status=Status.IN_FULFILMENT,
            resolution__complaint__in=complaints_visible_to(user),
        )
        .select_related("resolution", "resolution__complaint")
        .order_by("due_at", "id")
    )


def commitments_due_for(*, user, now=None) -> QuerySet[Commitment]:
    """Unkept commitments the user made or that sit on complaints they own, due within a day
    or already overdue (broken), most overdue first; closed complaints' are history."""
    now = now or timezone.now()
    complaints = complaints_visible_to(user).exclude(status=Status.CLOSED)
    due = Commitment.objects.open().filter(due_at__lt=now + COMMITMENT_DUE_SOON).order_by()
    # "Made by me OR on a complaint I own" as one OR across two tables has PostgreSQL read
    # every store's unkept commitments; as a UNION each half walks its own index and reads
    # only this user's: commitment_made_open, and mywork_complaint_owner_open then
    # commitment_complaint_open (resolutions migration 0005).
    made = due.filter(made_by=user, complaint__in=complaints).values("pk")
    owned = due.filter(complaint__in=complaints.filter(owner=user)).values("pk")
    return (
        Commitment.objects.filter(pk__in=made.union(owned))
        .select_related("complaint")
        .order_by("due_at", "id")
    )


def agreement_resolution(*, complaint: Complaint) -> Resolution | None:
    """The resolution an agreement is printed for: the current one once it can be offered to
    the customer (not while it waits for approval), else the last one the customer accepted."""
    return (
        complaint.resolutions.filter(
            state__in=[
                ResolutionState.OFFERED,
                ResolutionState.ACCEPTED,
                ResolutionState.FULFILLED,
            ]
        )
        .select_related("proposed_by", "acceptance_recorded_by")
        .order_by("-is_current", "-proposed_at", "-id")
        .first()
    )


def resolution_approvers(*, complaint: Complaint, resolution: Resolution) -> list:
    """Who may approve this resolution (`rules.may_approve`): the store's supervisors and
    managers, or head office when nobody in the store may."""

    def approvers(users) -> list:
        return [
            user
            for user in users
            if may_approve(user=user, resolution=resolution, store_id=complaint.store_id)
        ]

    local = approvers(
        staff_in_roles(store_id=complaint.store_id, roles=[SUPERVISOR, STORE_MANAGER])
    )
    return local or approvers(staff_in_roles(store_id=None, roles=[HEAD_OFFICE]))
