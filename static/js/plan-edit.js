/* Plan editing pages: a "全选" box per group of participant checkboxes. No inline handlers.
   Markup: <div data-check-group> … <input type=checkbox data-check-all> … the group's boxes. */
(function () {
  "use strict";

  function boxes(group) {
    return Array.prototype.filter.call(
      group.querySelectorAll("input[type=checkbox]"),
      function (box) { return !box.hasAttribute("data-check-all"); }
    );
  }

  function sync(group) {
    var all = group.querySelector("[data-check-all]");
    if (!all) { return; }
    var items = boxes(group);
    var checked = items.filter(function (box) { return box.checked; }).length;
    all.checked = items.length > 0 && checked === items.length;
    all.indeterminate = checked > 0 && checked < items.length;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var group = target.closest && target.closest("[data-check-group]");
    if (!group) { return; }
    if (target.hasAttribute("data-check-all")) {
      boxes(group).forEach(function (box) { box.checked = target.checked; });
    }
    sync(group);
  });

  document.querySelectorAll("[data-check-group]").forEach(sync);
})();
