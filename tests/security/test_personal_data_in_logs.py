"""Personal data is masked in logs and error reports."""

import io
import logging
import sys

import pytest
from django.core import mail
from django.test import RequestFactory, override_settings
from django.views.debug import ExceptionReporter

from complaints.middleware import PersonalDataLogFilter, personal_data_mask
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PHONE = "+8613812345678"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call +8613812345678 now", "call +861******5678 now"),
        ("call 138 1234 5678 now", "call 138****5678 now"),
        ("call 13812345678 now", "call 138****5678 now"),
        ("call +86 138-1234-5678", "call +861******5678"),
        ("mail li.wei+x@example.com.cn", "mail l***@example.com.cn"),
        # References, dates and short numbers are not personal data: left alone.
        ("complaint SH01-2026-000123 on 2026-11-25", "complaint SH01-2026-000123 on 2026-11-25"),
        ("order 4411 of 12 items", "order 4411 of 12 items"),
    ],
)
def test_phone_numbers_and_email_addresses_are_masked(text, masked):
    assert personal_data_mask(text) == masked


def _configured_handlers():
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, PersonalDataLogFilter) for f in h.filters)
    ]
    assert handlers, "the root logger's handler does not mask personal data"
    return handlers


def test_a_logged_phone_number_and_email_appear_masked_in_the_log_output():
    handler = _configured_handlers()[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        logging.getLogger("followup.sms").info(
            "SMS to %s (%s): your survey link", PHONE, "wang.fang@example.com"
        )
        logging.getLogger("django.request").warning("Not Found: /customers/?q=13812345678")
    finally:
        handler.setStream(previous)
    output = buffer.getvalue()
    assert "SMS to +861******5678 (w***@example.com)" in output
    assert "q=138****5678" in output
    assert PHONE not in output and "13812345678" not in output
    assert "wang.fang@" not in output


def test_a_logged_exception_is_masked_too():
    handler = _configured_handlers()[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        try:
            raise ValueError(f"duplicate phone {PHONE}")
        except ValueError:
            logging.getLogger("complaints").exception("intake failed for 13812345678")
    finally:
        handler.setStream(previous)
    output = buffer.getvalue()
    assert "ValueError: duplicate phone +861******5678" in output
    assert "13812345678" not in output


def _crash_with_personal_data(customer):
    phone = str(customer.phone)  # noqa: F841 - a local the error report must not show
    contact = f"{customer.name} <{customer.email}>"  # noqa: F841
    raise RuntimeError("boom")


def _report(request, customer) -> str:
    try:
        _crash_with_personal_data(customer)
    except RuntimeError:
        return ExceptionReporter(request, *sys.exc_info(), is_email=True).get_traceback_text()
    raise AssertionError("unreachable")


def test_error_reports_hide_the_customers_personal_data():
    customer = CustomerFactory(name="Zhang Xiaoming", phone=PHONE, email="zxm@example.com")
    request = RequestFactory().post(
        "/complaints/new/",
        {
            "customer_name": "Zhang Xiaoming",
            "customer_phone": "138 1234 5678",
            "customer_email": "zxm@example.com",
            "account": "My kettle broke; call me on 13812345678",
            "channel": "phone",
        },
    )
    report = _report(request, customer)
    for secret in ("Zhang Xiaoming", "13812345678", "138 1234 5678", "zxm@example.com", PHONE):
        assert secret not in report, secret
    assert "channel" in report and "phone" in report  # non-personal fields still help debugging


@override_settings(ADMINS=[("Ops", "ops@example.com")])
def test_the_admins_500_email_does_not_carry_personal_data():
    customer = CustomerFactory(name="Zhang Xiaoming", phone=PHONE, email="zxm@example.com")
    request = RequestFactory().post(
        "/complaints/new/", {"customer_phone": "13812345678", "account": "zxm@example.com"}
    )
    try:
        _crash_with_personal_data(customer)
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s (%s)",
            request.path,
            "13812345678",
            exc_info=sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    bodies = [message.body] + [content for content, _type in message.alternatives]
    for body in bodies + [message.subject]:
        for secret in ("Zhang Xiaoming", "13812345678", "zxm@example.com", PHONE):
            assert secret not in body, secret
