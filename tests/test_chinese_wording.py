"""Where one English word means two things, the Chinese page says the right one; the weekly
report's dates and units follow the language (SPEC.md "Non-functional": English and Chinese)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import Notification
from resolutions.models import Commitment
from tests.factories import make_complaint
from tests.reports.world import weekly_world

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
WEEKLY = reverse("reports:weekly")


@pytest.fixture
def world(store, hq, manager):
    return weekly_world(store, hq, manager)


def chinese_day(day) -> str:
    return f"{day.month}月{day.day}日"


def by_test_id(html: str, test_id: str) -> str:
    match = re.search(rf'data-testid="{test_id}"[^>]*>(.*?)</(?:p|table|div)>', html, re.S)
    assert match, test_id
    return " ".join(re.sub(r"<[^>]+>", " ", match[1]).split())


def test_the_weekly_heading_names_the_week_once_in_english(client, world):
    client.force_login(world.hq)
    html = client.get(WEEKLY, {"week": "2026-W44"}).content.decode()
    scope = by_test_id(html, "report-scope")
    assert scope.startswith("Week 44: Monday 26 Oct to Sunday 1 Nov 2026")
    assert "Oct 26" not in scope  # the week label's own date is not repeated


def test_the_weekly_report_reads_naturally_in_chinese(client, world):
    client.force_login(world.hq)
    response = client.get(WEEKLY, {"week": "2026-W44"}, **CHINESE)
    html = response.content.decode()
    scope = by_test_id(html, "report-scope")
    assert scope.startswith("第 44 周：10月26日（周一）至 2026年11月1日（周日）")
    assert scope.count("10月26日") == 1

    report = response.context["report"]
    first, last = report.repeat_window
    assert f"在 {chinese_day(first)} 至 {last.year}年{chinese_day(last)} 的 90 天内" in html
    first, last = report.cluster_window
    assert f"{chinese_day(first)} 至 {last.year}年{chinese_day(last)} 期间" in html
    assert " Oct" not in html and " Nov " not in html

    # "Change" here is the difference from the week before, not an action.
    assert '<th scope="col" class="text-end">增减</th>' in html
    assert "变更" not in html
    # The stores table's "Open" column counts open complaints.
    assert by_test_id(html, "league-table").startswith("门店 已接收 已解决 未结 已逾期")
    # The charts' hours unit comes from the page, translated.
    assert 'data-unit-hours="小时"' in html


def test_the_hours_unit_stays_h_in_english(client, world):
    client.force_login(world.hq)
    assert 'data-unit-hours="h"' in client.get(WEEKLY, {"week": "2026-W44"}).content.decode()


def test_my_stores_now_counts_open_complaints_not_an_open_button(client, supervisor, frontdesk):
    make_complaint(actor=frontdesk)
    make_complaint(actor=supervisor)  # one of their own: the complaints table shows too
    client.force_login(supervisor)
    html = client.get(reverse("complaints:my_work"), **CHINESE).content.decode()
    header = by_test_id(html, "store-summary")
    assert header.startswith("门店 未结 未受理")
    assert "打开" not in html
    # The complaints table: "Received" is when it was received.
    assert "接收时间" in html


def test_an_open_commitment_is_pending_and_a_product_has_a_name(client, frontdesk):
    complaint = make_complaint(actor=frontdesk, product_name="Kettle K1")
    Commitment.objects.create(
        complaint=complaint,
        description="Call back with the repair date",
        due_at=timezone.now() + timedelta(days=3),
        made_by=frontdesk,
    )
    client.force_login(frontdesk)
    html = client.get(
        reverse("complaints:detail", args=[complaint.reference]), **CHINESE
    ).content.decode()
    assert '<span class="badge text-bg-light border">待兑现</span>' in html
    assert '<dt class="col-sm-4">名称</dt><dd class="col-sm-8">Kettle K1</dd>' in html
    # Labels of a time say so; Chinese punctuation between a label and its value.
    assert '<dt class="col-5">受理时间</dt>' in html
    assert "级别：门店" in html
    assert "<strong>已登记</strong>：新建" in html


def test_an_unread_notification_is_marked_unread_not_new(client, frontdesk, complaint):
    Notification.objects.create(
        recipient=frontdesk, complaint=complaint, kind="weekly_digest", url="/"
    )
    client.force_login(frontdesk)
    html = client.get(reverse("followup:notifications"), **CHINESE).content.decode()
    assert '<span class="badge text-bg-primary me-1">未读</span>' in html


def test_intake_offers_to_change_the_customer_and_asks_for_a_persons_name(client, frontdesk):
    client.force_login(frontdesk)
    html = client.get(reverse("complaints:create"), **CHINESE).content.decode()
    assert "data-clear-customer>更换</button>" in html
    assert re.search(r'<label\s+for="id_customer_name"[^>]*>\s*姓名\s*</label>', html)


def test_the_customer_list_heads_the_name_column_as_a_persons_name(client, supervisor):
    client.force_login(supervisor)
    html = client.get(reverse("customers:list"), **CHINESE).content.decode()
    assert '<th scope="col">姓名</th>' in html
