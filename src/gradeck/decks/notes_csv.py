"""CSV in Anki's text format (and headerless tables) into cards.

Anki's `#separator:`, `#html:`, `#columns:`, `#tags column:` and `#notetype column:` headers are
read; a first row that only names columns is taken as the header. A field may be as long as the
file (a long row is then skipped for its length), and a quote that is never closed is reported
where it opens.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from gradeck.decks.cards import ClozeSyntaxError, parse_holes
from gradeck.decks.checker import MAX_TEXT
from gradeck.decks.html_text import html_to_text
from gradeck.decks.loader import MAX_ITEMS
from gradeck.decks.notes import (
    MAX_BLOCKS,
    MAX_NOTES_BYTES,
    TAG_LENGTH,
    Draft,
    Imported,
    Skipped,
    TooMany,
    build_deck,
    too_long,
    words_slug,
)

# ---------------------------------------------------------------- CSV (Anki's text format)

_SEPARATORS = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
# Anki's stock note types and the gradeck card type each one is.
NOTE_TYPES = {
    "basic": "basic",
    "basic (and reversed card)": "reversible",
    "basic (optional reversed card)": "reversible",
    "basic (type in the answer)": "typed",
    "cloze": "cloze",
}
_COLUMN_ROLES = {
    "front": "front",
    "question": "front",
    "term": "front",
    "back": "back",
    "answer": "back",
    "definition": "back",
    "text": "front",
    "back extra": "note",
    "extra": "note",
    "note": "note",
    "tags": "tags",
}


@dataclass
class _CsvHeaders:
    separator: str | None = None
    html: bool = True
    tags: tuple[str, ...] = ()
    columns: list[str] = field(default_factory=list)
    notetype: str = "Basic"
    deck: str = ""
    special: dict[str, int] = field(default_factory=dict)  # "tags"/"notetype"/... -> 0-based
    lines: int = 0  # how many lines the headers took


def _csv_headers(lines: list[str]) -> _CsvHeaders:
    headers = _CsvHeaders()
    raw: dict[str, str] = {}
    for line in lines:
        if not line.startswith("#"):
            break
        headers.lines += 1
        key, sep, value = line[1:].partition(":")
        if sep:
            raw[key.strip().lower()] = value.strip()
    if "separator" in raw:
        value = raw["separator"]
        headers.separator = _SEPARATORS.get(value.lower(), value[:1] or None)
    headers.html = raw.get("html", "true").lower() != "false"
    headers.tags = tuple(raw.get("tags", "").split())
    headers.notetype = raw.get("notetype", "Basic")
    headers.deck = raw.get("deck", "")
    for role in ("tags", "notetype", "deck", "guid"):
        value = raw.get(f"{role} column", "")
        if value.isdigit() and int(value) > 0:
            headers.special[role] = int(value) - 1
    if "columns" in raw:
        sep = headers.separator or _sniff(raw["columns"])
        _set_columns(headers, raw["columns"].split(sep))
    return headers


def _set_columns(headers: _CsvHeaders, names: list[str]) -> None:
    headers.columns = [c.strip().lower() for c in names]
    if "tags" in headers.columns and "tags" not in headers.special:
        headers.special["tags"] = headers.columns.index("tags")


def _is_column_row(row: list[str]) -> bool:
    """A row that only names columns (front,back / Question,Answer), one of them the front."""
    names = [cell.strip().lower() for cell in row]
    return (
        len(names) >= 2
        and all(n in _COLUMN_ROLES for n in names)
        and (any(_COLUMN_ROLES[n] == "front" for n in names))
    )


def _sniff(line: str) -> str:
    """Anki's rule: the first line's tab, else semicolon, else comma."""
    for candidate in ("\t", ";", ","):
        if candidate in line:
            return candidate
    return ","


def table_separator(text: str) -> str | None:
    """Tab when every row of `text` has the same number (2 or more) of tab-separated cells,
    comma when every row has two comma-separated cells; None for text that is not such a table."""
    lines = text.splitlines(keepends=True)
    for separator in ("\t", ","):
        reader = csv.reader(lines, delimiter=separator, quotechar='"', strict=False)
        rows = itertools.islice(reader, MAX_BLOCKS + 1)  # more are refused anyway
        widths = {len(row) for row in rows if any(cell.strip() for cell in row)}
        if len(widths) == 1 and (widths == {2} or (separator == "\t" and min(widths) > 2)):
            return separator
    return None


@contextmanager
def whole_fields() -> Iterator[None]:
    """Let the csv module read a field as long as the file (its default stops at 131 072
    characters with an error); a long row is then skipped for its length, at its line."""
    limit = csv.field_size_limit(MAX_NOTES_BYTES)
    try:
        yield
    finally:
        csv.field_size_limit(limit)


UNCLOSED = 'a row whose quote (") is never closed: the rest of the file is inside it'


def _csv_rows(text: str, headers: _CsvHeaders) -> Iterator[tuple[int, int, list[str] | None]]:
    """(first line, last line, cells) of each row that holds text; cells None for a row that
    opens a quote never closed (it runs to the end of the file)."""
    body = text.splitlines(keepends=True)[headers.lines :]
    first = next((line for line in body if line.strip()), "")
    separator = headers.separator or table_separator("".join(body)) or _sniff(first)
    reader = csv.reader(body, delimiter=separator, quotechar='"', strict=False)
    previous = 0
    for row in reader:
        start, end = headers.lines + previous + 1, headers.lines + reader.line_num
        if reader.line_num == len(body) and end > start:
            quotes = sum(line.count('"') for line in body[previous:])
            if quotes % 2:
                yield start, end, None
                return
        previous = reader.line_num
        if any(cell.strip() for cell in row):
            yield start, end, row


def _unquoted(cell: str) -> str:
    """A cell without the ' that a CSV export puts before a formula-like start (=, +, -, @)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def _csv_card(row: list[str], headers: _CsvHeaders) -> tuple[str, dict[str, Any], tuple] | str:
    """(name, fields, tags) for a row, or the reason it gives no card."""
    cells = [_unquoted(html_to_text(c) if headers.html else c.strip()) for c in row]
    special = set(headers.special.values())
    note_type = headers.notetype
    if "notetype" in headers.special and headers.special["notetype"] < len(cells):
        note_type = cells[headers.special["notetype"]]
    card_type = NOTE_TYPES.get(note_type.strip().lower())
    if card_type is None:
        return f"note type {note_type!r} (gradeck reads {', '.join(sorted(NOTE_TYPES))})"
    tags: tuple[str, ...] = ()
    if "tags" in headers.special and headers.special["tags"] < len(cells):
        tags = tuple(cells[headers.special["tags"]].split())
    roles: dict[str, str] = {}
    data = [(i, c) for i, c in enumerate(cells) if i not in special]
    for position, (index, cell) in enumerate(data):
        named = headers.columns[index] if index < len(headers.columns) else ""
        role = _COLUMN_ROLES.get(named) or ("front", "back", "note")[min(position, 2)]
        if role not in roles:
            roles[role] = cell
    front, back, note = roles.get("front", ""), roles.get("back", ""), roles.get("note", "")
    if card_type == "cloze":
        note = note or back
        try:
            if not front or not parse_holes(front):
                return "a cloze row without a {{c1::...}} hole"
        except ClozeSyntaxError as exc:
            return f"a cloze row: {exc}"
        fields: dict[str, Any] = {"type": "cloze", "text": front}
        name = re.sub(r"\{\{c\d+::(.*?)(?:::.*?)?\}\}", r"\1", front)
    elif not front or not back:
        return "a row with an empty front or back"
    elif card_type == "typed":
        fields, name = {"type": "typed", "question": front, "answer": back}, front
    else:
        fields, name = {"front": front, "back": back}, front
        if card_type == "reversible":
            fields = {"type": "reversible", **fields}
    if note:
        fields["note"] = note
    if too_long(fields):
        return f"a row longer than {MAX_TEXT:,} characters"
    return name, fields, tags


