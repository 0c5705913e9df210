// Keeps the mail list and its sync banner current without a reload: polls the sync status
// (/mails/sync-status, JSON) with back-off — every 3 s while a sync runs, then doubling up to
// a minute while nothing changes, slower while the tab is hidden — and
//  * moves the first sync's progress (messages stored so far);
//  * when the mailbox version changed (new mail, a finished sync), re-reads this page and
//    swaps its results in, announcing it in the page's aria-live region (#mail-news).
// A static file, not inline: the Content-Security-Policy allows our own scripts only.
(function () {
  "use strict";
  var banner = document.getElementById("sync-banner");
  if (!banner || !window.fetch) return;
  var results = document.getElementById("mail-results");
  var news = document.getElementById("mail-news");
  var FAST = 3000, SLOW = 60000;
  var delay = FAST;
  var phase = banner.dataset.phase;
  var version = results ? results.dataset.version : "";

  function announce(text) { if (news) news.textContent = text; }

  function showProgress(s) {
    var text = document.getElementById("sync-text");
    if (text && s.phase === "full") text.textContent = "Full sync: " + s.stored + " of ~" + s.messages_total + " messages stored";
    var bar = banner.querySelector("progress");
    if (bar) { bar.max = Math.max(1, s.messages_total); bar.value = s.stored; }
  }

  function refreshResults() {
    // Only the first page of a search follows new mail; a later page would shift under the reader.
    if (!results || results.dataset.live !== "1") return Promise.resolve(false);
    if (results.contains(document.activeElement)) return Promise.resolve(false);  // never steal focus
    return fetch(window.location.href, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) return false;
      return r.text().then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var next = fresh.getElementById("mail-results");
        var nextBanner = fresh.getElementById("sync-banner");
        if (!next) return false;
        var before = results.querySelectorAll(".mail-row").length;
        results.innerHTML = next.innerHTML;
        results.dataset.version = next.dataset.version;
        if (nextBanner) { banner.innerHTML = nextBanner.innerHTML; banner.dataset.phase = nextBanner.dataset.phase; }
        var after = results.querySelectorAll(".mail-row").length;
        announce(after > before ? (after - before) + " new message" + (after - before === 1 ? "" : "s") : "Mail list updated");
        return true;
      });
    });
  }

  function schedule() {
    var wait = document.hidden ? Math.max(delay, 30000) : delay;
    setTimeout(poll, wait);
  }

  function poll() {
    fetch(banner.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        var changed = false;
        if (s.phase === "full") showProgress(s);
        if (s.phase !== phase) { changed = true; phase = s.phase; banner.dataset.phase = s.phase; }
        if (s.google !== banner.dataset.google) { window.location.reload(); return; }
        var now = s.mailbox_version === null ? version : String(s.mailbox_version);
        if (now !== version) { changed = true; version = now; }
        var work = changed ? refreshResults() : Promise.resolve(false);
        return work.then(function () {
          // Fast while a sync runs or things change; otherwise back off to a minute.
          delay = (changed || s.phase !== "partial") ? FAST : Math.min(delay * 2, SLOW);
          schedule();
        });
      })
      .catch(function () { delay = Math.min(delay * 2, SLOW); schedule(); });
  }
  schedule();
})();
