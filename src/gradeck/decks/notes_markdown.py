"""Study notes in Markdown into cards: glossary lines, Q:/A: pairs, lists under a heading.

A single pass over the lines; each block becomes a card or a Skipped entry with the reason, and
the work is linear in the notes (each line's costly questions are answered once, no pattern
rescans a line, a line no card could hold is not looked at further).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gradeck.decks.checker import MAX_TEXT
from gradeck.decks.loader import MAX_ITEMS
from gradeck.decks.notes import (
    MAX_BLOCKS,
    TAG_LENGTH,
    Draft,
    Imported,
    Skipped,
    TooMany,
    build_deck,
    plain,
    too_long,
    words_slug,
)

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
    lead = _strip_lead(line)
    if not lead.lstrip(" \t*_`").startswith(("Q", "A")):  # plain() only drops those marks
        return None
    match = pattern.match(plain(lead))
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
        if too_long(fields):
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
