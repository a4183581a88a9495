// The scoring page's band chart (contacts per hot / warm / cold), loaded only by that page
// after Chart.js. The page passes translated labels and counts in a JSON block
// (<script type="application/json" id="score-bands-data">, never executed, so the
// Content-Security-Policy needs no inline script); the grade colours come from app.css.
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw() {
    var source = document.getElementById("score-bands-data");
    var canvas = document.getElementById("score-bands");
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
            backgroundColor: [
              cssVar("--hot", "#c2410c"),
              cssVar("--warm", "#b45309"),
              cssVar("--cold", "#1d4ed8"),
            ],
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
          x: { grid: { display: false } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    canvas.setAttribute("data-drawn", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
