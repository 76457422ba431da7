// Filters the brand list as the user types; the search form still works without it.
(function () {
  "use strict";
  var input = document.getElementById("brand-search");
  var empty = document.getElementById("brand-filter-empty");
  if (!input) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll(".brand-list-item"));
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function filter() {
    var needle = fold(input.value.trim());
    var shown = 0;
    items.forEach(function (item) {
      var hit = !needle || fold(item.textContent).indexOf(needle) !== -1 ||
        fold(item.id).indexOf(needle) !== -1;
      item.hidden = !hit;
      if (hit) { shown += 1; }
    });
    if (empty) { empty.hidden = shown > 0 || items.length === 0; }
  }
  input.addEventListener("input", filter);
  filter();
})();
