/* A live count under every text box with data-counter="<limit>": "已输入 123 / 5000 字", amber
 * from 90% of the limit, red over it. The box has no maxlength: a text pasted over the limit stays
 * whole in the box, and the server's refusal names the field and both lengths. */
(function () {
  "use strict";

  var WARN_AT = 0.9;

  function length(text) {
    // Characters as the server counts them (code points; a line break is one).
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function update(box) {
    var line = box._counterLine;
    var limit = parseInt(box.getAttribute("data-counter"), 10);
    if (!line || !(limit > 0)) return;
    var used = length(box.value);
    var text = "已输入 " + used + " / " + limit + " 字";
    var cls = "form-text small text-muted";
    if (used > limit) {
      text += "，超出 " + (used - limit) + " 字，请删减后再保存";
      cls = "form-text small text-danger fw-semibold";
    } else if (used >= limit * WARN_AT) {
      text += "，接近上限";
      cls = "form-text small text-danger";
    }
    line.textContent = text;
    line.className = cls;
    // Marks the box only for its own reason, leaving the server's marks alone.
    if (used > limit) {
      box.classList.add("is-invalid");
      box._counterMarked = true;
    } else if (box._counterMarked) {
      box.classList.remove("is-invalid");
      box._counterMarked = false;
    }
  }

  function attach(root) {
    (root || document).querySelectorAll("[data-counter]").forEach(function (box) {
      if (box._counterLine) return;
      var limit = parseInt(box.getAttribute("data-counter"), 10);
      if (!(limit > 0)) return;
      var line = document.createElement("div");
      line.setAttribute("aria-live", "polite");
      line.setAttribute("data-testid", "counter");
      if (box.id) line.id = box.id + "_counter";
      box.insertAdjacentElement("afterend", line);
      box._counterLine = line;
      update(box);
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-counter]")) update(event.target);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-counter]")) update(event.target);
  });
  // Forms that htmx swaps in (e.g. the progress form for another period) get their counters too.
  document.addEventListener("htmx:load", function (event) { attach(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { attach(document); });
  } else {
    attach(document);
  }
})();
