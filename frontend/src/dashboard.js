// The dashboard's charts, loaded only by the dashboard page after Chart.js.
//
// The page passes its series as a JSON block (<script type="application/json"
// id="dashboard-data">, which the browser never executes, so the Content-Security-Policy
// needs no inline script): the days of the period, and per chart its translated label and
// values. Each <canvas data-series="name" data-chart="bar|line"> draws one series. Days and
// numbers are formatted in the page's language, colours and font come from app.css.
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // A day arrives as "YYYY-MM-DD" (the viewer's calendar day, computed by the server); read it
  // as UTC midnight and format it in UTC, so the browser's own time zone cannot shift it.
  function dayLabels(days, language) {
    var format = new Intl.DateTimeFormat(language, {
      day: "numeric",
      month: "short",
      timeZone: "UTC",
    });
    return days.map(function (day) {
      return format.format(new Date(day + "T00:00:00Z"));
    });
  }

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var language = document.documentElement.lang || "en";
    var labels = dayLabels(data.days, language);
    var brand = cssVar("--brand", "#2f7d4f");
    var Chart = window.Chart;
    // Canvas text does not inherit CSS: give it the page's font, which carries Thai glyphs.
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = cssVar("--muted", "#616e7c");

    document.querySelectorAll("canvas[data-series]").forEach(function (canvas) {
      var series = data.series[canvas.getAttribute("data-series")];
      if (!series) return;
      var line = canvas.getAttribute("data-chart") === "line";
      new Chart(canvas, {
        type: line ? "line" : "bar",
        data: {
          labels: labels,
          datasets: [
            {
              label: series.label,
              data: series.values,
              backgroundColor: line ? "rgba(47, 125, 79, 0.15)" : brand,
              borderColor: brand,
              borderWidth: line ? 2 : 0,
              fill: line,
              pointRadius: line && series.values.length > 31 ? 0 : 2,
              // Smooth, but never dipping below a day's real count (no negative activity).
              cubicInterpolationMode: "monotone",
            },
          ],
        },
        options: {
          locale: language,
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { display: false } },
          scales: {
            x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
            y: { beginAtZero: true, ticks: { precision: 0 } },
          },
        },
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
