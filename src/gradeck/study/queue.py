"""Today's queue: which items a sitting serves, in what order, within the day's limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gradeck.decks.library import Library
from gradeck.errors import GradeckError
from gradeck.srs.rows import Key, QueueRow
from gradeck.srs.scheduler import LEARNING, NEW, RELEARNING, REVIEW, Settings
from gradeck.srs.store import Store
from gradeck.study.interleave import no_repeats, spread
from gradeck.text import did_you_mean

LEARN_AHEAD_MS = 20 * 60 * 1000  # as Anki: with nothing else left, learning steps come early


def interleave(
    cards: list[QueueRow],
    exercises: list[QueueRow],
    limit: int | None = None,
    pool: tuple[int, int] = (0, 0),
) -> list[QueueRow]:
    """Spread exercises evenly among flashcards, keeping each kind's own order; the first
    `limit` of that order when a limit is given. `pool` holds how many of each kind there are
    in all, when the lists are only the heads of longer ones, so the mix follows the whole."""
    # The first `limit` of the merged order hold at most `limit` of each kind.
    n_cards, n_exercises = max(pool[0], len(cards)), max(pool[1], len(exercises))
    placed = [((n + 0.5) / n_cards, 0, q) for n, q in enumerate(cards[:limit])]
    placed += [((n + 0.5) / n_exercises, 1, q) for n, q in enumerate(exercises[:limit])]
    return [q for _, _, q in sorted(placed, key=lambda t: (t[0], t[1]))][:limit]


def family_key(row: QueueRow) -> str:
    """What interleaving tells apart: the exercise family, each template on its own; '' for a
    card."""
    return f"{row.deck_id}/{row.item_id}" if row.family == "template" else row.family


def _first_of_group(seen: set[tuple[str, str]]) -> Callable[[QueueRow], bool]:
    """A filter keeping the first row of each sibling group not already `seen` (marking it)."""

    def keep(row: QueueRow) -> bool:
        if row.group in seen:
            return False
        seen.add(row.group)
        return True

    return keep


@dataclass
class Queue:
    """What is left to show; copied before each answer so that undo can put it back."""

    learning: dict[int, int] = field(default_factory=dict)  # pk -> due (ms)
    main: list[int] = field(default_factory=list)  # reviews, then new
    answered: int = 0

    def copy(self) -> Queue:
        return Queue(dict(self.learning), list(self.main), self.answered)

    def drop(self, pk: int) -> None:
        """Take an item out of what is left."""
        self.learning.pop(pk, None)
        if pk in self.main:
            self.main.remove(pk)


@dataclass
class Built:
    """A built queue and what it needs to serve it: the key and sibling group of every queued
    item (its card is read when it is shown, so counting a large profile's queues reads none)."""

    queue: Queue
    keys: dict[int, Key] = field(default_factory=dict)
    groups: dict[int, tuple[str, str]] = field(default_factory=dict)
    new: set[int] = field(default_factory=set)  # the queued items that are new


def build(
    store: Store,
    library: Library,
    decks: Sequence[str],
    tag: str | None,
    settings: Settings,
    *,
    day: tuple[int, int],
    learn_until: int,
    practice: bool,
    extra_new: int = 0,
) -> Built:
    """Today's queue, read from the store in queue order and only as far as it is needed.
    `day` is the study day's (start, end) in ms; learning steps due before `learn_until` count.

    New items are limited per deck (`new_per_deck`) and in all (`new_per_day`), as Anki's deck
    options limit them; `extra_new` raises both for this queue ("study more today"). Items
    buried until a later study day are left out."""
    tagged = None
    if tag is not None:
        by_tag = library.tagged(decks)
        if tag not in by_tag:
            hint = did_you_mean(tag, sorted(by_tag))
            raise GradeckError(f"no items are tagged {tag!r}{hint}")
        tagged = by_tag[tag]
        decks = [d for d in decks if d in tagged]
    built = Built(Queue())
    # A deck whose items the store last matched with this very deck file holds only items of
    # ours (archived ones are never queued); others may hold items put in by a gradeck with
    # other decks, not ours to show, so each of their rows is looked up.
    synced, ours = store.matched(), dict(library.digests())
    unsure = {deck for deck in decks if synced.get(deck) != ours.get(deck)}

    def known(row: QueueRow) -> bool:
        ids = tagged[row.deck_id] if tagged is not None else None
        if ids is not None and row.item_id not in ids:
            return False
        key = (row.deck_id, row.item_id, row.sub)
        if row.deck_id in unsure and not library.has(key):
            return False
        built.keys[row.id] = key
        built.groups[row.id] = row.group
        if row.state == NEW:
            built.new.add(row.id)
        return True

    def rows(states: tuple[int, ...], keep=known, **how: Any) -> list[QueueRow]:
        return store.queue_rows(how.pop("only", decks), states, keep=keep, **how)

    if practice:
        seen = rows((LEARNING, REVIEW, RELEARNING))
        built.queue.main = [r.id for r in seen + rows((NEW,))]
        return built
    start, end = day
    done = store.today_counts(start)
    groups = set(done.groups)
    fresh_group = _first_of_group(groups)

    def new_sibling(row: QueueRow) -> bool:
        return known(row) and fresh_group(row)

    learning = rows((LEARNING, RELEARNING), before=learn_until, awake=start)
    groups.update(r.group for r in learning)  # in learning steps: their siblings wait
    reviews_left = max(0, settings.reviews_per_day - done.reviews)
    reviews = rows((REVIEW,), new_sibling, before=end, limit=reviews_left, awake=start)
    due_exercises = spread([r for r in reviews if r.family], family_key)
    main = interleave([r for r in reviews if not r.family], due_exercises)
    new_left = max(0, settings.new_per_day + extra_new - done.new)
    new_today = store.new_today(start) if new_left else {}
    for deck in decks:
        allow = settings.new_per_deck + extra_new - new_today.get(deck, 0)
        allow = min(allow, new_left - sum(1 for r in main if r.state == NEW))
        if allow <= 0:
            continue
        how = {"only": [deck], "limit": allow, "awake": start}
        cards = rows((NEW,), new_sibling, exercises=False, **how)
        exercises = rows((NEW,), new_sibling, exercises=True, **how)
        pool = store.new_groups([deck], start) if cards and exercises else (0, 0)
        main += interleave(cards, spread(exercises, family_key), allow, pool)
    main = no_repeats(main, family_key)
    built.queue = Queue(learning={r.id: r.due for r in learning}, main=[r.id for r in main])
    return built
