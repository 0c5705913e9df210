// Offers the browser's time zone once, while the person's is still the default (UTC): the
// server checks the name against zoneinfo and keeps it; the page then reloads so its dates
// are shown in that zone (unless the person already started typing or clicking: then the
// next page shows them). A static file: the CSP forbids inline scripts.
(function () {
  "use strict";
  var form = document.getElementById("time-zone-detect");
  if (!form || !window.Intl || !window.fetch) return;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  // Reload to show the new zone's dates only if the person has not started doing something.
  var busy = false;
  ["keydown", "pointerdown", "input"].forEach(function (kind) {
    document.addEventListener(kind, function () { busy = true; }, {capture: true, once: true});
  });
  var data = new FormData(form);
  data.append("time_zone", zone);
  fetch(form.action, {method: "POST", body: data, credentials: "same-origin"})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (answer) { if (answer && answer.changed && !busy) window.location.reload(); })
    .catch(function () { /* offered again next session */ });
})();
