// Follows a data export being built: polls its status and reloads the page once it is ready.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  var state = document.getElementById("export-state");
  if (!box || !state || !state.dataset.busy) { return; }
  var delay = 2000;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status === "queued" || data.status === "running") {
          var bar = state.querySelector("progress");
          var count = document.getElementById("export-count");
          if (bar) { bar.max = data.total || 1; bar.value = data.done; }
          if (count) { count.textContent = data.done + " of " + data.total + " messages"; }
          delay = Math.min(delay * 1.5, 15000);
          window.setTimeout(poll, delay);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 15000); });
  }
  window.setTimeout(poll, delay);
})();
