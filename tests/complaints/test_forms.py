"""Intake and action forms, below the views: choices, time zones, business checks."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from complaints.forms import ComplaintIntakeForm, ReassignForm, VerdictForm
from tests.factories import StoreFactory, leaf_category, staff

pytestmark = pytest.mark.django_db


def test_categories_are_grouped_by_parent_in_the_users_language(frontdesk):
    with translation.override("zh-hans"):
        choices = ComplaintIntakeForm(user=frontdesk).fields["category"].widget.choices
    groups = dict(choices[1:])
    assert "产品质量" in groups
    leaf = leaf_category()
    assert (leaf.pk, "到货即有缺陷") in groups["产品质量"]


def test_only_the_users_stores_and_one_store_is_preselected(frontdesk, store, other_store):
    form = ComplaintIntakeForm(user=frontdesk)
    assert list(form.fields["store"].queryset) == [store]
    assert form.fields["store"].initial == store.pk


def test_several_stores_means_choosing_one(store, other_store):
    roamer = staff("Front desk", store, other_store, username="roamer")
    form = ComplaintIntakeForm(user=roamer)
    assert set(form.fields["store"].queryset) == {store, other_store}
    assert form.fields["store"].initial is None


def test_received_at_is_the_chosen_stores_wall_clock(hq):
    london = StoreFactory(code="ld01", name="London", time_zone="Europe/London")
    form = ComplaintIntakeForm(
        {
            "store": london.pk,
            "channel": "phone",
            "received_at": "2026-07-01T09:00",
            "customer_name": "Ann",
            "customer_email": "ann@example.com",
            "customer_language": "en",
            "customer_channel": "email",
            "category": leaf_category().pk,
            "severity": "low",
            "account": "Late.",
        },
        user=hq,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["received_at"] == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # BST


def test_a_founded_verdict_names_the_department(complaint, supervisor):
    data = {"verdict-verdict": "good_faith", "verdict-root_cause": "Seal."}
    form = VerdictForm(data, prefix="verdict", complaint=complaint, user=supervisor)
    assert not form.is_valid()
    assert "responsible_department" in form.errors


def test_new_owner_is_a_colleague_of_the_store_who_can_work_on_complaints(
    complaint, supervisor, manager, frontdesk2
):
    form = ReassignForm(prefix="reassign", complaint=complaint, user=supervisor)
    choices = set(form.fields["new_owner"].queryset)
    assert supervisor in choices
    assert complaint.owner not in choices  # already theirs
    assert manager not in choices  # reads complaints, does not work on them
    assert frontdesk2 not in choices  # another store
