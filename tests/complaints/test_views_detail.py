"""One complaint's page, its action endpoints per role, and attachment downloads."""

from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, EventKind, Status
from complaints.uploads import upload_validate
from resolutions import services as resolution_services
from tests.factories import StoreFactory, make_complaint, staff

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
ROLES = ["frontdesk", "supervisor", "manager", "hq"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def detail(complaint):
    return reverse("complaints:detail", args=[complaint.reference])


def act(complaint, action):
    return reverse("complaints:act", args=[complaint.reference, action])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def attach(complaint, actor, name="photo.png", content=PNG):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    upload_validate(upload)
    return services.attachment_add(complaint=complaint, actor=actor, upload=upload)


# ---- the page --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_its_stores_complaint(client, request, role, complaint):
    client.force_login(request.getfixturevalue(role))
    response = client.get(detail(complaint))
    assert response.status_code == 200
    assert response.context["complaint"] == complaint
    assert response.context["version"] == complaint.version
    assert isinstance(response.context["available"], set)
    assert "resolutions/_complaint_panel.html" in [t.name for t in response.templates]
    assert complaint.account in response.content.decode()


@pytest.mark.parametrize("role", ["frontdesk", "supervisor", "manager"])
def test_another_stores_complaint_is_not_found(client, request, role, other_complaint):
    client.force_login(request.getfixturevalue(role))
    assert client.get(detail(other_complaint)).status_code == 404
    assert client.post(act(other_complaint, "note"), {"note-text": "x"}).status_code == 404


def test_head_office_sees_every_store(client, hq, other_complaint):
    client.force_login(hq)
    assert client.get(detail(other_complaint)).status_code == 200


def test_an_unknown_reference_is_not_found(client, frontdesk):
    client.force_login(frontdesk)
    assert client.get("/complaints/NOPE-2026-000001/").status_code == 404


def test_facts_customer_masked_and_times_in_the_stores_zone(client, hq):
    new_york = StoreFactory(code="ny01", name="New York", time_zone="America/New_York")
    clerk = staff("Front desk", new_york, username="nyclerk")
    complaint = make_complaint(
        actor=clerk,
        store=new_york,
        received_at=datetime(2026, 1, 10, 15, 0, tzinfo=UTC),
        product_sku="SKU-9",
    )
    customer = complaint.customer
    customer.phone = "+8613812345678"
    customer.is_vip = True
    customer.handling_notes = "Prefers calls after 6 pm."
    customer.save()
    client.force_login(hq)
    html = client.get(detail(complaint)).content.decode()
    assert "2026-01-10 10:00" in html  # 15:00 UTC is 10:00 in New York
    assert "138****5678" in html and "13812345678" not in html
    assert "VIP" in html
    assert "Prefers calls after 6 pm." in html
    assert "SKU-9" in html


def test_repeat_complainant_flag(client, frontdesk, store, complaint):
    make_complaint(actor=frontdesk, store=store, customer=complaint.customer)
    client.force_login(frontdesk)
    assert 'data-testid="repeat-badge"' in client.get(detail(complaint)).content.decode()


def test_buttons_follow_role_and_state(client, frontdesk, supervisor, manager, complaint):
    def buttons(user):
        client.force_login(user)
        response = client.get(detail(complaint))
        return {name for name, _spec, _form in response.context["action_forms"]}

    assert buttons(frontdesk) == {"acknowledge", "withdraw", "note", "upload"}
    assert buttons(supervisor) == {
        "acknowledge",
        "close_unfounded",
        "close_malicious",
        "withdraw",
        "escalate",
        "reassign",
        "note",
        "verdict",
        "upload",
    }
    assert buttons(manager) == set()
    client.force_login(frontdesk)
    assert "acknowledge" in client.get(detail(complaint)).context["available"]


def test_timeline_and_attachments_are_shown(client, frontdesk, complaint):
    services.complaint_add_note(complaint_id=complaint.pk, actor=frontdesk, text="Called back.")
    attachment = attach(complaint, frontdesk, name="receipt.png")
    client.force_login(frontdesk)
    html = client.get(detail(complaint)).content.decode()
    assert "Called back." in html
    assert reverse("complaints:attachment", args=[complaint.reference, attachment.pk]) in html


def test_the_page_runs_the_same_number_of_queries_for_3_and_30_events(client, frontdesk, complaint):
    def queries() -> int:
        client.get(detail(complaint))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail(complaint)).status_code == 200
        return len(captured)

    client.force_login(frontdesk)
    for i in range(2):
        services.complaint_add_note(complaint_id=complaint.pk, actor=frontdesk, text=f"n{i}")
    attach(complaint, frontdesk)
    few = queries()
    for i in range(27):
        services.complaint_add_note(complaint_id=complaint.pk, actor=frontdesk, text=f"m{i}")
    for _ in range(5):
        attach(complaint, frontdesk)
    many = queries()
    assert complaint.events.count() >= 30
    assert many == few


