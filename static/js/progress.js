/* The task page's progress form (form[data-progress-form]): carries the last period forward and
   asks why when progress goes back. No inline handlers: everything is bound by data- attributes
   and delegated, because htmx swaps the form in and out (period switch, refused saves).

   - [data-carry-copy] copies each [data-carry-value] text into the textarea it names;
   - [data-carry-count] under a count input shows "本期 Y，保存后 Z" as the figure is typed;
   - [data-regression] (回退原因) is shown and required while the percent is below the previous
     period's (data-previous-percent) or the status leaves 已完成 (data-previous-status); the
     server refuses such a save without a reason too. */
(function () {
  "use strict";

  var FORM = "form[data-progress-form]";

  function parse(text) {
    var s = String(text || "").trim();
    if (s === "") { return null; }
    return /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
  }

  function show(n) {
    return String(Math.round(n * 100) / 100);
  }

  function withUnit(n, unit) {
    return show(n) + (unit ? " " + unit : "");
  }

  function regression(form) {
    var previous = form.getAttribute("data-previous-percent");
    if (previous === null) { return ""; }
    var status = form.querySelector("[name=status]");
    if (form.getAttribute("data-previous-status") === "done" && status && status.value !== "done") {
      return "上期已完成，改为" + status.options[status.selectedIndex].text + "请填写原因";
    }
    var percentInput = form.querySelector("[name=percent]");
    var percent = percentInput ? parse(percentInput.value) : null;
    if (percent !== null && !isNaN(percent) && percent < Number(previous)) {
      return "完成进度低于上期（" + previous + "%），请确认并填写原因";
    }
    return "";
  }

  function updateRegression(form) {
    var block = form.querySelector("[data-regression]");
    if (!block) { return; }
    var message = regression(form);
    var reason = block.querySelector("textarea");
    block.hidden = !message;
    reason.required = Boolean(message);
    if (message) {
      block.querySelector("[data-regression-message]").textContent = message + "。";
    }
  }

  function updateCount(hint) {
    var input = document.getElementById(hint.getAttribute("data-for"));
    var after = hint.querySelector("[data-carry-after]");
    if (!input || !after) { return; }
    var unit = hint.getAttribute("data-unit");
    var value = parse(input.value);
    if (value === null) {
      after.textContent = "";
    } else if (isNaN(value)) {
      after.textContent = "；本期请填写数字";
    } else {
      var total = Number(hint.getAttribute("data-before")) +
        Number(hint.getAttribute("data-units-in") || 0) + value;
      after.textContent = "，本期 " + withUnit(value, unit) + "，保存后 " + withUnit(total, unit);
    }
  }

  function init(root) {
    var forms = Array.prototype.slice.call(root.querySelectorAll(FORM));
    if (root.matches && root.matches(FORM)) { forms.push(root); }
    forms.forEach(function (form) {
      form.querySelectorAll("[data-carry-copy]").forEach(function (button) { button.hidden = false; });
      form.querySelectorAll("[data-carry-count]").forEach(updateCount);
      updateRegression(form);
    });
  }

  function onEdit(event) {
    var form = event.target.closest && event.target.closest(FORM);
    if (!form) { return; }
    var name = event.target.getAttribute("name");
    if (name === "percent" || name === "status") { updateRegression(form); }
    if (name === "regression_reason" && event.target.value.trim()) {
      event.target.classList.remove("is-invalid");
    }
    if (event.target.hasAttribute("data-indicator-input")) {
      form.querySelectorAll('[data-carry-count][data-for="' + event.target.id + '"]').forEach(updateCount);
    }
  }

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-carry-copy]");
    if (!button) { return; }
    var form = button.closest(FORM);
    var first = null;
    form.querySelectorAll("[data-carry-value]").forEach(function (source) {
      var target = form.querySelector('[name="' + source.getAttribute("data-carry-for") + '"]');
      if (!target) { return; }
      target.value = source.getAttribute("data-carry-value");
      first = first || target;
    });
    if (first) { first.focus(); }
  });

  // Capture phase, before htmx's own submit listener on the form: a save that goes back without
  // a reason is held here, with the reason box in view.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(FORM)) { return; }
    updateRegression(form);
    var block = form.querySelector("[data-regression]");
    if (!block || block.hidden) { return; }
    var reason = block.querySelector("textarea");
    if (reason.value.trim()) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    reason.classList.add("is-invalid");
    block.scrollIntoView({ block: "center" });
    reason.focus();
  }, true);

  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  init(document);
})();
