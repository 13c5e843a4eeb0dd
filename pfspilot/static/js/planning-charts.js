// Charts of the day plan and of the forecast (no inline script: Content-Security-Policy).
// The figures come from a <script type="application/json"> block, the French labels from the
// canvas's data-* attributes.
(function () {
  "use strict";
  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var plan = document.getElementById("plan-chart");
    var planData = data("plan-data");
    if (plan && planData) {
      new Chart(plan, {
        data: {
          labels: planData.labels,
          datasets: [
            { type: "bar", label: plan.dataset.labelStaffed, data: planData.staffed, backgroundColor: "rgba(29, 79, 145, 0.6)" },
            { type: "line", label: plan.dataset.labelRequired, data: planData.required, borderColor: "#b3261e", pointRadius: 2, stepped: "middle" }
          ]
        },
        options: { locale: "fr-FR", scales: { y: { beginAtZero: true, title: { display: true, text: plan.dataset.labelAxis } } } }
      });
    }
    var forecast = document.getElementById("forecast-chart");
    var forecastData = data("forecast-data");
    if (forecast && forecastData) {
      var datasets = [
        { type: "bar", label: forecast.dataset.labelForecast, data: forecastData.forecast, backgroundColor: "rgba(29, 79, 145, 0.6)" },
        { type: "line", label: forecast.dataset.labelBase, data: forecastData.base, borderColor: "#b86b00", pointRadius: 2 }
      ];
      if (forecastData.actual) {
        datasets.push({ type: "line", label: forecast.dataset.labelActual, data: forecastData.actual, borderColor: "#1e7b34", pointRadius: 2 });
      }
      new Chart(forecast, {
        data: { labels: forecastData.labels, datasets: datasets },
        options: { locale: "fr-FR", scales: { y: { beginAtZero: true, title: { display: true, text: forecast.dataset.labelAxis } } } }
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
