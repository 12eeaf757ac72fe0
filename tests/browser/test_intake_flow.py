"""A front-desk user signs in, logs a complaint through the intake form, finds it in the
list, opens it, acknowledges it and switches the UI to Chinese, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint, Status
from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ACCOUNT = "The kettle leaks from the base since the first use; the table is ruined."


def test_sign_in_page_works_and_lets_frontdesk_in(
    page, live_server, login, axe, frontdesk, password
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Sign in to OneStop")).to_be_visible()
    violations = axe(page)
    assert not violations, describe_violations(violations)

    login(page, live_server, "frontdesk", password)

    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def test_frontdesk_logs_acknowledges_and_switches_to_chinese(
    page, live_server, login, screenshot, frontdesk, password
):
    login(page, live_server, "frontdesk", password)

    # Intake: a new customer registered inline, a phone complaint left for acknowledging later.
    page.get_by_role("link", name="New complaint", exact=True).click()
    expect(page).to_have_url(re.compile(r"/complaints/new/$"))
    page.select_option("#id_channel", "phone")
    page.locator("#id_acknowledge_now").uncheck()
    page.fill("#id_customer_name", "Emma Clarke")
    page.fill("#id_customer_phone", "+8613812345678")
    page.fill("#id_product_name", "Electric kettle 1.7 L")
    page.select_option("#id_category", label="Defective on arrival")
    page.select_option("#id_severity", "high")
    page.fill("#id_account", ACCOUNT)
    page.fill("#id_desired_outcome", "A new kettle and a cleaning allowance.")
    screenshot(page, "intake-filled")
    page.get_by_test_id("submit-log").click()

    # The logging user lands on the complaint they now own.
    reference = page.get_by_test_id("complaint-reference").inner_text().strip()
    assert re.fullmatch(r"SH01-\d{4}-\d{6}", reference)
    expect(page.get_by_test_id("account")).to_have_text(ACCOUNT)
    complaint = Complaint.objects.get(reference=reference)
    assert (complaint.owner, complaint.status, complaint.channel) == (
        frontdesk,
        Status.NEW,
        "phone",
    )

    # The list shows it, with the phone masked.
    page.get_by_role("link", name="Complaints", exact=True).click()
    row = page.locator("tr", has=page.get_by_role("link", name=reference))
    expect(row).to_be_visible()
    expect(row).to_contain_text("Emma Clarke")
    expect(page.locator("body")).not_to_contain_text("13812345678")
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_test_id("complaint-reference")).to_have_text(reference)

    # Acknowledge from the complaint page.
    page.locator("[data-action=acknowledge]").click()
    page.get_by_test_id("do-acknowledge").click()
    expect(page.get_by_test_id("complaint-status")).to_contain_text("Acknowledged")
    expect(page.get_by_test_id("timeline")).to_contain_text("Acknowledged")
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED
    screenshot(page, "complaint-acknowledged")

    # Switch the interface to Chinese; the choice is remembered in the language cookie.
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("link", name="我的工作")).to_be_visible()
    expect(page.get_by_test_id("complaint-status")).to_contain_text("已受理")
    expect(page.get_by_test_id("complaint-reference")).to_have_text(reference)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("django_language") == "zh-hans"
    page.goto(f"{live_server.url}/complaints/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    screenshot(page, "list-in-chinese")
