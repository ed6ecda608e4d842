// Draws the charts of the key figures page with the vendored Chart.js.
// The data comes from <script type="application/json"> elements; every chart's
// numbers are also in the table next to it, so the page works without this script.
(function () {
  "use strict";
  var palette = ["#0b4f6c", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2b6cb0", "#975a16", "#4a5568", "#285e61"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || !window.Chart) {
      return;
    }
    var chart = JSON.parse(source.textContent);
    var bar = chart.type === "bar";
    var locale = document.documentElement.lang || "de";
    new window.Chart(canvas, {
      type: chart.type,
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (dataset, index) {
          var colour = palette[index % palette.length];
          return {
            label: dataset.label,
            data: dataset.data,
            borderColor: colour,
            backgroundColor: bar ? palette.slice(0, dataset.data.length) : colour,
            borderWidth: 2,
            pointRadius: 2,
            spanGaps: false
          };
        })
      },
      options: {
        locale: locale,
        animation: false,
        maintainAspectRatio: false,
        indexAxis: bar ? "y" : "x",
        plugins: { legend: { display: !bar, position: "bottom" } },
        scales: bar
          ? { x: { beginAtZero: true, title: { display: true, text: chart.unit } } }
          : { y: { beginAtZero: true, title: { display: true, text: chart.unit } } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
