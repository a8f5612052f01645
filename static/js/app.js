/* Small behaviours shared by every page, without inline handlers. */
(function () {
  "use strict";
  // <select data-autosubmit> submits its form when changed (e.g. the period switcher).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
  });
})();
