// Keeps the countdown of an open email page running (the server renders the same text).
(function () {
  "use strict";
  function span(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days) return days + " j " + hours + " h";
    if (hours) return hours + " h " + (mins < 10 ? "0" : "") + mins + " min";
    return mins + " min";
  }
  function tick() {
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var seconds = Math.trunc((Date.parse(el.dataset.due) - Date.now()) / 1000);
      el.textContent = seconds < 0 ? "en retard de " + span(seconds) : "reste " + span(seconds);
      if (seconds < 0 && el.parentElement) el.parentElement.classList.add("status-missed");
    });
  }
  setInterval(tick, 30000);
})();
