"""Slide decks: one per session, from its front matter and its `/// slide` blocks, as an HTML
deck for the site, a 16:9 PDF and a PowerPoint file, cached by a hash of their content."""

from __future__ import annotations

from .build import DeckJob, findings, generate, prepare
from .cache import CachedDeck, DeckCache
from .deck import Deck, DeckOptions, make_deck

__all__ = [
    "CachedDeck",
    "Deck",
    "DeckCache",
    "DeckJob",
    "DeckOptions",
    "findings",
    "generate",
    "make_deck",
    "prepare",
]
