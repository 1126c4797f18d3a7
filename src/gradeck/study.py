"""Studying: the one place that joins decks, exercises and the progress store.

Both front ends (the Textual app and `gradeck review`) talk to this module alone, so they queue,
grade and record alike. Public API:

    Profile.open(data_dir, deck_args=(), *, now=None, tz=None, rng=None) -> Profile
        A learner's decks and progress. A context manager; `.close()` when done. `now` is a
        clock (a callable returning an aware datetime; tests pass a fake one), `tz` the local
        zone that decides when a study day begins (None: the machine's), `rng` the source of
        exercise seeds and choice orders. Use a Profile from one thread (sqlite3's rule).
        A deck id that names no deck, or a deck file that fails to load, given in `deck_args`
        is an error (GradeckError, ProblemsError), not a profile over every deck.
        .library, .problems (decks that failed to load), .db_path
        .settings() -> Settings ; .set_setting(key, text) (validated, ValueError says why)
        .deck_overview() -> list[DeckCounts(deck_id, title, new, learning, due, total)]
        .today() -> Today(reviewed, new, due, streak, waiting)   waiting: what `a` (a session
                                       over everything) would serve now, see today()
        .session(deck_ids=(), tag=None, limit=None, practice=False) -> Session   GradeckError
                                       for an unknown deck or a tag no item of the decks has
        .stats(deck_id=None) -> dict   (the JSON of `gradeck stats --json`, see docs/scheduling.md;
                                        `tags` holds per tag what `decks` holds per deck, but
                                        for the title: counts by state, due, mean_retrievability)
        .browse(text="", tag=None) -> list[ItemInfo]
        .history(key) -> list[dict]    (log rows, oldest first)
        .suspend(key, on)
        .preview(key, seed=None) -> Exercise   a variant of exercise item `key` (a fresh seed
                                       unless given), logging nothing; GradeckError with a
                                       clear message for a card or a template that fails
        .family_session(family, difficulty=None) -> FamilySession   (GradeckError when unknown)
        .backup(dest) ; .export_progress() -> dict ; .import_progress(data) -> dict of counts

    Session
        .next() -> Shown | None       the item to show (the same one until it is answered)
        .answer(shown, rating, *, duration_ms, answer=None, parts_right=None, mistake=None,
                result=None) -> Answered      one transaction, committed before returning
        .undo() -> Shown | None       takes back the last answer and returns that item again
        .suspend(shown)
        .remaining, .answered, .total (answered + remaining), .practice   the total holds for
            the sitting: it grows only when an answer sends an item into a learning step that
            comes back today, shrinks only by a suspension, and undo puts it back as it was
        .next_learning_due -> datetime | None   when a learning step left today comes back

    FamilySession: practice of one exercise family without end, at `difficulty` or any of the
        family's levels. .next() -> Shown (never None), .answer(...) as Session's (logged as
        practice under the family, so stats' `exercises` figures include it; no schedule, no
        deck count), .undo() -> Shown | None, .answered, .family, .practice (True)

    Shown: item (ReviewItem), key, kind ("flashcard" | "choice" | "typed" | "exercise"),
        state ("new" | "learning" | "review" | "relearning"), exercise (Exercise | None, drawn
        from `seed`, which the log keeps), seed, intervals ({1: "1m", 2: "6m", 3: "10m",
        4: "8d"}), options (a choice card's (text, correct) pairs in the order shown),
        question, answer (the back / expected text), note; .check(text) -> bool for choice and
        typed cards (a choice is answered with option numbers, e.g. "1 3").

    suggest_rating(result, *, hinted, retried) -> int   an exercise's suggested rating
    card_rating(right) -> int                          a choice or typed card's suggested rating
    RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}; SETTING_KEYS, SETTING_HELP

Queue: learning items that are due, then due reviews, then new items up to the daily limits,
flashcards and exercises interleaved; siblings (sides of a reversible card, holes of a cloze) are
not shown on the same study day, nor while one is in learning steps. New items come deck by
deck, each deck's in the order they entered the profile (deck order, for cards added together).
Practice sessions go through every matching item, change no schedule and log their answers as
practice.

The queue is read from the store in order and only as far as today's limits reach, and a
ReviewItem is made only for a queued item, so opening a profile of 100 000 items stays quick
(benchmarks/srs.py).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradeck import paths
from gradeck.decks.cards import choice_options, cloze_answer, cloze_question, typed_matches
from gradeck.decks.library import Library, load_library
from gradeck.decks.model import ExerciseItem, ReviewItem
from gradeck.errors import GradeckError
from gradeck.problems import ProblemsError
from gradeck.srs import stats as srs_stats
from gradeck.srs import transfer
from gradeck.srs.days import from_ms, study_date, to_ms, today_bounds
from gradeck.srs.scheduler import (
    LEARNING,
    NEW,
    RATINGS,
    RELEARNING,
    REVIEW,
    SETTING_HELP,
    SETTING_KEYS,
    STATE_NAMES,
    Scheduler,
    Settings,
    format_interval,
    format_setting,
    parse_setting,
)
from gradeck.srs.store import PRACTICE_DECK, Key, LogEntry, QueueRow, Store
from gradeck.text import did_you_mean

if TYPE_CHECKING:
    from gradeck.exercises.check import ExerciseResult
    from gradeck.exercises.model import Exercise

__all__ = [
    "RATINGS",
    "SETTING_HELP",
    "SETTING_KEYS",
    "Answered",
    "DeckCounts",
    "FamilySession",
    "ItemInfo",
    "Profile",
    "Session",
    "Settings",
    "Shown",
    "Today",
    "card_rating",
    "suggest_rating",
]

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
LEARN_AHEAD_MS = 20 * 60 * 1000  # as Anki: with nothing else left, learning steps come early
SEED_RANGE = 1_000_000  # short, to be typed back into `gradeck preview DECK:ITEM --seed N`

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def suggest_rating(result: ExerciseResult, *, hinted: bool, retried: bool) -> int:
    """All parts right unaided: Good; partly right, or helped: Hard; nothing right: Again."""
    return result.suggested_rating(retried=retried, hinted=hinted)


def card_rating(right: bool) -> int:
    """A choice or typed card answered right suggests Good, wrong suggests Again."""
    return GOOD if right else AGAIN


# ---------------------------------------------------------------------------------------------
# What front ends see


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


@dataclass(frozen=True)
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
        return _chosen(text, self.options) == {i for i, (_, ok) in enumerate(self.options) if ok}


def _chosen(text: str, options: Sequence[tuple[str, bool]]) -> set[int] | None:
    """The options picked: numbers ("1 3", "1,3") or an option's own text."""
    words = re.split(r"[\s,;]+", text.strip())
    if all(w.isdigit() for w in words if w) and any(words):
        picked = {int(w) - 1 for w in words if w}
        return picked if all(0 <= i < len(options) for i in picked) else None
    wanted = " ".join(text.split()).casefold()
    for i, (option, _ok) in enumerate(options):
        if " ".join(option.split()).casefold() == wanted:
            return {i}
    return None


