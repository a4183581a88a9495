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

  // A canvas draws with the fonts already loaded, and the page's own fonts load a subset only
  // when a letter needs it (app.css): on a machine without a Thai font, Thai labels drawn
  // before their face arrived came out as boxes. So the faces the labels need load first.
  function fontsFor(data) {
    if (!document.fonts || !document.fonts.load) return Promise.resolve();
    var family = getComputedStyle(document.body).fontFamily;
    var text = [data.label].concat(data.labels).join(" ");
    return Promise.all([
      document.fonts.load("12px " + family, text),
      document.fonts.load("bold 12px " + family, text),
    ]).catch(function () {});
  }

  function draw(canvas, Chart) {
    var source = document.getElementById(canvas.getAttribute("data-bar-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    fontsFor(data).then(function () {
      drawWith(canvas, Chart, data);
    });
  }

  function drawWith(canvas, Chart, data) {
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
          // Every category is named, unless the canvas says data-auto-skip (a bar per day of
          // 90 days): then Chart.js names what fits, and the tooltip still names each bar.
          x: {
            grid: { display: false },
            ticks: { autoSkip: canvas.hasAttribute("data-auto-skip"), maxRotation: 45 },
          },
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
