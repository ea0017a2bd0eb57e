// The search page and the browse page: Pagefind's JavaScript API (pagefind/pagefind.js, written
// by `opencpd build`) with the filters as checkboxes. The URL holds the query and the ticked
// filters, so a search can be bookmarked or shared and the Back button steps through searches.
//
// Filters: ticks in one group widen the choice (French or German), ticks in different groups
// narrow it (French and KS2). A value's count is the number of results you would get by ticking
// it, given the query and the ticks in the other groups.

const PAGE_SIZE = 10;
const TYPING_DELAY_MS = 250;
const SERVE_MESSAGE =
  "Search is off: the search index is not made yet. While serving, it is made again a few " +
  "seconds after each save: reload this page. Otherwise run opencpd build, which makes it.";

// This file is assets/javascripts/search.js: the site's root is two folders up. It runs as an
// async module, before the page is parsed, so that Pagefind loads while the browser lays out
// the page (and, for a query in the URL, the index chunks it needs too).
const SITE = new URL("../../", import.meta.url);
const pagefindReady = loadPagefind();
pagefindReady.catch(() => {}); // reported by SearchPage.show()

/** The Pagefind API, or an error if there is no index (while serving, until it is made, or after `mkdocs build`). */
async function loadPagefind() {
  // A big site is indexed in shards, each a range of titles; the first one lists the others.
  const others = fetch(new URL("pagefind/shards.json", SITE))
    .then((response) => (response.ok ? response.json() : []))
    .catch(() => []);
  const first = await openIndex("pagefind/");
  const rest = await Promise.all((await others).map(openIndex));
  const pagefind = rest.length ? new Shards([first, ...rest]) : first;
  const query = new URLSearchParams(location.search).get("q")?.trim();
  if (query) pagefind.preload(query);
  return pagefind;
}

/** One Pagefind bundle: its own copy of pagefind.js, so its own module and index. */
async function openIndex(folder) {
  const pagefind = await import(new URL(`${folder}pagefind.js`, SITE).href);
  // On the main thread: one request fewer, and a search here takes milliseconds.
  await pagefind.options({ baseUrl: SITE.pathname, excerptLength: 30, noWorker: true });
  await pagefind.init();
  return pagefind;
}

/**
 * Several shards searched as one index. Pagefind's own mergeIndex orders every merged list by
 * score, which breaks an A to Z list; here a sorted list is the shards' sorted lists one after
 * another (each shard is a range of titles), and other results are ordered by score.
 */
class Shards {
  constructor(indexes) {
    this.indexes = indexes;
  }

  preload(term) {
    for (const index of this.indexes) index.preload(term);
  }

  async filters() {
    return mergeCounts(await Promise.all(this.indexes.map((index) => index.filters())));
  }

  async search(term, options = {}) {
    const found = await Promise.all(this.indexes.map((index) => index.search(term, options)));
    const sorts = Object.values(options.sort ?? {});
    const lists = found.map((one) => one.results);
    if (sorts[0] === "desc") lists.reverse();
    const results = lists.flat();
    if (!sorts.length) results.sort((a, b) => b.score - a.score);
    return {
      results,
      filters: mergeCounts(found.map((one) => one.filters)),
      totalFilters: mergeCounts(found.map((one) => one.totalFilters)),
    };
  }
}

/** { group: { value: count } } objects added up. */
function mergeCounts(all) {
  const merged = {};
  for (const counts of all) {
    for (const [group, values] of Object.entries(counts ?? {})) {
      merged[group] ??= {};
      for (const [value, count] of Object.entries(values)) {
        merged[group][value] = (merged[group][value] ?? 0) + count;
      }
    }
  }
  return merged;
}

class SearchPage {
  constructor(root) {
    this.browse = root.dataset.opencpdSearch === "browse";
    this.form = root.querySelector("form");
    this.query = root.querySelector("#opencpd-q");
    this.details = root.querySelector(".opencpd-filters");
    this.chosen = root.querySelector(".opencpd-filters__chosen");
    this.apply = root.querySelector(".opencpd-filters__apply");
    this.clear = root.querySelector(".opencpd-filters__clear");
    this.status = root.querySelector(".opencpd-results__status");
    this.list = root.querySelector(".opencpd-results__list");
    this.more = root.querySelector(".opencpd-results__more");
    this.groups = [...root.querySelectorAll("fieldset[data-filter]")].map((fieldset) => ({
      name: fieldset.dataset.filter,
      param: fieldset.dataset.param,
      fieldset,
      boxes: [...fieldset.querySelectorAll("input[type=checkbox]")],
    }));
    this.run = 0;
    this.results = [];
    this.shown = 0;
    this.typing = null;
    this.term = null;
    this.totals = {};
    // The index loads while the reader types; a search waits for it. Every filter's values
    // (to offer and count them) load after the first results, unless listing needs them first.
    this.ready = pagefindReady.then((pagefind) => {
      this.pagefind = pagefind;
    });
    this.totalsReady = null;
  }

