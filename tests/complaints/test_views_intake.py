"""Intake at /complaints/new/: what the counter and the phone agent see and get."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, Status
from customers.models import Customer
from resolutions.models import Resolution
from tests.factories import CustomerFactory, leaf_category, make_complaint

pytestmark = pytest.mark.django_db

URL = reverse("complaints:create")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def intake(store, **overrides):
    data = {
        "store": store.pk,
        "channel": "walk_in",
        "received_at": timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M"),
        "customer_name": "Wang Fang",
        "customer_phone": "138 1234 5678",
        "customer_email": "wang.fang@example.com",
        "customer_language": "zh-hans",
        "customer_channel": "sms",
        "customer_consent": "on",
        "product_name": "Electric kettle KX-200",
        "product_sku": "KX-200",
        "product_batch": "B2026-07",
        "purchase_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "receipt_number": "R-0042",
        "category": leaf_category().pk,
        "severity": "high",
        "account": "The lid broke off the first time I opened it.",
        "desired_outcome": "A new kettle.",
        "mood": "upset",
        "acknowledge_now": "on",
        "acknowledge_now_shown": "1",
        "submit": "log",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_frontdesk_sees_the_form_with_their_store_preselected_and_walk_in_acknowledged(
    client, frontdesk, store
):
    client.force_login(frontdesk)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{store.pk}" selected>' in html
    assert 'name="acknowledge_now"' in html and "checked" in html
    assert "<optgroup" in html  # categories grouped by their parent
    assert "Log and settle on the spot" in html  # front desk may settle within authority


def test_store_manager_does_not_log_complaints(client, manager):
    client.force_login(manager)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {}).status_code == 403


def test_walk_in_is_logged_acknowledged_owned_by_the_logger_with_a_new_customer(
    client, frontdesk, store
):
    client.force_login(frontdesk)
    response = client.post(URL, intake(store))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:detail", args=[complaint.reference])
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.owner == frontdesk
    assert complaint.product_sku == "KX-200"
    assert complaint.severity == "high"
    customer = complaint.customer
    assert str(customer.phone) == "+8613812345678"  # normalised to E.164, region CN
    assert customer.consent_to_follow_up is True
    assert customer.store == store


def test_unticked_acknowledge_box_is_honoured(client, frontdesk, store):
    client.force_login(frontdesk)
    client.post(URL, intake(store, acknowledge_now=None))
    assert Complaint.objects.get().status == Status.NEW


@pytest.mark.parametrize(("channel", "expected"), [("walk_in", "acknowledged"), ("phone", "new")])
def test_without_the_checkbox_on_the_page_walk_ins_are_acknowledged(
    client, frontdesk, store, channel, expected
):
    client.force_login(frontdesk)
    client.post(
        URL, intake(store, channel=channel, acknowledge_now=None, acknowledge_now_shown=None)
    )
    assert Complaint.objects.get().status == expected


def test_received_at_is_read_in_the_store_time_zone(client, frontdesk, store):
    client.force_login(frontdesk)
    client.post(URL, intake(store, received_at="2026-01-05T09:30", purchase_date="2026-01-01"))
    received = Complaint.objects.get().received_at
    assert received == datetime(2026, 1, 5, 1, 30, tzinfo=UTC)


def test_an_existing_customer_picked_in_the_lookup_is_used(client, frontdesk, store):
    customer = CustomerFactory(store=store, name="Li Lei")
    client.force_login(frontdesk)
    client.post(URL, intake(store, customer=customer.pk, customer_name="", customer_phone=""))
    assert Complaint.objects.get().customer == customer
    assert Customer.objects.count() == 1


def test_a_new_customer_with_a_known_phone_is_found_again(client, frontdesk, store):
    known = CustomerFactory(store=store, name="Wang Fang", phone="+8613812345678")
    client.force_login(frontdesk)
    response = client.post(URL, intake(store), follow=True)
    assert Complaint.objects.get().customer == known
    assert Customer.objects.count() == 1
    assert "already registered" in response.content.decode()


def test_another_stores_customer_cannot_be_picked(client, frontdesk, store, other_store):
    stranger = CustomerFactory(store=other_store)
    client.force_login(frontdesk)
    response = client.post(URL, intake(store, customer=stranger.pk))
    assert response.status_code == 200
    assert "cannot be found" in response.content.decode()
    assert not Complaint.objects.exists()


def test_another_store_cannot_be_chosen(client, frontdesk, store, other_store):
    client.force_login(frontdesk)
    response = client.post(URL, intake(other_store))
    assert response.status_code == 200
    assert response.context["form"].errors["store"]
    assert not Complaint.objects.exists()


# ---- bad input: a clear error on the field, and everything typed is kept ---------------------


def assert_kept(response):
    """The form came back with an error and still holds what the user typed."""
    assert response.status_code == 200
    html = response.content.decode()
    assert "The lid broke off the first time I opened it." in html
    assert 'value="Electric kettle KX-200"' in html
    assert 'value="Wang Fang"' in html
    assert not Complaint.objects.exists()
    assert not Customer.objects.exists()


def test_invalid_phone(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, intake(store, customer_phone="12345"))
    assert_kept(response)
    assert "valid phone number" in str(response.context["form"].errors["customer_phone"])
    assert 'value="12345"' in response.content.decode()


def test_no_way_to_reach_the_new_customer(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, intake(store, customer_phone="", customer_email=""))
    assert_kept(response)
    assert response.context["form"].errors["customer_phone"]


def test_no_customer_at_all(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, intake(store, customer_name=""))
    assert response.context["form"].errors["customer_name"]
    assert not Complaint.objects.exists()


def test_purchase_after_the_complaint_was_received(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, intake(store, received_at="2026-01-05T09:30"))
    assert_kept(response)
    assert "after the complaint" in str(response.context["form"].errors["purchase_date"])


def test_purchase_date_in_the_future(client, frontdesk, store):
    client.force_login(frontdesk)
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(URL, intake(store, purchase_date=tomorrow))
    assert_kept(response)
    assert "cannot be in the future" in str(response.context["form"].errors["purchase_date"])
    assert f'value="{tomorrow}"' in response.content.decode()


def test_received_in_the_future(client, frontdesk, store):
    client.force_login(frontdesk)
    later = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(URL, intake(store, received_at=later))
    assert_kept(response)
    assert response.context["form"].errors["received_at"]


def test_missing_account(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, intake(store, account=""))
    assert response.context["form"].errors["account"]
    assert 'value="Electric kettle KX-200"' in response.content.decode()


def test_file_too_large(client, frontdesk, store, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(frontdesk)
    big = SimpleUploadedFile("photo.png", PNG + b"\x00" * 2048, content_type="image/png")
    response = client.post(URL, intake(store, attachments=[big]))
    assert_kept(response)
    assert "at most" in str(response.context["form"].errors["attachments"])
    assert "Choose the files again" in response.content.decode()


def test_html_named_png_is_refused_by_its_content(client, frontdesk, store):
    client.force_login(frontdesk)
    fake = SimpleUploadedFile("photo.png", HTML, content_type="image/png")
    response = client.post(URL, intake(store, attachments=[fake]))
    assert_kept(response)
    assert "is not a photo" in str(response.context["form"].errors["attachments"])


def test_too_many_files(client, frontdesk, store, settings):
    settings.ATTACHMENT_MAX_COUNT = 2
    client.force_login(frontdesk)
    files = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(3)]
    response = client.post(URL, intake(store, attachments=files))
    assert_kept(response)
    assert "at most 2 attachments" in str(response.context["form"].errors["attachments"])


def test_photos_and_pdf_are_attached_under_safe_names(client, frontdesk, store):
    client.force_login(frontdesk)
    files = [
        SimpleUploadedFile("../../etc/收据 <1>.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("kettle.jpeg.exe", PNG, content_type="application/octet-stream"),
    ]
    client.post(URL, intake(store, attachments=files))
    complaint = Complaint.objects.get()
    attachments = {a.original_name: a for a in complaint.attachments.all()}
    assert set(attachments) == {"收据 _1.pdf", "kettle.jpeg.png"}
    assert attachments["kettle.jpeg.png"].content_type == "image/png"
    assert attachments["收据 _1.pdf"].file.name.endswith(".pdf")


# ---- one-stop at intake ----------------------------------------------------------------------


def settle(store, submit="settle", amount="150", **overrides):
    fields = {
        "settle-type": "refund",
        "settle-amount": amount,
        "settle-description": "Refund the kettle.",
        "settle-acceptance_method": "verbal",
    }
    fields.update(overrides)
    return intake(store, submit=submit, **fields)


def test_front_desk_settles_on_the_spot_within_their_authority(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, settle(store, amount="200"))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.status == Status.RESOLVED
    assert complaint.resolved_on_the_spot
    resolution = Resolution.objects.get(complaint=complaint)
    assert resolution.amount == Decimal("200")
    assert resolution.on_the_spot


def test_settling_above_authority_saves_nothing_and_says_so(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, settle(store, amount="200.01"))
    assert response.status_code == 200
    assert "request approval" in str(response.context["settle_form"].errors["amount"])
    assert not Complaint.objects.exists()
    assert not Customer.objects.exists()
    assert not Resolution.objects.exists()
    assert 'value="200.01"' in response.content.decode()


def test_supervisor_settles_what_front_desk_may_not(client, supervisor, store):
    client.force_login(supervisor)
    client.post(URL, settle(store, amount="1500"))
    assert Complaint.objects.get().status == Status.RESOLVED


def test_above_authority_goes_for_approval_from_intake(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, settle(store, submit="request_approval", amount="500"))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.status == Status.AWAITING_APPROVAL
    assert complaint.acknowledged_at is not None
    assert Resolution.objects.get(complaint=complaint).state == "awaiting_approval"


def test_request_within_authority_goes_straight_to_the_customer(client, frontdesk, store):
    client.force_login(frontdesk)
    client.post(URL, settle(store, submit="request_approval", amount="50"))
    assert Complaint.objects.get().status == Status.AWAITING_CUSTOMER


def test_settling_needs_a_description(client, frontdesk, store):
    client.force_login(frontdesk)
    response = client.post(URL, settle(store, **{"settle-description": ""}))
    assert response.context["settle_form"].errors["description"]
    assert not Complaint.objects.exists()


def test_plain_logging_ignores_an_unfinished_settle_section(client, frontdesk, store):
    client.force_login(frontdesk)
    data = settle(store, submit="log", **{"settle-description": ""})
    client.post(URL, data)
    assert Complaint.objects.get().status == Status.ACKNOWLEDGED
    assert not Resolution.objects.exists()


# ---- the customer lookup ---------------------------------------------------------------------


def test_lookup_finds_by_phone_with_masked_phone_history_and_repeat_badge(client, frontdesk, store):
    customer = CustomerFactory(store=store, name="Zhao Min", phone="+8613912345678")
    make_complaint(actor=frontdesk, store=store, customer=customer)
    make_complaint(actor=frontdesk, store=store, customer=customer)
    client.force_login(frontdesk)
    response = client.get(reverse("customers:lookup"), {"customer_search": "139 1234"})
    html = response.content.decode()
    assert "Zhao Min" in html
    assert "139****5678" in html
    assert "13912345678" not in html
    assert "2 complaints" in html
    assert 'data-testid="repeat-badge"' in html
    assert f'data-pick-customer="{customer.pk}"' in html


def test_lookup_by_email_and_no_repeat_badge_for_one_complaint(client, frontdesk, store):
    customer = CustomerFactory(store=store, email="qian@example.com")
    make_complaint(actor=frontdesk, store=store, customer=customer)
    client.force_login(frontdesk)
    html = client.get(reverse("customers:lookup"), {"q": "qian@"}).content.decode()
    assert customer.name in html
    assert "repeat-badge" not in html


def test_lookup_does_not_find_another_stores_customers(client, frontdesk, other_store):
    CustomerFactory(store=other_store, name="Sun Li", phone="+8613712345678")
    client.force_login(frontdesk)
    html = client.get(reverse("customers:lookup"), {"q": "13712345678"}).content.decode()
    assert "Sun Li" not in html
    assert "No customer found" in html


def test_an_anonymised_customer_cannot_be_picked(client, frontdesk, hq, store):
    from customers.services import customer_anonymise

    erased = CustomerFactory(store=store)
    customer_anonymise(actor=hq, customer_id=erased.pk)
    client.force_login(frontdesk)
    response = client.post(URL, intake(store, customer=erased.pk))
    assert response.status_code == 200
    assert not Complaint.objects.exists()
