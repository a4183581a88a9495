// The persona page's chart: how many of the persona's people stand at each stage of its
// buying-stage dimension, loaded only by that page after Chart.js. The page passes translated
// stage labels and counts in a JSON block (<script type="application/json"
// id="persona-stages-data">, never executed, so the Content-Security-Policy needs no inline
// script); the colour and font come from app.css.
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw() {
    var source = document.getElementById("persona-stages-data");
    var canvas = document.getElementById("persona-stages-chart");
    if (!source || !canvas || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = cssVar("--muted", "#616e7c");
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: data.label,
            data: data.values,
            backgroundColor: cssVar("--brand", "#2f7d4f"),
            borderWidth: 0,
          },
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
    canvas.setAttribute("data-drawn", "true");
    canvas.setAttribute("data-values", data.values.join(","));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
