"""Accessibility: axe-core finds no serious or critical violation on the main
pages, every form field has a label, and the app can be used with the keyboard alone."""

from __future__ import annotations

import pytest

from complaints.models import Complaint
from tests.browser.conftest import describe_violations, sign_in
from tests.security.world import world_build

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Visible form controls without an accessible name (a <label>, aria-label or aria-labelledby).
UNLABELLED_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.getAttribute('title'))
  .map(el => el.outerHTML.slice(0, 160))
"""


@pytest.fixture
def world(frontdesk, supervisor, manager):
    return world_build(
        own_users={"frontdesk": frontdesk, "supervisor": supervisor, "manager": manager}
    )


def _pages(world):
    own = world.own
    return [
        ("frontdesk", "my work", "/"),
        ("frontdesk", "intake", "/complaints/new/"),
        ("frontdesk", "complaint page", f"/complaints/{own.complaint.reference}/"),
        ("supervisor", "complaint awaiting approval", f"/complaints/{own.objects['approval']}/"),
        ("supervisor", "list", "/complaints/"),
        ("supervisor", "my work (supervisor)", "/"),
        ("manager", "weekly report", "/reports/weekly/"),
        ("frontdesk", "customers", "/customers/"),
        ("frontdesk", "customer page", f"/customers/{own.objects['customer'].pk}/"),
    ]


def _check(page, what: str, axe) -> list[str]:
    problems = []
    violations = axe(page)
    if violations:
        problems.append(f"{what}: axe\n{describe_violations(violations)}")
    unlabelled = page.evaluate(UNLABELLED_JS)
    if unlabelled:
        problems.append(f"{what}: fields without a label: {unlabelled}")
    return problems


def test_sign_in_has_no_serious_accessibility_violations(page, live_server, axe):
    page.goto(f"{live_server.url}/accounts/login/")
    assert not _check(page, "sign-in", axe)


def test_the_main_pages_have_no_serious_violations_and_every_field_is_labelled(
    browser, live_server, axe, world, password
):
    problems = []
    by_user: dict[str, list] = {}
    for username, what, path in _pages(world):
        by_user.setdefault(username, []).append((what, path))
    for username, pages in by_user.items():
        context = browser.new_context(locale="en", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        try:
            sign_in(page, live_server, username, password)
            for what, path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, f"{what} ({path}): HTTP {response.status}"
                problems += _check(page, f"{what} as {username}", axe)
        finally:
            context.close()
    assert not problems, "\n\n".join(problems)


def test_the_survey_page_is_accessible(page, live_server, axe, world):
    token = world.own.objects["survey_token"]
    response = page.goto(f"{live_server.url}/survey/{token}/")
    assert response.status == 200
    assert not _check(page, "survey", axe)


# ---- keyboard only ------------------------------------------------------------------------------


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement; return {
            tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
            type: el.getAttribute('type') || '', testid: el.getAttribute('data-testid') || '',
            value: el.value === undefined ? '' : String(el.value) }; }"""
    )


def test_signing_in_with_the_keyboard_alone(page, live_server, frontdesk, password):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(30):  # from wherever focus starts, Tab to the username field
        if _focused(page)["name"] == "username":
            break
        page.keyboard.press("Tab")
    assert _focused(page)["name"] == "username"
    page.keyboard.type("frontdesk")
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "password"
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/") == live_server.url
    assert page.get_by_test_id("signed-in-as").is_visible()


KEYBOARD_TEXT = {
    "customer_name": "Keyboard Customer",
    "customer_phone": "13900001111",
    "product_name": "Electric kettle",
    "account": "Logged with the keyboard alone: the kettle leaks.",
}


def test_logging_a_complaint_with_the_keyboard_alone(page, live_server, frontdesk, password):
    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/complaints/new/")
    before = Complaint.objects.count()
    seen = set()
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = _focused(page)
        name = focused["name"]
        if focused["testid"] == "submit-log":
            break
        if name in seen:
            continue
        if name in KEYBOARD_TEXT:
            seen.add(name)
            page.keyboard.type(KEYBOARD_TEXT[name])
        elif focused["tag"] == "select" and not focused["value"]:
            seen.add(name)
            page.keyboard.press("ArrowDown")  # the first real choice
            while not _focused(page)["value"]:
                page.keyboard.press("ArrowDown")
    assert _focused(page)["testid"] == "submit-log", "Tab never reached the 'Log' button"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Complaint.objects.count() == before + 1, page.content()[:3000]
    complaint = Complaint.objects.order_by("-pk").first()
    assert complaint.account == KEYBOARD_TEXT["account"]
    assert complaint.customer.name == "Keyboard Customer"
    assert complaint.owner == frontdesk
    assert f"/complaints/{complaint.reference}/" in page.url
