"""A front-desk user signs in and works a complaint in a real browser."""

import pytest

from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_page_works_and_lets_frontdesk_in(
    page, live_server, login, axe, frontdesk, password
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Sign in to OneStop").is_visible()
    violations = axe(page)
    assert not violations, describe_violations(violations)

    login(page, live_server, "frontdesk", password)

    assert page.get_by_test_id("signed-in-as").is_visible()
