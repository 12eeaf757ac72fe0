"""Hostile text: a corpus of XSS payloads stored in every free-text field —
customer name, address and handling notes, the account, desired outcome, product, notes and
calls, root cause, reasons, resolution description and request, commitments, file names,
survey comment, callback note, category names, response scripts — and every page, e-mail and
export rendered for every role: nothing executable, nothing evaluated, no formula in a CSV."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.security import urlmap
from tests.security.hostile import ALL, PAYLOADS, csv_problems, hostile_text, html_problems
from tests.security.world import world_build

pytestmark = pytest.mark.django_db


def hostile_world_build(own_users: dict | None = None):
    """The two-store world with hostile text everywhere, plus what the world does not write:
    reasons, a rejected and re-proposed resolution, a survey answer, a callback note, scripts."""
    from complaints import services
    from followup.models import Callback
    from followup.surveys import callback_record, survey_answer
    from resolutions import services as resolution_services
    from resolutions.models import ResponseScript

    world = world_build(text=hostile_text, own_users=own_users)
    for side in (world.own, world.other):
        sup, fd = side.supervisor, side.frontdesk
        approval = side.objects["approval"]
        resolution_services.resolution_reject(
            complaint_id=approval.pk, actor=sup, reason=f"reject {ALL}"
        )
        resolution_services.resolution_propose(
            complaint_id=approval.pk,
            actor=fd,
            type="compensation",
            amount="950",
            description=f"again {ALL}",
            customer_request=ALL,
        )
        complaint = side.complaint
        services.complaint_reassign(
            complaint_id=complaint.pk, actor=sup, new_owner=fd, reason=f"reassign {ALL}"
        )
        services.complaint_escalate(
            complaint_id=complaint.pk, actor=sup, new_owner=sup, reason=f"escalate {ALL}"
        )
        survey_answer(token=side.objects["survey_token"], satisfaction=1, solved=False, comment=ALL)
        callback = Callback.objects.filter(complaint=side.objects["resolved"], done_at=None).first()
        if callback is not None:
            callback_record(
                callback_id=callback.pk,
                actor=fd,
                reached=True,
                satisfaction=2,
                solved=False,
                note=f"call {ALL}",
            )
        for key in ("complaint", "approval", "fulfilment", "resolved"):
            side.objects[key].refresh_from_db()
    ResponseScript.objects.update(
        opening=ALL,
        closing_apology=PAYLOADS[1],
        closing_thanks_trust=PAYLOADS[3],
        closing_thanks_feedback=PAYLOADS[9],
        closing_improvement=PAYLOADS[12],
    )
    return world


@pytest.fixture
def world(frontdesk, supervisor, manager):
    return hostile_world_build(
        own_users={"frontdesk": frontdesk, "supervisor": supervisor, "manager": manager}
    )


def _roles(world):
    return {
        "front desk": world.own.frontdesk,
        "supervisor": world.own.supervisor,
        "store manager": world.own.manager,
        "head office": world.hq,
    }


def _urls(world) -> list[str]:
    urls = []
    for route in urlmap.routes():
        if route.is_admin:
            url = urlmap.admin_url(route, world.own)
            urls += [url] if url else []
        else:
            urls += urlmap.app_urls(route, world.own)
    # Reflected input: search boxes, filters and lookups echo what was typed.
    for payload in (PAYLOADS[0], PAYLOADS[1], PAYLOADS[3], PAYLOADS[9]):
        from urllib.parse import quote

        q = quote(payload)
        urls += [
            f"/complaints/?q={q}",
            f"/complaints/?product_sku={q}&sort={q}&status={q}",
            f"/customers/?q={q}",
            f"/customers/lookup/?q={q}",
            f"/customers/lookup/?customer_search={q}",
            f"/reports/weekly/?week={q}&store={q}",
            f"/admin/complaints/complaint/?q={q}",
        ]
    # Every complaint of the store, in every state.
    urls += [f"/complaints/{c.reference}/" for c in world.own.complaints()]
    urls += [f"/admin/complaints/complaint/{c.pk}/change/" for c in world.own.complaints()]
    return urls


def test_no_page_lets_stored_or_reflected_text_run_for_any_role(world):
    urls = _urls(world)
    problems = []
    for role, user in _roles(world).items():
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{role} GET {url}: HTTP {response.status_code}")
                continue
            content_type = response.get("Content-Type", "")
            if response.status_code == 200 and content_type.startswith("text/html"):
                for problem in html_problems(response.content.decode()):
                    problems.append(f"{role} GET {url}: {problem}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_survey_page_and_its_answer_escape_hostile_text(client, frontdesk, supervisor):
    world = world_build(text=hostile_text, own_users={"frontdesk": frontdesk})
    token = world.own.objects["survey_token"]
    page = client.get(f"/survey/{token}/", REMOTE_ADDR="192.0.2.251")
    assert page.status_code == 200
    assert not html_problems(page.content.decode())
    response = client.post(
        f"/survey/{token}/",
        {"satisfaction": "2", "solved": "no", "comment": ALL},
        follow=True,
        REMOTE_ADDR="192.0.2.251",
    )
    assert response.status_code == 200
    assert not html_problems(response.content.decode())
    staff = Client()
    staff.force_login(supervisor)
    detail = staff.get(f"/complaints/{world.own.objects['resolved'].reference}/")
    assert not html_problems(detail.content.decode())


def test_e_mails_carry_no_executable_html(world):
    from followup.models import Delivery
    from followup.services import delivery_send

    for delivery in Delivery.objects.filter(channel="email"):
        delivery_send(delivery_id=delivery.pk)
    problems = []
    for message in mail.outbox:
        assert "\n" not in message.subject
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                problems += [f"{message.subject}: {p}" for p in html_problems(content)]
        if "<html" in message.body.lower():
            problems += [f"{message.subject}: {p}" for p in html_problems(message.body)]
    assert not problems, "\n".join(problems)


def test_csv_exports_do_not_carry_formulas(world):
    client = Client()
    for user in (world.own.manager, world.hq):
        client.force_login(user)
        response = client.get("/reports/weekly.csv")
        assert response.status_code == 200
        body = b"".join(getattr(response, "streaming_content", [response.content])).decode()
        assert not csv_problems(body), csv_problems(body)


def test_a_complaint_page_with_an_event_by_the_system_renders(client, complaint, frontdesk):
    """Regression: an event without an actor (follow-up closing a complaint) made the
    timeline's `default:event.actor.get_username` raise, and the page answered 500."""
    from complaints.services import event_record

    event_record(complaint=complaint, actor=None, kind="follow_up", text="Closed by follow-up")
    client.force_login(frontdesk)
    response = client.get(f"/complaints/{complaint.reference}/")
    assert response.status_code == 200
    assert "system" in response.content.decode()
