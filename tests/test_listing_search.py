"""What search indexes for listing pages (all modules, modules by key stage, theme or
language, resources): their titles, introductions and the titles and summaries they list, with
a description for the result; not rows of tags, counts or the list's own filters."""

from __future__ import annotations

import gzip
import json
from typing import Any

from .conftest_browser import BuiltSite

TAGS = ("·", "Module Key stage Themes Sessions", "Showing ", "Module Resources", "All French")


def fragments(site: BuiltSite) -> dict[str, dict[str, Any]]:
    found = {}
    for path in (site.folder / "pagefind" / "fragment").glob("*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[fragment["url"]] = fragment
    return found


def listing_urls(site: BuiltSite) -> list[str]:
    catalog = site.catalog
    urls = ["/modules/", "/resources/", "/key-stages/ks2/", "/themes/grammar/", "/languages/fr/"]
    urls += [f"/resources/{m.id}/" for m in catalog.published_modules]
    return urls


def test_listing_pages_are_indexed_as_text_with_a_description(built_repo_site: BuiltSite) -> None:
    found = fragments(built_repo_site)
    problems = []
    for url in listing_urls(built_repo_site):
        fragment = found.get(url)
        if fragment is None:
            problems.append(f"{url}: not indexed")
            continue
        content = fragment["content"]
        problems += [f"{url}: indexes {tag!r}: {content[:200]}" for tag in TAGS if tag in content]
        if not fragment["meta"].get("description"):
            problems.append(f"{url}: no description to show in results")
    assert not problems, "\n".join(problems)
    # the resources it lists are found by their titles and summaries
    module = next(m for m in built_repo_site.catalog.published_modules if m.resources)
    listing = found[f"/resources/{module.id}/"]["content"]
    resource = module.resources[0].meta
    assert resource.title in listing and resource.summary[:60] in listing
