// Draws the capacity forecast (residents against places per month) with the vendored Chart.js.
// The data comes from a <script type="application/json"> element; the same numbers are in the
// table beside the chart, so the page works without this script.
(function () {
  "use strict";
  var colours = ["#0b4f6c", "#c05621"];

  var runsOutLine = {
    id: "runsOutLine",
    afterDatasetsDraw: function (chart, args, options) {
      if (options.index === null || options.index === undefined || options.index < 0) {
        return;
      }
      var x = chart.scales.x.getPixelForValue(options.index);
      var area = chart.chartArea;
      var context = chart.ctx;
      context.save();
      context.strokeStyle = "#b91c1c";
      context.lineWidth = 2;
      context.setLineDash([6, 4]);
      context.beginPath();
      context.moveTo(x, area.top);
      context.lineTo(x, area.bottom);
      context.stroke();
      context.setLineDash([]);
      context.fillStyle = "#b91c1c";
      context.fillText(options.label, Math.min(x + 4, area.right - 80), area.top + 12);
      context.restore();
    }
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || !window.Chart) {
      return;
    }
    var chart = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (dataset, index) {
          return {
            label: dataset.label,
            data: dataset.data,
            borderColor: colours[index % colours.length],
            backgroundColor: colours[index % colours.length],
            borderWidth: 2,
            pointRadius: 2,
            stepped: index === 1
          };
        })
      },
      options: {
        locale: document.documentElement.lang || "de",
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: "bottom" },
          runsOutLine: { index: chart.labels.indexOf(chart.runs_out), label: chart.runs_out_label }
        },
        scales: { y: { beginAtZero: true, title: { display: true, text: chart.unit } } }
      },
      plugins: [runsOutLine]
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
