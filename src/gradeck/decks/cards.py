"""How each card type asks and checks: cloze holes, typed answers, choice options.

Shared by the validator (which must agree with how cards are shown) and by study sessions.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from gradeck.decks.model import Card, ExerciseItem

_HOLE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_OPEN = re.compile(r"\{\{")


@dataclass(frozen=True)
class Hole:
    number: int
    answer: str
    hint: str
    start: int  # offset in the text, for error messages
    end: int


class ClozeSyntaxError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def parse_holes(text: str) -> list[Hole]:
    """Every `{{cN::answer}}` / `{{cN::answer::hint}}` in order; malformed ones raise."""
    holes: list[Hole] = []
    pos = 0
    for opening in _OPEN.finditer(text):
        if opening.start() < pos:
            continue
        match = _HOLE.match(text, opening.start())
        if match is None or "{{" in match.group(0)[2:]:
            snippet = text[opening.start() : opening.start() + 24]
            raise ClozeSyntaxError(
                f"malformed cloze hole {snippet!r}: write {{{{c1::answer}}}} "
                "or {{c1::answer::hint}}",
                opening.start(),
            )
        number, answer, hint = int(match.group(1)), match.group(2), match.group(3) or ""
        if number < 1:
            raise ClozeSyntaxError("cloze holes are numbered from c1", opening.start())
        if not answer.strip():
            raise ClozeSyntaxError(f"cloze hole c{number} has no answer", opening.start())
        holes.append(Hole(number, answer.strip(), hint.strip(), match.start(), match.end()))
        pos = match.end()
    return holes


def hole_ids(text: str) -> list[str]:
    """The distinct holes, `c1`, `c2`, ... in number order: one review item each."""
    return [f"c{n}" for n in sorted({h.number for h in parse_holes(text)})]


def _render(text: str, hole: str, reveal: bool) -> str:
    number = int(hole[1:])
    out: list[str] = []
    pos = 0
    for h in parse_holes(text):
        out.append(text[pos : h.start])
        if h.number != number:
            out.append(h.answer)
        elif reveal:
            out.append(f"[{h.answer}]")
        else:
            out.append(f"[{h.hint or '...'}]")
        pos = h.end
    out.append(text[pos:])
    return "".join(out)


def cloze_question(text: str, hole: str) -> str:
    """The text with this hole blanked (showing its hint) and the other holes filled in."""
    return _render(text, hole, reveal=False)


def cloze_answer(text: str, hole: str) -> str:
    """The text with this hole's answer marked in brackets."""
    return _render(text, hole, reveal=True)


def sides(card: Card, sub: str) -> tuple[str, str]:
    """What a review item of `card` asks and answers: a cloze hole's text without and with
    its answer, the reverse side of a reversible card back to front."""
    if card.type == "cloze":
        return cloze_question(card.text, sub), cloze_answer(card.text, sub)
    if card.type in ("choice", "typed"):
        right = card.correct if card.type == "choice" else card.answers[:1]
        return card.question, ", ".join(right)
    if sub == "reverse":
        return card.back, card.front
    return card.front, card.back


def title(entry: Card | ExerciseItem, sub: str) -> str:
    """The one-line title of a review item, as lists show it."""
    if isinstance(entry, ExerciseItem):
        return entry.title or entry.family
    return " ".join(sides(entry, sub)[0].split())


def normalise(answer: str) -> str:
    """Case, surrounding spaces and runs of inner spaces folded: how answers are shown compared."""
    return " ".join(answer.split()).casefold()


def typed_matches(given: str, accepted: Sequence[str]) -> bool:
    """Whether a typed card's answer is accepted: numbers read as in exercises, text folded
    (gradeck.exercises.typed says how)."""
    from gradeck.exercises import typed  # answer parsing: only when a typed card is answered

    return typed.matches(given, accepted)


def choice_options(card: Card, rng: random.Random) -> list[tuple[str, bool]]:
    """The options of a choice card in a fresh order; True marks a correct one."""
    options = [(text, True) for text in card.correct] + [(text, False) for text in card.wrong]
    rng.shuffle(options)
    return options
