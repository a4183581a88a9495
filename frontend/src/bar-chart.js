// One bar chart for every page that shows counts per category (the scoring page's contacts per
// hot / warm / cold, a persona's people per buying stage), loaded after Chart.js. Each
// <canvas data-bar-chart="ID"> is drawn from the JSON block with that id (<script
// type="application/json">, never executed, so the Content-Security-Policy needs no inline
// script) holding translated labels, a series label and the values. The bars take the colours
// of the CSS variables named in data-colours (one per bar, e.g. "--hot,--warm,--cold"), else the
// brand colour; fonts and colours come from app.css.
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function colours(canvas) {
    var names = (canvas.getAttribute("data-colours") || "").split(",").filter(Boolean);
    if (!names.length) return cssVar("--brand", "#2f7d4f");
    return names.map(function (name) {
      return cssVar(name.trim(), "#616e7c");
    });
  }

  function draw(canvas, Chart) {
    var source = document.getElementById(canvas.getAttribute("data-bar-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.label, data: data.values, backgroundColor: colours(canvas), borderWidth: 0 },
        ],
      },
      options: {
        locale: document.documentElement.lang || "en",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 45 } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    canvas.setAttribute("data-values", data.values.join(","));
    canvas.setAttribute("data-drawn", "true");
  }

  function drawAll() {
    var Chart = window.Chart;
    if (!Chart) return;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = cssVar("--muted", "#616e7c");
    document.querySelectorAll("canvas[data-bar-chart]").forEach(function (canvas) {
      draw(canvas, Chart);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
