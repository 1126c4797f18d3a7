"""Turn study notes (Markdown) or a spreadsheet export (CSV in Anki's text format) into a deck.

A file is read as a table when it is named .csv/.tsv, opens with Anki's `#separator:`-style
headers, or (any name but .md) every row splits into the same cells: tab-separated, or two
comma-separated columns (front, back). A first row that only names columns (`front,back`,
`Question,Answer`) is taken as the column names when Anki's `#columns:` header is absent.

The importer never guesses silently: every block of the notes that does not become a card is
reported with its line numbers and the reason, so an instructor can fix the notes or add the card
by hand. Card ids are slugs of the term or question, so importing the same notes again gives the
same ids and keeps the learners' progress.
"""

from __future__ import annotations

import csv
import hashlib
import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gradeck.decks.cards import ClozeSyntaxError, parse_holes
from gradeck.decks.checker import MAX_TEXT
from gradeck.decks.loader import MAX_ITEMS
from gradeck.errors import GradeckError
from gradeck.text import printable

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
    for card_id, draft in zip(unique_ids([d.name for d in drafts]), drafts, strict=True):
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


def _too_long(fields: dict[str, Any]) -> bool:
    return any(isinstance(v, str) and len(v) > MAX_TEXT for v in fields.values())


# ---------------------------------------------------------------- Markdown

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^`]*$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s*(\S.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*([-=*_])(?:\s*\1){2,}\s*$")
_TABLE = re.compile(r"^\s*\|")
_LEAD = r"(?:[⭐🌟]\ufe0f?\s*|[-+•]\s+|\*\s+)?"
_TERM = re.compile(
    rf"^\s*{_LEAD}(\*{{2,3}}|__|`{{1,3}})(?=\S)((?:(?!\1).)+?)(?<=\S)\1(\s*:)?\s*(.*)$"
)
_QUESTION = re.compile(r"^(?:Q|Question)\s*:\s*(.*)$")
_ANSWER = re.compile(r"^(?:A|Answer)\s*:\s*(.*)$")
_BULLET = re.compile(r"^\s*(?:[-+•]\s+|\*\s+|\d{1,3}[.)]\s+|-(?=[^\W\d_])|[⭐🌟]\ufe0f?\s*)(\S.*)$")
_TITLE = re.compile(rf"^\s*{_LEAD}(\*{{2,3}}|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1\s*$")


# The first character (after spaces) of every line that can start a block: any other line
# carries on the text above it, and is known to without trying each pattern.
_BLOCK_STARTS = frozenset("`~#-=*_|+•⭐🌟0123456789QA")


def _strip_lead(line: str) -> str:
    return re.sub(rf"^\s*{_LEAD}", "", line)


def _qa(line: str, pattern: re.Pattern[str]) -> str | None:
    """The text after `Q:`/`A:` when the line is one (also as `**Q:** ...` or `***Q:...***`)."""
    if ":" not in line:
        return None
    match = pattern.match(plain(_strip_lead(line)))
    return match.group(1).strip() if match else None


def _glossary(line: str) -> tuple[str, str] | None:
    """(term, definition) for `**Term**: definition` and the seed notes' ```Term```: form."""
    match = _TERM.match(line)
    if not match:
        return None
    term, colon, rest = match.group(2), match.group(3), match.group(4)
    if not colon and term.endswith(":"):
        term, colon = term[:-1], ":"
    if not colon or not rest.strip():
        return None
    label = f"{plain(_strip_lead(term))}:"
    if _QUESTION.match(label) or _ANSWER.match(label):  # **Q:** text is a question
        return None
    return plain(term).strip(), rest


