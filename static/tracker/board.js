// The board's drag and drop and keyboard moves: an enhancement over each card's "Move to"
// form, which works without JavaScript. Loaded as a file (the CSP allows no inline script).
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var live = document.getElementById("board-status");
  var dragged = null;

  function columns() {
    return Array.prototype.slice.call(board.querySelectorAll(".board-column[data-status]"))
      .filter(function (c) { return c.getAttribute("data-status"); });
  }

  function csrf(card) {
    var input = card.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text) { if (live) live.textContent = text; }

  function updateCounts() {
    board.querySelectorAll(".board-column").forEach(function (column) {
      var count = column.querySelector(".count");
      if (count) count.textContent = String(column.querySelectorAll(".board-card").length);
      var empty = column.querySelector(".cards > .empty");
      if (empty) empty.hidden = column.querySelectorAll(".board-card").length > 0;
    });
  }

  function move(card, column) {
    var status = column.getAttribute("data-status");
    if (!status || card.parentElement === column.querySelector(".cards")) return;
    var body = new URLSearchParams();
    body.set("csrfmiddlewaretoken", csrf(card));
    body.set("status", status);
    card.classList.add("moving");
    fetch(card.getAttribute("data-move-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(card) },
      body: body,
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      card.classList.remove("moving");
      if (!result.ok) { say(result.data.error || "The move failed."); return; }
      column.querySelector(".cards").prepend(card);
      var select = card.querySelector("select[name=status]");
      if (select) select.value = status;
      var meta = card.querySelector(".card-meta");
      if (meta) meta.textContent = result.data.label + " (set by you)";
      card.setAttribute("aria-describedby", column.getAttribute("aria-labelledby"));
      updateCounts();
      card.focus();
      var title = card.querySelector(".card-title");
      say((title ? title.textContent : "Application") + " moved to " + result.data.label + ".");
    }).catch(function () {
      card.classList.remove("moving");
      say("The move failed; use the card's Move form.");
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-id"));
    card.classList.add("dragging");
  });
  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });
  board.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (!dragged || !column || !column.getAttribute("data-status")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop-target");
  });
  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (!dragged || !column) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    move(dragged, column);
  });

  // Keyboard: a focused card moves to the next or previous column with → / ←.
  board.addEventListener("keydown", function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains("board-card")) return;
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    var all = columns();
    var here = card.closest(".board-column");
    var index = all.indexOf(here);
    var next = event.key === "ArrowRight" ? index + 1 : index - 1;
    if (index === -1) next = event.key === "ArrowRight" ? 0 : all.length - 1;
    if (next < 0 || next >= all.length) return;
    event.preventDefault();
    move(card, all[next]);
  });

  board.classList.add("enhanced");
})();
