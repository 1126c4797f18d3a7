"""What the front ends see of decks and progress: plain frozen records, and drawing a variant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from gradeck.decks.cards import sides, typed_matches
from gradeck.decks.model import ReviewItem
from gradeck.errors import GradeckError
from gradeck.srs.rows import Key
from gradeck.study.outcome import chosen, option_marks

if TYPE_CHECKING:
    from gradeck.exercises.model import Exercise

SEED_RANGE = 1_000_000  # short, to be typed back into `gradeck preview DECK:ITEM --seed N`


@dataclass(frozen=True)
class DeckCounts:
    deck_id: str
    title: str
    new: int  # new items that today's limit still allows
    learning: int  # in learning steps, due today
    due: int  # reviews due today, within today's limit
    total: int


@dataclass(frozen=True)
class Today:
    reviewed: int  # scheduled answers so far today
    new: int  # new items answered so far today
    due: int  # learning and review items due today (reviews within the daily limit)
    streak: int
    waiting: int  # what a session over everything would serve now: learning, reviews, new
    new_waiting: int = 0  # the new items among them


@dataclass(frozen=True, slots=True)
class ItemInfo:
    key: Key
    deck_id: str
    item_id: str
    sub: str
    title: str
    tags: tuple[str, ...]
    state: str
    due: datetime | None
    stability: float | None
    suspended: bool
    buried_until: datetime | None = None  # set while the item is buried (till the next day)


@dataclass(frozen=True)
class Answered:
    rating: int
    state: str
    due: datetime | None  # None in practice
    interval: str  # e.g. "10m", "3d"; "" in practice


@dataclass(frozen=True)
class Shown:
    item: ReviewItem
    kind: str
    state: str
    intervals: dict[int, str]
    question: str
    answer: str
    note: str = ""
    exercise: Exercise | None = None
    seed: int | None = None
    options: tuple[tuple[str, bool], ...] = ()
    pk: int = field(default=0, repr=False)
    given: int = 0  # an exercise's first parts to fill in (a faded worked example: study.fading)

    @property
    def key(self) -> Key:
        return self.item.key

    def check(self, text: str) -> bool:
        """Whether a choice or typed card's answer is right."""
        card = self.item.card
        if card is None or self.kind not in ("choice", "typed"):
            raise ValueError("only choice and typed cards are checked here")
        if self.kind == "typed":
            return typed_matches(text, card.answers)
        return chosen(text, self.options) == {i for i, (_, ok) in enumerate(self.options) if ok}

    def marks(self, text: str) -> tuple[str, ...]:
        """How each option of a choice card answered with `text` fared (outcome.option_marks)."""
        return option_marks(text, self.options)


def kind_of(item: ReviewItem) -> str:
    if item.exercise is not None:
        return "exercise"
    assert item.card is not None
    return item.card.type if item.card.type in ("choice", "typed") else "flashcard"


def card_texts(item: ReviewItem) -> tuple[str, str]:
    assert item.card is not None
    return sides(item.card, item.sub)


def draw(item: ReviewItem, seed: int) -> Exercise:
    """The variant of an exercise item for `seed`; a template that cannot give one (validation
    should have caught it) is a GradeckError naming the item and the seed, never a crash."""
    from gradeck.exercises.template import make_exercise

    ex = item.exercise
    assert ex is not None
    try:
        return make_exercise(ex.family, seed, ex.difficulty, ex.params, ex.template)
    except (GradeckError, ValueError, KeyError) as exc:
        reason = exc.args[0] if exc.args else type(exc).__name__
        name = "/".join(k for k in item.key if k)
        raise GradeckError(f"cannot make exercise {name} with seed {seed}: {reason}") from None
