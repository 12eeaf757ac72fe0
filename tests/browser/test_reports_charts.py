"""The weekly report in a real browser: the charts are drawn (not blank canvases) under the
real Content Security Policy, and clicking a bar lands on exactly the complaints behind it."""

import pytest

from tests.browser.conftest import describe_violations, save_screenshot, sign_in
from tests.reports.world import weekly_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Share of a canvas's sampled pixels that are not transparent: a drawn chart has axes, grid
# lines, bars and labels; an empty canvas has none.
INK_JS = """
(canvas) => {
  const context = canvas.getContext('2d');
  const {width, height} = canvas;
  const pixels = context.getImageData(0, 0, width, height).data;
  let ink = 0, samples = 0;
  for (let i = 3; i < pixels.length; i += 4 * 7) { samples++; if (pixels[i] > 0) ink++; }
  return {ink: ink / samples, width, height};
}
"""

# Where Chart.js drew the received bar of the chosen (last) week, relative to the canvas.
BAR_JS = """
(canvas) => {
  const chart = Chart.getChart(canvas);
  const bar = chart.getDatasetMeta(0).data[chart.data.labels.length - 1];
  const box = canvas.getBoundingClientRect();
  return {x: box.left + bar.x, y: box.top + (bar.y + bar.base) / 2};
}
"""


@pytest.fixture
def world(store, hq, manager):
    return weekly_world(store, hq, manager)


def test_head_office_sees_every_chart_drawn_and_a_bar_opens_its_complaints(
    page, live_server, world, password, axe
):
    errors = []

    def on_console(message):
        # The browser's own favicon request 404s; page resources are checked below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("response", lambda response: response.status >= 400 and errors.append(response.url))
    sign_in(page, live_server, "hq", password)
    page.goto(f"{live_server.url}/reports/weekly/?week=2026-W44")
    canvases = page.locator("canvas[data-chart]")
    names = canvases.evaluate_all("(all) => all.map(c => c.dataset.chart)")
    assert {"volume", "timeliness", "hours", "quality", "compensation", "pareto"} <= set(names)
    for index, name in enumerate(names):
        drawn = canvases.nth(index).evaluate(INK_JS)
        assert drawn["width"] > 100 and drawn["height"] > 100, name
        assert drawn["ink"] > 0.01, f"the {name} chart is blank"
    assert page.get_by_test_id("league-table").is_visible()
    save_screenshot(page, "weekly-report-head-office")
    assert not errors, errors  # no CSP refusal, no script error
    violations = axe(page)
    assert not violations, describe_violations(violations)

    bar = page.locator("canvas[data-chart='volume']").evaluate(BAR_JS)
    with page.expect_navigation():
        page.mouse.click(bar["x"], bar["y"])
    assert "/complaints/" in page.url
    assert page.get_by_test_id("result-count").inner_text() == "6 complaints"


def test_a_store_manager_sees_their_stores_charts(page, live_server, world, password):
    sign_in(page, live_server, "manager", password)
    page.goto(f"{live_server.url}/reports/weekly/?week=2026-W44")
    assert "SH01" in page.get_by_test_id("report-scope").inner_text()
    volume = page.locator("canvas[data-chart='volume']").evaluate(INK_JS)
    assert volume["ink"] > 0.01
    assert page.get_by_test_id("league-table").count() == 0
    save_screenshot(page, "weekly-report-store-manager")
