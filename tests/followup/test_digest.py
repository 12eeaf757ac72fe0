"""The weekly digest: Monday morning in the store's own time zone, once per store and week."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from followup.digest import weekly_digests_send
from followup.models import Notification, NotificationKind
from tests.factories import StoreFactory, make_complaint, staff
from tests.followup.conftest import send_outbox

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_each_manager_gets_last_weeks_summary_on_monday_morning_once(
    frontdesk, manager, store, mailoutbox
):
    for received in (
        shanghai(2026, 11, 17, 10, 0),
        shanghai(2026, 11, 18, 15, 0),
        shanghai(2026, 11, 22, 23, 30),  # Sunday night still belongs to that week
        shanghai(2026, 11, 23, 7, 0),  # Monday: this week, not last
    ):
        make_complaint(actor=frontdesk, store=store, received_at=received)
    london = StoreFactory(code="ld01", name="London", time_zone="Europe/London")
    staff("Store manager", london, username="london-manager")

    assert weekly_digests_send(now=shanghai(2026, 11, 23, 7, 30)) == 0  # too early
    assert weekly_digests_send(now=shanghai(2026, 11, 23, 8, 5)) == 1  # London: still Sunday
    assert weekly_digests_send(now=shanghai(2026, 11, 23, 9, 5)) == 0  # hourly again: once

    digest = Notification.objects.get(kind=NotificationKind.WEEKLY_DIGEST)
    assert digest.recipient == manager
    assert digest.params["week"] == "2026-W47" and digest.params["received"] == 3
    assert digest.url == f"/reports/weekly/?week=2026-W47&store={store.pk}"

    send_outbox()
    [mail] = mailoutbox
    assert mail.to == [manager.email]
    assert "Complaints received: 3" in mail.body
    assert f"/reports/weekly/?week=2026-W47&store={store.pk}" in mail.body
    assert mail.body.count("http://") == 1

    # Monday 08:05 in London is 16:05 in Shanghai: now London's manager hears.
    assert weekly_digests_send(now=shanghai(2026, 11, 23, 16, 5)) == 1
    assert Notification.objects.filter(recipient__username="london-manager").count() == 1
