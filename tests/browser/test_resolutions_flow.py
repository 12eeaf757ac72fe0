"""Resolutions end to end in a real browser: the one-stop path (front desk settles a small
complaint on the spot at intake) and the approval path (front desk proposes above their limit
on the complaint page, a supervisor approves in the Django admin, the customer accepts, the
warehouse task is done, the complaint is resolved)."""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint, Status
from resolutions.models import ApprovalDecision, ResolutionState
from tests.browser.conftest import TIMEOUT_MS, describe_violations
from tests.factories import leaf_category, make_complaint

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_front_desk_settles_a_small_complaint_on_the_spot_at_intake(
    page, live_server, login, screenshot, frontdesk, password
):
    login(page, live_server, "frontdesk", password)
    page.get_by_role("link", name="New complaint", exact=True).click()
    page.select_option("#id_channel", "walk_in")
    page.fill("#id_customer_name", "Li Na")
    page.fill("#id_customer_phone", "+8613900001111")
    page.fill("#id_product_name", "Travel mug")
    page.select_option("#id_category", label="Defective on arrival")
    page.fill("#id_account", "The lid of the mug is cracked; I bought it an hour ago.")
    page.fill("#id_desired_outcome", "A new mug.")
    page.get_by_role("button", name="Settle now (optional)").click()
    page.select_option("#id_settle-type", "exchange")
    page.fill("#id_settle-amount", "45")
    page.fill("#id_settle-description", "A new mug from the shelf, handed over now.")
    page.select_option("#id_settle-acceptance_method", "verbal")
    screenshot(page, "resolutions-one-stop-intake")
    page.get_by_test_id("submit-settle").click()

    expect(page.get_by_test_id("complaint-status")).to_contain_text("Resolved")
    panel = page.get_by_test_id("resolution-panel")
    expect(panel.get_by_test_id("current-resolution")).to_contain_text("Exchange")
    expect(panel.get_by_test_id("resolution-state")).to_have_text("Fulfilled")
    expect(panel).to_contain_text("Settled on the spot")
    screenshot(page, "resolutions-one-stop-resolved")

    reference = page.get_by_test_id("complaint-reference").inner_text().strip()
    complaint = Complaint.objects.get(reference=reference)
    resolution = complaint.resolutions.get()
    assert complaint.status == Status.RESOLVED and complaint.resolved_on_the_spot
    assert (resolution.state, resolution.amount, resolution.acceptance_method) == (
        ResolutionState.FULFILLED,
        45,
        "verbal",
    )


