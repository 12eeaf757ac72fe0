"""The resolution panel, actions and pages through Django's test client, as each role."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from complaints.models import Status
from complaints.selectors import complaint_detail
from complaints.services import available_transitions
from resolutions import services
from resolutions.models import ApprovalDecision, Commitment, FulfilmentTask, ResolutionState
from tests.factories import make_complaint

from .helpers import awaiting_approval, awaiting_customer, investigating

pytestmark = pytest.mark.django_db


def panel_context(complaint, user) -> dict:
    """What the complaint page gives its include (the complaint as complaint_detail loads it)."""
    complaint = complaint_detail(user=user, reference=complaint.reference)
    return {
        "complaint": complaint,
        "available": set(available_transitions(complaint=complaint, user=user)),
        "version": complaint.version,
        "user": user,
    }


def render_panel(complaint, user, context: dict | None = None) -> str:
    """The panel exactly as the complaint page includes it."""
    request = RequestFactory().get(f"/complaints/{complaint.reference}/")
    request.user = user
    return render_to_string(
        "resolutions/_complaint_panel.html",
        context or panel_context(complaint, user),
        request=request,
    )


def signed_in(client, user):
    client.force_login(user)
    return client


# ---- the panel ---------------------------------------------------------------------------------


def test_a_new_complaint_offers_settle_on_the_spot_and_tells_the_limit(complaint, frontdesk):
    html = render_panel(complaint, frontdesk)
    assert 'data-testid="settle-button"' in html
    assert 'data-testid="propose-button"' in html
    assert "You may grant up to 200.00 CNY without approval" in html
    assert "it will go to a supervisor or manager for approval" in html
    # The script for the category, in the user's language.
    assert "What to say" in html and "I&#x27;m very sorry the product wasn&#x27;t working" in html


def test_an_investigated_complaint_offers_propose_but_not_settle(frontdesk):
    complaint = investigating(actor=frontdesk)
    html = render_panel(complaint, frontdesk)
    assert 'data-testid="propose-button"' in html
    assert 'data-testid="settle-button"' not in html


def test_the_proposer_sees_it_waits_and_cannot_approve(frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    html = render_panel(complaint, frontdesk)
    assert "you cannot approve it yourself" in html
    assert 'data-testid="approval-actions"' not in html
    html = render_panel(complaint, supervisor)
    assert 'data-testid="approval-actions"' in html
    assert "Within your limit of 2,000.00 CNY" in html


def test_an_approver_below_the_amount_is_offered_only_pass_up(frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="5000")
    html = render_panel(complaint, supervisor)
    assert 'data-testid="pass-up"' in html
    assert 'data-testid="approval-actions"' not in html
    assert "5,000.00 CNY is above your limit of 2,000.00 CNY" in html


def test_history_keeps_rejected_and_declined_resolutions(frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    services.resolution_reject(complaint_id=complaint.pk, actor=supervisor, reason="Too generous")
    services.resolution_propose(
        complaint_id=complaint.pk, actor=frontdesk, type="gift", amount="50", description="Mug"
    )
    services.resolution_record_decline(
        complaint_id=complaint.pk, actor=frontdesk, reason="Does not want a mug"
    )
    html = render_panel(complaint, frontdesk)
    assert "Earlier resolutions (2)" in html
    assert "Rejected by the approver" in html and "Too generous" in html
    assert "Declined by the customer" in html and "Does not want a mug" in html


def test_the_panel_runs_a_constant_number_of_queries(
    frontdesk, supervisor, django_assert_max_num_queries
):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    for n in range(5):
        Commitment.objects.create(
            complaint=complaint,
            description=f"Promise {n}",
            due_at=timezone.now() + timedelta(hours=n + 1),
            made_by=frontdesk,
        )
    context = panel_context(complaint, supervisor)  # also warms the permission cache
    with django_assert_max_num_queries(8):
        render_panel(complaint, supervisor, context)


# ---- actions through the test client ------------------------------------------------------------


def test_front_desk_settles_on_the_spot_by_post(client, complaint, frontdesk):
    response = signed_in(client, frontdesk).post(
        reverse("resolutions:propose", args=[complaint.reference]),
        {
            "type": "gift",
            "amount": "80",
            "description": "A voucher for the next visit",
            "acceptance_method": "verbal",
            "version": complaint.version,
            "action": "settle",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/complaints/{complaint.reference}/")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.resolved_on_the_spot


def test_settling_above_the_limit_shows_the_refusal_on_the_form(client, complaint, frontdesk):
    response = signed_in(client, frontdesk).post(
        reverse("resolutions:propose", args=[complaint.reference]),
        {
            "type": "refund",
            "amount": "200.01",
            "description": "Full refund",
            "version": complaint.version,
            "action": "settle",
        },
    )
    assert response.status_code == 200
    assert "Request approval instead" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.NEW


def test_request_approval_from_a_new_complaint(client, complaint, frontdesk):
    response = signed_in(client, frontdesk).post(
        reverse("resolutions:propose", args=[complaint.reference]),
        {
            "type": "refund",
            "amount": "800",
            "description": "Full refund",
            "version": complaint.version,
            "action": "propose",
        },
        follow=True,
    )
    assert "sent for approval" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL


def test_a_hand_made_approve_post_by_the_proposer_is_refused(client, supervisor):
    complaint = awaiting_approval(proposer=supervisor, amount="3000")
    response = signed_in(client, supervisor).post(
        reverse("resolutions:approve", args=[complaint.reference]), {"version": complaint.version}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert not ApprovalDecision.objects.exists()


def test_a_hand_made_approve_post_without_permission_is_refused(client, frontdesk, store):
    from tests.factories import staff

    colleague = staff("Front desk", store, username="colleague")
    complaint = awaiting_approval(proposer=frontdesk, amount="500")
    response = signed_in(client, colleague).post(
        reverse("resolutions:approve", args=[complaint.reference]),
        {"version": complaint.version},
        follow=True,
    )
    assert "You may not approve or reject resolutions" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL


def test_a_hand_made_approve_post_above_the_limit_is_refused(client, frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="2000.01")
    response = signed_in(client, supervisor).post(
        reverse("resolutions:approve", args=[complaint.reference]),
        {"version": complaint.version},
        follow=True,
    )
    assert "above your limit" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert not ApprovalDecision.objects.exists()


def test_approve_with_a_stale_version_is_refused_with_a_message(client, frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="500")
    response = signed_in(client, supervisor).post(
        reverse("resolutions:approve", args=[complaint.reference]),
        {"version": complaint.version - 1},
        follow=True,
    )
    assert "Someone else changed" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL


def test_reject_without_a_reason_is_refused(client, frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="500")
    client = signed_in(client, supervisor)
    url = reverse("resolutions:reject", args=[complaint.reference])
    client.post(url, {"version": complaint.version, "reason": " "})
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    client.post(url, {"version": complaint.version, "reason": "Offer a repair first"})
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING


def test_pass_up_by_post(client, frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="5000")
    signed_in(client, supervisor).post(
        reverse("resolutions:pass_up", args=[complaint.reference]),
        {"version": complaint.version, "reason": "Needs the manager"},
    )
    decision = ApprovalDecision.objects.get()
    assert decision.decision == "pass_up" and decision.passed_to.name == "Store manager"


def test_acceptance_and_task_done_by_post_resolve_the_complaint(client, frontdesk):
    complaint = awaiting_customer(proposer=frontdesk, type="exchange")
    client = signed_in(client, frontdesk)
    client.post(
        reverse("resolutions:accept", args=[complaint.reference]),
        {"version": complaint.version, "method": "signed"},
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_FULFILMENT
    task = FulfilmentTask.objects.get()
    client.post(reverse("resolutions:task_done", args=[task.pk]), {"note": "Shipped today"})
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_decline_by_post(client, frontdesk):
    complaint = awaiting_customer(proposer=frontdesk)
    signed_in(client, frontdesk).post(
        reverse("resolutions:decline", args=[complaint.reference]),
        {"version": complaint.version, "reason": "Wants cash"},
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING
    assert complaint.resolutions.get().state == ResolutionState.DECLINED


def test_commitments_are_added_and_kept_by_post(client, complaint, frontdesk):
    client = signed_in(client, frontdesk)
    due = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("resolutions:commitment_add", args=[complaint.reference]),
        {"description": "Call with the delivery date", "due_at": due},
    )
    commitment = Commitment.objects.get()
    assert commitment.description == "Call with the delivery date"
    client.post(reverse("resolutions:commitment_kept", args=[commitment.pk]))
    commitment.refresh_from_db()
    assert commitment.kept_at is not None


@pytest.mark.parametrize(
    "name", ["propose", "approve", "reject", "pass_up", "accept", "decline", "commitment_add"]
)
def test_another_stores_complaint_is_a_404(client, other_complaint, frontdesk, name):
    response = signed_in(client, frontdesk).post(
        reverse(f"resolutions:{name}", args=[other_complaint.reference]), {"reason": "x"}
    )
    assert response.status_code == 404


def test_another_stores_task_and_commitment_are_404(client, frontdesk, frontdesk2):
    complaint = awaiting_customer(proposer=frontdesk2, store=frontdesk2.stores.first())
    services.resolution_record_acceptance(
        complaint_id=complaint.pk, actor=frontdesk2, method="email"
    )
    commitment = services.commitment_add(
        complaint_id=complaint.pk,
        actor=frontdesk2,
        description="Call",
        due_at=timezone.now() + timedelta(hours=3),
    )
    client = signed_in(client, frontdesk)
    task = FulfilmentTask.objects.get()
    assert client.post(reverse("resolutions:task_done", args=[task.pk])).status_code == 404
    assert (
        client.post(reverse("resolutions:commitment_kept", args=[commitment.pk])).status_code == 404
    )


def test_actions_refuse_get(client, complaint, frontdesk):
    response = signed_in(client, frontdesk).get(
        reverse("resolutions:approve", args=[complaint.reference])
    )
    assert response.status_code == 405


# ---- pages -------------------------------------------------------------------------------------


def test_the_approvals_queue_lists_what_i_may_decide_oldest_first(
    client, frontdesk, frontdesk2, supervisor, django_assert_max_num_queries
):
    first = awaiting_approval(proposer=frontdesk, amount="1500")
    above = awaiting_approval(proposer=frontdesk, amount="5000")
    own = awaiting_approval(proposer=supervisor, amount="3000")
    elsewhere = awaiting_approval(
        proposer=frontdesk2, amount="500", store=frontdesk2.stores.first()
    )
    client = signed_in(client, supervisor)
    client.get(reverse("resolutions:approvals"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("resolutions:approvals"))
    html = response.content.decode()
    assert first.reference in html and above.reference in html
    assert own.reference not in html and elsewhere.reference not in html
    assert html.index(first.reference) < html.index(above.reference)
    assert "Within your limit" in html and "Above your limit (2,000.00)" in html


def test_the_approvals_queue_is_for_approvers_only(client, frontdesk):
    response = signed_in(client, frontdesk).get(reverse("resolutions:approvals"))
    assert response.status_code == 403


def test_the_approvals_queue_paginates(client, frontdesk, supervisor):
    for _ in range(27):
        awaiting_approval(proposer=frontdesk, amount="300")
    client = signed_in(client, supervisor)
    first = client.get(reverse("resolutions:approvals"))
    second = client.get(reverse("resolutions:approvals") + "?page=2")
    assert first.content.decode().count('data-testid="approval-row"') == 25
    assert second.content.decode().count('data-testid="approval-row"') == 2


def test_the_scripts_list_puts_the_most_frequent_category_first(
    client, frontdesk, django_assert_max_num_queries
):
    from tests.factories import leaf_category

    for _ in range(3):
        make_complaint(actor=frontdesk, category=leaf_category("late-delivery"))
    make_complaint(actor=frontdesk, category=leaf_category("overcharged"))
    client = signed_in(client, frontdesk)
    client.get(reverse("resolutions:scripts"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("resolutions:scripts"))
    html = response.content.decode()
    assert html.index("Late delivery") < html.index("Overcharged") < html.index("Cleanliness")
    assert "3 complaints" in html
    assert "firm delivery date" in html


def test_the_scripts_list_in_chinese(client, frontdesk):
    client = signed_in(client, frontdesk)
    response = client.get(reverse("resolutions:scripts"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "配送延误" in html and "我现在就联系仓库和物流公司核实" in html


def test_the_script_hint_fragment_follows_the_category(client, frontdesk):
    from tests.factories import leaf_category

    client = signed_in(client, frontdesk)
    category = leaf_category("overcharged")
    html = client.get(reverse("resolutions:script_hint"), {"category": category.pk}).content
    assert "refund the difference today" in html.decode()
    empty = client.get(reverse("resolutions:script_hint"), {"category": "nope"}).content.decode()
    assert "Choose a category" in empty


def test_my_work_shows_approvals_tasks_and_broken_commitments(frontdesk, supervisor):
    from django.template import Context, Template

    awaiting_approval(proposer=frontdesk, amount="1500")
    awaiting_approval(proposer=frontdesk, amount="5000")  # above the supervisor's limit
    accepted = awaiting_customer(proposer=frontdesk, type="refund")
    services.resolution_record_acceptance(
        complaint_id=accepted.pk, actor=frontdesk, method="verbal"
    )
    Commitment.objects.create(
        complaint=accepted,
        description="Call back about the refund",
        due_at=timezone.now() - timedelta(hours=1),
        made_by=frontdesk,
    )
    template = Template('{% include "resolutions/_my_work.html" %}')
    html = template.render(Context({"user": supervisor}))
    assert 'data-testid="approvals-count">1<' in html
    html = template.render(Context({"user": frontdesk}))
    assert "Approvals waiting for me" not in html
    assert 'data-testid="tasks-count">1<' in html and "Finance: pay the refund" in html
    assert "Call back about the refund" in html and "1 broken" in html


def test_my_work_runs_a_constant_number_of_queries(
    frontdesk, supervisor, django_assert_max_num_queries
):
    from django.template import Context, Template

    for _ in range(8):
        awaiting_approval(proposer=frontdesk, amount="1500")
        accepted = awaiting_customer(proposer=frontdesk, type="exchange")
        services.resolution_record_acceptance(
            complaint_id=accepted.pk, actor=frontdesk, method="verbal"
        )
        Commitment.objects.create(
            complaint=accepted,
            description="Call back",
            due_at=timezone.now() - timedelta(hours=1),
            made_by=frontdesk,
        )
    template = Template('{% include "resolutions/_my_work.html" %}')
    for user in (supervisor, frontdesk):
        user.has_perm("complaints.approve_resolution")  # the page has loaded permissions
        with django_assert_max_num_queries(9):
            html = template.render(Context({"user": user}))
    assert 'data-testid="tasks-count">8<' in html and "8 broken" in html


def test_the_script_hint_include_shows_the_categorys_script(frontdesk):
    from django.template import Context, Template

    from tests.factories import leaf_category

    template = Template('{% include "resolutions/_script_hint.html" %}')
    html = template.render(Context({"category": leaf_category("safety-hazard")}))
    assert "What to say: Safety hazard" in html and "your safety comes first" in html
    assert 'data-script-hint-url="/resolutions/scripts/hint/"' in html
    assert "Choose a category" in template.render(Context({"category": None}))
