// The twilights calendar. Its filters and pages are ordinary links that work without
// JavaScript; with it, they are followed in place (the list is fetched and swapped, the address
// updated). Twilights that have passed since the site was built are hidden, and a delivery's
// page says when it has passed: "upcoming" was decided on the build date.
(function () {
  "use strict";

  function hidePassed(root) {
    var now = Date.now();
    var hidden = 0;
    root.querySelectorAll(".delivery-item[data-ends]").forEach(function (item) {
      if (Date.parse(item.getAttribute("data-ends")) < now) {
        item.hidden = true;
        hidden += 1;
      }
    });
    root.querySelectorAll("[data-passed-note]").forEach(function (note) {
      var ends = note.getAttribute("data-ends");
      if (ends) {
        if (Date.parse(ends) < now) {
          note.textContent = "This twilight has passed since this page was made.";
          note.hidden = false;
          // nobody books it or adds it to a calendar any more
          root.querySelectorAll("[data-until-passed]").forEach(function (part) {
            part.hidden = true;
          });
          root.querySelectorAll("[data-once-passed]").forEach(function (part) {
            part.hidden = false;
          });
        }
      } else if (hidden) {
        note.textContent = hidden === 1
          ? "1 twilight has passed since this page was made and is hidden."
          : hidden + " twilights have passed since this page was made and are hidden.";
        note.hidden = false;
      }
    });
    return correctCount(root, hidden);
  }

  // "N coming up" counts those still to come: the list's count less those that have passed.
  // Soonest first, those are the first of the list, and how many there are is where those
  // still to come begin. Some but not all passed on this page: they begin on it. All passed
  // here: they begin after it, at its next twilight unless that has passed too. None passed
  // here: they begin before it, at the list's first twilight unless that has passed, or on
  // this page if the last one before it has passed. Otherwise the pages between are read,
  // halving the range each time, to find the page where they begin.
  function correctCount(root, hidden) {
    var count = root.querySelector("[data-calendar-count]");
    if (!count) { return Promise.resolve(); }
    var now = Date.now();
    var ended = function (name) { return Date.parse(count.getAttribute(name)) < now; };
    var total = Number(count.getAttribute("data-total"));
    var before = Number(count.getAttribute("data-before"));
    var size = Number(count.getAttribute("data-page-size"));
    var shown = root.querySelectorAll("[data-delivery-list] > .delivery-item[data-ends]").length;
    var gone;
    if (hidden && (hidden < shown || !count.hasAttribute("data-after-ends") ||
        !ended("data-after-ends"))) {
      gone = Promise.resolve(before + hidden);
    } else if (hidden) {
      gone = passedFrom(count, size, before / size + 2, Math.ceil(total / size), now);
    } else if (!before || !ended("data-first-ends")) {
      gone = Promise.resolve(0);
    } else if (ended("data-before-ends")) {
      gone = Promise.resolve(before);
    } else {
      gone = passedFrom(count, size, 1, before / size, now);
    }
    return gone.then(function (passed) {
      if (!passed) { return; }
      var left = String(Math.max(total - passed, 0));
      count.textContent = count.textContent.replace(/^\d+/, left);
    }).catch(function () { /* the count stays as it was made */ });
  }

  // How many twilights of the list have passed, knowing that all on its pages before `low`
  // have and none on its pages after `high` has.
  function passedFrom(count, size, low, high, now) {
    if (low > high) { return Promise.resolve((low - 1) * size); }
    var middle = Math.floor((low + high) / 2);
    var first = new URL(count.getAttribute("data-first-page"), window.location.href);
    var url = middle === 1 ? first.href : new URL(middle + "/", first).href;
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var items = doc.querySelectorAll("[data-delivery-list] > .delivery-item[data-ends]");
      var passed = Array.prototype.filter.call(items, function (item) {
        return Date.parse(item.getAttribute("data-ends")) < now;
      }).length;
      if (passed === items.length) { return passedFrom(count, size, middle + 1, high, now); }
      if (passed === 0) { return passedFrom(count, size, low, middle - 1, now); }
      return (middle - 1) * size + passed;
    });
  }

  // On a phone the filters are folded (the twilights first, under a line that opens them);
  // without JavaScript they stay open, as they do on a wider screen.
  function foldFilters() {
    if (!window.matchMedia("(max-width: 44.9375em)").matches) { return; }
    document.querySelectorAll("[data-calendar-fold]").forEach(function (part) {
      part.open = false;
    });
  }

  // What a screen reader says once a filter or page is followed in place: the heading (where
  // focus goes), how many are coming up and how many have passed.
  function announce() {
    var status = document.querySelector("[data-calendar-status]");
    if (!status) { return; }
    status.textContent = Array.prototype.map.call(
      document.querySelectorAll("[data-calendar] h1, [data-calendar-count], " +
        "[data-calendar] [data-passed-note]:not([hidden])"),
      function (part) { return part.textContent.trim().replace(/\.$/, ""); }
    ).join(". ") + ".";
  }

  // The page's own links (logo, navigation, footer, favicon) are relative to its address: a new
  // address in the history would send them, read again against it, to pages that do not exist
  // (../modules/ from calendar/ is not ../modules/ from calendar/language/de/). They are made
  // absolute, against the address they were written for, before it changes. A link to a part of
  // the page (#…) stays as it is; stylesheets and scripts already loaded are left alone.
  function pinLinks() {
    var base = document.baseURI;
    var calendar = document.querySelector("[data-calendar]");
    [["a[href], area[href], link[href]:not([rel~=stylesheet])", "href"],
     ["form[action]", "action"], ["img[src]", "src"]].forEach(function (pair) {
      document.querySelectorAll(pair[0]).forEach(function (element) {
        var value = element.getAttribute(pair[1]);
        if (value.charAt(0) === "#" || (calendar && calendar.contains(element))) { return; }
        element.setAttribute(pair[1], new URL(value, base).href);
      });
    });
  }

  function swap(url, push) {
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var fresh = doc.querySelector("[data-calendar]");
      var current = document.querySelector("[data-calendar]");
      if (!fresh || !current) { window.location.href = url; return; }
      // Links in the fetched list are relative to its own address.
      fresh.querySelectorAll("a[href]").forEach(function (a) {
        a.setAttribute("href", new URL(a.getAttribute("href"), url).href);
      });
      pinLinks();
      current.replaceWith(document.importNode(fresh, true));
      document.title = doc.title;
      if (push) { window.history.pushState({ calendar: true }, "", url); }
      var counted = hidePassed(document);
      foldFilters();
      var heading = document.querySelector("[data-calendar] h1");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      counted.then(announce);
    }).catch(function () { window.location.href = url; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-calendar-filters] a, [data-calendar] .delivery-pager a");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    swap(link.href, true);
  });
  window.addEventListener("popstate", function () {
    if (document.querySelector("[data-calendar]")) { swap(window.location.href, false); }
  });
  hidePassed(document);
  foldFilters();
})();