class _MarkdownReader:
    """A single pass over the lines; each block becomes a card or a Skipped entry."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.i = 0
        self.headings: list[tuple[int, str]] = []
        self.title: tuple[str, int, bool] | None = None  # (text, line, is a heading)
        self.drafts: list[Draft] = []
        self.seen: dict[tuple[str, str], int] = {}  # (front, back) -> the line of its card
        self.skipped: list[Skipped] = []
        self.deck_title = ""
        self._qs: dict[int, str | None] = {}
        self._as: dict[int, str | None] = {}
        self._glosses: dict[int, tuple[str, str] | None] = {}
        self._starts: dict[int, bool] = {}

    # -- line classification

    def _blank(self, i: int) -> bool:
        return not self.lines[i].strip()

    # Each line is looked at several times (does it start a block? which one?): the costly
    # questions are answered once per line, so reading stays linear with a small factor.

    def _cached(self, cache: dict[int, Any], i: int, work: Callable[[str], Any]) -> Any:
        if i not in cache:
            cache[i] = work(self.lines[i])
        return cache[i]

    def _q(self, i: int) -> str | None:
        return self._cached(self._qs, i, lambda line: _qa(line, _QUESTION))

    def _a(self, i: int) -> str | None:
        return self._cached(self._as, i, lambda line: _qa(line, _ANSWER))

    def _gloss(self, i: int) -> tuple[str, str] | None:
        return self._cached(self._glosses, i, _glossary)

    def _long(self, i: int) -> bool:
        """A line no card can hold: not looked at further (a card over MAX_TEXT is skipped)."""
        return len(self.lines[i]) > MAX_TEXT

    def _starts_block(self, i: int) -> bool:
        line = self.lines[i]
        first = line.lstrip()[:1]
        if first not in _BLOCK_STARTS or (first in "QA" and ":" not in line):
            return not first  # plain prose carries on the block; a blank line ends it
        return self._cached(self._starts, i, lambda line: self._is_start(i, line))

    def _is_start(self, i: int, line: str) -> bool:
        return bool(
            self._long(i)
            or _FENCE.match(line)
            or _HEADING.match(line)
            or _RULE.match(line)
            or _TABLE.match(line)
            or self._gloss(i)
            or self._q(i) is not None
            or self._a(i) is not None
            or _BULLET.match(line)
            or _TITLE.match(line)
        )

    def _tags(self) -> tuple[str, ...]:
        tags = (words_slug(text, TAG_LENGTH) for _, text in self.headings)
        return tuple(dict.fromkeys(t for t in tags if t))

    def _skip(self, start: int, end: int, reason: str) -> None:
        self.skipped.append(Skipped(start + 1, end + 1, reason))
        if len(self.skipped) + len(self.drafts) > MAX_BLOCKS:
            raise TooMany(start + 1, "blocks (cards and skipped text)", MAX_BLOCKS)

    def _add(self, line: int, name: str, front: str, back: str) -> None:
        fields = {"front": front, "back": back}
        if _too_long(fields):
            self._skip(line, line, f"a card longer than {MAX_TEXT:,} characters")
            return
        first = self.seen.setdefault((front, back), line + 1)
        if first != line + 1:
            self._skip(line, line, f"a repeat of the card on line {first}")
            return
        self.drafts.append(Draft(line + 1, name, fields, self._tags()))
        if len(self.drafts) > MAX_ITEMS:
            raise TooMany(line + 1)
        if len(self.skipped) + len(self.drafts) > MAX_BLOCKS:
            raise TooMany(line + 1, "blocks (cards and skipped text)", MAX_BLOCKS)

    def _drop_title(self) -> None:
        """A bold title line that no list followed: say so, it held no card."""
        if self.title and not self.title[2]:
            self._skip(self.title[1], self.title[1], "a bold line with no list under it")
        self.title = None

    # -- blocks

    def read(self) -> None:
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if self._blank(self.i):
                self.i += 1
            elif self._long(self.i):
                self._drop_title()
                self._skip(self.i, self.i, f"a line longer than {MAX_TEXT:,} characters")
                self.i += 1
            elif _FENCE.match(line):
                self._drop_title()
                start = self.i
                self.i = self._fence_end(self.i)
                self._skip(start, self.i - 1, "a code block (code does not become cards)")
            elif match := _HEADING.match(line):
                self._drop_title()
                self._heading(len(match.group(1)), plain(match.group(2)))
            elif _RULE.match(line):
                self.i += 1
            elif _TABLE.match(line):
                self._drop_title()
                self._run(lambda j: bool(_TABLE.match(self.lines[j])), "a table")
            elif self._q(self.i) is not None:
                self._drop_title()
                self._question()
            elif self._a(self.i) is not None:
                self._drop_title()
                self._paragraph("an A: line with no Q: before it")
            elif term := self._gloss(self.i):
                self._drop_title()
                self._term(*term)
            elif match := _TITLE.match(line):
                self._drop_title()
                self.title = (plain(match.group(2)).rstrip(":").strip(), self.i, False)
                self.i += 1
            elif _BULLET.match(line):
                self._list()
            else:
                self._drop_title()
                self._paragraph(
                    "a paragraph that is not a card form "
                    "(**Term**: definition, Q:/A:, or a list under a heading)"
                )
        self._drop_title()

    def _fence_end(self, start: int) -> int:
        """The index just past the closing fence (or the end of the notes)."""
        opening = _FENCE.match(self.lines[start])
        assert opening is not None
        marker = opening.group(1)
        for j in range(start + 1, len(self.lines)):
            stripped = self.lines[j].strip()
            if stripped.startswith(marker[0] * len(marker)) and not stripped.strip(marker[0]):
                return j + 1
        return len(self.lines)

    def _run(self, keep, reason: str) -> None:
        start = self.i
        while self.i < len(self.lines) and keep(self.i):
            self.i += 1
        self._skip(start, self.i - 1, reason)

    def _paragraph(self, reason: str) -> None:
        start = self.i
        self.i += 1
        while self.i < len(self.lines) and not self._starts_block(self.i):
            self.i += 1
        self._skip(start, self.i - 1, reason)

    def _continuation(self) -> list[str]:
        """Following lines that carry on the current text (not blank, not a new block)."""
        out: list[str] = []
        while self.i < len(self.lines) and not self._starts_block(self.i):
            out.append(plain(self.lines[self.i]))
            self.i += 1
        return out

    def _heading(self, level: int, text: str) -> None:
        self.headings = [h for h in self.headings if h[0] < level] + [(level, text)]
        if not self.deck_title:
            self.deck_title = text
        self.title = (text, self.i, True)
        self.i += 1

    def _term(self, term: str, definition: str) -> None:
        start = self.i
        self.i += 1
        back = " ".join([plain(definition), *self._continuation()]).strip()
        self._add(start, term, term, back)

    def _question(self) -> None:
        start = self.i
        first = self._q(self.i) or ""
        self.i += 1
        question = " ".join([first, *self._continuation()]).strip()
        nxt = self._next_filled(self.i)
        if nxt is None or self._a(nxt) is None:
            self._skip(start, self.i - 1, "a Q: with no A: after it")
            return
        self.i = nxt
        answer = self._answer()
        if not question or not answer:
            self._skip(start, self.i - 1, "a Q:/A: pair with an empty question or answer")
            return
        self._add(start, question, question, answer)

    def _answer(self) -> str:
        """The A: text and what belongs to it: the lines that follow, a code block that the
        text announces with a colon, and list items right after."""
        parts = [self._a(self.i) or ""]
        prose = True  # whether the last part is prose that a wrapped line continues
        self.i += 1
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if self._blank(self.i):
                nxt = self._next_filled(self.i)
                announces = parts[-1].rstrip().endswith(":")
                if nxt is None or not announces:
                    break
                if not _FENCE.match(self.lines[nxt]) and self._starts_block(nxt):
                    break
                self.i, prose = nxt, False
                parts.append("")
            elif _FENCE.match(line):
                end = self._fence_end(self.i)
                parts.append("\n".join(self.lines[self.i + 1 : end - 1]).rstrip())
                self.i, prose = end, False
            elif bullet := _BULLET.match(line):
                parts.append(f"• {plain(bullet.group(1))}")
                self.i, prose = self.i + 1, True
            elif self._starts_block(self.i):
                break
            else:
                if prose:
                    parts[-1] = f"{parts[-1]} {plain(line)}".strip()
                else:
                    parts.append(plain(line))
                self.i, prose = self.i + 1, True
        return re.sub(r"\n{3,}", "\n\n", "\n".join(parts).strip())

    def _next_filled(self, i: int) -> int | None:
        for j in range(i, len(self.lines)):
            if not self._blank(j):
                return j
        return None

    def _list(self) -> None:
        start = self.i
        items: list[str] = []
        while self.i < len(self.lines):
            match = _BULLET.match(self.lines[self.i])
            if match and not self._long(self.i) and not self._gloss(self.i):
                items.append(plain(match.group(1)))
                self.i += 1
                items[-1] = " ".join([items[-1], *self._continuation()])
            else:
                break
        if self.title is None:
            self._skip(start, self.i - 1, "a list with no heading or bold title above it")
            return
        front = self.title[0]
        self.title = None
        self._add(start, front, front, "\n".join(f"• {item}" for item in items))


def import_markdown(text: str, name: str) -> Imported:
    reader = _MarkdownReader(text)
    reader.read()
    deck = build_deck(name, reader.deck_title, reader.drafts)
    return Imported(deck, reader.skipped)


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


def _table_separator(text: str) -> str | None:
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


def _from_html(text: str) -> str:
    text = re.sub(r"<br\s*/?>|</div>\s*<div>|</p>\s*<p>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^<>]*>", "", text)  # not [^>]*: from every '<' to the end, quadratic
    return html.unescape(text).strip()


@contextmanager
def _whole_fields() -> Iterator[None]:
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
    separator = headers.separator or _table_separator("".join(body)) or _sniff(first)
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
    cells = [_unquoted(_from_html(c) if headers.html else c.strip()) for c in row]
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
    if _too_long(fields):
        return f"a row longer than {MAX_TEXT:,} characters"
    return name, fields, tags


def import_csv(text: str, name: str) -> Imported:
    headers = _csv_headers(text.splitlines())
    drafts: list[Draft] = []
    skipped: list[Skipped] = []
    with _whole_fields():
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
        drafts.append(Draft(line, card_name, fields, tags))
        if len(drafts) > MAX_ITEMS:
            raise TooMany(line)


# ---------------------------------------------------------------- files


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
    with _whole_fields():
        return _table_separator(text) is not None


def import_file(path: Path) -> Imported:
    """The deck made from the notes in `path`, and what was skipped; GradeckError if none."""
    text = _read_notes(path)
    read = import_csv if is_csv(path, text) else import_markdown
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
