// Keeps the sync banner's progress current while a full sync runs, and reloads the page once
// the mailbox is up to date. A static file, not inline: the Content-Security-Policy allows
// scripts from our own origin only.
(function () {
  "use strict";
  var banner = document.getElementById("sync-banner");
  if (!banner || banner.dataset.phase === "partial") return;
  function poll() {
    fetch(banner.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      var text = document.getElementById("sync-text");
      if (s.phase === "partial" && banner.dataset.phase !== "partial") { window.location.reload(); return; }
      if (text && s.phase === "full") { text.textContent = "Full sync: " + s.messages_done + " of ~" + s.messages_total + " messages"; }
      var bar = banner.querySelector("progress");
      if (bar) { bar.max = Math.max(1, s.messages_total); bar.value = s.messages_done; }
      setTimeout(poll, 2000);
    }).catch(function () { setTimeout(poll, 10000); });
  }
  setTimeout(poll, 2000);
})();