  begin() {
    // Filters apply as soon as they are ticked; on a phone the button takes you to the results.
    this.apply.textContent = "Show results";
    this.apply.classList.add("opencpd-filters__apply--phone");
    const state = this.startingState();
    this.toForm(state);
    if (matchMedia("(max-width: 44.984375em)").matches && !chosenCount(state)) {
      this.details.open = false; // on a phone the results come first
    }
    this.listen();
    if (this.query && !state.q && !chosenCount(state)) this.query.focus();
    return this.show(state);
  }

  /** The URL's search, plus anything typed or ticked before this script ran. */
  startingState() {
    const state = this.fromURL();
    const typed = this.fromForm();
    let changed = false;
    if (!state.q && typed.q) [state.q, changed] = [typed.q, true];
    for (const group of this.groups) {
      if (!state.filters[group.name].length && typed.filters[group.name].length) {
        state.filters[group.name] = typed.filters[group.name];
        changed = true;
      }
    }
    if (changed) history.replaceState(null, "", toURL(state, this.groups));
    return state;
  }

  listen() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.commit();
      if (event.submitter === this.apply) {
        this.details.open = false;
        this.status.focus();
      }
    });
    this.query?.addEventListener("input", () => {
      clearTimeout(this.typing);
      this.typing = setTimeout(() => this.commit({ replace: true }), TYPING_DELAY_MS);
    });
    for (const group of this.groups) {
      for (const box of group.boxes) box.addEventListener("change", () => this.commit());
    }
    this.clear.addEventListener("click", () => {
      for (const group of this.groups) for (const box of group.boxes) box.checked = false;
      this.commit();
      (this.query ?? this.groups[0]?.boxes[0])?.focus();
    });
    this.more.addEventListener("click", () => this.showMore(this.run, { focus: true }));
    addEventListener("popstate", () => {
      const state = this.fromURL();
      this.toForm(state);
      this.show(state);
    });
    // On this page the header's search box searches in place instead of reloading.
    const header = document.querySelector(".opencpd-searchbox");
    header?.addEventListener("submit", (event) => {
      if (!this.query) return;
      event.preventDefault();
      this.query.value = header.querySelector("input").value;
      this.commit();
      this.query.focus();
    });
  }

  /** Record the form's state in the URL (a new history entry unless typing), then search. */
  commit({ replace = false } = {}) {
    clearTimeout(this.typing);
    const state = this.fromForm();
    const url = toURL(state, this.groups);
    if (url !== location.pathname + location.search) {
      history[replace ? "replaceState" : "pushState"](null, "", url);
    }
    return this.show(state);
  }

  fromURL() {
    const params = new URLSearchParams(location.search);
    const filters = {};
    for (const group of this.groups) {
      const known = new Set(group.boxes.map((box) => box.value));
      filters[group.name] = params.getAll(group.param).filter((value) => known.has(value));
    }
    return { q: (params.get("q") ?? "").trim(), filters };
  }

  fromForm() {
    const filters = {};
    for (const group of this.groups) {
      filters[group.name] = group.boxes.filter((box) => box.checked).map((box) => box.value);
    }
    return { q: this.query ? this.query.value.trim() : "", filters };
  }

  toForm(state) {
    if (this.query) this.query.value = state.q;
    const header = document.querySelector(".opencpd-searchbox input");
    if (header && this.query) header.value = state.q;
    for (const group of this.groups) {
      for (const box of group.boxes) box.checked = state.filters[group.name].includes(box.value);
    }
  }

  /** Every filter's values and counts over the whole site, loaded once. */
  loadTotals() {
    this.totalsReady ??= this.ready.then(async () => {
      this.totals = await this.pagefind.filters();
      this.hideAbsentValues();
    });
    return this.totalsReady;
  }

  /** Values no page carries (a resource type nobody has shared yet) are not offered. */
  hideAbsentValues() {
    for (const group of this.groups) {
      const known = this.totals[group.name] ?? {};
      for (const box of group.boxes) box.closest("li").hidden = !known[box.value] && !box.checked;
      group.fieldset.hidden = group.boxes.every((box) => box.closest("li").hidden);
    }
  }

  /** Pagefind filters for a state; `except` leaves out one group (to count its values). */
  filtersFor(state, except = null) {
    const filters = {};
    for (const group of this.groups) {
      const values = state.filters[group.name];
      if (group.name !== except && values.length) filters[group.name] = { any: values };
    }
    // The browse page lists content (modules, resources...), not the site's help pages.
    if (this.browse && !filters["content type"] && except !== "content type") {
      filters["content type"] = { any: Object.keys(this.totals["content type"] ?? {}) };
    }
    return filters;
  }

  async show(state) {
    const run = ++this.run;
    const term = this.browse ? null : state.q || null;
    this.updateChosen(state);
    try {
      await this.ready;
      if (term === null) await this.loadTotals(); // listing without words starts there
    } catch (error) {
      this.status.textContent = SERVE_MESSAGE;
      this.status.classList.add("opencpd-results__status--off");
      return;
    }
    if (run !== this.run) return;
    this.term = term;
    if (term === null && !this.browse && !chosenCount(state)) {
      this.results = [];
      this.list.replaceChildren();
      this.more.hidden = true;
      this.updateCounts(this.totals, state);
      this.status.textContent = "Type a word to search, or tick a filter to list pages.";
      return;
    }
    const sort = term === null ? { title: "asc" } : {};
    let found = await this.pagefind.search(term, { filters: this.filtersFor(state), sort });
    if (run !== this.run) return; // a newer search has started
    let searched = term;
    if (term !== null && !found.results.length && withSharpS(term) !== term) {
      // German written without ß ("Fussball" on an English keyboard): try it with ß.
      const again = await this.pagefind.search(withSharpS(term), {
        filters: this.filtersFor(state),
      });
      if (run !== this.run) return;
      if (again.results.length) [found, searched] = [again, withSharpS(term)];
    }
    this.results = found.results;
    this.shown = 0;
    this.list.replaceChildren();
    await this.showMore(run);
    if (run !== this.run) return;
    this.status.textContent = describe(found.results.length, searched, chosenCount(state)) +
      (searched !== term ? ` Nothing has “${term}”.` : "");
    performance.mark("opencpd-search-results");
    await this.loadTotals();
    const counts = await this.countsFor(searched, state);
    if (run === this.run) this.updateCounts(counts, state);
  }

  /** For each filter value, how many results ticking it would give (see the top of the file). */
  async countsFor(term, state) {
    const counts = {};
    const all = await this.pagefind.search(term, { filters: this.filtersFor(state) });
    for (const group of this.groups) {
      if (state.filters[group.name].length) {
        const other = await this.pagefind.search(term, {
          filters: this.filtersFor(state, group.name),
        });
        counts[group.name] = other.filters[group.name] ?? {};
      } else {
        counts[group.name] = all.filters[group.name] ?? {};
      }
    }
    return counts;
  }

  async showMore(run, { focus = false } = {}) {
    const first = this.shown;
    const batch = this.results.slice(first, first + PAGE_SIZE);
    const pages = await Promise.all(batch.map((result) => result.data()));
    if (run !== this.run) return;
    this.list.append(...pages.map((page) => resultItem(page, this.term !== null)));
    this.shown = first + batch.length;
    this.more.hidden = this.shown >= this.results.length;
    if (focus) this.list.children[first]?.querySelector("a")?.focus();
  }

  updateCounts(counts, state) {
    for (const group of this.groups) {
      const values = counts[group.name] ?? {};
      for (const box of group.boxes) {
        const count = values[box.value] ?? 0;
        const label = box.closest("label");
        label.querySelector(".opencpd-filter__count").textContent = `(${count})`;
        label.classList.toggle("opencpd-filter--empty", count === 0 && !box.checked);
      }
    }
    this.clear.hidden = !chosenCount(state);
  }

  updateChosen(state) {
    const count = chosenCount(state);
    this.chosen.textContent = count ? ` (${count} ticked)` : "";
  }
}

