"""Validated decks and the review items they expand into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CardType = Literal["basic", "reversible", "cloze", "choice", "typed"]
CARD_TYPES: tuple[str, ...] = ("basic", "reversible", "cloze", "choice", "typed")


# Slots: a large library makes many of these (far fewer since decks.cache, but still a queue's).
@dataclass(frozen=True, slots=True)
class Card:
    id: str
    type: CardType
    tags: tuple[str, ...] = ()
    note: str = ""
    line: int = 0
    front: str = ""  # basic, reversible
    back: str = ""  # basic, reversible
    text: str = ""  # cloze
    question: str = ""  # choice, typed
    correct: tuple[str, ...] = ()  # choice
    wrong: tuple[str, ...] = ()  # choice
    answers: tuple[str, ...] = ()  # typed: every accepted answer


@dataclass(frozen=True, slots=True)
class ExerciseItem:
    """A scheduled exercise: a family (or template) with fixed settings; numbers vary per review."""

    id: str
    family: str
    difficulty: int = 1
    title: str = ""
    tags: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0
    template: Any = None  # a validated instructor template, when the item defines its own


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    path: Path
    description: str = ""
    tags: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()
    exercises: tuple[ExerciseItem, ...] = ()
    builtin: bool = False

    @property
    def size(self) -> int:
        return len(self.cards) + len(self.exercises)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One thing the scheduler tracks: a card side, a cloze hole, or an exercise item.

    Progress is keyed by (deck_id, item_id, sub); items sharing (deck_id, item_id) are siblings.
    """

    deck_id: str
    item_id: str
    sub: str  # "" | "reverse" | "c1", "c2", ...
    tags: tuple[str, ...]
    card: Card | None = None
    exercise: ExerciseItem | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.deck_id, self.item_id, self.sub)
