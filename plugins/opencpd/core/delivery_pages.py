"""The pages of centres and deliveries: the calendar (paginated, with filters that are links),
a page per region, centre and delivery, the held list, and the next deliveries on a module's
page; with the Atom feed of new deliveries (their JSON-LD is core/metadata.py's).

Every page quotes coordinators' text (a centre's name, notes, a booking link), so each is made
as autoescaped HTML and held (core/placed.py): no Markdown pass reads it again.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from markupsafe import Markup

from .calendar import calendars, feed_uris, ics_uri
from .catalog import Catalog, Doc, ModuleDoc
from .deliveries import (
    centre_of,
    end_after,
    ends,
    held,
    is_example,
    is_past,
    location,
    module_of,
    sessions_of,
    starts,
    title_of,
    town_after,
    upcoming,
)
from .delivery_model import Centre, Delivery
from .feeds import ATOM, DELIVERIES_FEED, atom_entry, atom_head
from .kept import KeptDeliveries
from .placed import hold, reheld, unheld
from .render import front_matter, page_url, running_order, url_href
from .shells import Parts, fillable
from .untrusted import safe_html
from .wellformed import xml_document

if TYPE_CHECKING:
    from .render import Renderer

PAGE_SIZE = 20  # deliveries per calendar page: each page stays far under 60 KB
PAGER_REACH = 2  # the pages either side of this one its pager links to (with the first, last)
NEXT = 3  # upcoming deliveries shown on a module's page
RECENT_HELD = 5  # the last twilights held at a centre, shown on its page
FEED_LIMIT = 50
FEED = DELIVERIES_FEED
FEED_STATUS = {  # as the pages say it
    "planned": "to be confirmed",
    "confirmed": "confirmed",
    "cancelled": "cancelled",
    "held": "held",
}
HELD = "calendar/held"
NAVIGATED = ("calendar/index.md", f"{HELD}/index.md")  # the Twilights section


@dataclass(frozen=True)
class Facet:
    """One way to filter the calendar: its folder, label and each delivery's values."""

    folder: str
    label: str
    values: Callable[[Catalog, Doc[Delivery]], list[str]]
    label_of: Callable[[Catalog, str], str]


FACETS = [
    Facet(
        "region",
        "Region",
        lambda c, d: [centre_of(c, d).meta.region],
        lambda c, v: c.vocabulary.label("regions", v),
    ),
    Facet(
        "module",
        "Module",
        lambda c, d: [d.meta.module],
        lambda c, v: m.meta.title if (m := c.module(v)) else v,
    ),
    Facet(  # by name: "all" beside "All twilights" read as the way to clear the filter
        "key-stage",
        "Key stage",
        lambda c, d: [module_of(c, d).meta.key_stage],
        lambda c, v: c.vocabulary.label("key_stages", v),
    ),
    Facet(
        "language",
        "Language",
        lambda c, d: list(d.meta.languages),
        lambda c, v: c.vocabulary.label("languages", v),
    ),
]


def _pages(folder: str, count: int) -> list[str]:
    return [f"{folder}/{'index' if n == 1 else n}.md" for n in range(1, max(count, 1) + 1)]


def pager(number: int, count: int) -> list[int | None]:
    """The page numbers the pager of page `number` of `count` links to: the first and the
    last, and those within PAGER_REACH of it, with None for each gap ("…"). All of them made
    the pager grow with the list: at years of twilights held (10,000, 500 pages) it was
    38 KB of every page's 60, and a screen reader's list of links hundreds long."""
    shown = {1, count, *range(number - PAGER_REACH, number + PAGER_REACH + 1)}
    out: list[int | None] = []
    for n in sorted(n for n in shown if 1 <= n <= count):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]


