"""The store's rows as Python sees them: items, queue entries, log entries and attempts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

from gradeck.srs import bounds
from gradeck.srs.scheduler import Sched

Key = tuple[str, str, str]  # (deck id, item id, sub)
# The deck of family practice's items, one per exercise family, so that its answers are logged
# like any other; no deck id can start with "@", and the items are archived, so no deck count
# or queue ever sees them, while the log and the per-family figures do.
PRACTICE_DECK = "@practice"

ITEM_COLUMNS = (
    "id, deck_id, item_id, sub, family, state, step, stability, difficulty, due, last_review, "
    "suspended, archived, buried_until"
)


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    deck_id: str
    item_id: str
    sub: str
    family: str
    sched: Sched
    suspended: bool
    archived: bool
    buried_until: int  # ms; in the past unless the item is buried (Anki's bury, till tomorrow)

    @property
    def key(self) -> Key:
        return (self.deck_id, self.item_id, self.sub)

    @property
    def schedulable(self) -> bool:
        """Whether the stored schedule is within bounds (bounds.py): one that is not is left
        out of sessions until `gradeck check --repair` mends it."""
        return bounds.fits(asdict(self.sched))


@dataclass(frozen=True)
class LogEntry:
    """What an answer adds to the review log, besides the item and its state before."""

    time: int
    rating: int
    duration_ms: int = 0
    mode: str = "scheduled"  # or "practice"
    seed: int | None = None
    answer: str | None = None
    parts_right: str | None = None  # one 1/0 per part, e.g. "110"
    mistake: str | None = None
    hints: int | None = None  # hints taken (exercises only)
    attempts: tuple[AttemptRow, ...] = ()  # an exercise's every attempt, in order


class AttemptRow(NamedTuple):
    """One attempt at a part of an exercise, as the `attempts` table keeps it."""

    part: int  # 0 first
    try_: int  # the try it belongs to, 1 first
    text: str
    verdict: str  # right, carried, close, wrong, unreadable, given_up, revealed
    mistake: str | None = None


ATTEMPT_KEYS = ("part", "try", "text", "verdict", "mistake")  # as history and exports name them


QUEUE_COLUMNS = "id, deck_id, item_id, sub, family, state, due"


class QueueRow(NamedTuple):
    """What a session needs of an item to queue it; the rest is read when it is shown."""

    id: int
    deck_id: str
    item_id: str
    sub: str
    family: str
    state: int
    due: int | None

    @property
    def group(self) -> tuple[str, str]:
        """(deck id, item id): items sharing it are siblings."""
        return (self.deck_id, self.item_id)


def item_row(row: tuple) -> ItemRow:
    """An ItemRow from a row of ITEM_COLUMNS."""
    return ItemRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        Sched(*row[5:11]),
        bool(row[11]),
        bool(row[12]),
        row[13],
    )


@dataclass(frozen=True)
class TodayCounts:
    """Scheduled answers since the study day began: in all, of new items, of review items."""

    answered: int
    new: int
    reviews: int
    groups: frozenset[tuple[str, str]]  # (deck id, item id) answered: their siblings wait
