// Sizes the message's sandboxed frame to its content, so the page scrolls, not the frame.
// The frame may read its own same-origin document (sandbox allow-same-origin) but runs no
// script itself (no allow-scripts, CSP script-src 'none'); this file runs in the page.
(function () {
  "use strict";
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (!doc || !doc.body) return;
      // The body's own height: the document's is never less than the frame itself.
      frame.style.height = Math.max(120, Math.ceil(doc.body.getBoundingClientRect().height) + 24) + "px";
    } catch (e) { /* left at the stylesheet's height */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var frame = document.getElementById("mail-frame");
    if (!frame) return;
    frame.addEventListener("load", function () {
      fit(frame);
      // Images arriving later grow the content.
      setTimeout(function () { fit(frame); }, 800);
    });
    fit(frame);
  });
})();
