// The weekly trend page's charts (Chart.js, vendored). The page passes its numbers through
// a json_script element (the Content Security Policy forbids inline scripts); clicking a bar
// or a point opens the complaint list filtered to exactly the complaints behind it.
(function () {
  "use strict";

  var source = document.getElementById("weekly-chart-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  // Units are words, so the page translates them ("h" in English, "小时" in Chinese).
  var unitHolder = document.querySelector("[data-unit-hours]");
  var hoursUnit = (unitHolder && unitHolder.getAttribute("data-unit-hours")) || "h";
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#20c997", "#6c757d", "#d63384"];

  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false; // a report is read, not watched; draw at once
  Chart.defaults.maintainAspectRatio = false;

  function withUnit(value, unit) {
    if (value === null || value === undefined) return "—";
    if (unit === "%") return value + " %";
    if (unit === "h") return value + " " + hoursUnit;
    return String(value);
  }

  function build(canvas) {
    var spec = data.charts[canvas.getAttribute("data-chart")];
    if (!spec) return;
    var horizontal = !!spec.horizontal;
    var valueAxis = horizontal ? "x" : "y";
    var categoryAxis = horizontal ? "y" : "x";
    var extraAxes = {};
    var datasets = spec.datasets.map(function (dataset, index) {
      var color = palette[index % palette.length];
      var type = dataset.type || spec.type;
      if (dataset.yAxisID) extraAxes[dataset.yAxisID] = true;
      return {
        label: dataset.label,
        data: dataset.data,
        type: type,
        links: dataset.links || [],
        yAxisID: dataset.yAxisID || undefined,
        borderColor: color,
        backgroundColor: type === "line" ? color : color + "cc",
        borderWidth: type === "line" ? 2 : 0,
        pointRadius: type === "line" ? 3 : undefined,
        tension: 0.2,
        spanGaps: true,
        order: type === "line" ? 0 : 1
      };
    });

    var scales = {};
    var categoryTicks = { autoSkip: true, maxRotation: 0 };
    if (spec.labels && !horizontal) {
      // Category names under bars: all of them, slanted and shortened.
      categoryTicks = {
        autoSkip: false,
        maxRotation: 50,
        callback: function (value) {
          var label = String(this.getLabelForValue(value));
          var short = label.split(" › ").pop();
          return short.length > 22 ? short.slice(0, 21) + "…" : short;
        }
      };
    }
    scales[categoryAxis] = { stacked: !!spec.stacked, ticks: categoryTicks };
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: !!spec.stacked,
      suggestedMax: spec.max || undefined,
      ticks: { callback: function (value) { return withUnit(value, spec.unit); } }
    };
    if (extraAxes.cumulative) {
      scales.cumulative = { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
        ticks: { callback: function (value) { return value + " %"; } } };
    }
    if (extraAxes.score) {
      scales.score = { position: "right", min: 1, max: 5, grid: { drawOnChartArea: false } };
    }

    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels || data.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        interaction: { mode: "nearest", intersect: true },
        scales: scales,
        plugins: {
          legend: {
            position: "bottom",
            labels: { boxWidth: 12, sort: function (a, b) { return a.datasetIndex - b.datasetIndex; } }
          },
          tooltip: {
            callbacks: {
              label: function (item) {
                var unit = item.dataset.yAxisID === "cumulative" ? "%" :
                  (item.dataset.yAxisID === "score" ? "" : spec.unit);
                return item.dataset.label + ": " + withUnit(item.raw, unit);
              }
            }
          }
        },
        onClick: function (event, elements, chart) {
          if (!elements.length) return;
          var element = elements[0];
          var links = chart.data.datasets[element.datasetIndex].links;
          if (links && links[element.index]) window.location.href = links[element.index];
        },
        onHover: function (event, elements) {
          var target = event.native ? event.native.target : null;
          if (target) target.style.cursor = elements.length ? "pointer" : "default";
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(build);
})();
