"""Read Material's primary navigation (the sidebar) back from a built page."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class NavItem:
    title: str = ""
    href: str | None = None
    items: list[NavItem] = field(default_factory=list)

    def titles(self) -> list[str]:
        return [item.title for item in self.items]

    def find(self, title: str) -> NavItem:
        return next(item for item in self.items if item.title == title)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = NavItem()
        self.stack: list[NavItem] = []
        self.navs: list[str] = []  # class of every open <nav>
        self.reading_title = False

    @property
    def inside(self) -> bool:
        return any("md-nav--primary" in n for n in self.navs) and not any(
            "md-nav--secondary" in n for n in self.navs
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "nav":
            self.navs.append(attributes.get("class") or "")
        if not self.inside:
            return
        current = self.stack[-1] if self.stack else self.root
        if tag == "li":
            item = NavItem()
            current.items.append(item)
            self.stack.append(item)
        elif tag == "a" and self.stack and current.href is None:
            current.href = attributes.get("href")
        elif (
            tag == "span"
            and "md-ellipsis" in (attributes.get("class") or "")
            and self.stack
            and not current.title
        ):
            self.reading_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self.reading_title = False
        elif tag == "li" and self.inside:
            self.stack.pop()
        elif tag == "nav" and self.navs:
            self.navs.pop()

    def handle_data(self, data: str) -> None:
        if self.reading_title and self.stack:
            self.stack[-1].title += data.strip()


def primary_nav(html: str) -> NavItem:
    """The sidebar as a tree of titled items, each with the first link it holds."""
    parser = _Parser()
    parser.feed(html)
    return parser.root
