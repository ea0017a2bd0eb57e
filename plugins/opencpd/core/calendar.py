"""iCalendar (RFC 5545) files of deliveries, written with the `icalendar` library: one per
delivery still to come at build time ("Add to my calendar": nobody adds an evening already
held, and a held one stays in the feeds' recent past) and subscribable feeds of everything,
each region and each module. Times are in Europe/London with its VTIMEZONE (GMT and BST); a
cancelled delivery stays in the feeds as STATUS:CANCELLED so that a subscriber's calendar shows
it go."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

from icalendar import (
    Calendar,
    Component,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vText,
)

from .catalog import Catalog, Doc
from .deliveries import (
    LONDON,
    centre_of,
    ends,
    held,
    is_example,
    is_past,
    location,
    module_of,
    sessions_of,
    starts,
    title_of,
    upcoming,
)
from .delivery_model import Delivery
from .feeds import PROGRAMME
from .kept import KeptDeliveries
from .site_ids import SiteIds

STATUS = {
    "planned": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "cancelled": "CANCELLED",
    "held": "CONFIRMED",
}
FEED_PAST_DAYS = 60  # a subscribed feed keeps the recent past, not every year's evenings
PRODID = "-//OpenCPD//Deliveries//EN"
REFRESH = dt.timedelta(hours=12)  # how often a subscribed calendar is to look for changes


def ics_uri(catalog: Catalog, delivery: Doc[Delivery]) -> str | None:
    """Where the delivery's own file is; None once it is past (it has none)."""
    return None if is_past(catalog, delivery) else f"deliveries/{delivery.slug}.ics"


def feed_uris(catalog: Catalog, programme: str = PROGRAMME) -> dict[str, str]:
    """src_uri -> title of each subscribable feed."""
    return {uri: title for uri, (title, _) in feed_names(catalog, programme).items()}


def feed_names(catalog: Catalog, programme: str = PROGRAMME) -> dict[str, tuple[str, str]]:
    """src_uri -> the title and description of each subscribable feed, named after the
    programme (the site's site_name)."""
    recent = f"still to come, and those held or cancelled in the last {FEED_PAST_DAYS} days"
    out = {
        "calendar/all.ics": (f"{programme}: all twilights", f"Every {programme} twilight {recent}.")
    }
    for region in sorted({c.meta.region for c in catalog.centres.values()}):
        label = catalog.vocabulary.label("regions", region)
        out[f"calendar/region/{region}.ics"] = (
            f"{programme}: twilights in {label}",
            f"{programme} twilights at centres in {label} {recent}.",
        )
    for module_id in sorted({d.meta.module for d in catalog.deliveries}):
        module = catalog.module(module_id)
        if module:
            out[f"calendar/module/{module_id}.ics"] = (
                f"{programme}: twilights of {module.meta.title}",
                f"{programme} twilights of the module {module.meta.title} {recent}.",
            )
    return out


@functools.lru_cache(maxsize=8)
def _london(first: int, last: int) -> Component:
    """The VTIMEZONE of Europe/London for `first` to `last`: worked out once per build and
    shared by every file (once per file, it was most of the time the calendars took).

    Written as the UK's yearly rule (RRULE) when it agrees with the time zone database over
    those years: Outlook builds its zone from a rule and reads only one STANDARD, and ical.js
    (Thunderbird, web calendars) reads only the first date of an RDATE that lists several, so
    the library's dates, kept otherwise, are one RDATE a line."""
    if _agrees(first, last):
        return _london_rules()
    cal = Calendar()
    probe = Event()
    probe.add("dtstart", dt.datetime(first, 6, 1, 12, 0, tzinfo=LONDON))
    cal.add_component(probe)
    cal.add_missing_timezones(dt.date(first, 1, 1), dt.date(last, 1, 1))
    (zone,) = cal.walk("VTIMEZONE")
    for observance in zone.subcomponents:
        dates = observance.pop("rdate", None)
        for day in dates.dts if dates else []:
            observance.add("rdate", day.dt)
    return zone


def _london_rules() -> Timezone:
    """GMT and BST as the UK has kept them since 1996: BST from 01:00 GMT on the last Sunday
    of March, GMT from 02:00 BST on the last Sunday of October."""
    zone = Timezone()
    zone.add("tzid", str(LONDON))
    for kind, name, onset, before, after in (
        (TimezoneDaylight, "BST", dt.datetime(1996, 3, 31, 1), 0, 1),
        (TimezoneStandard, "GMT", dt.datetime(1996, 10, 27, 2), 1, 0),
    ):
        observance = kind()
        observance.add("dtstart", onset)
        observance.add("rrule", {"freq": "yearly", "bymonth": onset.month, "byday": "-1su"})
        observance.add("tzname", name)
        observance.add("tzoffsetfrom", dt.timedelta(hours=before))
        observance.add("tzoffsetto", dt.timedelta(hours=after))
        zone.add_component(observance)
    return zone


