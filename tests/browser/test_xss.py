"""In a real browser: with hostile text stored in every field, no script
runs and no dialog opens on any main page, for any role; and no page, ours or the admin's,
trips the Content Security Policy (a violation means inline script or style somewhere)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.security.hostile import PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Runs before any page script: remember dialogs and CSP violations even if the page hides
# them, and let the test read them back.
WATCH_JS = """
window.__events = [];
document.addEventListener('securitypolicyviolation', e => window.__events.push(
  'CSP ' + e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' +
  e.lineNumber + ' ' + (e.sample || '')));
for (const name of ['alert', 'confirm', 'prompt']) {
  const original = window[name];
  window[name] = function (message) {
    window.__events.push(name + ': ' + message);
    return original.apply(window, arguments);
  };
}
"""


@pytest.fixture
def world(frontdesk, supervisor, manager):
    from tests.security.test_hostile_text import hostile_world_build

    return hostile_world_build(
        own_users={"frontdesk": frontdesk, "supervisor": supervisor, "manager": manager}
    )


def _paths(world) -> dict[str, list[str]]:
    from urllib.parse import quote

    own = world.own
    complaints = [f"/complaints/{c.reference}/" for c in own.complaints()]
    customer = own.objects["customer"]
    resolution = own.objects["approval"].resolutions.filter(is_current=True).first()
    common = [
        "/",
        "/complaints/",
        f"/complaints/?q={quote(PAYLOADS[1])}",
        *complaints,
        "/customers/",
        f"/customers/{customer.pk}/",
        "/notifications/",
        "/resolutions/scripts/",
        f"/resolutions/{own.objects['fulfilment'].reference}/agreement/",
    ]
    return {
        "frontdesk": [*common, "/complaints/new/", "/callbacks/"],
        "supervisor": [
            *common,
            "/resolutions/approvals/",
            "/admin/",
            "/admin/complaints/complaint/",
            f"/admin/complaints/complaint/{own.complaint.pk}/change/",
            "/admin/resolutions/pendingapproval/",
            f"/admin/resolutions/pendingapproval/{resolution.pk}/change/",
        ],
        "manager": ["/", "/reports/weekly/", "/complaints/", *complaints[:1]],
        "hq-world": [
            "/",
            "/reports/weekly/",
            "/admin/complaints/category/",
            "/admin/resolutions/responsescript/",
            "/admin/customers/customer/",
            f"/admin/customers/customer/{customer.pk}/change/",
        ],
    }


def _listen(page, problems: list[str], current: dict) -> None:
    """Record dialogs and CSP reports from the console, labelled with the page they came from."""

    def on_dialog(dialog):
        problems.append(f"{current['user']} {current['path']}: dialog {dialog.message!r}")
        dialog.dismiss()

    def on_console(message):
        if "Content Security Policy" in message.text:
            problems.append(f"{current['user']} {current['path']}: {message.text}")

    page.on("dialog", on_dialog)
    page.on("console", on_console)


def test_no_hostile_text_runs_and_no_page_violates_the_csp(browser, live_server, world, password):
    problems: list[str] = []
    for username, paths in _paths(world).items():
        context = browser.new_context(locale="en", viewport={"width": 1366, "height": 900})
        context.add_init_script(WATCH_JS)
        page = context.new_page()
        current = {"user": username, "path": "sign-in"}
        _listen(page, problems, current)
        try:
            sign_in(page, live_server, username, password)
            for path in paths:
                current["path"] = path
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, f"{username} {path}: HTTP {response.status}"
                page.wait_for_load_state("load")
                page.wait_for_timeout(150)  # let onload/ontoggle/htmx triggers fire
                state = page.evaluate("() => ({xss: window.__xss, events: window.__events})")
                if state["xss"] is not None:
                    problems.append(f"{username} {path}: a payload ran (__xss={state['xss']})")
                problems += [f"{username} {path}: {event}" for event in state["events"] or []]
        finally:
            context.close()
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_intake_lookup_shows_a_hostile_customer_safely(page, live_server, world, password):
    events: list[str] = []
    page.on("dialog", lambda dialog: (events.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "frontdesk", password)
    page.goto(f"{live_server.url}/complaints/new/")
    customer = world.own.objects["customer"]
    phone = str(customer.phone)[-8:]
    search = page.locator("[name=customer_search]")
    search.fill(phone)
    page.wait_for_timeout(1200)  # the lookup answers as one types (debounced)
    assert page.evaluate("() => window.__xss") is None
    assert not events
