// The segment page's "members over time": members at each day's end (a line) and who entered
// and left each day (bars), loaded only by the segment page after Chart.js.
//
// The page passes the series in a JSON block (<script type="application/json"
// id="segment-history-data">, never executed, so the Content-Security-Policy needs no inline
// script): the days, and per series its translated label and values. A day before the
// segment's history starts has no members value (null): the line starts where the history
// does. Days are formatted in the page's language, colours come from app.css.
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // "YYYY-MM-DD" read as UTC midnight and formatted in UTC: the browser's own time zone
  // cannot move a day.
  function dayLabels(days, language) {
    var format = new Intl.DateTimeFormat(language, { day: "numeric", month: "short", timeZone: "UTC" });
    return days.map(function (day) {
      return format.format(new Date(day + "T00:00:00Z"));
    });
  }

  function options(language, stacked) {
    return {
      locale: language,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { display: stacked } },
      scales: {
        x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
    };
  }

  function draw() {
    var source = document.getElementById("segment-history-data");
    var membersCanvas = document.getElementById("segment-members-chart");
    var movesCanvas = document.getElementById("segment-moves-chart");
    if (!source || !membersCanvas || !movesCanvas || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var language = document.documentElement.lang || "en";
    var labels = dayLabels(data.days, language);
    var brand = cssVar("--brand", "#2f7d4f");
    var Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = cssVar("--muted", "#616e7c");
    new Chart(membersCanvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          {
            label: data.members.label,
            data: data.members.values,
            borderColor: brand,
            backgroundColor: "rgba(47, 125, 79, 0.15)",
            borderWidth: 2,
            fill: true,
            stepped: true,
            // Long periods draw the line alone, but the day the history starts keeps its dot:
            // a segment created today is one point, which must not vanish.
            pointRadius: function (context) {
              var values = data.members.values;
              var i = context.dataIndex;
              var starts = i === 0 || values[i - 1] === null;
              return data.days.length <= 31 || starts ? 3 : 0;
            },
          },
        ],
      },
      options: options(language, false),
    });
    new Chart(movesCanvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: data.entered.label, data: data.entered.values, backgroundColor: brand, borderWidth: 0 },
          { label: data.exited.label, data: data.exited.values, backgroundColor: cssVar("--hot", "#c2410c"), borderWidth: 0 },
        ],
      },
      options: options(language, true),
    });
    membersCanvas.setAttribute("data-drawn", "true");
    movesCanvas.setAttribute("data-drawn", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