class DeliveryPages:
    def __init__(self, renderer: Renderer):
        self.r = renderer
        self.catalog = renderer.catalog
        # what earlier builds made of each delivery (the adapter keeps it in .cache/)
        self.kept = renderer.kept or KeptDeliveries(None, self.catalog.vocabulary, "")
        self._facts: dict[str, dict[str, Any]] = {}
        self._towns: dict[str, str] = {}  # a centre's source -> the town after its name
        self._entries: dict[tuple[str, str, str], Markup] = {}
        # src_uri -> the parts of each centre's and delivery's page the adapter fills into a
        # shell (core/shells.py), when the renderer is asked for them instead of Markdown
        self.shelled: dict[str, Parts] = {}
        # src_uri of each of those -> the page before it in the site's order of pages (the
        # sitemap's), or "" when none is
        self.after: dict[str, str] = {}
        self._next: dict[str, str] = {}  # "<module> <page>" -> its next deliveries, as made
        self.files: list[str] = []  # the files `all` gives that are not pages (iCalendar, feed)
        self.unread: set[str] = set()  # those it gives as "", their text unread (`text`)
        self._apart: dict[str, str] | None = None

    @functools.cached_property
    def whole_key(self) -> str:
        """A hash of all that every page, file and list these make shows (with the code and
        settings of `kept.version`)."""
        packs = {k: v for k, v in self.r.packs.items() if k.startswith("delivery-")}
        shows = json.dumps(
            [packs, self.r.site_url, self.r.site_name, self.r.programme, self.r.shells],
            default=str,
            sort_keys=True,
        )
        return self.kept.whole_key(self.catalog, shows)

    @functools.cached_property
    def _whole(self) -> dict[str, Any] | None:
        """Every page, file and list these make, as an earlier build made them, if nothing
        they show has changed since (KeptDeliveries.whole_key): each delivery's kept parts are
        then not even read (at 3,000 deliveries, finding them took a third of a second)."""
        return self.kept.whole(self.whole_key)

    # Sorted and grouped once: every centre and module page asks for its own deliveries, and
    # scanning all of them each time made the pages' work grow with centres times deliveries.
    @functools.cached_property
    def soon(self) -> list[Doc[Delivery]]:
        return upcoming(self.catalog)

    @functools.cached_property
    def done(self) -> list[Doc[Delivery]]:
        return held(self.catalog)

    @functools.cached_property
    def soon_by(self) -> dict[tuple[str, str], list[Doc[Delivery]]]:
        """('centre', id) and ('module', id) -> their upcoming deliveries, soonest first."""
        out: dict[tuple[str, str], list[Doc[Delivery]]] = defaultdict(list)
        for delivery in self.soon:
            out["centre", delivery.meta.centre].append(delivery)
            out["module", delivery.meta.module].append(delivery)
        return out

    @functools.cached_property
    def done_by(self) -> dict[str, list[Doc[Delivery]]]:
        """centre id -> the deliveries held there."""
        out: dict[str, list[Doc[Delivery]]] = defaultdict(list)
        for delivery in self.done:
            out[delivery.meta.centre].append(delivery)
        return out

    def facts(self, delivery: Doc[Delivery]) -> dict[str, Any]:
        """What a listing or page says of one delivery (worked out once for each)."""
        found = self._facts.get(delivery.source)
        if found is None:
            found = self._facts[delivery.source] = self._facts_of(delivery)
        return found

    def _facts_of(self, delivery: Doc[Delivery]) -> dict[str, Any]:
        c = self.catalog
        module, centre = module_of(c, delivery), centre_of(c, delivery)
        sessions = sessions_of(c, delivery)
        start = starts(delivery)
        end = end_after(start, sessions)
        return {
            "d": delivery,
            "m": delivery.meta,
            "module": module,
            "centre": centre,
            "start": start,
            "end": end,
            "example": is_example(c, delivery),
            "past": is_past(c, delivery),
            "title": title_of(c, delivery),
            "zone": start.tzname(),
            "town": self._town_after(centre),  # none when the centre's name says it
            "sessions": sessions,
        }

    def _town_after(self, centre: Doc[Centre]) -> str:
        found = self._towns.get(centre.source)
        if found is None:
            found = self._towns[centre.source] = town_after(centre.meta)
        return found

    def entries(
        self, deliveries: list[Doc[Delivery]], here: str, keys: list[str] | None = None
    ) -> list[Markup]:
        """Each delivery's entry in a list on page `here`. An entry holds the delivery's facts
        and two links, to its page and its centre's: it is made once for each delivery and
        those two links (a delivery is listed on five or six pages, most of them as deep), or
        kept from an earlier build; `keys` gets the key it is kept by."""
        out, macros = [], None
        for delivery in deliveries:
            centre = centre_of(self.catalog, delivery)
            links = url_href(delivery.url, here), url_href(centre.url, here)
            key = (delivery.source, *links)
            found = self._entries.get(key)
            if found is None:
                kept_key = self.kept.key(self.catalog, delivery, f"entry {' '.join(links)}")
                text = self.kept.get(kept_key)
                if text is None:  # autoescaped HTML, from the macro the lists' templates import
                    macros = macros or self.r.env.get_template("_deliveries.html.j2").make_module(
                        {"catalog": self.catalog, "vocab": self.catalog.vocabulary, "here": here}
                    )
                    text = str(macros.item(self.facts(delivery)))
                    self.kept.put(kept_key, text)
                found = self._entries[key] = (Markup(text), kept_key)
            out.append(found[0])
            if keys is not None:
                keys.append(found[1])
        return out

    def kept_list(self, key: str, make: Callable[[list[str]], str]) -> str:
        """A list's article as an earlier build made it, with the entries it holds kept too
        (for the lists that will change), or `make(keys)`, which gives their keys."""
        article = self.kept.get(key)
        if article is not None:
            for entry in (self.kept.get(f"{key} entries") or "").split():
                self.kept.get(entry)
            return article
        keys: list[str] = []
        article = make(keys)
        self.kept.put(key, article)
        self.kept.put(f"{key} entries", " ".join(keys))
        return article

    def html(self, template: str, here: str, **context: Any) -> str:
        return self.r.html(template, here, facets=FACETS, town_after=town_after, **context)

    def parts(self, here: str, meta: dict[str, Any], article: str) -> Parts:
        """One page's parts, with the front matter every calendar, centre and delivery page has."""
        return Parts(
            here,
            {
                "render_macros": False,
                "content_type": "delivery-listing",
                # feed readers and browsers find the feed of new twilights (partials/feeds.html)
                "feed": FEED,
                "feed_title": f"{self.r.programme}: new twilights",
                **meta,
            },
            article,
        )

    def own_page(self, out: dict[str, str], parts: Parts) -> None:
        """A page outside the navigation (a centre's, a delivery's, a calendar page but the
        first of the calendar and of the held list): its parts, for a shell, or its Markdown."""
        if self.r.shells and parts.uri not in NAVIGATED and fillable(parts.article):
            self.shelled[parts.uri] = parts
            self.after[parts.uri] = next((u for u in reversed(out) if u.endswith(".md")), "")
        else:
            out[parts.uri] = parts.markdown(front_matter)

    def all(self) -> dict[str, str]:
        c = self.catalog
        if not c.deliveries and not c.centres:
            return {}
        whole = self._whole
        if whole is not None:  # the articles of the pages search leaves out: when needed
            self.shelled = {
                u: Parts(u, meta, text or "") for u, (meta, text) in whole["shelled"].items()
            }
            self.after = whole["after"]
            self.files = whole["files"]
            self.unread = set(self.files)  # and the files' text (`text`)
            return {
                **{uri: reheld(pieces) for uri, pieces in whole["out"].items()},
                **dict.fromkeys(whole["files"], ""),
            }
        out = self._all()
        self.files = [uri for uri in out if not uri.endswith(".md")]
        self.kept.keep_whole(self.whole_key, lambda: self._to_keep(out))
        return out

    def _to_keep(self, out: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """What the next build takes whole (asked for as this build ends: the module pages ask
        for their lists after `all`), and apart the articles of the pages search leaves out and
        the files that are not pages, iCalendar files and the feed (`apart`). The fragments
        held in the pages' Markdown are kept unsigned (core/placed.py): the next build signs
        them with its own key."""
        apart = {u: p.article for u, p in self.shelled.items() if not searched(p.meta)}
        apart.update((uri, out[uri]) for uri in self.files)
        whole = {
            "out": {uri: unheld(text) for uri, text in out.items() if uri.endswith(".md")},
            "files": self.files,
            "shelled": {
                u: [p.meta, None if u in apart else p.article] for u, p in self.shelled.items()
            },
            "after": self.after,
            "next": {key: unheld(text) for key, text in self._next.items()},
        }
        return whole, apart

    def apart(self) -> dict[str, str]:
        """Every page's article and every file's text, for the pages filled and the files
        written again when the others were taken whole without them: at 3,000 deliveries,
        20 MB that a build finding every page and file unchanged never reads. Made again if
        lost since."""
        if self._apart is None:
            found = self.kept.whole_apart(self.whole_key) if self._whole is not None else None
            if found is None:
                self.shelled, self.after = {}, {}
                out = self._all()
                found = {u: p.article for u, p in self.shelled.items()}
                found.update((uri, text) for uri, text in out.items() if uri in self.unread)
            self._apart = found
        return self._apart

    def text(self, uri: str) -> str:
        """The text of a file `all` gave unread ("")."""
        return self.apart()[uri]

    def _all(self) -> dict[str, str]:
        c = self.catalog
        out: dict[str, str] = {}
        soon = self.soon
        self.listing(out, "calendar", "Twilights near you", soon, "upcoming")
        for facet in FACETS:
            groups: dict[str, list[Doc[Delivery]]] = defaultdict(list)
            for delivery in soon:
                for value in facet.values(c, delivery):
                    groups[value].append(delivery)
            for value in self.values(facet):
                label = facet.label_of(c, value)
                self.listing(
                    out,
                    f"calendar/{facet.folder}/{value.lower()}",
                    f"Twilights: {label}",
                    groups.get(value, []),
                    "upcoming",
                    facet=facet,
                    value=value,
                )
        years = f"{HELD}/years.md" if len(self.done) > PAGE_SIZE else ""
        self.listing(
            out, HELD, "Twilights held", self.done, "held", years=years and page_url(years)
        )
        if years:
            self.own_page(out, self.years_parts(years))
        for centre in c.centres.values():
            for parts in self.centre_pages(centre):
                self.own_page(out, parts)
        for delivery in c.deliveries:
            self.own_page(out, self.delivery_parts(delivery))
        out.update(calendars(c, self.r.site_url, self.kept, self.r.site_name, self.r.programme))
        out[FEED] = self.feed()
        return out

    def values(self, facet: Facet) -> list[str]:
        """Every value a filter offers: the regions of the centres, the modules delivered, the
        key stages and languages of those (in vocabulary order)."""
        return self._values[facet.folder]

    @functools.cached_property
    def _values(self) -> dict[str, list[str]]:
        # Once per build: every calendar page shows the filters, and working them out for
        # each page made the calendar's time grow with its pages times the deliveries.
        return {facet.folder: self._values_of(facet) for facet in FACETS}

    def _values_of(self, facet: Facet) -> list[str]:
        c = self.catalog
        found = {v for d in c.deliveries for v in facet.values(c, d)}
        order = {
            "region": c.vocabulary.ids("regions"),
            "language": c.vocabulary.ids("languages"),
            "key-stage": c.vocabulary.ids("key_stages"),
            "module": [m.id for m in c.published_modules],
        }[facet.folder]
        if facet.folder == "region":
            found |= {centre.meta.region for centre in c.centres.values()}
        return [v for v in order if v in found]

    def listing(
        self,
        out: dict[str, str],
        folder: str,
        title: str,
        items: list[Doc[Delivery]],
        kind: str,
        facet: Facet | None = None,
        value: str = "",
        years: str = "",
    ) -> None:
        """The pages of one list into `out`, or into the pages filled into a shell; `years`, the
        page that leads to each year's first page."""
        chunks = _chunks(items)
        pages = _pages(folder, len(chunks))
        centres = (
            [ct for ct in self.catalog.centres.values() if ct.meta.region == value]
            if facet and facet.folder == "region"
            else []
        )
        filters = [(f.folder, values) for f, values in self.filters()]
        for number, (here, chunk) in enumerate(zip(pages, chunks, strict=True), 1):
            meta: dict[str, Any] = {"title": title if number == 1 else f"{title} (page {number})"}
            if facet or number > 1:  # in search results: the calendar and the held list, once
                meta["search"] = {"exclude": True}
            context = {
                "title": title,
                "total": len(items),
                "page_size": PAGE_SIZE,
                "number": number,
                "pages": pages,
                "kind": kind,
                "page_urls": [page_url(p) for p in pages],
                "pager": pager(number, len(pages)),
                "value": value,
                "subscribe": self.subscribe_uri(facet, value),
                "count": self.count_data(items, number, pages[0]) if kind == "upcoming" else {},
                "years": years,
            }
            shows = repr((here, sorted(context.items()), facet and facet.folder, filters))
            key = self.kept.list_key(self.catalog, chunk, f"calendar {shows}", centres)
            article = self.kept_list(
                key,
                lambda keys, chunk=chunk, here=here, context=context: self.html(
                    "calendar.html.j2",
                    here,
                    items=self.entries(chunk, here, keys),
                    facet=facet,
                    centres=centres,
                    filters=self.filters(),
                    **context,
                ),
            )
            self.own_page(out, self.parts(here, meta, article))

    def years_parts(self, here: str) -> Parts:
        """The page that leads to the first page of each year, and of each month, in the list
        of twilights held: after five years (75 pages) a coordinator looking for an evening in
        March 2025 paged through. One page, so that the list's own pages stay as light however
        many years there are."""
        years: dict[int, dict[str, Any]] = {}
        for index, delivery in enumerate(self.done):  # most recent first
            day, number = delivery.meta.date, index // PAGE_SIZE + 1
            year = years.setdefault(day.year, {"year": day.year, "count": 0, "months": {}})
            year["count"] += 1
            year["months"].setdefault(dt.date(day.year, day.month, 1).strftime("%B"), number)
        found = [{**year, "page": next(iter(year["months"].values()))} for year in years.values()]
        pages = len(_chunks(self.done))
        title = "Twilights held, by year"
        meta = {"title": title, "search": {"exclude": True}}
        article = self.html(
            "held_years.html.j2",
            here,
            title=title,
            years=found,
            page_urls=[page_url(p) for p in _pages(HELD, pages)],
            total=len(self.done),
            page_size=PAGE_SIZE,
        )
        return self.parts(here, meta, article)

    @functools.cache  # noqa: B019  (one DeliveryPages per Renderer, that is per build)
    def filters(self) -> list[tuple[Facet, list[tuple[str, str]]]]:
        return [(f, [(v, f.label_of(self.catalog, v)) for v in self.values(f)]) for f in FACETS]

    @functools.cached_property
    def feeds(self) -> dict[str, str]:
        return feed_uris(self.catalog, self.r.programme)

    def subscribe_uri(self, facet: Facet | None, value: str) -> str:
        if facet is None:
            return "calendar/all.ics"
        uri = f"calendar/{facet.folder}/{value}.ics"
        return uri if uri in self.feeds else ""

    def centre_page(self, centre: Doc[Centre]) -> str:
        return self.centre_parts(centre).markdown(front_matter)

    def centre_pages(self, centre: Doc[Centre]) -> list[Parts]:
        """A centre's page, with its first PAGE_SIZE twilights to come, and a page for each
        further PAGE_SIZE (`centres/<id>/2/` ...): a hub with 40 evenings booked showed 20 of
        them, with no way to see the rest."""
        coming = self.soon_by.get(("centre", centre.slug), [])
        return [self.centre_parts(centre, n) for n in range(1, len(_chunks(coming)) + 1)]

    def centre_parts(self, centre: Doc[Centre], number: int = 1) -> Parts:
        coming = self.soon_by.get(("centre", centre.slug), [])
        chunks = _chunks(coming)
        soon = chunks[number - 1]
        pages = [centre.page, *(f"{centre.url}{n}.md" for n in range(2, len(chunks) + 1))]
        held_here = self.done_by.get(centre.slug, []) if number == 1 else []
        recent = held_here[:RECENT_HELD]  # most recent first
        title = ("Example: " if centre.meta.example else "") + centre.meta.name
        meta: dict[str, Any] = {
            "title": title,
            "content_type": "centre",
            "description": f"Twilights at {centre.meta.name}",
        }
        if number > 1:  # search finds the centre's own page
            meta["title"] = f"{title}: twilights coming up (page {number})"
            meta["search"] = {"exclude": True}
        listed = {
            "number": number,
            "page_urls": [page_url(p) for p in pages],
            "pager": pager(number, len(pages)),
            "total": len(coming),
            "page_size": PAGE_SIZE,
            "count": self.count_data(coming, number, pages[0]),
        }
        # where the coming ones end, and the pages they run to
        shows = f"centre {len(held_here)} {len(soon)} {sorted(listed.items())!r}"
        key = self.kept.list_key(self.catalog, soon + recent, shows, [centre])
        article = self.kept_list(
            key,
            lambda keys: self.html(
                "centre.html.j2",
                pages[number - 1],
                centre=centre,
                c=centre.meta,
                title=title,
                items=self.entries(soon, pages[number - 1], keys),
                recent=self.entries(recent, pages[number - 1], keys),
                held=len(held_here),
                notes=safe_html(centre.body) if number == 1 and centre.body.strip() else "",
                **listed,
            ),
        )
        return self.parts(pages[number - 1], meta, article)

    def count_data(self, items: list[Doc[Delivery]], number: int, first: str) -> dict[str, Any]:
        """What the script needs to correct "N coming up" on page `number` of a list when
        twilights have passed since the build, if it has more than one page: when the list's
        first twilight ends, and the last one before this page, and the first one after it;
        and the list's first page, from which it finds the others."""
        if len(items) <= PAGE_SIZE:
            return {}
        before, after = (number - 1) * PAGE_SIZE, number * PAGE_SIZE
        found: dict[str, Any] = {}
        if before:
            found["first-ends"] = ends(self.catalog, items[0]).isoformat()
            found["before-ends"] = ends(self.catalog, items[before - 1]).isoformat()
        if after < len(items):
            found["after-ends"] = ends(self.catalog, items[after]).isoformat()
        return {**found, "first-page": page_url(first), "page-size": PAGE_SIZE}

    def delivery_page(self, delivery: Doc[Delivery]) -> str:
        return self.delivery_parts(delivery).markdown(front_matter)

    def delivery_parts(self, delivery: Doc[Delivery]) -> Parts:
        c = self.catalog
        meta: dict[str, Any] = {  # without the facts: a page kept from an earlier build needs none
            "title": title_of(c, delivery),
            "content_type": "delivery",
            "description": f"{module_of(c, delivery).meta.title} at "
            f"{centre_of(c, delivery).meta.name}, {delivery.meta.date:%-d %B %Y}",
            # Search finds a centre's page, which lists its twilights to come, and the module's,
            # which lists the next ones: not one result for each evening a module is given.
            "search": {"exclude": True},
        }
        packs = self.r.packs.get(f"delivery-{delivery.slug}", [])
        key = self.kept.key(self.catalog, delivery, f"page {json.dumps(packs, default=str)}")
        article = self.kept.get(key)
        if article is None:
            facts = self.facts(delivery)
            article = self.html(
                "delivery.html.j2",
                delivery.page,
                **facts,
                order=[
                    (s, running_order(s.meta.agenda, self.clock_after(delivery, i)))
                    for i, s in enumerate(facts["sessions"])
                ],
                ics=ics_uri(c, delivery),
                region_ics=f"calendar/region/{facts['centre'].meta.region}.ics",
                packs=packs,
                notes=safe_html(delivery.body) if delivery.body.strip() else "",
            )
            self.kept.put(key, article)
        return self.parts(delivery.page, meta, article)

    def clock_after(self, delivery: Doc[Delivery], index: int) -> str:
        """The clock time session `index` of the evening starts at."""
        before = sum(s.meta.duration for s in sessions_of(self.catalog, delivery)[:index])
        return (starts(delivery) + dt.timedelta(minutes=before)).strftime("%H:%M")

    def next_on_module(self, module: ModuleDoc, here: str) -> str:
        """The next deliveries of a module, for its page (nothing when none is coming)."""
        if not self.catalog.deliveries:
            return ""
        key = f"{module.id} {here}"
        kept = self._whole["next"].get(key) if self._whole else None
        found = self._next_on_module(module, here) if kept is None else reheld(kept)
        self._next[key] = found
        return found

    def _next_on_module(self, module: ModuleDoc, here: str) -> str:
        soon = self.soon_by.get(("module", module.id), [])
        if not soon:
            return ""
        return "\n## Twilights coming up\n" + hold(
            self.html(
                "next_deliveries.html.j2",
                here,
                items=self.entries(soon[:NEXT], here),
                total=len(soon),
                all=f"calendar/module/{module.id}/",
                module=module,
            )
        )

    def feed(self) -> str:
        """An Atom feed of deliveries, newest announced first."""
        c, ids = self.catalog, self.r.ids
        newest = sorted(c.deliveries, key=lambda d: (d.meta.announced, d.slug), reverse=True)[
            :FEED_LIMIT
        ]
        # an entry is updated on the day it last changed: a reader that has it shows it again
        updated = {d.slug: d.meta.changed or d.meta.announced for d in newest}
        last = max(updated.values(), default=c.today)
        title = f"{self.r.programme}: new twilights"
        feed = atom_head(ids, FEED, title, "calendar/", last, "en-GB")
        for delivery in newest:
            f = self.facts(delivery)
            status = "Cancelled: " if delivery.meta.status == "cancelled" else ""
            entry = atom_entry(
                feed,
                ids,
                FEED,
                delivery,
                f"{status}{f['title']}",
                updated[delivery.slug],
                f["centre"].meta.name,
            )
            ET.SubElement(
                entry,
                f"{{{ATOM}}}category",
                term=delivery.meta.module,
                label=f["module"].meta.title,
            )
            if f["example"]:
                ET.SubElement(entry, f"{{{ATOM}}}category", term="example", label="Example")
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = (
                ("An example shipped with OpenCPD, not a real event. " if f["example"] else "")
                + f"{f['start']:%A %-d %B %Y, %H:%M}–{f['end']:%H:%M} at "
                f"{location(f['centre'].meta.name, None, f['centre'].meta.town)}: "
                f"{delivery.meta.places} place{'' if delivery.meta.places == 1 else 's'} "
                f"({FEED_STATUS[delivery.meta.status]})."
            )
        return xml_document(feed)


def searched(meta: dict[str, Any]) -> bool:
    """Whether the front matter lets search index the page (not `search.exclude`): the
    article of a page it leaves out is needed only to fill that page again."""
    return not (isinstance(meta.get("search"), dict) and meta["search"].get("exclude"))


def delivery_navigation(catalog: Catalog) -> list[dict[str, Any]]:
    """A short section: the calendar and the held list (never a page per delivery)."""
    if not catalog.deliveries and not catalog.centres:
        return []
    return [{"Twilights": list(NAVIGATED)}]
