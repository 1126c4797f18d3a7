"""What every notes reader shares: the drafts and skips it collects, the limits that keep an
import bounded, ids made from the notes' own words, and the deck it writes.

Card ids are slugs of the term or question, so importing the same notes again gives the same ids
and keeps the learners' progress.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gradeck.decks.checker import MAX_TEXT
from gradeck.decks.loader import MAX_ITEMS
from gradeck.errors import GradeckError

MAX_NOTES_BYTES = 2 * 1024 * 1024
MAX_BLOCKS = 2 * MAX_ITEMS  # cards and skipped blocks in one file: the work stays bounded
SLUG_LENGTH = 60
TAG_LENGTH = 40


class TooMany(GradeckError):
    """More cards than one deck may hold: the notes are to be split, not cut silently."""

    def __init__(self, line: int, what: str = "cards", limit: int = MAX_ITEMS) -> None:
        most = "the most one deck may hold" if what == "cards" else "the most one import reads"
        super().__init__(f"more than {limit:,} {what}, {most}; split the notes into smaller files")
        self.line = line


@dataclass(frozen=True)
class Skipped:
    """A block of the notes that gave no card, with its 1-based line range."""

    line: int
    end: int
    reason: str

    def where(self, name: str) -> str:
        lines = f"{self.line}" if self.end == self.line else f"{self.line}-{self.end}"
        return f"{name}:{lines}: skipped {self.reason}"


@dataclass
class Draft:
    """A card found in the notes, before ids are given out."""

    line: int
    name: str  # what the id is made from: the term, question or heading
    fields: dict[str, Any]
    tags: tuple[str, ...] = ()
    id: str = ""  # a fixed id (from an Anki guid) instead of one made from the name


@dataclass
class Imported:
    deck: dict[str, Any]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def cards(self) -> list[dict[str, Any]]:
        return self.deck["cards"]


# ---------------------------------------------------------------- text helpers


def words_slug(text: str, limit: int) -> str:
    """Lowercase ASCII words of `text` joined by '-', cut at a word boundary; may be empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def slug(text: str, limit: int = SLUG_LENGTH) -> str:
    """An id from `text`; text with no ASCII letters (say 'σ′') gets a short hash instead."""
    return words_slug(text, limit) or f"card-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


# Each span's text cannot hold its own delimiter, so a search from one opening stops at the
# next delimiter: linear in the line, where `.+?` rescanned the rest of it from every opening.
_CODE_SPAN = re.compile(r"(`{1,3})(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_STRONG = re.compile(r"(\*{2,3}|_{2})(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")


def plain(text: str) -> str:
    """Inline Markdown (code spans, bold, italics) reduced to its text: cards are plain text."""
    if "*" not in text and "_" not in text and "`" not in text:
        return text.strip()
    text = _CODE_SPAN.sub(_inner, text)
    for _ in range(3):  # nested emphasis such as ***x*** or **`x`**
        text, count = _STRONG.subn(_inner, text)
        if not count:
            break
    return _EMPHASIS.sub(_first, text).strip()


def _inner(match: re.Match[str]) -> str:
    return match.group(2)


def _first(match: re.Match[str]) -> str:
    return match.group(1)


def unique_ids(names: list[str]) -> list[str]:
    """Slugs of `names`, with -2, -3, ... added in order where they collide."""
    ids: list[str] = []
    used: set[str] = set()
    tried: dict[str, int] = {}  # the last suffix tried for each slug: each is tried once
    for name in names:
        base = slug(name)
        candidate, n = base, tried.get(base, 1)
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        tried[base] = n
        used.add(candidate)
        ids.append(candidate)
    return ids


def build_deck(name: str, title: str, drafts: list[Draft], tags: tuple[str, ...] = ()):
    """The deck mapping, ready to dump as YAML, with the ids given out."""
    cards: list[dict[str, Any]] = []
    for card_id, draft in zip(unique_ids([d.id or d.name for d in drafts]), drafts, strict=True):
        card: dict[str, Any] = {"id": card_id, **draft.fields}
        if draft.tags:
            card["tags"] = list(draft.tags)
        cards.append(card)
    deck: dict[str, Any] = {
        "format": 1,
        "id": slug(Path(name).stem),
        "title": title or Path(name).stem,
        "description": f"Imported from {Path(name).name}.",
    }
    if tags:
        deck["tags"] = list(tags)
    deck["cards"] = cards
    return deck


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_deck(deck: dict[str, Any]) -> str:
    """The deck as YAML, multi-line texts as literal blocks so the file stays easy to edit."""
    return yaml.dump(deck, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)


def too_long(fields: dict[str, Any]) -> bool:
    return any(isinstance(v, str) and len(v) > MAX_TEXT for v in fields.values())
