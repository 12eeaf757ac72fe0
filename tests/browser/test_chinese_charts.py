"""The weekly report's charts in Chinese: the hours axis reads 小时, not a hard-coded "h"."""

import pytest

from tests.browser.conftest import save_screenshot, sign_in
from tests.reports.world import weekly_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The label Chart.js draws on the hours chart's value axis for 12 hours.
HOURS_TICK_JS = """
(canvas) => {
  const chart = Chart.getChart(canvas);
  return chart.options.scales.y.ticks.callback.call(chart.scales.y, 12, 0, []);
}
"""


@pytest.fixture
def world(store, hq, manager):
    return weekly_world(store, hq, manager)


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "12 小时"), ("en", "12 h")])
def test_the_hours_chart_labels_its_axis_in_the_users_language(
    page, live_server, world, password, language, label
):
    sign_in(page, live_server, "hq", password)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/reports/weekly/?week=2026-W44")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("canvas[data-chart='hours']").evaluate(HOURS_TICK_JS) == label
    if language != "en":
        save_screenshot(page, "weekly-report-chinese")
