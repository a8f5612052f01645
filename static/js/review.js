/* Review pages: 全选 and the count of ticked entries for 批量通过 (no inline handlers: CSP). */
(function () {
  "use strict";
  var form = document.getElementById("batch-form");
  if (!form) { return; }
  var all = document.getElementById("select-all");
  var open = document.getElementById("batch-open");

  function boxes() {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[type=checkbox][name=entries][form="batch-form"]'));
  }

  function update() {
    var list = boxes();
    var ticked = list.filter(function (b) { return b.checked; }).length;
    document.querySelectorAll("[data-batch-count]").forEach(function (el) {
      el.textContent = String(ticked);
    });
    if (open) { open.disabled = ticked === 0; }
    if (all) {
      all.disabled = list.length === 0;
      all.checked = ticked > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    }
  }

  if (all) {
    all.addEventListener("change", function () {
      var on = all.checked;
      boxes().forEach(function (b) { b.checked = on; });
      update();
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.name === "entries" && target.getAttribute("form") === "batch-form") {
      update();
    }
  });
  update();
})();