# ---- action endpoints, per role --------------------------------------------------------------

# (action, state to prepare, form data, roles allowed, what changes when allowed)
MATRIX = [
    ("acknowledge", "new", {}, {"frontdesk", "supervisor", "hq"}, Status.ACKNOWLEDGED),
    ("investigate", "acknowledged", {}, {"frontdesk", "supervisor", "hq"}, Status.INVESTIGATING),
    ("close", "resolved", {}, {"supervisor", "hq"}, Status.CLOSED),
    ("close_unfounded", "new", {"reason": "No purchase."}, {"supervisor", "hq"}, Status.CLOSED),
    ("close_malicious", "new", {"reason": "Extortion."}, {"supervisor", "hq"}, Status.CLOSED),
    ("withdraw", "new", {"reason": "Sorted."}, {"frontdesk", "supervisor", "hq"}, Status.CLOSED),
    ("reopen", "resolved", {"reason": "Broke again."}, {"supervisor", "hq"}, Status.INVESTIGATING),
]


def prepare(complaint, state, frontdesk):
    if state == "acknowledged":
        services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    elif state == "resolved":
        resolution_services.resolution_resolve_on_the_spot(
            complaint_id=complaint.pk, actor=frontdesk, type="apology", amount=0, description="."
        )
    complaint.refresh_from_db()
    return complaint


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "state", "data", "allowed", "target"), MATRIX)
def test_transition_endpoints_per_role(
    client, request, frontdesk, complaint, role, action, state, data, allowed, target
):
    complaint = prepare(complaint, state, frontdesk)
    before = complaint.status
    client.force_login(request.getfixturevalue(role))
    payload = {f"{action}-{key}": value for key, value in data.items()}
    response = client.post(act(complaint, action), {**payload, "version": complaint.version})
    complaint.refresh_from_db()
    if role in allowed:
        assert response.status_code == 302
        assert response["Location"] == detail(complaint)
        assert complaint.status == target
        assert complaint.events.filter(action=action).count() == 1
    else:
        assert response.status_code == 403
        assert complaint.status == before


@pytest.mark.parametrize("role", ROLES)
def test_reassign_and_escalate_per_role(client, request, store, complaint, role):
    colleague = staff("Front desk", store, username="colleague")
    user = request.getfixturevalue(role)
    client.force_login(user)
    reassigned = client.post(
        act(complaint, "reassign"),
        {"reassign-new_owner": colleague.pk, "version": complaint.version},
    )
    complaint.refresh_from_db()
    if role in {"supervisor", "hq"}:
        assert reassigned.status_code == 302
        assert complaint.owner == colleague
    else:
        assert reassigned.status_code == 403
        assert complaint.owner.username == "frontdesk"
    escalated = client.post(
        act(complaint, "escalate"),
        {
            "escalate-new_owner": colleague.pk,
            "escalate-reason": "Needs the region.",
            "version": complaint.version,
        },
    )
    complaint.refresh_from_db()
    if role in {"supervisor", "hq"}:
        assert escalated.status_code == 302
        assert complaint.level == "region"
    else:
        assert escalated.status_code == 403
        assert complaint.level == "store"


@pytest.mark.parametrize("role", ROLES)
def test_note_verdict_upload_per_role(client, request, complaint, role):
    client.force_login(request.getfixturevalue(role))
    note = client.post(
        act(complaint, "note"), {"note-kind": "call", "note-text": "Spoke to the customer."}
    )
    verdict = client.post(
        act(complaint, "verdict"),
        {
            "verdict-verdict": "good_faith",
            "verdict-root_cause": "Faulty seal.",
            "verdict-responsible_department": "product",
            "version": complaint.version,
        },
    )
    upload = client.post(
        act(complaint, "upload"),
        {"upload-files": [SimpleUploadedFile("p.png", PNG, content_type="image/png")]},
    )
    complaint.refresh_from_db()
    may_work = role in {"frontdesk", "supervisor", "hq"}
    assert note.status_code == (302 if may_work else 403)
    assert complaint.events.filter(kind=EventKind.CALL).exists() == may_work
    assert upload.status_code == (302 if may_work else 403)
    assert complaint.attachments.exists() == may_work
    may_judge = role in {"supervisor", "hq"}
    assert verdict.status_code == (302 if may_judge else 403)
    assert (complaint.verdict == "good_faith") == may_judge


