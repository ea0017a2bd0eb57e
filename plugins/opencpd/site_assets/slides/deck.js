/* OpenCPD slide decks: one slide at a time, arrow keys and clicks, full screen, and a
   presenter view (notes, next slide, clock) in a second window kept in step by postMessage.
   No network, no inline code: it runs under the site's Content-Security-Policy and from
   a module's offline zip. */
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  if (!slides.length) { return; }
  var body = document.body;
  var status = document.getElementById("status");
  var position = document.querySelector(".controls .position");
  var panel = document.querySelector(".presenter-panel");
  var presenter = /presenter/.test(location.hash);
  var other = null; // the audience window for the presenter, or the reverse
  var current = -1;
  var started = Date.now();

  body.classList.add("js");
  if (presenter) {
    body.classList.add("presenter");
    panel.hidden = false;
    other = window.opener;
  }

  function number() {
    var found = /slide-(\d+)/.exec(location.hash);
    return found ? Math.min(Math.max(parseInt(found[1], 10) - 1, 0), slides.length - 1) : 0;
  }

  function copy(from, to) {
    to.replaceChildren();
    if (from) {
      Array.prototype.forEach.call(from.childNodes, function (node) {
        to.appendChild(node.cloneNode(true));
      });
    }
  }

  function show(index, fromOther) {
    index = Math.min(Math.max(index, 0), slides.length - 1);
    if (index === current) { return; }
    slides.forEach(function (slide, i) {
      slide.classList.toggle("is-current", i === index);
      slide.classList.toggle("is-next", i === index + 1);
      if (i === index) { slide.setAttribute("aria-current", "true"); }
      else { slide.removeAttribute("aria-current"); }
    });
    current = index;
    var slide = slides[index];
    var title = slide.querySelector("h1, h2");
    status.textContent = "Slide " + (index + 1) + " of " + slides.length +
      (title ? ": " + title.textContent : "");
    position.textContent = (index + 1) + " / " + slides.length;
    history.replaceState(null, "", "#" + (presenter ? "presenter-" : "") + "slide-" + (index + 1));
    if (presenter) {
      copy(slide.querySelector(".notes"), document.getElementById("presenter-notes"));
      var next = slides[index + 1];
      var holder = document.getElementById("presenter-next");
      if (next) {
        var preview = next.cloneNode(true);
        preview.removeAttribute("id");
        preview.removeAttribute("role");
        preview.removeAttribute("aria-label");
        preview.removeAttribute("aria-roledescription");
        preview.setAttribute("aria-hidden", "true");
        preview.classList.add("preview");
        Array.prototype.forEach.call(preview.querySelectorAll(".notes, [id]"), function (n) {
          if (n.classList.contains("notes")) { n.remove(); } else { n.removeAttribute("id"); }
        });
        holder.replaceChildren(preview);
      } else {
        holder.textContent = "End of the deck";
      }
    }
    if (other && !other.closed && !fromOther) {
      other.postMessage({ opencpdSlide: index }, "*");
    }
  }

  function go(step) { show(current + step); }

  function fullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  }

  function openPresenter() {
    var url = location.href.split("#")[0] + "#presenter-slide-" + (current + 1);
    var opened = window.open(url, "opencpd-presenter");
    if (opened) { other = opened; }
    else { location.hash = "presenter-slide-" + (current + 1); location.reload(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    var target = event.target;
    var onControl = target && (target.tagName === "BUTTON" || target.tagName === "A");
    if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" ||
        (key === " " && !onControl)) { go(1); }
    else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp") { go(-1); }
    else if (key === "Home") { show(0); }
    else if (key === "End") { show(slides.length - 1); }
    else if (key === "f" || key === "F") { fullscreen(); }
    else if ((key === "p" || key === "P") && !presenter) { openPresenter(); }
    else { return; }
    event.preventDefault();
  });

  document.querySelector(".controls").addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    var action = button.getAttribute("data-action");
    if (action === "next") { go(1); }
    else if (action === "previous") { go(-1); }
    else if (action === "fullscreen") { fullscreen(); }
    else if (action === "presenter") { openPresenter(); }
  });

  document.getElementById("slides").addEventListener("click", function (event) {
    if (event.target.closest("a, button, summary")) { return; }
    go(event.clientX < window.innerWidth / 4 ? -1 : 1);
  });

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data.opencpdSlide !== "number") { return; }
    if (event.source && (other === null || other.closed)) { other = event.source; }
    if (event.source !== other) { return; }
    show(data.opencpdSlide, true);
  });

  function tick() {
    var now = new Date();
    var seconds = Math.floor((Date.now() - started) / 1000);
    document.getElementById("clock-now").textContent =
      String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
    document.getElementById("clock-elapsed").textContent =
      Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }
  if (presenter) { tick(); setInterval(tick, 1000); }

  show(number());
}());
