"""The access matrix: every URL pattern of the project (admin included) × every
role × an object of another store → 404, and pages about no one object never show another
store's data, whatever the query string says. A URL pattern this file cannot fill fails the
test: add it to urlmap.py and it is covered from then on."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security import urlmap
from tests.security.world import world_build

pytestmark = pytest.mark.django_db

POST_DATA = {
    "note": "tampered",
    "reason": "tampered",
    "text": "tampered",
    "kind": "note",
    "description": "tampered",
    "type": "refund",
    "amount": "1",
    "method": "verbal",
    "acceptance_method": "verbal",
    "due_at": "2031-01-01T10:00",
    "satisfaction": "1",
    "solved": "false",
    "reached": "true",
}


@pytest.fixture
def world(frontdesk, supervisor, manager):
    return world_build(
        own_users={"frontdesk": frontdesk, "supervisor": supervisor, "manager": manager}
    )


def _roles(world):
    return {
        "front desk": world.own.frontdesk,
        "supervisor": world.own.supervisor,
        "store manager": world.own.manager,
        "no role": world.nobody,
    }


def _leaks(response, side, url: str = "") -> list[str]:
    """Their markers in a text response (not counting what the URL itself asked for: a search
    box showing the reference typed is no leak, the complaint's customer name would be)."""
    if response.get("Content-Type", "").startswith(("text/", "application/json")):
        body = response.content.decode(errors="replace")
        return [marker for marker in side.markers() if marker in body and marker not in url]
    return []


def _post_data(url: str) -> dict:
    if "/act/" in url:
        action = url.rstrip("/").rsplit("/", 1)[-1]
        return {**POST_DATA, **{f"{action}-{k}": v for k, v in POST_DATA.items()}}
    return POST_DATA


def _state(side) -> dict:
    """What a successful tampering would change in one store."""
    from complaints.models import Attachment, ComplaintEvent
    from followup.models import Callback, Notification
    from resolutions.models import Commitment, FulfilmentTask, Resolution

    complaints = side.complaints()
    ids = [c.pk for c in complaints]
    return {
        "complaints": sorted(
            type(complaints[0])
            .objects.filter(pk__in=ids)
            .values_list("pk", "status", "version", "owner_id", "level")
        ),
        "events": ComplaintEvent.objects.filter(complaint_id__in=ids).count(),
        "attachments": Attachment.objects.filter(complaint_id__in=ids).count(),
        "resolutions": sorted(
            Resolution.objects.filter(complaint_id__in=ids).values_list("pk", "state", "amount")
        ),
        "tasks": sorted(
            FulfilmentTask.objects.filter(resolution__complaint_id__in=ids).values_list(
                "pk", "done_at"
            )
        ),
        "commitments": sorted(
            Commitment.objects.filter(complaint_id__in=ids).values_list("pk", "kept_at")
        ),
        "callbacks": sorted(
            Callback.objects.filter(complaint_id__in=ids).values_list("pk", "done_at")
        ),
        "notifications": sorted(
            Notification.objects.filter(recipient=side.supervisor).values_list("pk", "read_at")
        ),
        "customer": type(side.objects["customer"])
        .objects.filter(pk=side.objects["customer"].pk)
        .values()
        .first(),
    }


def _all_urls(world, side_name: str) -> tuple[list, list[str]]:
    """(url, route) for every route filled for one side, and the routes we could not fill."""
    side = world.side(side_name)
    filled, unknown = [], []
    for route in urlmap.routes():
        try:
            if route.is_admin:
                url = urlmap.admin_url(route, side)
                urls = [url] if url else []
            else:
                urls = urlmap.app_urls(route, side)
        except urlmap.UnknownRoute as exc:
            unknown.append(str(exc))
            continue
        filled += [(url, route) for url in urls]
    return filled, unknown


def test_every_url_pattern_is_known_to_the_matrix(world):
    _filled, unknown = _all_urls(world, "other")
    assert not unknown, "URL patterns the access matrix cannot fill:\n" + "\n".join(unknown)


def _refused(response, route, user) -> bool:
    """404 (not found), 403 (the role may never do this), 405 (wrong method), or for staff
    without admin access the admin's own redirect to its sign-in."""
    if response.status_code in (403, 404, 405):
        return True
    return (
        route.is_admin
        and not user.is_staff
        and response.status_code == 302
        and response["Location"].startswith("/admin/login/")
    )


def test_no_role_reaches_another_stores_data_by_any_url(world):
    filled, _unknown = _all_urls(world, "other")
    before = _state(world.other)
    problems = []
    for role, user in _roles(world).items():
        client = Client()
        client.force_login(user)
        for url, route in filled:
            about_an_object = bool(route.kwargs) or route.name == "admin:autocomplete"
            statuses = []
            for method in ("get", "post"):
                if method == "post" and not about_an_object:
                    continue
                data = _post_data(url) if method == "post" else {}
                response = getattr(client, method)(url, data)
                statuses.append(response.status_code)
                leaks = _leaks(response, world.other)
                if leaks:
                    problems.append(f"{role} {method.upper()} {url}: shows {leaks}")
                if response.status_code >= 500:
                    problems.append(f"{role} {method.upper()} {url}: HTTP {response.status_code}")
                elif (
                    about_an_object
                    and route.name != "admin:autocomplete"
                    and not _refused(response, route, user)
                ):
                    problems.append(
                        f"{role} {method.upper()} {url}: HTTP {response.status_code}, "
                        f"expected 404 {response.get('Location', '')}"
                    )
            if about_an_object and statuses and set(statuses) == {405}:
                problems.append(f"{role} {url}: 405 to every method")
    assert not problems, "\n".join(problems)
    assert _state(world.other) == before, "another store's data changed"


def test_mixing_my_complaint_with_their_object_ids_is_a_404(world):
    problems = []
    client = Client()
    for role, user in _roles(world).items():
        client.force_login(user)
        for route in urlmap.routes():
            if route.is_admin or len(set(route.kwargs) - {"action"}) < 2:
                continue
            for url in urlmap.app_urls(route, world.own, mixed_with=world.other):
                statuses = set()
                for method in ("get", "post"):
                    response = getattr(client, method)(url, _post_data(url))
                    statuses.add(response.status_code)
                    if not _refused(response, route, user):
                        problems.append(
                            f"{role} {method.upper()} {url}: HTTP {response.status_code}"
                        )
                    if _leaks(response, world.other):
                        problems.append(f"{role} {method.upper()} {url}: shows their data")
                if statuses == {405}:
                    problems.append(f"{role} {url}: 405 to every method")
    assert not problems, "\n".join(problems)


PROBES = [
    "?store={store}&stores={store}&customer={customer}&owner={owner}",
    "?q={reference}&search={reference}&reference={reference}",
    "?store={code}&stores={code}&week=2026-W01",
    "?complaint={complaint}&customer_id={customer}&user={owner}&recipient={owner}",
]


def test_pages_about_no_one_object_never_show_another_stores_data(world):
    other = world.other
    values = {
        "store": other.store.pk,
        "code": other.code,
        "customer": other.objects["customer"].pk,
        "owner": other.frontdesk.pk,
        "reference": other.complaint.reference,
        "complaint": other.complaint.pk,
    }
    problems = []
    for role, user in _roles(world).items():
        client = Client()
        client.force_login(user)
        for route in urlmap.routes():
            if route.kwargs or route.name in urlmap.NOT_STORE_DATA or not route.name:
                continue
            base = urlmap.admin_url(route, world.own) if route.is_admin else None
            if route.is_admin and base is None:
                continue
            base = base or urlmap.app_urls(route, world.own)[0]
            for probe in ["", *PROBES]:
                url = base + probe.format(**values)
                response = client.get(url)
                if response.status_code >= 500:
                    problems.append(f"{role} GET {url}: HTTP {response.status_code}")
                leaks = _leaks(response, other, url)
                if leaks:
                    problems.append(f"{role} GET {url}: shows {leaks}")
    assert not problems, "\n".join(problems)


def test_every_page_answers_its_own_stores_staff_without_error_and_uncached(world):
    filled, _unknown = _all_urls(world, "own")
    problems = []
    for role, user in {**_roles(world), "head office": world.hq}.items():
        client = Client()
        client.force_login(user)
        for url, _route in filled:
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{role} GET {url}: HTTP {response.status_code}")
            elif response.status_code == 200 and "no-store" not in response.get(
                "Cache-Control", ""
            ):
                problems.append(f"{role} GET {url}: no Cache-Control: no-store")
    assert not problems, "\n".join(problems)


def test_head_office_sees_every_stores_complaint(world):
    client = Client()
    client.force_login(world.hq)
    response = client.get(f"/complaints/{world.other.complaint.reference}/")
    assert response.status_code == 200
    assert world.other.complaint.reference in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in_everywhere(world, client):
    filled, _unknown = _all_urls(world, "own")
    problems = []
    for url, route in filled:
        if route.is_public:
            continue
        response = client.get(url)
        location = response.get("Location", "")
        if not (response.status_code == 302 and "login/" in location):
            problems.append(f"GET {url}: HTTP {response.status_code} {location}")
    assert not problems, "\n".join(problems)


def test_the_survey_page_answers_404_for_unknown_tokens_and_shows_no_personal_data(world, client):
    client.defaults["REMOTE_ADDR"] = "192.0.2.252"  # the survey's rate limit is per address
    assert client.get("/survey/not-a-real-token-0123456789abcdef/").status_code == 404
    response = client.get(f"/survey/{world.own.objects['survey_token']}/")
    assert response.status_code == 200
    body = response.content.decode()
    customer = world.own.objects["resolved"].customer
    for personal in (customer.name, str(customer.phone), customer.email, customer.address):
        if personal:
            assert personal not in body
