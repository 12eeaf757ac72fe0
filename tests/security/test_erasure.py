"""Erasure on request: anonymising a customer leaves none of their personal data
in the database, and every figure of the weekly report unchanged.

The event log is append-only (a PostgreSQL trigger refuses UPDATE and DELETE) with one
sanctioned exception: erasure blacks out the customer's details in event texts (a note a
member of staff typed about them), and nothing else of the entry changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import timezone

from complaints import services
from complaints.models import ComplaintEvent
from tests.factories import CustomerFactory, make_complaint
from tests.security.world import png_upload

pytestmark = pytest.mark.django_db

NAME = "Zhang Sanfeng"
PHONE = "+8613812345678"
EMAIL = "sanfeng.zhang@example.com"
ADDRESS = "88 Secret Garden Road"
NEEDLES = [NAME, "13812345678", EMAIL, ADDRESS, "Sanfeng"]


@pytest.fixture
def customer_with_history(store, frontdesk, supervisor):
    """A customer with two complaints, a file, a resolution, a survey answer and a callback."""
    from followup.models import Callback, SurveyInvitation, SurveyState
    from followup.selectors import token_hash
    from followup.surveys import survey_answer
    from resolutions import services as resolution_services

    customer = CustomerFactory(
        store=store,
        name=NAME,
        phone=PHONE,
        email=EMAIL,
        address=ADDRESS,
        handling_notes=f"{NAME} prefers calls after six.",
    )
    first = make_complaint(
        actor=frontdesk,
        store=store,
        customer=customer,
        account=f"I am {NAME}, call me on 13812345678 or {EMAIL}.",
        desired_outcome=f"Refund to {NAME}",
    )
    upload = png_upload("receipt.png")
    upload.detected_type, upload.safe_name = "image/png", "receipt.png"
    services.attachment_add(complaint=first, actor=frontdesk, upload=upload)
    resolution_services.resolution_resolve_on_the_spot(
        complaint_id=first.pk,
        actor=frontdesk,
        type="gift",
        amount="20",
        description="A voucher",
        customer_request=f"{NAME} wants a voucher",
    )
    survey = SurveyInvitation.objects.filter(complaint=first).first() or SurveyInvitation(
        complaint=first, language="en", channel="sms"
    )
    survey.state, survey.token_hash = SurveyState.SENT, token_hash("erasure-token-0123456789")
    survey.expires_at = timezone.now() + timedelta(days=14)
    survey.save()
    survey_answer(
        token="erasure-token-0123456789",
        satisfaction=2,
        solved=False,
        comment=f"This is {NAME}; reach me at {EMAIL}",
    )
    from followup.models import Delivery

    Delivery.objects.create(
        purpose="survey", channel="sms", address=PHONE, survey=survey, status="sent"
    )
    Delivery.objects.create(
        purpose="survey", channel="email", address=EMAIL, survey=survey, status="pending"
    )
    callback = Callback.objects.create(complaint=first, survey=None, reason="no_consent")
    callback.note = f"Spoke to {NAME} on 13812345678"
    callback.save()
    second = make_complaint(actor=frontdesk, store=store, customer=customer, account="Again.")
    return customer, [first, second]


def _personal_data_left(*, exclude: tuple = ()) -> list[str]:
    """Every text column of every table that still holds one of the customer's details."""
    found = []
    for model in apps.get_models():
        if model in exclude or model._meta.proxy:
            continue
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for name in text_fields:
            for needle in NEEDLES:
                lookup = f"{name}__icontains"
                try:
                    hits = model._base_manager.filter(**{lookup: needle}).count()
                except Exception:  # noqa: BLE001 - a JSON lookup this backend cannot do
                    hits = (
                        model._base_manager.filter(**{f"{name}__contains": needle}).count()
                        if not isinstance(model._meta.get_field(name), models.JSONField)
                        else 0
                    )
                if hits:
                    found.append(f"{model._meta.label}.{name} contains {needle!r} ({hits})")
    return found


def _report_csv(user) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get("/reports/weekly.csv")
    assert response.status_code == 200
    return b"".join(getattr(response, "streaming_content", [response.content]))


def _report_page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/reports/weekly/")
    assert response.status_code == 200
    return response.content.decode()


def test_erasing_a_customer_leaves_no_personal_data_and_every_figure_unchanged(
    client, customer_with_history, hq, manager
):
    customer, complaints = customer_with_history
    assert _personal_data_left(), "the fixture should have spread personal data around"
    csv_before = {user.pk: _report_csv(user) for user in (hq, manager)}

    client.force_login(hq)
    response = client.post(f"/customers/{customer.pk}/erase/")
    assert response.status_code == 302

    customer.refresh_from_db()
    assert customer.anonymised_at is not None
    left = _personal_data_left(exclude=(ComplaintEvent,))
    assert not left, "\n".join(left)
    for complaint in complaints:
        complaint.refresh_from_db()
        assert complaint.customer_id == customer.pk  # the complaints stay, counted
        assert not complaint.attachments.exists()
    for user in (hq, manager):
        assert _report_csv(user) == csv_before[user.pk], "a report figure changed"


def test_events_written_by_the_services_carry_no_personal_data(customer_with_history, hq):
    from customers.services import customer_anonymise

    customer, _complaints = customer_with_history
    customer_anonymise(actor=hq, customer_id=customer.pk)
    automatic = ComplaintEvent.objects.exclude(kind__in=["note", "call", "message"])
    for needle in NEEDLES:
        assert not automatic.filter(text__icontains=needle).exists(), needle


def test_staff_notes_about_an_erased_customer_are_scrubbed(customer_with_history, hq, frontdesk):
    from customers.services import customer_anonymise

    customer, complaints = customer_with_history
    note = services.complaint_add_note(
        complaint_id=complaints[0].pk,
        actor=frontdesk,
        text=f"Called {NAME} on +86 138-1234-5678; wrote to {EMAIL.upper()}. Kettle replaced.",
    )
    customer_anonymise(actor=hq, customer_id=customer.pk)
    assert not _personal_data_left()
    note.refresh_from_db()
    assert note.text == "Called [erased] on [erased]; wrote to [erased]. Kettle replaced."
    assert (note.kind, note.actor, note.complaint_id) == ("note", frontdesk, complaints[0].pk)


@pytest.mark.postgres
def test_outside_erasure_the_database_still_refuses_to_edit_the_log(complaint):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the database-level guard is PostgreSQL's")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE complaints_complaintevent SET text = 'rewritten'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL onestop.erasure = 'on'")
        cursor.execute("UPDATE complaints_complaintevent SET action = 'forged'")
