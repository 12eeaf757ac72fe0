"""Authority limits: who may grant how much without approval (SPEC.md "Authority limit")."""

from decimal import Decimal

import pytest

from complaints.models import Status
from complaints.services import TransitionRefused
from resolutions import services
from resolutions.authority import (
    authority_limit_for,
    authority_table,
    role_to_pass_up_to,
    within_authority,
)
from resolutions.models import Resolution
from tests.factories import UserFactory, staff

from .helpers import awaiting_approval, investigating, limit

pytestmark = pytest.mark.django_db


def test_the_seeded_defaults_are_the_specs(store, frontdesk, supervisor, manager, hq):
    assert authority_limit_for(user=frontdesk, store=store, resolution_type="refund") == 200
    assert authority_limit_for(user=supervisor, store=store, resolution_type="refund") == 2000
    assert authority_limit_for(user=manager, store=store, resolution_type="refund") == 10000
    assert authority_limit_for(user=hq, store=store, resolution_type="refund") is None


def test_exactly_at_the_limit_is_within_and_one_cent_above_is_not(store, frontdesk):
    assert within_authority(
        user=frontdesk, store=store, resolution_type="refund", amount=Decimal("200.00")
    )
    assert not within_authority(
        user=frontdesk, store=store, resolution_type="refund", amount=Decimal("200.01")
    )


def test_at_the_limit_the_offer_goes_to_the_customer_one_cent_above_to_approval(frontdesk):
    at_limit = investigating(actor=frontdesk)
    services.resolution_propose(
        complaint_id=at_limit.pk, actor=frontdesk, type="refund", amount="200.00", description="x"
    )
    above = investigating(actor=frontdesk)
    services.resolution_propose(
        complaint_id=above.pk, actor=frontdesk, type="refund", amount="200.01", description="x"
    )
    at_limit.refresh_from_db()
    above.refresh_from_db()
    assert at_limit.status == Status.AWAITING_CUSTOMER
    assert above.status == Status.AWAITING_APPROVAL


def test_settling_on_the_spot_one_cent_above_the_limit_is_refused_and_changes_nothing(
    complaint, frontdesk
):
    with pytest.raises(TransitionRefused, match="Request approval instead"):
        services.resolution_resolve_on_the_spot(
            complaint_id=complaint.pk,
            actor=frontdesk,
            type="refund",
            amount="200.01",
            description="Refund",
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.NEW
    assert not Resolution.objects.filter(complaint=complaint).exists()
    services.resolution_resolve_on_the_spot(
        complaint_id=complaint.pk, actor=frontdesk, type="refund", amount="200", description="x"
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_a_per_store_override_applies_at_that_store_only(store, other_store, frontdesk):
    limit("Front desk", 500, store=store)
    both = staff("Front desk", store, other_store, username="roamer")
    assert within_authority(user=frontdesk, store=store, resolution_type="refund", amount=500)
    assert not within_authority(
        user=frontdesk, store=store, resolution_type="refund", amount="500.01"
    )
    assert within_authority(user=both, store=store, resolution_type="gift", amount=500)
    assert not within_authority(user=both, store=other_store, resolution_type="gift", amount=201)


def test_a_per_type_override_applies_to_that_type_only(store, frontdesk):
    limit("Front desk", 50, resolution_type="gift")
    assert within_authority(user=frontdesk, store=store, resolution_type="gift", amount=50)
    assert not within_authority(user=frontdesk, store=store, resolution_type="gift", amount="50.01")
    assert within_authority(user=frontdesk, store=store, resolution_type="refund", amount=200)


def test_the_most_specific_row_wins(store, frontdesk):
    limit("Front desk", 500, store=store)
    limit("Front desk", 50, resolution_type="gift")
    limit("Front desk", 80, store=store, resolution_type="gift")
    assert authority_limit_for(user=frontdesk, store=store, resolution_type="gift") == 80
    assert authority_limit_for(user=frontdesk, store=store, resolution_type="refund") == 500
    assert authority_limit_for(user=frontdesk, store=None, resolution_type="gift") == 50


def test_head_office_is_unlimited(store, hq):
    assert within_authority(
        user=hq, store=store, resolution_type="compensation", amount=Decimal("9999999999.99")
    )


def test_no_role_means_no_authority(store):
    nobody = UserFactory(username="nobody")
    assert authority_limit_for(user=nobody, store=store, resolution_type="refund") == 0
    assert within_authority(user=nobody, store=store, resolution_type="apology", amount=0)
    assert not within_authority(user=nobody, store=store, resolution_type="refund", amount="0.01")


def test_with_two_roles_the_higher_limit_counts(store):
    both = staff("Front desk", store, username="twohats")
    both.groups.add(*staff("Supervisor", store, username="tmp").groups.all())
    both = type(both).objects.get(pk=both.pk)
    assert authority_limit_for(user=both, store=store, resolution_type="refund") == 2000


def test_the_approver_limit_binds_the_lifecycle_too(store, frontdesk, supervisor):
    at_limit = awaiting_approval(proposer=frontdesk, amount="2000.00")
    above = awaiting_approval(proposer=frontdesk, amount="2000.01")
    services.resolution_approve(complaint_id=at_limit.pk, actor=supervisor)
    with pytest.raises(TransitionRefused, match="above your limit"):
        services.resolution_approve(complaint_id=above.pk, actor=supervisor)
    at_limit.refresh_from_db()
    above.refresh_from_db()
    assert at_limit.status == Status.AWAITING_CUSTOMER
    assert above.status == Status.AWAITING_APPROVAL


def test_the_queryset_filter_agrees_with_the_one_answer(
    store, other_store, frontdesk, frontdesk2, supervisor
):
    """The approvals queue and the admin filter in SQL; they must agree with within_authority."""
    limit("Supervisor", 3000, store=store)
    limit("Supervisor", 100, resolution_type="gift")
    for proposer in (frontdesk, frontdesk2):
        for amount in ["250", "2000", "2500", "3000", "3000.01"]:
            for kind in ("refund", "gift"):
                awaiting_approval(proposer=proposer, amount=amount, type=kind)
    table = authority_table(user=supervisor)
    resolutions = Resolution.objects.select_related("complaint__store")
    expected = {
        r.pk
        for r in resolutions
        if within_authority(
            user=supervisor, store=r.complaint.store, resolution_type=r.type, amount=r.amount
        )
    }
    assert set(resolutions.filter(table.q()).values_list("pk", flat=True)) == expected
    # At the store: the store row (3000) beats the chain-wide gift row; elsewhere 2000 / 100.
    assert len(expected) == 4 + 4 + 2 + 0


def test_a_pass_up_goes_to_the_lowest_role_that_may_grant_it(store):
    assert role_to_pass_up_to(store=store, resolution_type="refund", amount=1500).name == (
        "Supervisor"
    )
    assert role_to_pass_up_to(store=store, resolution_type="refund", amount=5000).name == (
        "Store manager"
    )
    assert role_to_pass_up_to(store=store, resolution_type="refund", amount=50000).name == (
        "Head office"
    )
