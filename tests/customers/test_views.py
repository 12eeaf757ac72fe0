"""The customer pages: list and search, one customer with their history, edit, erasure."""

import os
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, ComplaintEvent
from complaints.uploads import upload_validate
from customers.models import Customer
from customers.services import ANONYMISED_NAME, ERASED_TEXT
from tests.factories import CustomerFactory, make_complaint

pytestmark = pytest.mark.django_db

LIST = reverse("customers:list")
ROLES = ["frontdesk", "supervisor", "manager", "hq"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def names(response) -> set[str]:
    assert response.status_code == 200
    return {c.name for c in response.context["page_obj"].object_list}


@pytest.fixture
def ours(store):
    return CustomerFactory(store=store, name="Wang Fang", phone="+8613812345678")


@pytest.fixture
def theirs(other_store):
    return CustomerFactory(store=other_store, name="Sun Li", phone="+8613712345678")


# ---- list ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["frontdesk", "supervisor", "manager"])
def test_store_staff_see_their_customers_and_those_who_complained_there(
    client, request, role, store, frontdesk, ours, theirs
):
    visitor = CustomerFactory(store=theirs.store, name="Visiting Customer")
    make_complaint(actor=frontdesk, store=store, customer=visitor)
    client.force_login(request.getfixturevalue(role))
    assert names(client.get(LIST)) == {"Wang Fang", "Visiting Customer"}


def test_head_office_sees_all_customers(client, hq, ours, theirs):
    client.force_login(hq)
    assert names(client.get(LIST)) == {"Wang Fang", "Sun Li"}


def test_search_by_name_phone_and_email_with_masked_phones(client, frontdesk, store, ours):
    CustomerFactory(store=store, name="Li Lei", email="lilei@example.com")
    client.force_login(frontdesk)
    assert names(client.get(LIST, {"q": "wang"})) == {"Wang Fang"}
    assert names(client.get(LIST, {"q": "138 1234"})) == {"Wang Fang"}
    assert names(client.get(LIST, {"q": "lilei@"})) == {"Li Lei"}
    html = client.get(LIST).content.decode()
    assert "138****5678" in html and "13812345678" not in html


def test_customer_list_queries_do_not_grow_with_rows(client, frontdesk, store):
    def queries() -> int:
        client.get(LIST)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    client.force_login(frontdesk)
    for _ in range(3):
        make_complaint(actor=frontdesk, store=store, customer=CustomerFactory(store=store))
    few = queries()
    for _ in range(27):
        make_complaint(actor=frontdesk, store=store, customer=CustomerFactory(store=store))
    many = queries()
    assert many == few


# ---- one customer ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_detail_for_each_role(client, request, role, frontdesk, store, ours):
    first = make_complaint(actor=frontdesk, store=store, customer=ours)
    second = make_complaint(actor=frontdesk, store=store, customer=ours)
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("customers:detail", args=[ours.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert first.reference in html and second.reference in html
    assert 'data-testid="repeat-badge"' in html
    if role == "manager":  # reads, but does not call customers
        assert "138****5678" in html and "+86 138 1234 5678" not in html
    else:
        assert "+86 138 1234 5678" in html


@pytest.mark.parametrize("role", ["frontdesk", "supervisor", "manager"])
def test_another_stores_customer_is_not_found(client, request, role, theirs):
    client.force_login(request.getfixturevalue(role))
    for name in ("detail", "edit", "erase"):
        assert client.get(reverse(f"customers:{name}", args=[theirs.pk])).status_code == 404


def test_history_shows_only_complaints_the_user_may_see(
    client, frontdesk, frontdesk2, store, other_store, ours
):
    mine = make_complaint(actor=frontdesk, store=store, customer=ours)
    elsewhere = make_complaint(actor=frontdesk2, store=other_store, customer=ours)
    client.force_login(frontdesk)
    html = client.get(reverse("customers:detail", args=[ours.pk])).content.decode()
    assert mine.reference in html
    assert elsewhere.reference not in html


def test_one_complaint_is_not_a_repeat(client, frontdesk, store, ours):
    make_complaint(actor=frontdesk, store=store, customer=ours)
    client.force_login(frontdesk)
    html = client.get(reverse("customers:detail", args=[ours.pk])).content.decode()
    assert "repeat-badge" not in html


# ---- edit ------------------------------------------------------------------------------------


def edit_data(**overrides):
    data = {
        "name": "Wang Fang",
        "phone": "139 0000 1234",
        "email": "wf@example.com",
        "address": "1 Nanjing Road",
        "preferred_language": "en",
        "preferred_channel": "email",
        "consent_to_follow_up": "on",
        "is_vip": "on",
        "handling_notes": "Speak slowly.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["frontdesk", "supervisor", "hq"])
def test_front_desk_and_up_edit(client, request, role, ours):
    client.force_login(request.getfixturevalue(role))
    url = reverse("customers:edit", args=[ours.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_data())
    assert response.status_code == 302
    ours.refresh_from_db()
    assert str(ours.phone) == "+8613900001234"
    assert ours.is_vip and ours.handling_notes == "Speak slowly."


def test_manager_does_not_edit(client, manager, ours):
    client.force_login(manager)
    url = reverse("customers:edit", args=[ours.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data()).status_code == 403


def test_invalid_phone_is_reported_and_kept(client, frontdesk, ours):
    client.force_login(frontdesk)
    response = client.post(
        reverse("customers:edit", args=[ours.pk]), edit_data(phone="12", address="Kept here")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert "Kept here" in response.content.decode()
    ours.refresh_from_db()
    assert str(ours.phone) == "+8613812345678"


# ---- erasure on request ----------------------------------------------------------------------


def test_head_office_erases_personal_data_and_keeps_the_complaints(
    client, hq, frontdesk, store, ours, django_capture_on_commit_callbacks
):
    complaint = make_complaint(
        actor=frontdesk, store=store, customer=ours, desired_outcome="Call me on 13812345678."
    )
    upload = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    upload_validate(upload)
    attachment = services.attachment_add(complaint=complaint, actor=frontdesk, upload=upload)
    stored = attachment.file.path
    events_before = list(
        ComplaintEvent.objects.filter(complaint=complaint).values_list("pk", "text")
    )
    ours.address = "1 Nanjing Road"
    ours.handling_notes = "Speak slowly."
    ours.save()
    client.force_login(hq)
    url = reverse("customers:erase", args=[ours.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.name == ANONYMISED_NAME
    assert not ours.phone and not ours.email and not ours.address and not ours.handling_notes
    assert ours.anonymised_at is not None
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.account == ERASED_TEXT and complaint.desired_outcome == ""
    assert not complaint.attachments.exists()
    assert not os.path.exists(stored)
    # The append-only log is untouched; the erasure itself is logged.
    for pk, text in events_before:
        assert ComplaintEvent.objects.get(pk=pk).text == text
    assert complaint.events.filter(action="customer_anonymised").count() == 1
    assert Customer.objects.filter(pk=ours.pk).exists()
    # Anonymised customers are no longer found at intake and cannot be edited.
    assert client.get(reverse("customers:lookup"), {"q": "13812345678"}).context["customers"] == []
    edit = client.get(reverse("customers:edit", args=[ours.pk]))
    assert edit.status_code == 302
    again = client.post(url)
    assert any("already" in str(m) for m in get_messages(again.wsgi_request))


@pytest.mark.parametrize("role", ["frontdesk", "supervisor", "manager"])
def test_only_head_office_erases(client, request, role, ours):
    client.force_login(request.getfixturevalue(role))
    url = reverse("customers:erase", args=[ours.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    ours.refresh_from_db()
    assert ours.name == "Wang Fang"


def test_the_edit_form_calls_the_name_a_persons_name_in_chinese(client, frontdesk, ours):
    """姓名 (a person's name), not 名称 (the name of a thing)."""
    client.force_login(frontdesk)
    url = reverse("customers:edit", args=[ours.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    label = re.search(r'<label[^>]*for="id_name"[^>]*>(.*?)</label>', html, re.S)
    assert label is not None
    assert "姓名" in label.group(1) and "名称" not in label.group(1)
