"""Flashcards written for Obsidian's spaced-repetition plugin, read as cards.

- `Term::answer` on one line is a basic card, `Term:::answer` a reversible one;
- a question, a line holding only `?` (`??`: reversible), then the answer lines, up to a blank
  line, is a multi-line card;
- a paragraph with `==highlighted==` text is a cloze card, one hole per highlight;
- `#flashcards` tags (`#flashcards/week-1`) name the deck: they become tags, and are taken out
  of the card text; the plugin's scheduling comments (`<!--SR:...-->`) and a YAML front matter
  are dropped.

Lines are read once each and split with `str.find`: no regular expression that could backtrack
on hostile input. The result is plain data for `gradeck.decks.importer` to make a deck of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TAG = "#flashcards"
MAX_LINE = 10_000


@dataclass
class NoteCard:
    """A card found in the notes: 1-based first line, what its id is made from, its fields."""

    line: int
    name: str
    fields: dict[str, Any]
    tags: tuple[str, ...] = ()


@dataclass
class NoteCards:
    cards: list[NoteCard] = field(default_factory=list)
    skipped: list[tuple[int, int, str]] = field(default_factory=list)  # (line, end, reason)
    tags: tuple[str, ...] = ()  # the deck's, from #flashcards tags


def _clean(line: str, tags: list[str]) -> str:
    """The line without scheduling comments and #flashcards tags (collected into `tags`)."""
    start = line.find("<!--SR:")
    if start >= 0:
        end = line.find("-->", start)
        line = line[:start] + (line[end + 3 :] if end >= 0 else "")
    words = []
    for word in line.split(" "):
        if word.startswith(TAG) and (len(word) == len(TAG) or word[len(TAG)] == "/"):
            sub = word[len(TAG) + 1 :].strip("/")
            tags.append(sub.replace("/", "-") if sub else "flashcards")
        else:
            words.append(word)
    return " ".join(words).rstrip()


def _cloze(text: str) -> tuple[str, int]:
    """`==x==` spans as {{cN::x}} holes; returns the text and the number of holes."""
    out, pos, holes = [], 0, 0
    while True:
        start = text.find("==", pos)
        end = text.find("==", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            break
        inner = text[start + 2 : end]
        if not inner.strip():
            out.append(text[pos : end + 2])
        else:
            holes += 1
            out.append(f"{text[pos:start]}{{{{c{holes}::{inner.strip()}}}}}")
        pos = end + 2
    out.append(text[pos:])
    return "".join(out), holes


def _front_matter_end(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def read_obsidian(text: str) -> NoteCards:
    """The cards of an Obsidian note (see the module doc)."""
    result = NoteCards()
    deck_tags: list[str] = []
    lines = text.splitlines()
    start = _front_matter_end(lines)
    if start and "flashcards" in " ".join(lines[:start]):
        deck_tags.append("flashcards")
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if block:
            _block(block, result)
            block.clear()

    fenced = False
    for number in range(start, len(lines)):
        raw = lines[number]
        if raw.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            flush()
            continue
        if fenced:
            continue
        if len(raw) > MAX_LINE:
            flush()
            result.skipped.append((number + 1, number + 1, "a line over 10,000 characters"))
            continue
        line = _clean(raw, deck_tags)
        if not line.strip():
            flush()
            continue
        block.append((number + 1, line))
    flush()
    result.tags = tuple(dict.fromkeys(deck_tags))
    return result


def _block(block: list[tuple[int, str]], result: NoteCards) -> None:
    """Cards from one paragraph: inline `::` cards, a `?` card, or a cloze."""
    first, last = block[0][0], block[-1][0]
    marks = [i for i, (_, line) in enumerate(block) if line.strip() in ("?", "??")]
    if marks:
        at = marks[0]
        question = "\n".join(line for _, line in block[:at]).strip()
        answer = "\n".join(line for _, line in block[at + 1 :]).strip()
        if not question or not answer:
            result.skipped.append((first, last, "a '?' card without a question or an answer"))
            return
        reverse = block[at][1].strip() == "??"
        fields: dict[str, Any] = {"front": question, "back": answer}
        result.cards.append(NoteCard(first, question, _typed(fields, reverse)))
        return
    inline = False
    for number, line in block:
        found = _inline(line)
        if found is not None:
            inline = True
            front, back, reverse = found
            if not front or not back:
                result.skipped.append((number, number, "a '::' card without both sides"))
                continue
            result.cards.append(NoteCard(number, front, _typed({"front": front, "back": back},
                                                               reverse)))  # fmt: skip
    if inline:
        return
    paragraph = "\n".join(line for _, line in block).strip()
    cloze, holes = _cloze(paragraph)
    if holes:
        name = paragraph.replace("==", "")
        result.cards.append(NoteCard(first, name, {"type": "cloze", "text": cloze}))
    else:
        result.skipped.append((first, last, "text without '::', '?' or ==highlights=="))


def _typed(fields: dict[str, Any], reverse: bool) -> dict[str, Any]:
    return {"type": "reversible", **fields} if reverse else fields


def _inline(line: str) -> tuple[str, str, bool] | None:
    """(front, back, reversible) of a `front::back` / `front:::back` line, else None."""
    at = line.find("::")
    if at < 0:
        return None
    reverse = line.startswith(":::", at)
    back = line[at + (3 if reverse else 2) :]
    front = line[:at].strip().lstrip("-*+ ").strip()
    return front, back.strip(), reverse


def looks_like_obsidian(text: str) -> bool:
    """Notes with a #flashcards tag, a `front::back` line or a lone `?` line."""
    for line in text.splitlines():
        stripped = line.strip()
        if TAG in stripped or stripped in ("?", "??") or "::" in stripped:
            return True
    return False
