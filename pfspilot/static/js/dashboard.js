// COG dashboard: one line chart per target (value per period against the target line).
(function () {
  "use strict";
  var charts = [];
  var percent = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

  function draw() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = data[Number(canvas.dataset.chart)];
      var format = function (v) { return spec.percent ? percent.format(v) + "\u00a0%" : number.format(v); };
      charts.push(new Chart(canvas, {
        type: "line",
        data: {
          labels: spec.labels,
          datasets: [
            { label: "Valeur", data: spec.values, borderColor: "#1d4f91", backgroundColor: "#1d4f91", tension: 0.2, spanGaps: true },
            { label: "Cible", data: spec.target, borderColor: "#b3261e", borderDash: [6, 4], pointRadius: 0, fill: false }
          ]
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          plugins: {
            legend: { position: "bottom" },
            tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + " : " + format(ctx.parsed.y); } } }
          },
          // The target line must never sit on the edge of the axis: bounds hold it with a margin.
          // Counts and rates are never negative: `min` (0 or more) is a hard bound, so the
          // grace only widens the top of the axis.
          scales: {
            y: {
              min: Math.max(0, spec.min || 0),
              beginAtZero: !spec.percent,
              suggestedMax: spec.suggested_max === null ? undefined : spec.suggested_max,
              grace: "5%",
              ticks: { callback: format }
            }
          }
        }
      }));
    });
    drawHalfHours();
  }

  // Volumes per half-hour: mean offered and treated calls per day (bars).
  function drawHalfHours() {
    var source = document.getElementById("dashboard-half-hours");
    var canvas = document.getElementById("half-hours-chart");
    if (!source || !canvas) { return; }
    var data = JSON.parse(source.textContent);
    var decimal = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
    charts.push(new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Présentés", data: data.offered, backgroundColor: "#9db4d6" },
          { label: "Traités (agents + SVI)", data: data.treated, backgroundColor: "#1d4f91" }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + " : " + decimal.format(ctx.parsed.y); } } }
        },
        scales: { y: { min: 0, beginAtZero: true, ticks: { callback: function (v) { return decimal.format(v); } } } }
      }
    }));
  }

  // Choosing another team leaves the agent drill-down (captured before htmx sends the form).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name !== "team" || !target.form) { return; }
    var agent = target.form.querySelector("input[name=agent]");
    if (agent) { agent.remove(); }
  }, true);

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
