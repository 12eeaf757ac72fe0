"""The Django admin, where supervisors approve: only what they may approve, through the same
services, with the same four eyes and limits; head office edits limits and scripts."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from complaints.models import Status
from resolutions.models import ApprovalDecision, AuthorityLimit, PendingApproval, ResponseScript
from tests.factories import staff

from .helpers import awaiting_approval, limit

pytestmark = pytest.mark.django_db

PENDING = reverse("admin:resolutions_pendingapproval_changelist")


def signed_in(client, user):
    client.force_login(user)
    return client


def action(client, name: str, *resolutions, **extra):
    return client.post(
        PENDING,
        {
            "action": name,
            helpers.ACTION_CHECKBOX_NAME: [r.pk for r in resolutions],
            "index": 0,
            **extra,
        },
        follow=True,
    )


def pending(complaint):
    return PendingApproval.objects.get(complaint=complaint, is_current=True)


def test_the_list_shows_only_what_the_user_may_approve(
    client, frontdesk, frontdesk2, supervisor, django_assert_max_num_queries
):
    mine_to_approve = awaiting_approval(proposer=frontdesk, amount="1500")
    above_limit = awaiting_approval(proposer=frontdesk, amount="5000")
    own = awaiting_approval(proposer=supervisor, amount="3000")
    other_store = awaiting_approval(
        proposer=frontdesk2, amount="500", store=frontdesk2.stores.first()
    )
    client = signed_in(client, supervisor)
    client.get(PENDING)
    with django_assert_max_num_queries(20):
        response = client.get(PENDING)
    assert response.status_code == 200
    html = response.content.decode()
    assert mine_to_approve.reference in html
    for hidden in (above_limit, own, other_store):
        assert hidden.reference not in html


def test_approving_in_the_admin_goes_through_the_service(client, frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    response = action(signed_in(client, supervisor), "approve_selected", pending(complaint))
    assert "Approved 1 resolution" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
    decision = ApprovalDecision.objects.get()
    assert decision.decided_by == supervisor and decision.decision == "approve"
    assert complaint.events.filter(action="approve", actor=supervisor).count() == 1


def test_four_eyes_in_the_admin_a_hand_made_post_on_ones_own_changes_nothing(client, supervisor):
    complaint = awaiting_approval(proposer=supervisor, amount="3000")
    limit("Supervisor", 5000)  # now the supervisor's limit would cover it: four eyes still bite
    response = action(signed_in(client, supervisor), "approve_selected", pending(complaint))
    assert response.status_code == 200
    assert "Nothing was approved" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert not ApprovalDecision.objects.exists()


def test_a_limit_too_low_is_refused_by_the_admin_action(client, frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="2000.01")
    response = action(signed_in(client, supervisor), "approve_selected", pending(complaint))
    assert response.status_code == 200
    assert "Nothing was approved" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert not ApprovalDecision.objects.exists()


def test_a_user_without_the_approve_permission_is_refused(client, frontdesk, store):
    clerk = staff("Front desk", store, username="clerk", is_staff=True)
    complaint = awaiting_approval(proposer=frontdesk, amount="500", type="gift")
    client = signed_in(client, clerk)
    assert client.get(PENDING).status_code == 403
    response = client.post(
        PENDING,
        {
            "action": "approve_selected",
            helpers.ACTION_CHECKBOX_NAME: [pending(complaint).pk],
            "index": 0,
        },
    )
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL


def test_a_manager_approves_what_the_supervisor_could_not(client, frontdesk, manager):
    complaint = awaiting_approval(proposer=frontdesk, amount="5000")
    action(signed_in(client, manager), "approve_selected", pending(complaint))
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER


def test_reject_asks_for_a_reason_on_an_intermediate_page(client, frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    client = signed_in(client, supervisor)
    resolution = pending(complaint)
    page = action(client, "reject_selected", resolution)
    html = page.content.decode()
    assert "Why is it rejected?" in html and complaint.reference in html
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    blank = action(client, "reject_selected", resolution, apply="1", reason="  ")
    assert "Say why the resolution is rejected" in blank.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    done = action(client, "reject_selected", resolution, apply="1", reason="Repair it instead")
    assert "Rejected 1 resolution" in done.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING
    assert ApprovalDecision.objects.get().reason == "Repair it instead"


def test_a_resolution_decided_meanwhile_gives_a_message_not_an_error(
    client, frontdesk, supervisor, manager
):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    resolution = pending(complaint)
    from resolutions.services import resolution_approve

    resolution_approve(complaint_id=complaint.pk, actor=manager)
    response = action(signed_in(client, supervisor), "approve_selected", resolution)
    assert response.status_code == 200
    assert ApprovalDecision.objects.count() == 1


def test_resolutions_in_the_admin_are_read_only_and_store_scoped(
    client, frontdesk, frontdesk2, supervisor
):
    mine = awaiting_approval(proposer=frontdesk, amount="1500")
    theirs = awaiting_approval(proposer=frontdesk2, amount="500", store=frontdesk2.stores.first())
    client = signed_in(client, supervisor)
    html = client.get(reverse("admin:resolutions_resolution_changelist")).content.decode()
    assert mine.reference in html and theirs.reference not in html
    other = theirs.resolutions.get()
    url = reverse("admin:resolutions_resolution_change", args=[other.pk])
    assert client.get(url).status_code == 404
    pending_url = reverse("admin:resolutions_pendingapproval_change", args=[other.pk])
    assert client.get(pending_url).status_code == 404
    own = mine.resolutions.get()
    response = client.post(
        reverse("admin:resolutions_resolution_change", args=[own.pk]), {"amount": "1"}
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert str(own.amount) == "1500.00"


def test_only_head_office_edits_authority_limits(client, supervisor, manager, hq):
    add = reverse("admin:resolutions_authoritylimit_add")
    for user in (supervisor, manager):
        assert signed_in(client, user).get(add).status_code == 403
    row = AuthorityLimit.objects.get(role__name="Front desk", store=None, resolution_type="")
    change = reverse("admin:resolutions_authoritylimit_change", args=[row.pk])
    response = signed_in(client, supervisor).post(
        change, {"role": row.role_id, "max_amount": "99999"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.max_amount == 200
    response = signed_in(client, hq).post(
        change, {"role": row.role_id, "store": "", "resolution_type": "", "max_amount": "300"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.max_amount == 300


def test_the_admin_refuses_a_second_chain_wide_limit_for_a_role_even_on_sqlite(client, hq):
    role = AuthorityLimit.objects.get(role__name="Front desk", store=None, resolution_type="").role
    response = signed_in(client, hq).post(
        reverse("admin:resolutions_authoritylimit_add"),
        {"role": role.pk, "store": "", "resolution_type": "", "max_amount": "999"},
    )
    assert response.status_code == 200
    assert "already a limit for this role" in response.content.decode()
    assert AuthorityLimit.objects.filter(role=role, store=None, resolution_type="").count() == 1


def test_head_office_adds_a_per_store_type_limit(client, hq, store):
    role = AuthorityLimit.objects.get(role__name="Front desk", store=None, resolution_type="").role
    response = signed_in(client, hq).post(
        reverse("admin:resolutions_authoritylimit_add"),
        {"role": role.pk, "store": store.pk, "resolution_type": "gift", "max_amount": "50"},
    )
    assert response.status_code == 302
    assert AuthorityLimit.objects.get(store=store, resolution_type="gift").max_amount == 50


def test_negative_limits_are_refused(client, hq):
    role = AuthorityLimit.objects.get(role__name="Front desk", store=None, resolution_type="").role
    response = signed_in(client, hq).post(
        reverse("admin:resolutions_authoritylimit_add"),
        {"role": role.pk, "store": "", "resolution_type": "gift", "max_amount": "-5"},
    )
    assert "cannot be negative" in response.content.decode()


def test_scripts_are_edited_by_head_office_only(client, supervisor, hq):
    script = ResponseScript.objects.filter(language="en").first()
    url = reverse("admin:resolutions_responsescript_change", args=[script.pk])
    response = signed_in(client, supervisor).post(url, {"opening": "Changed"})
    assert response.status_code == 403
    data = {
        "category": script.category_id,
        "language": "en",
        "opening": "Hello, I'm sorry.",
        "closing_apology": "a",
        "closing_thanks_trust": "b",
        "closing_thanks_feedback": "c",
        "closing_improvement": "d",
    }
    assert signed_in(client, hq).post(url, data).status_code == 302
    script.refresh_from_db()
    assert script.opening == "Hello, I'm sorry."


def test_commitments_and_tasks_admin_are_read_only_and_scoped(client, supervisor):
    for name in ("commitment", "fulfilmenttask"):
        response = signed_in(client, supervisor).get(
            reverse(f"admin:resolutions_{name}_changelist")
        )
        assert response.status_code == 200
        assert (
            signed_in(client, supervisor).get(reverse(f"admin:resolutions_{name}_add")).status_code
            == 403
        )


def test_four_eyes_hold_in_the_admin_even_if_the_list_were_bypassed(rf, supervisor):
    """The action itself refuses one's own proposal (the service decides, not the list)."""
    from django.contrib import admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    complaint = awaiting_approval(proposer=supervisor, amount="3000")
    limit("Supervisor", 5000)
    request = rf.post(PENDING)
    request.user = supervisor
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = admin.site._registry[PendingApproval]
    model_admin.approve_selected(request, PendingApproval.objects.filter(complaint=complaint))
    text = " ".join(str(m) for m in request._messages)
    assert "someone else must approve" in text
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL


def test_the_pending_approval_page_offers_approve_and_reject(client, frontdesk, supervisor):
    complaint = awaiting_approval(proposer=frontdesk, amount="1500")
    resolution = pending(complaint)
    client = signed_in(client, supervisor)
    html = client.get(
        reverse("admin:resolutions_pendingapproval_change", args=[resolution.pk])
    ).content.decode()
    assert 'value="approve_selected"' in html and 'value="reject_selected"' in html
    # The buttons post the list's action for this one resolution.
    action(client, "approve_selected", resolution)
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