def _special(row: list[str], headers: _CsvHeaders, role: str) -> str:
    index = headers.special.get(role)
    return row[index].strip() if index is not None and index < len(row) else ""


def _deck_tag(row: list[str], headers: _CsvHeaders) -> tuple[str, ...]:
    """The row's Anki deck (`#deck column`) as a tag: `NN::Week 1` is `nn/week-1`."""
    deck = _special(row, headers, "deck")
    levels = [words_slug(level, TAG_LENGTH) for level in deck.split("::")]
    tag = "/".join(level for level in levels if level)[:TAG_LENGTH].strip("/")
    return (tag,) if tag else ()


def _guid_id(row: list[str], headers: _CsvHeaders) -> str:
    """A card id from the row's Anki guid (`#guid column`), so that a note edited in Anki and
    exported again keeps its id, and its progress, here."""
    guid = _special(row, headers, "guid")
    return f"anki-{hashlib.sha256(guid.encode()).hexdigest()[:12]}" if guid else ""


def import_csv(text: str, name: str) -> Imported:
    headers = _csv_headers(text.splitlines())
    drafts: list[Draft] = []
    skipped: list[Skipped] = []
    with whole_fields():
        _csv_cards(text, headers, drafts, skipped)
    deck = build_deck(name, headers.deck, drafts, headers.tags)
    return Imported(deck, skipped)


def _csv_cards(
    text: str, headers: _CsvHeaders, drafts: list[Draft], skipped: list[Skipped]
) -> None:
    for index, (line, end, row) in enumerate(_csv_rows(text, headers)):
        if len(drafts) + len(skipped) > MAX_BLOCKS:
            raise TooMany(line, "rows", MAX_BLOCKS)
        if row is None:
            skipped.append(Skipped(line, end, UNCLOSED))
            continue
        if index == 0 and not headers.columns and _is_column_row(row):
            _set_columns(headers, row)
            continue
        result = _csv_card(row, headers)
        if isinstance(result, str):
            skipped.append(Skipped(line, line, result))
            continue
        card_name, fields, tags = result
        drafts.append(Draft(line, card_name, fields, tags + _deck_tag(row, headers),
                            _guid_id(row, headers)))  # fmt: skip
        if len(drafts) > MAX_ITEMS:
            raise TooMany(line)