def _kind(item: ReviewItem) -> str:
    if item.exercise is not None:
        return "exercise"
    assert item.card is not None
    return item.card.type if item.card.type in ("choice", "typed") else "flashcard"


def _card_texts(item: ReviewItem) -> tuple[str, str]:
    card = item.card
    assert card is not None
    if card.type == "cloze":
        return cloze_question(card.text, item.sub), cloze_answer(card.text, item.sub)
    if card.type in ("choice", "typed"):
        right = card.correct if card.type == "choice" else card.answers[:1]
        return card.question, ", ".join(right)
    if item.sub == "reverse":
        return card.back, card.front
    return card.front, card.back


def _title(item: ReviewItem) -> str:
    if item.exercise is not None:
        return item.exercise.title or item.exercise.family
    return " ".join(_card_texts(item)[0].split())


def _draw(item: ReviewItem, seed: int) -> Exercise:
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


def _log_entry(
    now: int,
    rating: int,
    *,
    practice: bool,
    seed: int | None,
    duration_ms: int,
    answer: str | None,
    parts_right: Sequence[bool] | None,
    mistake: str | None,
    result: ExerciseResult | None,
) -> LogEntry:
    """What the review log keeps of one answer; an exercise's result fills in which parts were
    right and the first diagnosed mistake unless they are given."""
    if rating not in RATINGS:
        raise ValueError(f"a rating is 1-4, not {rating!r}")
    if result is not None:
        parts_right = parts_right or [p.credited for p in result.parts]
        mistake = mistake or next(
            (p.mistake.name for p in result.parts if p.mistake is not None), None
        )
    return LogEntry(
        time=now,
        rating=rating,
        duration_ms=max(0, int(duration_ms)),
        mode="practice" if practice else "scheduled",
        seed=seed,
        answer=answer,
        parts_right="".join("1" if p else "0" for p in parts_right) if parts_right else None,
        mistake=mistake,
    )


