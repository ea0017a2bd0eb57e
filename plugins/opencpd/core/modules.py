"""A module read from its folder, modules/<id>/: module.md, its handouts and sessions, each
checked, and its published resources (resources.py)."""

from __future__ import annotations

import re
from pathlib import Path

from .catalog import Doc, ModuleDoc
from .feeds import SITE_FEEDS, module_feed, names_a_site_feed
from .folders import (
    clash,
    main_page,
    matching,
    pages_in,
    refuse_all,
    subfolders,
    unpublished,
    well_named,
)
from .loader import Loader
from .model import SLUG, Handout, Module, Session
from .resources import load_resource, submitted_by_now
from .tree import walk


def load_module(loader: Loader, folder: Path) -> ModuleDoc | None:
    tree = walk(folder, skip=frozenset({"resources"}))
    refuse_all(loader, tree)
    doc = main_page(
        loader,
        folder,
        tree,
        "module",
        Module,
        "speaking-ks2",
        "If you meant an existing module, move the files into its folder (check the spelling); "
        "otherwise create the module with `opencpd new module`.",
    )
    if doc is None or takes_a_site_feed(loader, doc, folder.name):
        return None
    module = ModuleDoc(**vars(doc))
    base = f"modules/{folder.name}"
    for path in well_named(loader, pages_in(loader, tree, "handouts"), "sentence-builders"):
        handout = loader.read(path, Handout, f"{base}/handouts/{path.stem}.md")
        if handout:
            module.handouts[handout.slug] = handout
    for path in well_named(loader, pages_in(loader, tree, "sessions"), "02-follow-up"):
        session = loader.read(path, Session, f"{base}/sessions/{path.stem}.md")
        if session:
            check_session(loader, session, module)
            one_twilight(loader, session, module)
            module.sessions.append(session)
    read = [tree.files["module.md"], *matching(tree, "handouts"), *matching(tree, "sessions")]
    unpublished(
        loader,
        tree,
        read,
        f"{base}/module.md, {base}/sessions/<name>.md, {base}/handouts/<name>.md, or a "
        f"resource's folder {base}/resources/<name>/",
        pictures=True,
    )
    resources = (
        subfolders(
            loader,
            folder / "resources",
            f"a folder of its own for each resource, {base}/resources/<name>/index.md, with "
            "its files beside it",
        )
        if "resources" in tree.folders
        else []
    )
    for bad in [p for p in resources if not re.fullmatch(SLUG, p.name)]:
        loader.find(
            loader.rel(bad),
            1,
            "bad-name",
            "the resource's folder name cannot be "
            "part of a web address (expected lower-case words joined by hyphens, e.g. "
            f"weather-bingo; got {bad.name!r})",
            "Rename the folder: its name becomes "
            "the page's address. The resource is not published until then.",
        )
    named = [p for p in resources if re.fullmatch(SLUG, p.name)]
    for slug in clash(loader, named, lambda p: p.name):
        resource = load_resource(loader, slug, f"{base}/resources/{slug.name}/index.md")
        if resource and not submitted_by_now(loader, resource):
            continue
        if resource and (
            resource.meta.status == "approved"
            or (loader.include_pending and resource.meta.status == "pending")
        ):
            module.resources.append(resource)
    # newest first, teachers' own before the programme's examples
    module.resources.sort(
        key=lambda r: (not r.meta.example, r.meta.submitted, r.slug), reverse=True
    )
    return module


def takes_a_site_feed(loader: Loader, doc: Doc[Module], folder: str) -> bool:
    """Whether the module's name (its folder's, or its id, which names its feed) is one of the
    site's own feeds' (feeds/deliveries.xml): its feed would replace the site's, so it is a
    bad-name finding and the module is not published."""
    name = next((n for n in (doc.meta.id, folder) if names_a_site_feed(n)), None)
    if name is None:
        return False
    taken = ", ".join(sorted(f.removeprefix("feeds/").removesuffix(".xml") for f in SITE_FEEDS))
    loader.find(
        doc.source,
        doc.line("id"),
        "bad-name",
        f"the module's name is taken by one of the site's own feeds, {module_feed(name)} "
        f"(expected a name other than {taken}; got {name!r})",
        f"Rename the folder modules/{name}/ and the module's id, e.g. to ks3-{name}: the "
        "module's feed is named after it. The module is not published until then.",
    )
    return True


def one_twilight(loader: Loader, session: Doc[Session], module: ModuleDoc) -> None:
    """A module is one twilight and its follow-ups (`opencpd new module` writes them so): a
    second twilight is a warning, since an evening of its own is a module of its own."""
    if session.meta.kind != "twilight":
        return
    first = next((s for s in module.sessions if s.meta.kind == "twilight"), None)
    if first is not None:
        loader.find(
            session.source,
            session.line("kind"),
            "second-twilight",
            f"the module has a twilight already (expected one session of kind twilight, got a "
            f"second beside {first.source})",
            "Make this session a follow-up (kind: follow-up), or move it to a module of its own.",
            "warning",
        )


def check_session(loader: Loader, session: Doc[Session], module: ModuleDoc) -> None:
    meta = session.meta
    total = sum(item.minutes for item in meta.agenda)
    if total != meta.duration:
        loader.find(
            session.source,
            session.line("agenda"),
            "agenda-total",
            f"the agenda does not add up to the session's duration (expected "
            f"{meta.duration} minutes, got {total})",
            "Change the items' minutes or the duration so that they agree.",
        )
    for name in meta.handouts:
        if name not in module.handouts:
            loader.find(
                session.source,
                session.line("handouts"),
                "missing-file",
                f"the handout '{name}' does not exist (expected "
                f"modules/{module.id}/handouts/{name}.md, got no such file)",
                "Create the handout or correct its name in 'handouts'.",
            )
