// A table too wide for the screen (a phone, or a desktop zoomed to 400%) scrolls sideways in
// Material's wrapper. Make each such wrapper reachable with Tab, so that the arrow keys scroll
// it, and name it for screen readers: WCAG 2.1.1 (axe: scrollable-region-focusable). Material
// does the same for code blocks.
(function () {
  function name(wrap) {
    var headers = Array.prototype.map.call(wrap.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    }).filter(Boolean);
    return "Table" + (headers.length ? ": " + headers.join(", ") : "") + " (scrolls sideways)";
  }
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"),
      function (wrap) {
        if (wrap.scrollWidth > wrap.clientWidth + 1) {
          wrap.tabIndex = 0;
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", name(wrap));
        } else {
          wrap.removeAttribute("tabindex");
          wrap.removeAttribute("role");
          wrap.removeAttribute("aria-label");
        }
      });
  }
  var waiting = null;
  addEventListener("resize", function () {
    clearTimeout(waiting);
    waiting = setTimeout(mark, 100);
  });
  if (window.document$) { window.document$.subscribe(mark); } else {
    addEventListener("DOMContentLoaded", mark);
  }
})();
