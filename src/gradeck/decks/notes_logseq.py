"""Flashcards from a Logseq page: a block tagged `#card` is the question, its child blocks the
answer.

    - What does the chain rule give for ∂L/∂w? #card
      card-last-interval:: 4
      - ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w
    - {{cloze Dropout}} is only active while training #card

Logseq's `{{cloze text}}` becomes a cloze hole; block properties (`card-repeats:: 2`, the
scheduling Logseq keeps) are dropped; nested answer blocks keep their nesting as `- ` lines.
One pass over the lines; a #card block inside another card's answer is a card of its own and
also part of that answer, up to MAX_OPEN cards open at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradeck.decks.notes_obsidian import MAX_LINE, NoteCard, NoteCards

CARD_TAGS = ("#card", "#flashcard", "[[card]]")
MAX_OPEN = 8


@dataclass
class _Open:
    indent: int
    line: int
    front: str
    back: list[tuple[int, str]]  # (indent, text) of the answer's lines


def _indent(line: str) -> int:
    expanded = line.replace("\t", "  ")
    return len(expanded) - len(expanded.lstrip(" "))


def _is_property(text: str) -> bool:
    key, sep, _ = text.partition(":: ")
    return bool(sep) and bool(key) and all(c.isalnum() or c in "-_" for c in key)


def _untag(text: str) -> tuple[str, bool]:
    words = text.split(" ")
    kept = [w for w in words if w.lower() not in CARD_TAGS]
    return " ".join(kept).strip(), len(kept) != len(words)


def _cloze(text: str) -> tuple[str, int]:
    """`{{cloze x}}` as {{cN::x}}; returns the text and the number of holes."""
    out, pos, holes = [], 0, 0
    while True:
        start = text.find("{{cloze ", pos)
        end = text.find("}}", start) if start >= 0 else -1
        if start < 0 or end < 0:
            break
        holes += 1
        out.append(f"{text[pos:start]}{{{{c{holes}::{text[start + 8 : end].strip()}}}}}")
        pos = end + 2
    out.append(text[pos:])
    return "".join(out), holes


def _close(card: _Open, result: NoteCards) -> None:
    base = min((indent for indent, _ in card.back), default=0)
    back = "\n".join(
        f"{'  ' * ((indent - base) // 2)}- {text}" if len(card.back) > 1 else text
        for indent, text in card.back
    ).strip()
    front, holes = _cloze(card.front)
    fields: dict[str, Any]
    if holes:
        fields = {"type": "cloze", "text": front}
        if back:
            fields["note"] = back
        name = card.front.replace("{{cloze ", "").replace("}}", "")
    elif not front or not back:
        result.skipped.append((card.line, card.line, "a #card block without child blocks"))
        return
    else:
        fields, name = {"front": front, "back": back}, front
    result.cards.append(NoteCard(card.line, name, fields))


def read_logseq(text: str) -> NoteCards:
    """The cards of a Logseq page (see the module doc)."""
    result = NoteCards()
    stack: list[_Open] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if len(raw) > MAX_LINE:
            result.skipped.append((number, number, "a line over 10,000 characters"))
            continue
        stripped = raw.strip()
        if not stripped or _is_property(stripped):
            continue
        indent = _indent(raw)
        bullet = stripped.startswith("- ") or stripped == "-"
        body = stripped[2:].strip() if bullet else stripped
        while stack and bullet and indent <= stack[-1].indent:
            _close(stack.pop(), result)
        if not bullet and stack and not stack[-1].back and indent > stack[-1].indent:
            stack[-1].front += "\n" + body  # the question goes on over several lines
            continue
        front, tagged = _untag(body)
        for card in stack:
            card.back.append((indent, front))
        if tagged and bullet and len(stack) < MAX_OPEN:
            stack.append(_Open(indent, number, front, []))
    while stack:
        _close(stack.pop(), result)
    result.cards.sort(key=lambda card: card.line)
    return result


def looks_like_logseq(text: str) -> bool:
    """A page with at least one bullet block tagged #card."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("- ") and any(tag in stripped.lower().split(" ")
                                             for tag in CARD_TAGS):  # fmt: skip
            return True
    return False