def test_wrong_state_is_a_message_not_an_error(client, frontdesk, complaint):
    services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    complaint.refresh_from_db()
    client.force_login(frontdesk)
    response = client.post(act(complaint, "acknowledge"), {"version": complaint.version})
    assert response.status_code == 302
    assert any("too late" in m for m in messages_of(response))
    assert complaint.events.filter(action="acknowledge").count() == 1


def test_a_stale_page_changes_nothing_and_says_why(client, frontdesk, supervisor, complaint):
    seen = complaint.version
    services.complaint_acknowledge(complaint_id=complaint.pk, actor=supervisor)
    client.force_login(frontdesk)
    response = client.post(
        act(complaint, "withdraw"), {"withdraw-reason": "Changed mind.", "version": seen}
    )
    complaint.refresh_from_db()
    assert response.status_code == 302
    assert complaint.status == Status.ACKNOWLEDGED
    assert any("Someone else changed" in m for m in messages_of(response))


def test_a_missing_reason_is_reported(client, supervisor, complaint):
    client.force_login(supervisor)
    response = client.post(act(complaint, "close_unfounded"), {"version": complaint.version})
    complaint.refresh_from_db()
    assert response.status_code == 302
    assert complaint.status == Status.NEW
    assert any("required" in m for m in messages_of(response))


def test_a_wrong_file_type_is_reported_on_upload(client, frontdesk, complaint):
    client.force_login(frontdesk)
    response = client.post(
        act(complaint, "upload"),
        {"upload-files": [SimpleUploadedFile("x.png", HTML, content_type="image/png")]},
    )
    assert response.status_code == 302
    assert not complaint.attachments.exists()
    assert any("is not a photo" in m for m in messages_of(response))


def test_reassigning_to_another_stores_staff_is_refused(client, supervisor, frontdesk2, complaint):
    client.force_login(supervisor)
    response = client.post(
        act(complaint, "reassign"),
        {"reassign-new_owner": frontdesk2.pk, "version": complaint.version},
    )
    complaint.refresh_from_db()
    assert response.status_code == 302
    assert complaint.owner.username == "frontdesk"
    assert messages_of(response)


def test_unknown_action_and_get_are_refused(client, frontdesk, complaint):
    client.force_login(frontdesk)
    assert client.post(act(complaint, "delete")).status_code == 404
    assert client.get(act(complaint, "acknowledge")).status_code == 405


def test_resolution_transitions_are_not_this_pages_actions(client, frontdesk, complaint):
    client.force_login(frontdesk)
    response = client.post(act(complaint, "resolve_on_the_spot"), {"version": 1})
    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == Status.NEW


# ---- attachment downloads --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_download_per_role(client, request, frontdesk, complaint, role):
    attachment = attach(complaint, frontdesk)
    client.force_login(request.getfixturevalue(role))
    url = reverse("complaints:attachment", args=[complaint.reference, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize("role", ["frontdesk", "supervisor", "manager"])
def test_another_stores_attachment_is_not_found(client, request, frontdesk2, other_complaint, role):
    attachment = attach(other_complaint, frontdesk2)
    client.force_login(request.getfixturevalue(role))
    url = reverse("complaints:attachment", args=[other_complaint.reference, attachment.pk])
    assert client.get(url).status_code == 404


def test_no_upload_button_once_the_complaint_holds_the_maximum(
    client, frontdesk, complaint, settings
):
    settings.ATTACHMENT_MAX_COUNT = 1
    attach(complaint, frontdesk)
    client.force_login(frontdesk)
    response = client.get(detail(complaint))
    assert "upload" not in {name for name, _spec, _form in response.context["action_forms"]}
    refused = client.post(
        act(complaint, "upload"),
        {"upload-files": [SimpleUploadedFile("p.png", PNG, content_type="image/png")]},
    )
    assert refused.status_code == 302
    assert complaint.attachments.count() == 1
    assert any("at most 1" in m for m in messages_of(refused))
