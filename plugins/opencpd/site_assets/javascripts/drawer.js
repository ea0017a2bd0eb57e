// The menu button of a narrow screen (partials/header.html): a label for the drawer's checkbox
// that Tab reaches. Material opens it on Enter; Space opens it too, as on a button, and Escape
// closes the drawer and gives the focus back to the button (WCAG 2.1.1).
(function () {
  function drawer() { return document.getElementById("__drawer"); }
  function button() { return document.querySelector('label.md-header__button[for="__drawer"]'); }
  addEventListener("keydown", function (event) {
    var toggle = drawer();
    if (!toggle) { return; }
    if (event.key === " " && document.activeElement === button()) {
      event.preventDefault();
      button().click();
    } else if (event.key === "Escape" && toggle.checked) {
      toggle.click();
      if (button()) { button().focus(); }
    }
  });
})();
