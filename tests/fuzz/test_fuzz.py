"""Fuzzing: Hypothesis throws arbitrary input at intake, the complaint actions,
the list filters and the survey form. Never a server error; never half-saved data: an
invalid submission changes no row, a valid one changes exactly what it should.

Bounded for CI: a few dozen examples per test, no deadline (the database sets the pace).
"""

from __future__ import annotations

import itertools
import secrets
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.models import Attachment, Complaint, ComplaintEvent, Status
from customers.models import Customer
from resolutions.models import Resolution
from tests.factories import leaf_category, make_complaint

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    derandomize=True,  # the same examples on every run: CI stays reproducible
)

# Text as users and attackers type it: any unicode (no surrogates), control characters,
# very long strings, numbers, dates, SQL and markup fragments.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e309",
        "NaN",
        "9" * 40,
        "2026-02-30",
        "2999-01-01",
        "1900-01-01T00:00",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\x00",
        "\u202e",
        "%00",
        "../../etc/passwd",
        "+86 138 0000 0000",
        "a@b",
        "𝕏" * 50,
    ]
)
# Long input without the cost of generating it character by character.
LONG = st.builds(lambda n, ch: ch * n, st.integers(300, 7000), st.sampled_from("9a<汉\n"))
TEXT = st.one_of(NASTY, st.text(max_size=120), LONG)


def _counts() -> dict[str, int]:
    return {
        "complaints": Complaint.objects.count(),
        "customers": Customer.objects.count(),
        "events": ComplaintEvent.objects.count(),
        "attachments": Attachment.objects.count(),
        "resolutions": Resolution.objects.count(),
    }


def _choice(values: list[str], nasty_one_in: int = 6):
    """Mostly a valid value, sometimes anything: so that some submissions pass and the
    invalid ones fail on one field at a time, as real mistakes do."""
    return st.integers(1, nasty_one_in).flatmap(
        lambda i: TEXT if i == 1 else st.sampled_from(values)
    )


INTAKE_FIELDS = {
    "store": None,  # filled per test with the real id or garbage
    "channel": ["walk_in", "phone", "email", "web_form", "social_media", "letter", "regulator"],
    "received_at": ["2026-01-05T10:00", ""],
    "product_name": ["Kettle", ""],
    "product_sku": ["KT-1", ""],
    "product_batch": ["B12", ""],
    "purchase_date": ["2025-12-01", ""],
    "receipt_number": ["R-1", ""],
    "category": None,
    "severity": ["low", "medium", "high", "critical"],
    "account": ["The kettle broke."],
    "desired_outcome": ["A refund.", ""],
    "mood": ["calm", "angry", ""],
    "customer_search": [""],
    "customer": [""],
    "customer_name": ["Li Wei"],
    "customer_phone": ["13800138000", "+8613900139000"],
    "customer_email": ["li@example.com", ""],
    "customer_language": ["en", "zh-hans"],
    "customer_channel": ["sms", "email", "phone"],
    "customer_consent": ["on", ""],
    "acknowledge_now": ["on", ""],
    "submit": ["log", "settle", "request_approval"],
    "type": ["refund", "gift", "apology"],
    "amount": ["0", "50", "100000"],
    "description": ["A refund."],
    "acceptance_method": ["verbal", "signed"],
}


@st.composite
def intake_posts(draw, store_id: int, category_id: int):
    data = {}
    for name, values in INTAKE_FIELDS.items():
        if name == "store":
            values = [str(store_id)]
        if name == "category":
            values = [str(category_id)]
        if draw(st.integers(0, 19)) == 0:
            continue  # sometimes a field is simply missing
        data[name] = draw(_choice(values, nasty_one_in=30))
    return data


def test_intake_never_fails_and_never_half_saves(frontdesk, store):
    client = Client()
    client.force_login(frontdesk)
    category_id = leaf_category().pk

    outcomes = {200: 0, 302: 0}

    @FUZZ
    @given(data=intake_posts(store.pk, category_id))
    def check(data):
        before = _counts()
        response = client.post("/complaints/new/", data)
        assert response.status_code in (200, 302), response.status_code
        outcomes[response.status_code] += 1
        after = _counts()
        if response.status_code == 200:  # the form again, with errors: nothing was written
            assert after == before, data
        else:
            assert after["complaints"] == before["complaints"] + 1
            assert after["customers"] - before["customers"] in (0, 1)
            complaint = Complaint.objects.order_by("-pk").first()
            assert complaint.owner == frontdesk and complaint.store == store
            assert complaint.events.filter(kind="created").count() == 1
            if data.get("submit") == "settle" and complaint.status != Status.RESOLVED:
                raise AssertionError("settled at intake but not resolved")

    check()
    assert outcomes[200] and outcomes[302], f"the fuzz never reached both outcomes: {outcomes}"


ACTION_FIELDS = [
    "note",
    "reason",
    "text",
    "kind",
    "version",
    "owner",
    "new_owner",
    "verdict",
    "root_cause",
    "responsible_department",
    "type",
    "amount",
    "description",
    "method",
    "due_at",
]


