// A page printed from the browser shows each link's address after its text (assets/print.css).
// In the page, a link to another page of the site is relative ("../02-follow-up/"), which is no
// use on paper: just before printing, give each such link its full address to print. Not for a
// copy opened from disk (file://), whose addresses lead nowhere for a reader of the paper.
(function () {
  function addresses() {
    if (!/^https?:$/.test(location.protocol)) return;
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset a[href]"), function (a) {
      var href = a.getAttribute("href");
      if (href.charAt(0) === "#" || /^[a-z][a-z0-9+.-]*:/i.test(href)) return;
      if (a.classList.contains("headerlink")) return;
      a.setAttribute("data-print-href", a.href);
    });
  }
  addEventListener("beforeprint", addresses);
})();
