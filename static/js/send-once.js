/* Forms marked data-send-once are sent once: as one is submitted its buttons are disabled, so a
   double click cannot send a second 催报. No inline handlers (the pages get a strict CSP). */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-send-once")) { return; }
    if (event.defaultPrevented) { return; }
    if (form.getAttribute("data-sent") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "1");
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    // Disabled after this turn of the event loop: the browser has taken the form's data by then.
    window.setTimeout(function () {
      buttons.forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        if (button.tagName === "BUTTON") { button.textContent = "发送中…"; }
      });
    }, 0);
  });

  // Back from the next page (bfcache): the form may be used again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-send-once][data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      form.querySelectorAll("[aria-busy]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        if (button.hasAttribute("data-label")) { button.textContent = button.getAttribute("data-label"); }
      });
    });
  });
})();
