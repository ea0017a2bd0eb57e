// Filters the resource lists on module pages and the Resources page by language and type.
// Without JavaScript every resource is listed; the filters only appear when this runs.
(function () {
  function setUp(list) {
    var filters = list.querySelector(".resource-filters");
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-type]"));
    var count = list.querySelector("[data-count]");
    var selects = list.querySelectorAll("select[data-filter]");
    function apply() {
      var language = list.querySelector('[data-filter="language"]').value;
      var type = list.querySelector('[data-filter="type"]').value;
      var shown = 0;
      items.forEach(function (item) {
        var ok = (!language || item.dataset.lang.split(" ").indexOf(language) >= 0) &&
                 (!type || item.dataset.type === type);
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown;
    }
    Array.prototype.forEach.call(selects, function (s) { s.addEventListener("change", apply); });
    filters.hidden = false;
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-resource-list]"), setUp);
  }
  if (window.document$) { window.document$.subscribe(init); } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
