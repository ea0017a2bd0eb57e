"""How the feeds and calendars name the site's entries and events, and link to its pages.

An Atom id (RFC 4287 section 4.2.6) is an absolute IRI that never changes for its entry, and an
iCalendar UID names one event in every calendar that has it: a feed reader or calendar app that
sees a new id takes the entry for a new one (shown twice), and one that sees two events with one
UID keeps only one of them. So:

- with `site_url`, an id is the page's address, as every earlier build wrote it, and a UID is
  `<file>@<host>` for a site at the root of its host (as before) and `<file>@<host>/<path>` for
  one below it, so that two programmes on one host (example.org/north/ and example.org/south/)
  never give two evenings one UID;
- without it, an id is a `urn:uuid:` worked out (uuid5) from what names the site, its `repo_url`
  or else its `site_name`, and the source file of the entry, and a UID's host is a uuid5 of that
  name: the same in every build, unlike a relative address, which is no id at all. Links are then
  relative to the feed's own address (`../modules/...`), which a reader resolves wherever the
  site is published; a calendar's URL property is left out, as it must be absolute.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class SiteIds:
    site_url: str  # the site's address, ending in "/"; "" when mkdocs.yml gives none
    name: str  # what names the site when its address is unknown: repo_url, else site_name

    @classmethod
    def of(cls, site_url: str, name: str = "") -> SiteIds:
        site = site_url.rstrip("/") + "/" if site_url and site_url != "/" else ""
        return cls(site, name.strip().rstrip("/") or "OpenCPD")

    def entry_id(self, url: str, source: str) -> str:
        """The Atom id of a page at `url` (relative to the site's root) made from the file
        `source` (a feed's own id: its own path for both)."""
        if self.site_url:
            return self.site_url + url
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.name}#{source}')}"

    def link(self, url: str, here: str) -> str:
        """A link from the file `here` (a feed's path in the site) to the page at `url`."""
        if self.site_url:
            return self.site_url + url
        return "../" * here.count("/") + url or "./"

    def address(self, url: str) -> str | None:
        """The absolute address of the page at `url`; None when the site's is unknown."""
        return self.site_url + url if self.site_url else None

    def uid(self, slug: str) -> str:
        """The iCalendar UID of the delivery `slug`."""
        return f"{slug}@{self.host}"

    @property
    def host(self) -> str:
        """'example.org' for a site at the root of its host, as UIDs always said;
        'example.org/north' for one below it."""
        if not self.site_url:
            return str(uuid.uuid5(uuid.NAMESPACE_URL, self.name))
        return re.sub(r"^https?://", "", self.site_url).rstrip("/")


__all__ = ["SiteIds"]
