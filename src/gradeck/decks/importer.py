"""Turn study notes (Markdown) or a spreadsheet export (CSV in Anki's text format) into a deck.

A file is read as a table when it is named .csv/.tsv, opens with Anki's `#separator:`-style
headers, or (any name but .md) every row splits into the same cells: tab-separated, or two
comma-separated columns (front, back). A first row that only names columns (`front,back`,
`Question,Answer`) is taken as the column names when Anki's `#columns:` header is absent.

The importer never guesses silently: every block of the notes that does not become a card is
reported with its line numbers and the reason, so an instructor can fix the notes or add the card
by hand. The readers are `notes_markdown` and `notes_csv`; what they share is in `notes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from gradeck.decks.checker import MAX_TEXT
from gradeck.decks.loader import MAX_ITEMS
from gradeck.decks.notes import (
    MAX_NOTES_BYTES,
    Draft,
    Imported,
    Skipped,
    TooMany,
    build_deck,
    too_long,
)
from gradeck.decks.notes_csv import import_csv, table_separator, whole_fields
from gradeck.decks.notes_logseq import looks_like_logseq, read_logseq
from gradeck.decks.notes_markdown import import_markdown
from gradeck.decks.notes_obsidian import NoteCards, looks_like_obsidian, read_obsidian
from gradeck.errors import GradeckError
from gradeck.text import printable


def _read_notes(path: Path) -> str:
    try:
        if path.is_dir():
            raise GradeckError(f"{path} is a folder; give a Markdown or CSV file")
        if path.stat().st_size > MAX_NOTES_BYTES:
            raise GradeckError(f"{path} is larger than 2 MB; split it into smaller files")
        data = path.read_bytes()
    except FileNotFoundError:
        raise GradeckError(f"no such file: {path}") from None
    except OSError as exc:
        raise GradeckError(f"cannot read {path}: {exc.strerror}") from None
    if b"\x00" in data:
        raise GradeckError(f"{path} is a binary file, not Markdown or CSV notes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GradeckError(f"{path}:{line}: not valid UTF-8; save the notes as UTF-8") from None
    # Control characters (a terminal acts on them) become visible stand-ins, so the cards are
    # harmless and the deck written passes `gradeck validate`; line ends are newlines first.
    return printable(text.replace("\r\n", "\n").replace("\r", "\n"))


def is_csv(path: Path, text: str) -> bool:
    """CSV by suffix, a text file that opens with Anki's `#separator:`/`#columns:` headers, or
    one (not named .md) whose rows are all tab-separated or front,back pairs."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return True
    first = next((line for line in text.splitlines() if line.strip()), "")
    if re.match(r"#(separator|columns|html|notetype|deck|tags)\s*:", first, re.I):
        return True
    if suffix in (".md", ".markdown"):
        return False
    with whole_fields():
        return table_separator(text) is not None


def import_cards(found: NoteCards, name: str) -> Imported:
    """A deck from the cards an Obsidian or Logseq reader found."""
    if len(found.cards) > MAX_ITEMS:
        raise TooMany(found.cards[MAX_ITEMS].line)
    drafts = [
        Draft(c.line, c.name, c.fields, c.tags) for c in found.cards if not too_long(c.fields)
    ]
    skipped = [Skipped(line, end, reason) for line, end, reason in found.skipped]
    skipped += [Skipped(c.line, c.line, f"a card longer than {MAX_TEXT:,} characters")
                for c in found.cards if too_long(c.fields)]  # fmt: skip
    return Imported(build_deck(name, "", drafts, found.tags), sorted(skipped, key=_first_line))


def _first_line(skipped: Skipped) -> int:
    return skipped.line


def _reader(path: Path, text: str) -> Callable[[str, str], Imported]:
    """How to read these notes: CSV, Logseq, Obsidian, else Markdown."""
    if is_csv(path, text):
        return import_csv
    if looks_like_logseq(text):
        return lambda text, name: import_cards(read_logseq(text), name)
    if looks_like_obsidian(text):
        return lambda text, name: import_cards(read_obsidian(text), name)
    return import_markdown


def import_file(path: Path) -> Imported:
    """The deck made from the notes in `path`, and what was skipped; GradeckError if none."""
    text = _read_notes(path)
    read = _reader(path, text)
    try:
        result = read(text, path.name)
    except TooMany as exc:
        raise GradeckError(f"{path}:{exc.line}: {exc}") from None
    if not result.cards:
        raise GradeckError(f"no cards found in {path}{_skip_report(result.skipped, str(path))}")
    return result


def _skip_report(skipped: list[Skipped], name: str, limit: int = 10) -> str:
    """Why each block gave no card, one per line (the first `limit` of them)."""
    if not skipped:
        return " (it holds no card text: only headings, a header row or blank lines)"
    lines = [f"; {len(skipped)} block(s) skipped:"] + [s.where(name) for s in skipped[:limit]]
    if len(skipped) > limit:
        lines.append(f"... and {len(skipped) - limit} more")
    return "\n".join(lines)
