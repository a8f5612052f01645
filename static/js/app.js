/* Small behaviours shared by every page, without inline handlers. */
(function () {
  "use strict";
  // <select data-autosubmit> submits its form when changed (e.g. the period switcher).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
  });
  // <button data-print> prints the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  // A page with [data-autoprint] (e.g. the task list's ?print=1, every row of the filter) opens
  // the print dialog once it has loaded.
  if (document.querySelector("[data-autoprint]")) {
    window.addEventListener("load", function () { window.setTimeout(function () { window.print(); }, 100); });
  }
  // <input type="checkbox" data-print-once> (e.g. 打印时包含操作记录) counts for one print only.
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("input[data-print-once]").forEach(function (box) { box.checked = false; });
  });
  // <form data-confirm="…"> asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  });
})();