def test_above_the_limit_a_supervisor_approves_in_the_admin_and_the_case_is_fulfilled(
    browser, page, live_server, login, screenshot, axe, frontdesk, supervisor, password
):
    complaint = make_complaint(
        actor=frontdesk,
        category=leaf_category("broke-in-use"),
        account="The television went black after three weeks.",
        desired_outcome="A new television.",
    )
    url = f"{live_server.url}/complaints/{complaint.reference}/"

    # Front desk: the offer form follows the amount; above 200 it becomes "request approval".
    login(page, live_server, "frontdesk", password)
    page.goto(url)
    form = page.get_by_test_id("resolution-form")
    expect(form).to_contain_text("You may grant up to 200.00 CNY without approval")
    form.locator("select[name=type]").select_option("exchange")
    form.locator("input[name=amount]").fill("150")
    expect(form.get_by_test_id("settle-button")).to_be_visible()
    form.locator("input[name=amount]").fill("1200")
    expect(form.get_by_test_id("settle-button")).to_be_hidden()
    expect(form.get_by_test_id("propose-button")).to_have_text("Request approval")
    expect(form).to_contain_text("This is above your limit")
    form.locator("textarea[name=description]").fill("Replace the television with a new one.")
    violations = axe(page)
    assert not violations, describe_violations(violations)
    form.get_by_test_id("propose-button").click()
    expect(page.get_by_test_id("complaint-status")).to_contain_text("Awaiting approval")
    expect(page.get_by_test_id("resolution-panel")).to_contain_text(
        "You proposed it, so you cannot approve it yourself"
    )
    screenshot(page, "resolutions-awaiting-approval")

    # Supervisor, in another browser session: the admin lists it; approve it there.
    supervisor_context = browser.new_context(locale="en", viewport={"width": 1366, "height": 900})
    supervisor_context.set_default_timeout(TIMEOUT_MS)
    admin_page = supervisor_context.new_page()
    try:
        login(admin_page, live_server, "supervisor", password)
        admin_page.goto(f"{live_server.url}/admin/")
        admin_page.get_by_role("link", name="Resolutions awaiting approval").click()
        row = admin_page.locator("#result_list tr", has_text=complaint.reference)
        expect(row).to_contain_text("1,200.00 CNY")
        row.locator("input.action-select").check()
        admin_page.select_option("select[name=action]", "approve_selected")
        admin_page.get_by_role("button", name="Go").click()
        expect(admin_page.locator(".messagelist")).to_contain_text("Approved 1 resolution")
        expect(admin_page.locator("#result_list")).to_have_count(0)
        screenshot(admin_page, "resolutions-approved-in-admin")
    finally:
        supervisor_context.close()
    decision = ApprovalDecision.objects.get()
    assert (decision.decided_by, decision.decision) == (supervisor, "approve")

    # Front desk again: the customer signs; the warehouse ships; resolved.
    page.goto(url)
    expect(page.get_by_test_id("complaint-status")).to_contain_text("Awaiting customer")
    panel = page.get_by_test_id("resolution-panel")
    expect(panel.get_by_test_id("approval-decision")).to_contain_text("supervisor")
    expect(panel.get_by_test_id("print-agreement")).to_be_visible()
    answer = panel.get_by_test_id("customer-answer")
    answer.locator("select[name=method]").select_option("signed")
    answer.get_by_role("button", name="Customer accepts").click()
    expect(page.get_by_test_id("complaint-status")).to_contain_text("In fulfilment")
    tasks = page.get_by_test_id("fulfilment-tasks")
    expect(tasks).to_contain_text("Warehouse: ship the replacement")
    tasks.locator("input[name=note]").fill("Shipped with courier ref 12345")
    tasks.get_by_test_id("task-done").click()
    expect(page.get_by_test_id("complaint-status")).to_contain_text("Resolved")
    expect(page.get_by_test_id("resolution-state")).to_have_text("Fulfilled")
    expect(page.get_by_test_id("timeline")).to_contain_text("Shipped with courier ref 12345")
    screenshot(page, "resolutions-resolved")

    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    resolution = complaint.resolutions.get()
    assert resolution.acceptance_method == "signed"
    assert resolution.tasks.get().done_by == frontdesk

    # The agreement prints in the customer's language (the demo customer prefers Chinese).
    with page.expect_popup() as popup:
        page.get_by_test_id("print-agreement").click()
    agreement = popup.value
    expect(agreement.get_by_test_id("agreement-reference")).to_have_text(complaint.reference)
    expect(agreement.get_by_test_id("agreement-closing")).to_contain_text("感谢您选择我们")
    assert re.search(
        r"1,?200\.00 CNY", agreement.get_by_test_id("agreement-resolution").inner_text()
    )


def test_the_approvals_queue_and_scripts_pages_are_usable_and_accessible(
    page, live_server, login, axe, frontdesk, supervisor, password
):
    complaint = make_complaint(actor=frontdesk, category=leaf_category("late-delivery"))
    from resolutions import services

    services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="compensation",
        amount="600",
        description="Compensation for the wasted day",
        acknowledge_new=True,
    )
    login(page, live_server, "supervisor", password)
    page.get_by_role("link", name="Approvals", exact=True).click()
    row = page.get_by_test_id("approval-row").filter(has_text=complaint.reference)
    expect(row).to_contain_text("Within your limit")
    violations = axe(page)
    assert not violations, describe_violations(violations)
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(".alert-success")).to_contain_text("Approved")
    expect(page.get_by_test_id("approval-row")).to_have_count(0)

    page.goto(f"{live_server.url}/resolutions/scripts/")
    first = page.get_by_test_id("script-entry").first
    expect(first).to_contain_text("Late delivery")
    violations = axe(page)
    assert not violations, describe_violations(violations)


def test_the_script_hint_follows_the_category_chosen(page, live_server, login, frontdesk, password):
    """The include h1's intake form can place next to its category select."""
    login(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/resolutions/scripts/hint/")
    hint = page.get_by_test_id("script-hint")
    expect(hint).to_contain_text("Choose a category")
    overcharged = leaf_category("overcharged")
    # Stand in for the intake form's category select (DevTools, not an inline script).
    page.evaluate(
        """(id) => {
            const select = document.createElement("select");
            select.name = "category";
            select.innerHTML = '<option value=""></option><option value="' + id + '">x</option>';
            document.body.prepend(select);
        }""",
        str(overcharged.pk),
    )
    page.select_option("select[name=category]", str(overcharged.pk))
    expect(hint).to_contain_text("What to say: Overcharged")
    expect(hint).to_contain_text("refund the difference today")
