"""What the system writes on the timeline (acknowledged, survey answered, callback, closed,
erased) reads in the reader's language, whoever's language it was written in."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints import services as complaint_services
from complaints.models import ComplaintEvent, EventKind
from customers.services import customer_anonymise
from followup import surveys
from followup.models import Callback, SurveyInvitation, SurveyState
from followup.selectors import token_hash
from resolutions import services as resolution_services
from tests.complaints.test_timeline import timeline_html
from tests.factories import CustomerFactory, make_complaint
from tests.followup.conftest import resolve_on_the_spot

pytestmark = pytest.mark.django_db

TOKEN = "a-token-of-at-least-128-bits-for-the-timeline-test"


def in_chinese(write):
    """Write as a Chinese-speaking colleague (or the system, in a Chinese request) would."""
    with translation.override("zh-hans"):
        return write()


def assert_reads(client, user, complaint, *, english: list[str], chinese: list[str]) -> None:
    en = timeline_html(client, user, complaint, "en")
    zh = timeline_html(client, user, complaint, "zh-hans")
    for words in english:
        assert words in en, words
        assert words not in zh, words
    for words in chinese:
        assert words in zh, words
        assert words not in en, words


def resolved(frontdesk, store):
    customer = CustomerFactory(store=store, consent_to_follow_up=False)
    return resolve_on_the_spot(
        make_complaint(actor=frontdesk, store=store, customer=customer), frontdesk
    )


def answer_survey(complaint, *, satisfaction: int, solved: bool) -> None:
    now = timezone.now()
    SurveyInvitation.objects.filter(complaint=complaint).update(
        state=SurveyState.SENT,
        token_hash=token_hash(TOKEN),
        sent_at=now,
        expires_at=now + timedelta(days=14),
    )
    surveys.survey_answer(token=TOKEN, satisfaction=satisfaction, solved=solved)


def test_acknowledged_at_intake(client, frontdesk, store):
    complaint = in_chinese(
        lambda: make_complaint(actor=frontdesk, store=store, acknowledge_now=True)
    )
    assert_reads(
        client,
        frontdesk,
        complaint,
        english=["Acknowledged at intake."],
        chinese=["登记时已受理。"],
    )


def test_acknowledged_when_a_resolution_was_proposed(client, frontdesk, store):
    complaint = make_complaint(actor=frontdesk, store=store)
    in_chinese(
        lambda: resolution_services.resolution_propose(
            complaint_id=complaint.pk,
            actor=frontdesk,
            type="apology",
            amount="0",
            description="We apologise for the wait",
            acknowledge_new=True,
        )
    )
    assert_reads(
        client,
        frontdesk,
        complaint,
        english=["Acknowledged when a resolution was proposed."],
        chinese=["提出解决方案时已受理。"],
    )


def test_a_satisfied_survey_answer_and_the_closure_it_brings(client, frontdesk, store):
    complaint = resolved(frontdesk, store)
    in_chinese(lambda: answer_survey(complaint, satisfaction=5, solved=True))
    assert_reads(
        client,
        frontdesk,
        complaint,
        english=[
            "Survey answered: satisfaction 5 of 5, problem solved.",
            "Closed: the customer is satisfied.",
        ],
        chinese=["调查已答复：满意度 5/5 分，问题已解决。", "已关闭：顾客满意。"],
    )


def test_a_dissatisfied_survey_answer(client, frontdesk, store):
    complaint = resolved(frontdesk, store)
    in_chinese(lambda: answer_survey(complaint, satisfaction=2, solved=False))
    assert_reads(
        client,
        frontdesk,
        complaint,
        english=["Survey answered: satisfaction 2 of 5, problem not solved."],
        chinese=["调查已答复：满意度 2/5 分，问题未解决。"],
    )


def test_closed_automatically_when_nobody_answered(client, frontdesk, store, settings):
    settings.AUTO_CLOSE_DAYS = 7
    complaint = resolved(frontdesk, store)
    SurveyInvitation.objects.filter(complaint=complaint).update(
        state=SurveyState.SENT, close_due_at=timezone.now() - timedelta(minutes=1)
    )
    assert in_chinese(lambda: surveys.surveys_auto_close_due()) == 1
    assert_reads(
        client,
        frontdesk,
        complaint,
        english=["Closed automatically: no answer 7 days after it was resolved."],
        chinese=["已自动关闭：解决后 7 天内未收到答复。"],
    )


def test_callbacks_read_in_the_readers_language_and_keep_the_note_as_typed(
    client, frontdesk, store
):
    complaint = resolved(frontdesk, store)
    callback = Callback.objects.create(complaint=complaint, survey=None, reason="no_consent")
    in_chinese(
        lambda: surveys.callback_record(
            callback_id=callback.pk, actor=frontdesk, reached=False, note="线路忙"
        )
    )
    in_chinese(
        lambda: surveys.callback_record(
            callback_id=callback.pk,
            actor=frontdesk,
            reached=True,
            satisfaction=3,
            solved=False,
            note="Wants a call from the manager",
        )
    )
    assert_reads(
        client,
        frontdesk,
        complaint,
        english=[
            "Callback: customer not reached.",
            "Callback: customer reached, satisfaction 3 of 5, problem not solved.",
        ],
        chinese=[
            "电话回访：未联系上顾客。",
            "电话回访：已联系上顾客，满意度 3/5 分，问题未解决。",
        ],
    )
    for language in ("en", "zh-hans"):  # the notes, as typed, for every reader
        html = timeline_html(client, frontdesk, complaint, language)
        assert "线路忙" in html and "Wants a call from the manager" in html


def test_a_satisfied_customer_reached_by_phone(client, frontdesk, store):
    complaint = resolved(frontdesk, store)
    callback = Callback.objects.create(complaint=complaint, survey=None, reason="no_consent")
    in_chinese(
        lambda: surveys.callback_record(
            callback_id=callback.pk, actor=frontdesk, reached=True, satisfaction=5, solved=True
        )
    )
    assert_reads(
        client,
        frontdesk,
        complaint,
        english=[
            "Callback: customer reached, satisfaction 5 of 5, problem solved.",
            "Closed: the customer is satisfied.",
        ],
        chinese=["电话回访：已联系上顾客，满意度 5/5 分，问题已解决。", "已关闭：顾客满意。"],
    )


def test_the_erasure_note(client, frontdesk, store, hq):
    complaint = make_complaint(actor=frontdesk, store=store)
    in_chinese(lambda: customer_anonymise(actor=hq, customer_id=complaint.customer_id))
    assert_reads(
        client,
        hq,
        complaint,
        english=["The customer&#x27;s personal details were erased at their request."],
        chinese=["应顾客要求，其个人信息已清除。"],
    )


def test_what_the_customer_or_staff_said_never_reaches_the_events_data(frontdesk, store, hq):
    customer = CustomerFactory(store=store, consent_to_follow_up=False, name="Wang Xiaoming")
    complaint = resolve_on_the_spot(
        make_complaint(actor=frontdesk, store=store, customer=customer), frontdesk
    )
    callback = Callback.objects.create(complaint=complaint, survey=None, reason="no_consent")
    surveys.callback_record(
        callback_id=callback.pk, actor=frontdesk, reached=False, note="Wang Xiaoming was out"
    )
    event = complaint.events.get(kind=EventKind.CALL)
    assert event.text == "Wang Xiaoming was out"
    assert "Wang" not in json.dumps(event.data)

    customer_anonymise(actor=hq, customer_id=customer.pk)
    event.refresh_from_db()
    assert "Wang" not in event.text + json.dumps(event.data)


def test_the_system_words_and_their_parameters_are_escaped(client, frontdesk, complaint):
    complaint_services.event_record(
        complaint=complaint,
        actor=None,
        kind=EventKind.NOTE,
        data={
            "msgid": "Closed automatically: no answer %(days)s days after it was resolved.",
            "params": {"days": "<b>7</b>"},
        },
    )
    html = timeline_html(client, frontdesk, complaint, "en")
    assert "no answer &lt;b&gt;7&lt;/b&gt; days" in html and "<b>7</b>" not in html


def test_older_events_keep_the_words_they_were_written_with(client, frontdesk, complaint):
    complaint_services.event_record(
        complaint=complaint, actor=None, kind=EventKind.NOTE, text="登记时已受理。"
    )
    assert ComplaintEvent.objects.filter(complaint=complaint, text="登记时已受理。").exists()
    assert "登记时已受理。" in timeline_html(client, frontdesk, complaint, "en")


def test_the_admins_event_log_reads_in_the_readers_language_too(client, frontdesk, supervisor):
    complaint = in_chinese(lambda: make_complaint(actor=frontdesk, acknowledge_now=True))
    complaint_services.complaint_add_note(
        complaint_id=complaint.pk, actor=frontdesk, text="Called <back>."
    )
    client.force_login(supervisor)
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Acknowledged at intake." in english and "登记时已受理。" not in english
    assert "Called &lt;back&gt;." in english  # staff's words, as typed and escaped
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登记时已受理。" in chinese and "Acknowledged at intake." not in chinese