def _agrees(first: int, last: int) -> bool:
    """Whether the UK's yearly rule (`_london_rules`) gives London's offset in the time zone
    database from `first` to `last`: at noon each day, and a minute either side of each change
    the rule makes (at 01:00 GMT on March's and October's last Sundays)."""
    hour, minute = dt.timedelta(hours=1), dt.timedelta(minutes=1)
    for year in range(first, last):
        spring, autumn = (_last_sunday(year, month) + hour for month in (3, 10))
        moments = [spring - minute, spring, autumn - minute, autumn]
        noon = dt.datetime(year, 1, 1, 12, tzinfo=dt.UTC)
        while noon.year == year:
            moments.append(noon)
            noon += dt.timedelta(days=1)
        for moment in moments:
            expected = hour if spring <= moment < autumn else dt.timedelta(0)
            if moment.astimezone(LONDON).utcoffset() != expected:
                return False
    return True


def _last_sunday(year: int, month: int) -> dt.datetime:
    """The last Sunday of `month` in `year`, at midnight UTC."""
    day = dt.datetime(year, month + 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def event(
    catalog: Catalog, delivery: Doc[Delivery], ids: SiteIds, programme: str = PROGRAMME
) -> Event:
    meta = delivery.meta
    module, centre = module_of(catalog, delivery), centre_of(catalog, delivery)
    url = ids.address(delivery.url)  # None without site_url: a URL must be absolute
    example = is_example(catalog, delivery)
    summary = title_of(catalog, delivery)
    if meta.status == "cancelled":
        summary = f"Cancelled: {summary}"
    place = location(centre.meta.name, centre.meta.address, centre.meta.town)
    lines = [
        *(["This is an example shipped with OpenCPD, not a real event."] if example else []),
        f"{module.meta.title}: " + "; ".join(s.meta.title for s in sessions_of(catalog, delivery)),
        f"Places: {meta.places}. Book: {meta.booking or 'email ' + centre.meta.contact}",
        *([f"Details, practical notes and updates: {url}"] if url else []),
    ]
    found = Event()
    found.add("uid", ids.uid(delivery.slug))
    # The build date, not the clock: two builds of one commit write the same file.
    found.add("dtstamp", dt.datetime.combine(catalog.today, dt.time(0, 0), dt.UTC))
    found.add("dtstart", starts(delivery))
    found.add("dtend", ends(catalog, delivery))
    found.add("summary", summary)
    found.add("location", place)
    found.add("description", "\n".join(lines))
    if url:
        found.add("url", url)
    found.add("status", STATUS[meta.status])
    found.add("sequence", sequence(meta))
    if meta.changed:
        found.add("last-modified", dt.datetime.combine(meta.changed, dt.time(0, 0), dt.UTC))
    found.add("categories", ["Example"] if example else [f"{programme} twilight"])
    organiser = vCalAddress(f"mailto:{centre.meta.contact}")
    organiser.params["cn"] = centre.meta.name
    found.add("organizer", organiser)
    return found


def sequence(meta: Delivery) -> int:
    """The event's version (RFC 5545 SEQUENCE), which a calendar that has it must see go up
    when it changes: one once changed (on the day it was announced too), and one a day from
    its announcement to its last change (`changed`), one more once cancelled. It goes up as
    long as `changed` is moved on with each change."""
    if meta.changed is None:
        return 1 if meta.status == "cancelled" else 0
    days = max((meta.changed - meta.announced).days, 0)
    return 1 + days + (1 if meta.status == "cancelled" else 0)


END = b"END:VCALENDAR\r\n"


def calendar(
    catalog: Catalog,
    deliveries: list[Doc[Delivery]],
    ids: SiteIds,
    name: str,
    events: dict[str, bytes] | None = None,
    feed: tuple[str, str] | None = None,
) -> str:
    """One iCalendar file of `deliveries`. `events`: each delivery's VEVENT as the library
    serialised it, by slug (`serialised_events`), so that a delivery in several files is made
    and written once per build, not once per file. `feed`: a subscribed feed's path and
    description; it says how often to look for changes (RFC 7986's REFRESH-INTERVAL, and
    Outlook's X-PUBLISHED-TTL) and where it is (SOURCE, when the site's address is known)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # Published to be read, not an invitation: without it Outlook and Apple Calendar may take
    # an event with an organiser for a meeting request to answer.
    cal.add("method", "PUBLISH")
    # The name as a text, its commas and semicolons escaped, said to be one (VALUE=TEXT): a
    # reader that does not know the property (ical.js, in Thunderbird and web calendars, knows
    # neither RFC 7986's NAME nor X-WR-CALNAME) otherwise shows its backslashes.
    cal.add("name", vText(name), parameters={"VALUE": "TEXT"})
    cal.add("x-wr-calname", vText(name), parameters={"VALUE": "TEXT"})
    if feed:
        uri, description = feed
        cal.add("description", description)
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(REFRESH))  # a property the library does not know
        source = ids.address(uri)
        if source:
            cal.add("source", source, parameters={"VALUE": "URI"})
    cal.add("x-wr-timezone", str(LONDON))
    # The library folds and ends each content line on its own, so a calendar's text is its own
    # lines, then each subcomponent's text, then its END: the subcomponents, serialised once,
    # are put between the two rather than serialised again inside every file.
    head = cal.to_ical()
    assert head.endswith(END)
    parts = [head[: -len(END)]]
    # The VTIMEZONE of Europe/London (GMT and BST), before the events, over the years they need;
    # in a feed with no event too, as a calendar must hold at least one component.
    years = [d.meta.date.year for d in deliveries] or [catalog.today.year]
    parts.append(_london_ical(min(years) - 1, max(years) + 2))
    if events is None:
        events = serialised_events(catalog, deliveries, ids)
    parts += [events[d.slug] for d in deliveries]
    parts.append(END)
    return b"".join(parts).decode("utf-8")


@functools.lru_cache(maxsize=8)
def _london_ical(first: int, last: int) -> bytes:
    return _london(first, last).to_ical()


def serialised_events(
    catalog: Catalog,
    deliveries: list[Doc[Delivery]],
    ids: SiteIds,
    kept: KeptDeliveries | None = None,
    programme: str = PROGRAMME,
) -> dict[str, bytes]:
    """slug -> the delivery's VEVENT, written by the library (or as an earlier build did)."""
    if kept is None:
        return {d.slug: event(catalog, d, ids, programme).to_ical() for d in deliveries}
    out = {}
    for delivery in deliveries:
        key = kept.key(catalog, delivery, f"event {ids.site_url} {ids.name} {programme}")
        text = kept.get(key)
        if text is None:
            text = event(catalog, delivery, ids, programme).to_ical().decode("utf-8")
            kept.put(key, text)
        out[delivery.slug] = text.encode("utf-8")
    return out


def calendars(
    catalog: Catalog,
    site_url: str,
    kept: KeptDeliveries | None = None,
    site_name: str = "",
    programme: str = PROGRAMME,
) -> dict[str, str]:
    """src_uri -> iCalendar text: each delivery's file (if it is still to come), and the
    subscribable feeds; `kept`: each delivery's event as earlier builds made it
    (KeptDeliveries); `site_name`: what names the site in its events' UIDs when `site_url` is
    not given (SiteIds); `programme`: the programme's name, which the feeds' names and the
    events' category carry (the site's site_name)."""
    ids = SiteIds.of(site_url, site_name)
    recent = catalog.today - dt.timedelta(days=FEED_PAST_DAYS)
    cancelled_past = [
        d
        for d in catalog.deliveries
        if d.meta.status == "cancelled" and d.meta.date < catalog.today
    ]
    shown = upcoming(catalog) + [d for d in held(catalog) + cancelled_past if d.meta.date >= recent]
    events = serialised_events(catalog, catalog.deliveries, ids, kept, programme)
    out = {}
    for delivery in catalog.deliveries:  # its own file: as an earlier build made it, if kept
        uri = ics_uri(catalog, delivery)
        if uri is None:
            continue
        key = (
            kept.key(catalog, delivery, f"file {ids.site_url} {ids.name} {programme}")
            if kept
            else ""
        )
        text = kept.get(key) if kept else None
        if text is None:
            text = calendar(catalog, [delivery], ids, title_of(catalog, delivery), events)
            if kept:
                kept.put(key, text)
        out[uri] = text
    groups: dict[str, list[Doc[Delivery]]] = defaultdict(list)
    for delivery in shown:
        groups["calendar/all.ics"].append(delivery)
        groups[f"calendar/region/{centre_of(catalog, delivery).meta.region}.ics"].append(delivery)
        groups[f"calendar/module/{delivery.meta.module}.ics"].append(delivery)
    for uri, (title, description) in feed_names(catalog, programme).items():
        out[uri] = calendar(catalog, groups.get(uri, []), ids, title, events, (uri, description))
    return out


__all__ = ["calendars", "event", "feed_names", "feed_uris", "ics_uri"]