/** "Fussball" -> "Fußball": Pagefind matches ß only to ß. */
function withSharpS(term) {
  return term.replace(/ss/gi, "ß");
}

function chosenCount(state) {
  return Object.values(state.filters).reduce((sum, values) => sum + values.length, 0);
}

function toURL(state, groups) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const group of groups) {
    for (const value of state.filters[group.name]) params.append(group.param, value);
  }
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : "");
}

function describe(count, term, chosen) {
  const things = count === 1 ? "1 page" : `${count} pages`;
  if (term === null) return chosen ? `${things} match the ticked filters.` : `${things}, A to Z.`;
  const filtered = chosen ? ", with the ticked filters" : "";
  if (!count) return `Nothing found for “${term}”${filtered}. Try fewer words or filters.`;
  return `${things} found for “${term}”${filtered}.`;
}

function resultItem(page, hasTerm) {
  const item = document.createElement("li");
  item.className = "opencpd-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = page.url;
  link.textContent = page.meta.title || page.url;
  heading.append(link);
  item.append(heading);
  const facts = [page.meta.content_type, page.meta.key_stage];
  if (page.meta.module && page.meta.module !== page.meta.title) {
    facts.splice(1, 0, page.meta.module);
  }
  if (facts.some(Boolean)) {
    const line = document.createElement("p");
    line.className = "opencpd-result__facts";
    line.textContent = facts.filter(Boolean).join(" · ");
    item.append(line);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "opencpd-result__excerpt";
  // With no words to find, the page's own summary says more than its first words. Pagefind
  // escapes the page text of an excerpt and adds only <mark> around the words found.
  if (!hasTerm && page.meta.description) excerpt.textContent = page.meta.description;
  else excerpt.append(markedText(page.excerpt));
  item.append(excerpt);
  return item;
}

// An excerpt as text with only its <mark> elements kept: parsed in an inert template (no
// script runs, no picture loads), then rebuilt from text, whatever the index holds.
function markedText(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(node.textContent);
    }
  }
  return out;
}

function boot() {
  const root = document.querySelector("[data-opencpd-search]");
  if (root) new SearchPage(root).begin();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