def test_complaint_actions_never_fail_and_never_half_save(frontdesk, supervisor, store):
    from complaints.views import ACTIONS

    complaints = [make_complaint(actor=frontdesk, store=store) for _ in range(3)]
    clients = {}
    for user in (frontdesk, supervisor):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    resolution_paths = ["propose", "approve", "reject", "pass-up", "accept", "decline"]
    applied = {"changes": 0}

    @FUZZ
    @given(
        who=st.sampled_from(sorted(clients)),
        which=st.integers(0, len(complaints) - 1),
        action=st.one_of(
            st.sampled_from(sorted(ACTIONS)).map(lambda a: ("act", a)),
            st.sampled_from(resolution_paths).map(lambda a: ("resolutions", a)),
        ),
        fields=st.dictionaries(st.sampled_from(ACTION_FIELDS), TEXT, max_size=8),
        use_real_version=st.booleans(),
    )
    def check(who, which, action, fields, use_real_version):
        complaint = Complaint.objects.get(pk=complaints[which].pk)
        where, name = action
        if where == "act":
            url = f"/complaints/{complaint.reference}/act/{name}/"
            data = {f"{name}-{k}": v for k, v in fields.items()}
            if use_real_version:
                data[f"{name}-version"] = str(complaint.version)
        else:
            url = f"/resolutions/{complaint.reference}/{name}/"
            data = dict(fields)
            if use_real_version:
                data["version"] = str(complaint.version)
        before = _counts()
        response = clients[who].post(url, data)
        assert response.status_code in (200, 302, 400, 403, 404), (url, response.status_code)
        complaint.refresh_from_db()
        after = _counts()
        changed_version = complaint.version != complaints[which].version
        if changed_version:
            applied["changes"] += 1
            assert after["events"] > before["events"], "a change without its event row"
        if after["attachments"] != before["attachments"]:
            assert after["events"] > before["events"], "an attachment without its event row"
        complaints[which] = complaint

    check()
    assert applied["changes"], "no fuzzed action ever went through: the fuzz tests nothing"


LIST_PARAMS = [
    "q",
    "status",
    "store",
    "category_parent",
    "category",
    "severity",
    "channel",
    "level",
    "owner",
    "overdue",
    "received_after",
    "received_before",
    "resolved_after",
    "resolved_before",
    "department",
    "verdict",
    "product_sku",
    "product_batch",
    "customer",
    "one_stop",
    "reopened",
    "sort",
    "page",
    "week",
    "stores",
    "o",
    "e",
]


def test_list_filters_and_reports_never_fail(supervisor, manager, complaint):
    client = Client()

    @FUZZ
    @given(
        path=st.sampled_from(
            ["/complaints/", "/customers/", "/reports/weekly/", "/reports/weekly.csv", "/"]
        ),
        params=st.lists(st.tuples(st.sampled_from(LIST_PARAMS), TEXT), max_size=6),
        as_manager=st.booleans(),
    )
    def check(path, params, as_manager):
        client.force_login(manager if as_manager else supervisor)
        response = client.get(path + "?" + urlencode(params))
        assert response.status_code in (200, 302, 400, 403, 404), response.status_code

    check()


def test_the_survey_form_never_fails_and_answers_at_most_once(complaint):
    from followup.models import SurveyInvitation, SurveyState
    from followup.selectors import token_hash

    survey = SurveyInvitation.objects.create(complaint=complaint, language="en", channel="sms")
    client = Client()
    addresses = itertools.count()

    @FUZZ
    @given(
        satisfaction=_choice(["1", "2", "3", "4", "5"]),
        solved=_choice(["yes", "no", "true", "false", "on"]),
        comment=TEXT,
        token_noise=st.one_of(st.just(""), st.text(min_size=1, max_size=200)),
    )
    def check(satisfaction, solved, comment, token_noise):
        token = secrets.token_urlsafe(32)
        SurveyInvitation.objects.filter(pk=survey.pk).update(
            state=SurveyState.SENT,
            token_hash=token_hash(token),
            answered_at=None,
            satisfaction=None,
            solved=None,
            comment="",
            expires_at=timezone.now() + timedelta(days=14),
        )
        url = f"/survey/{token}{quote(token_noise, safe='')}/"
        before = _counts()
        # A fresh (documentation-range) address per example: the survey's per-address rate
        # limit lives in the shared cache and must not spill over into other tests.
        address = f"192.0.2.{next(addresses) % 250 + 1}"
        response = client.post(
            url,
            {"satisfaction": satisfaction, "solved": solved, "comment": comment},
            REMOTE_ADDR=address,
        )
        assert response.status_code in (200, 302, 400, 404, 429), response.status_code
        answered = SurveyInvitation.objects.get(pk=survey.pk)
        if response.status_code in (400, 404, 429) or (
            response.status_code == 200 and answered.answered_at is None
        ):
            assert answered.answered_at is None and answered.comment == ""
            assert _counts() == before
        if answered.answered_at is not None:
            assert answered.satisfaction in range(1, 6)
            again = client.post(
                url, {"satisfaction": "5", "solved": "yes", "comment": "x"}, REMOTE_ADDR=address
            )
            assert again.status_code in (200, 404, 429)
            assert SurveyInvitation.objects.get(pk=survey.pk).satisfaction == answered.satisfaction

    check()
