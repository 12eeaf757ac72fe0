"""`manage.py load_demo` (SPEC.md "Addresses and demo"): two stores, one user per role,
a few hundred complaints of the past 13 weeks in every state, idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, Status, Store

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-for-tests"


def test_load_demo():
    """One run (it takes seconds), checked part by part."""
    out = StringIO()
    call_command("load_demo", "--password", PASSWORD, stdout=out)
    demo = out.getvalue()
    check_stores_and_users(demo)
    check_complaints()
    check_history()
    check_running_again()


def check_stores_and_users(demo: str) -> None:
    assert set(Store.objects.values_list("code", flat=True)) == {"sh01", "bj01"}
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    roles = {name: [g.name for g in users[name].groups.all()] for name in users}
    assert roles["frontdesk"] == ["Front desk"]
    assert roles["frontdesk2"] == ["Front desk"]
    assert roles["supervisor"] == ["Supervisor"]
    assert roles["manager"] == ["Store manager"]
    assert roles["hq"] == ["Head office"]
    stores = {
        name: sorted(users[name].store_memberships.values_list("store__code", flat=True))
        for name in ("frontdesk", "frontdesk2", "supervisor", "manager", "hq")
    }
    assert stores == {
        "frontdesk": ["sh01"],
        "frontdesk2": ["bj01"],
        "supervisor": ["sh01"],
        "manager": ["bj01", "sh01"],
        "hq": [],
    }
    assert not any(u.is_superuser for u in users.values())
    assert all(users[name].get_full_name() for name in stores)
    assert f"password: {PASSWORD}" in demo
    request = RequestFactory().post("/accounts/login/")
    for username in stores:
        assert authenticate(request, username=username, password=PASSWORD) is not None


def check_complaints() -> None:
    complaints = Complaint.objects.all()
    assert 250 <= complaints.count() <= 400
    statuses = Counter(complaints.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert statuses[Status.AWAITING_APPROVAL] >= 3, "the supervisor has approvals waiting"
    assert complaints.filter(store__code="sh01").count() > 100
    assert complaints.filter(store__code="bj01").count() > 100
    now = timezone.now()
    oldest = complaints.order_by("received_at").first().received_at
    assert now - timedelta(weeks=13, days=1) <= oldest <= now - timedelta(weeks=12)
    assert complaints.overdue().exists()
    assert complaints.filter(escalation_count__gt=0).exists()
    assert complaints.filter(reopen_count__gt=0).exists()
    assert complaints.filter(resolved_on_the_spot=True).exists()
    assert complaints.filter(commitments__isnull=False).exists()
    # English and Chinese accounts.
    assert complaints.filter(account__regex=r"[\u4e00-\u9fff]").exists()
    assert complaints.filter(account__regex=r"^[A-Za-z]").exists()


def check_history() -> None:
    events = ComplaintEvent.objects.all()
    assert events.count() > 5 * Complaint.objects.count()
    assert not events.filter(created_at__gt=timezone.now()).exists()
    for complaint in Complaint.objects.filter(reopen_count__gt=0)[:5]:
        times = list(complaint.events.values_list("created_at", flat=True))
        assert times == sorted(times)
        assert times[0] == complaint.received_at
    # Every transition in the log is a step of the lifecycle, by someone.
    assert not events.filter(kind="transition", actor__isnull=True).exists()


def check_running_again() -> None:
    before = Complaint.objects.count()
    out = StringIO()
    call_command("load_demo", "--password", "another-password-123", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Complaint.objects.count() == before
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="hq", password="another-password-123") is not None