def _interleave(
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


def _first_of_group(seen: set[tuple[str, str]]) -> Callable[[QueueRow], bool]:
    """A filter keeping the first row of each sibling group not already `seen` (marking it)."""

    def keep(row: QueueRow) -> bool:
        if row.group in seen:
            return False
        seen.add(row.group)
        return True

    return keep


def _require_named(library: Library, deck_args: Sequence[str]) -> None:
    """Refuse a deck file named with --deck that failed to load, with its problems: the library
    skips it, and a selection left empty would mean every deck. (An unknown deck id is already
    refused by the library.)"""
    for arg in deck_args:
        try:
            library.deck(arg)
        except GradeckError:
            where = Path(arg).resolve()
            own = [p for p in library.problems if Path(p.path).resolve() == where]
            if own:
                raise ProblemsError(own) from None
            raise GradeckError(f"deck file {arg} could not be loaded") from None


# ---------------------------------------------------------------------------------------------
# Profile


class Profile:
    """A learner's decks and progress store."""

    def __init__(
        self,
        library: Library,
        store: Store,
        *,
        now: Clock | None = None,
        tz: tzinfo | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.library = library
        self.store = store
        self.clock = now or _utc_now
        self.tz = tz
        self.rng = rng or random.Random(random.SystemRandom().randrange(2**63))
        self._sync()

    def _sync(self) -> None:
        decks = [d.id for d in self.library.decks]
        self.store.sync(decks, self.library.signature(), self.library.keys)

    @classmethod
    def open(
        cls,
        data_dir: Path | str | None,
        deck_args: Sequence[str] = (),
        *,
        now: Clock | None = None,
        tz: tzinfo | None = None,
        rng: random.Random | None = None,
    ) -> Profile:
        home = paths.data_dir(data_dir)
        library = load_library(home, deck_args)
        _require_named(library, deck_args)
        store = Store.open(paths.database_path(home))
        try:
            return cls(library, store, now=now, tz=tz, rng=rng)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def problems(self):
        return self.library.problems

    @property
    def db_path(self) -> Path:
        return self.store.path

    # -- settings -----------------------------------------------------------------------------

    def settings(self) -> Settings:
        return Settings.from_strings(self.store.settings())

    def set_setting(self, key: str, text: str) -> None:
        """Validate and save one setting; ValueError (with what is accepted) when wrong."""
        if key not in SETTING_KEYS:
            raise ValueError(f"unknown setting {key!r}; settings are {', '.join(SETTING_KEYS)}")
        value = parse_setting(key, text)
        self.store.set_settings({key: format_setting(key, value)})

    # -- time ---------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _bounds(self, settings: Settings) -> tuple[int, int]:
        return today_bounds(self._now(), settings.day_start_hour, self.tz)

    # -- queues -------------------------------------------------------------------------------

    def session(
        self,
        deck_ids: Sequence[str] = (),
        tag: str | None = None,
        limit: int | None = None,
        practice: bool = False,
    ) -> Session:
        if limit is not None and limit < 1:
            raise GradeckError("the limit must be at least 1", 2)
        # An unknown deck is an error, not an empty session.
        chosen = {self.library.deck(d).id for d in deck_ids or self.library.selected}
        decks = [d.id for d in self.library.decks if not chosen or d.id in chosen]
        settings = self.settings()
        return Session(self, decks, tag, settings, limit=limit, practice=practice)

    def deck_overview(self) -> list[DeckCounts]:
        settings = self.settings()
        start, end = self._bounds(settings)
        counts = self.store.deck_counts(end)
        done = self.store.today_counts(start)
        new_left = max(0, settings.new_per_day - done.new)
        reviews_left = max(0, settings.reviews_per_day - done.reviews)
        out = []
        for deck in self.library.decks:
            new, learning, due, total = counts.get(deck.id, (0, 0, 0, 0))
            out.append(
                DeckCounts(
                    deck.id,
                    deck.title,
                    min(new, new_left),
                    learning,
                    min(due, reviews_left),
                    total,
                )
            )
        return out

    def today(self) -> Today:
        """Scheduled answers and new items so far today; learning and review items still due
        today (reviews within the daily limit); the streak; and `waiting`, the items a session
        over the selected decks (all when none) would serve now: learning due today, reviews
        within the daily limit and new items within the daily new limit, which all decks share
        (so it is less than the sum of the decks' counts). It is that session's own count, so
        siblings held back for today are left out as the session leaves them out."""
        settings = self.settings()
        start, end = self._bounds(settings)
        done = self.store.today_counts(start)
        counts = self.store.deck_counts(end)
        loaded = [counts.get(d.id, (0, 0, 0, 0)) for d in self.library.decks]
        learning = sum(c[1] for c in loaded)
        reviews = min(sum(c[2] for c in loaded), max(0, settings.reviews_per_day - done.reviews))
        return Today(
            done.answered,
            done.new,
            learning + reviews,
            srs_stats.streak(self.store, start),
            waiting=self.session().total,
        )

    # -- information --------------------------------------------------------------------------

    def stats(self, deck_id: str | None = None) -> dict[str, Any]:
        settings = self.settings()
        decks = [self.library.deck(deck_id)] if deck_id else list(self.library.decks)
        start, _end = self._bounds(settings)
        return srs_stats.collect(
            self.store,
            now_ms=to_ms(self._now()),
            day_start_ms=start,
            today=study_date(self._now(), settings.day_start_hour, self.tz),
            scheduler=Scheduler(settings),
            decks={d.id: d.title for d in decks},
            tagged=self.library.tagged([d.id for d in decks]),
            only=deck_id,
        )

    def browse(self, text: str = "", tag: str | None = None) -> list[ItemInfo]:
        rows = {r.key: r for r in self.store.items()}
        wanted = text.casefold()
        out = []
        for item in self.library.items(()):
            title = _title(item)
            if wanted and wanted not in f"{item.item_id} {title}".casefold():
                continue
            if tag is not None and tag not in item.tags:
                continue
            row = rows[item.key]
            sched = row.sched
            out.append(
                ItemInfo(
                    item.key,
                    item.deck_id,
                    item.item_id,
                    item.sub,
                    title,
                    item.tags,
                    STATE_NAMES[sched.state],
                    from_ms(sched.due) if sched.due is not None else None,
                    sched.stability,
                    row.suspended,
                )
            )
        return out

    def _item_pk(self, key: Key) -> int:
        pk = self.store.pk(key)
        if pk is None:
            raise GradeckError(f"no item {'/'.join(k for k in key if k)} in the progress store")
        return pk

    def history(self, key: Key) -> list[dict]:
        return self.store.history(self._item_pk(key))

    def preview(self, key: Key, seed: int | None = None) -> Exercise:
        """A variant of exercise item `key` (from `seed`, else a fresh one) to look at; nothing
        is logged. GradeckError when `key` is no exercise of a loaded deck or its template
        cannot give one."""
        item = self.library.review_item(key)
        if item is None or item.exercise is None:
            name = "/".join(k for k in key if k)
            raise GradeckError(f"{name} is not an exercise of a loaded deck")
        return _draw(item, self.rng.randrange(SEED_RANGE) if seed is None else seed)

    def family_session(self, family: str, difficulty: int | None = None) -> FamilySession:
        """Practice of one exercise family without end (see FamilySession). GradeckError for
        an unknown family or a difficulty it does not have."""
        from gradeck.exercises.registry import FAMILIES

        info = FAMILIES.get(family)
        if info is None:
            hint = did_you_mean(family, list(FAMILIES))
            raise GradeckError(f"no exercise family {family!r}{hint} (see `gradeck families`)", 2)
        if difficulty is not None and difficulty not in info.difficulties:
            levels = ", ".join(map(str, info.difficulties))
            raise GradeckError(f"{family} has difficulties {levels}, not {difficulty}", 2)
        levels = info.difficulties if difficulty is None else (difficulty,)
        return FamilySession(self, family, levels)

    def suspend(self, key: Key, on: bool = True) -> None:
        self.store.set_suspended(self._item_pk(key), on)

    # -- copies -------------------------------------------------------------------------------

    def backup(self, dest: Path) -> None:
        self.store.backup(dest)

    def export_progress(self) -> dict[str, Any]:
        return transfer.export(self.store, exported=self._now())

    def import_progress(self, data: Any) -> dict[str, int]:
        counts = transfer.import_(self.store, data)
        self.store.forget_sync()  # imported items may belong to decks loaded here
        self._sync()
        return counts


# ---------------------------------------------------------------------------------------------
# Session


@dataclass
class _Queue:
    """What is left to show; copied before each answer so that undo can put it back."""

    learning: dict[int, int] = field(default_factory=dict)  # pk -> due (ms)
    main: list[int] = field(default_factory=list)  # reviews, then new
    answered: int = 0

    def copy(self) -> _Queue:
        return _Queue(dict(self.learning), list(self.main), self.answered)

    def drop(self, pk: int) -> None:
        """Take an item out of what is left."""
        self.learning.pop(pk, None)
        if pk in self.main:
            self.main.remove(pk)


class Session:
    """One sitting: serves items in queue order and records each answer as it is given."""

    def __init__(
        self,
        profile: Profile,
        decks: Sequence[str],
        tag: str | None,
        settings: Settings,
        *,
        limit: int | None,
        practice: bool,
    ) -> None:
        self.profile = profile
        self.store = profile.store
        self.settings = settings
        self.scheduler = Scheduler(settings)
        self.limit = limit
        self.practice = practice
        self._start, self._end = profile._bounds(settings)
        # Learning steps are intraday: one due just after the day turns is still this sitting's.
        self._learn_until = max(self._end, to_ms(profile._now()) + LEARN_AHEAD_MS)
        self._by_pk: dict[int, ReviewItem] = {}  # every queued item, built as it is queued
        self._groups: dict[int, tuple[str, str]] = {}
        self._q = self._build(decks, tag)
        self._current: Shown | None = None
        self._undo: list[tuple[int, Shown, _Queue]] = []
        self._suspended: set[int] = set()  # suspended during the session: undo keeps them out

    def _build(self, decks: Sequence[str], tag: str | None) -> _Queue:
        """Today's queue, read from the store in queue order and only as far as it is needed;
        a review item is made only for what is queued."""
        library = self.profile.library
        tagged = None
        if tag is not None:
            by_tag = library.tagged(decks)
            if tag not in by_tag:
                hint = did_you_mean(tag, sorted(by_tag))
                raise GradeckError(f"no items are tagged {tag!r}{hint}")
            tagged = by_tag[tag]
            decks = [d for d in decks if d in tagged]

        def known(row: QueueRow) -> bool:
            ids = tagged[row.deck_id] if tagged is not None else None
            if ids is not None and row.item_id not in ids:
                return False
            item = library.review_item((row.deck_id, row.item_id, row.sub))
            if item is None:  # put in by a gradeck with other decks: not ours to show
                return False
            self._by_pk[row.id] = item
            self._groups[row.id] = row.group
            return True

        def rows(states: tuple[int, ...], keep=known, **how: Any) -> list[QueueRow]:
            return self.store.queue_rows(decks, states, keep=keep, **how)

        if self.practice:
            seen = rows((LEARNING, REVIEW, RELEARNING))
            return _Queue(main=[r.id for r in seen + rows((NEW,))])
        done = self.store.today_counts(self._start)
        groups = set(done.groups)
        fresh_group = _first_of_group(groups)

        def new_sibling(row: QueueRow) -> bool:
            return known(row) and fresh_group(row)

        learning = rows((LEARNING, RELEARNING), before=self._learn_until)
        groups.update(r.group for r in learning)  # in learning steps: their siblings wait
        reviews_left = max(0, self.settings.reviews_per_day - done.reviews)
        reviews = rows((REVIEW,), new_sibling, before=self._end, limit=reviews_left)
        new_left = max(0, self.settings.new_per_day - done.new)
        cards = rows((NEW,), new_sibling, exercises=False, limit=new_left)
        exercises = rows((NEW,), new_sibling, exercises=True, limit=new_left)
        pool = self.store.new_groups(decks) if cards and exercises else (0, 0)
        main = _interleave(
            [r for r in reviews if not r.family], [r for r in reviews if r.family]
        ) + _interleave(cards, exercises, new_left, pool)
        return _Queue(learning={r.id: r.due for r in learning}, main=[r.id for r in main])

    # -- counts -------------------------------------------------------------------------------

    @property
    def answered(self) -> int:
        return self._q.answered

    @property
    def remaining(self) -> int:
        left = len(self._q.main) + len(self._q.learning)
        if self.limit is not None:
            left = min(left, self.limit - self._q.answered)
        return max(0, left)

    @property
    def total(self) -> int:
        return self.answered + self.remaining

    # -- serving ------------------------------------------------------------------------------

    def next(self) -> Shown | None:
        """The item to show now, or None when the session is over."""
        if self._current is not None:
            return self._current
        if self.limit is not None and self._q.answered >= self.limit:
            return None
        pk = self._pick(to_ms(self.profile._now()))
        if pk is None:
            return None
        self._current = self._show(pk)
        return self._current

    def _pick(self, now: int) -> int | None:
        learning = sorted((due, pk) for pk, due in self._q.learning.items())
        if learning and learning[0][0] <= now:
            return learning[0][1]
        if self._q.main:
            return self._q.main[0]
        if learning and learning[0][0] <= now + LEARN_AHEAD_MS:
            return learning[0][1]
        return None

    @property
    def next_learning_due(self) -> datetime | None:
        """When the earliest learning step left today comes back (None when none is left)."""
        if not self._q.learning:
            return None
        return from_ms(min(self._q.learning.values()))

    def _show(self, pk: int, seed: int | None = None) -> Shown:
        item = self._by_pk[pk]
        sched = self.store.item(pk).sched
        now = to_ms(self.profile._now())
        intervals = {r: format_interval(ms) for r, ms in self.scheduler.preview(sched, now).items()}
        rng = self.profile.rng
        kind = _kind(item)
        if item.exercise is not None:
            seed = rng.randrange(SEED_RANGE) if seed is None else seed
            exercise = _draw(item, seed)
            return Shown(
                item,
                kind,
                STATE_NAMES[sched.state],
                intervals,
                exercise.title,
                "",
                exercise=exercise,
                seed=seed,
                pk=pk,
            )
        assert item.card is not None
        question, answer = _card_texts(item)
        options = tuple(choice_options(item.card, rng)) if kind == "choice" else ()
        return Shown(
            item,
            kind,
            STATE_NAMES[sched.state],
            intervals,
            question,
            answer,
            note=item.card.note,
            options=options,
            pk=pk,
        )

    # -- answering ----------------------------------------------------------------------------

    def answer(
        self,
        shown: Shown,
        rating: int,
        *,
        duration_ms: int = 0,
        answer: str | None = None,
        parts_right: Sequence[bool] | None = None,
        mistake: str | None = None,
        result: ExerciseResult | None = None,
    ) -> Answered:
        """Record the answer (committed before returning) and move the queue on."""
        now = to_ms(self.profile._now())
        entry = _log_entry(
            now,
            rating,
            practice=self.practice,
            seed=shown.seed,
            duration_ms=duration_ms,
            answer=answer,
            parts_right=parts_right,
            mistake=mistake,
            result=result,
        )
        schedule = None if self.practice else (lambda s: self.scheduler.review(s, rating, now))
        before = self._q.copy()
        review_id, after = self.store.record(shown.pk, entry, schedule)
        self._undo.append((review_id, shown, before))
        self._current = None
        self._q.answered += 1
        self._q.drop(shown.pk)
        if self.practice:
            return Answered(rating, shown.state, None, "")
        if after.state in (LEARNING, RELEARNING) and after.due < self._learn_until:
            self._q.learning[shown.pk] = after.due
        group = (shown.item.deck_id, shown.item.item_id)
        self._q.main = [pk for pk in self._q.main if self._groups[pk] != group]
        return Answered(
            rating, STATE_NAMES[after.state], from_ms(after.due), format_interval(after.due - now)
        )

    def undo(self) -> Shown | None:
        """Take back the last answer of this session; its item is shown again as it was, and
        the queue and counts are put back as they were then, less any item suspended since."""
        if not self._undo:
            return None
        review_id, shown, before = self._undo.pop()
        self.store.undo(review_id)
        for pk in self._suspended:
            before.drop(pk)
        self._q = before
        self._current = shown
        return shown

    def suspend(self, shown: Shown) -> None:
        """Put an item aside until unsuspended; it leaves this session's queue."""
        self.store.set_suspended(shown.pk, True)
        self._suspended.add(shown.pk)
        self._q.drop(shown.pk)
        if self._current is shown:
            self._current = None


class FamilySession:
    """Practice of one exercise family without end: a fresh variant each time, at the given
    difficulty or any of the family's. Nothing is scheduled, but every answer is logged as
    practice under the family (see PRACTICE_DECK), so the statistics' accuracy per family and
    most frequent mistakes count practice too: those figures are about how well each kind of
    calculation goes, wherever it was done. Deck counts and queues never see these answers."""

    practice = True

    def __init__(self, profile: Profile, family: str, levels: Sequence[int]) -> None:
        self.profile = profile
        self.store = profile.store
        self.family = family
        self.levels = tuple(levels)
        self._pk = self.store.family_item(family)
        self._current: Shown | None = None
        self._undo: list[tuple[int, Shown]] = []

    @property
    def answered(self) -> int:
        return len(self._undo)

    def next(self) -> Shown:
        """The exercise to answer now (the same one until it is answered); never None."""
        if self._current is None:
            rng = self.profile.rng
            level = rng.choice(self.levels)
            exercise_item = ExerciseItem(id=self.family, family=self.family, difficulty=level)
            item = ReviewItem(PRACTICE_DECK, self.family, "", (), exercise=exercise_item)
            seed = rng.randrange(SEED_RANGE)
            exercise = _draw(item, seed)
            self._current = Shown(
                item,
                "exercise",
                STATE_NAMES[NEW],
                {},  # nothing is scheduled, so no button has an interval
                exercise.title,
                "",
                exercise=exercise,
                seed=seed,
                pk=self._pk,
            )
        return self._current

    def answer(
        self,
        shown: Shown,
        rating: int,
        *,
        duration_ms: int = 0,
        answer: str | None = None,
        parts_right: Sequence[bool] | None = None,
        mistake: str | None = None,
        result: ExerciseResult | None = None,
    ) -> Answered:
        """Log the answer as practice (committed before returning); the next call to `next`
        draws a new variant."""
        entry = _log_entry(
            to_ms(self.profile._now()),
            rating,
            practice=True,
            seed=shown.seed,
            duration_ms=duration_ms,
            answer=answer,
            parts_right=parts_right,
            mistake=mistake,
            result=result,
        )
        review_id, _after = self.store.record(self._pk, entry, None)
        self._undo.append((review_id, shown))
        self._current = None
        return Answered(rating, shown.state, None, "")

    def undo(self) -> Shown | None:
        """Take back the last answer; its exercise is shown again as it was."""
        if not self._undo:
            return None
        review_id, shown = self._undo.pop()
        self.store.undo(review_id)
        self._current = shown
        return shown
