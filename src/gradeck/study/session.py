"""A sitting: serves queued items one at a time and records each answer as it is given."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from gradeck.decks.cards import choice_options
from gradeck.decks.model import ExerciseItem, ReviewItem
from gradeck.srs import presets
from gradeck.srs.days import from_ms, to_ms
from gradeck.srs.rows import PRACTICE_DECK
from gradeck.srs.scheduler import (
    LEARNING,
    NEW,
    RELEARNING,
    STATE_NAMES,
    Settings,
    format_interval,
)
from gradeck.study import limits
from gradeck.study import queue as queues
from gradeck.study.fading import given_parts
from gradeck.study.items import SEED_RANGE, Answered, Shown, card_texts, draw, kind_of
from gradeck.study.limits import Summary
from gradeck.study.outcome import CardAnswer, log_entry
from gradeck.study.queue import LEARN_AHEAD_MS, Queue

if TYPE_CHECKING:
    from gradeck.exercises.attempt import Outcome
    from gradeck.study.profile import Profile


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
        extra_new: int = 0,
    ) -> None:
        self.profile = profile
        self.decks, self.tag = tuple(decks), tag
        self.store = profile.store
        self.settings = settings
        # Each deck is scheduled with its preset's retention and weights (srs/presets.py).
        self.scheduler = presets.Schedulers(settings, presets.load(self.store))
        self.limit = limit
        self.practice = practice
        self._start, self._end = profile._bounds(settings)
        # Learning steps are intraday: one due just after the day turns is still this sitting's.
        self._learn_until = max(self._end, to_ms(profile._now()) + LEARN_AHEAD_MS)
        built = queues.build(
            self.store,
            profile.library,
            decks,
            tag,
            settings,
            day=(self._start, self._end),
            learn_until=self._learn_until,
            practice=practice,
            extra_new=extra_new,
        )
        self._keys = built.keys
        self._groups: dict[int, tuple[str, str]] = built.groups
        self._new = built.new
        self._q = built.queue
        # Items left out because their stored schedule is out of bounds (`gradeck check`).
        self.unschedulable = len(self.store.unschedulable)
        self._current: Shown | None = None
        # What undo takes back, last first: an answer's review id, or how to revert a suspend or
        # a bury; with the item and the queue as they were before.
        # (Undo goes last first, so an item put aside after an answer is back before that
        # answer can be taken back.)
        self._undo: list[tuple[int | Callable[[], None], Shown, Queue]] = []

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

    def counts(self) -> tuple[int, int, int]:
        """What is left to serve, as (new, learning, review): the figures a deck list shows."""
        learning = len(self._q.learning)
        new = sum(pk in self._new for pk in self._q.main)
        return new, learning, len(self._q.main) - new

    def summary(self) -> Summary:
        """How the sitting went so far (answers taken back are left out)."""
        ids = [what for what, _, _ in self._undo if isinstance(what, int)]
        exercises = {shown.pk for _, shown, _ in self._undo if shown.exercise is not None}
        return limits.summary(self, ids, exercises)

    # -- serving ------------------------------------------------------------------------------

    def next(self) -> Shown | None:
        """The item to show now, or None when the session is over."""
        if self._current is not None:
            return self._current
        if self.limit is not None and self._q.answered >= self.limit:
            return None
        while (pk := self._pick(to_ms(self.profile._now()))) is not None:
            item = self.profile.library.review_item(self._keys[pk])
            if item is None:  # its deck file was changed by another gradeck meanwhile
                self._q.drop(pk)
                continue
            self._current = self._show(pk, item)
            return self._current
        return None

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

    def _show(self, pk: int, item: ReviewItem, seed: int | None = None) -> Shown:
        sched = self.store.item(pk).sched
        now = to_ms(self.profile._now())
        waits = self.scheduler(item.deck_id).preview(sched, now)
        intervals = {r: format_interval(ms) for r, ms in waits.items()}
        rng = self.profile.rng
        kind = kind_of(item)
        if item.exercise is not None:
            seed = rng.randrange(SEED_RANGE) if seed is None else seed
            exercise = draw(item, seed)
            given = 0
            if not self.practice:
                log = self.store.history(pk)
                ratings = [row["rating"] for row in log if row["mode"] == "scheduled"]
                given = given_parts(ratings, len(exercise.parts))
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
                given=given,
            )
        assert item.card is not None
        question, answer = card_texts(item)
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
        outcome: Outcome | CardAnswer | None = None,
    ) -> Answered:
        """Record the answer (committed before returning) and move the queue on."""
        now = to_ms(self.profile._now())
        entry = log_entry(
            now,
            rating,
            practice=self.practice,
            seed=shown.seed,
            duration_ms=duration_ms,
            outcome=outcome,
        )
        scheduler = self.scheduler(shown.item.deck_id)
        schedule = None if self.practice else (lambda s: scheduler.review(s, rating, now))
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
        """Take back the last action of this session (an answer, a suspend or a bury); its item
        is shown again as it was, and the queue and counts are put back as they were then."""
        if not self._undo:
            return None
        what, shown, before = self._undo.pop()
        if callable(what):
            what()
        else:
            self.store.undo(what)
        self._q = before
        self._current = shown
        return shown

    def suspend(self, shown: Shown) -> None:
        """Put an item aside until unsuspended; it leaves this session's queue."""
        self.store.set_suspended(shown.pk, True)
        self._put_aside(shown, lambda: self.store.set_suspended(shown.pk, False), [shown.pk])

    def bury(self, shown: Shown) -> None:
        """Put an item and its siblings aside until the next study day (Anki's bury): they
        leave this session's queue, and no session serves them again today."""
        group = (shown.item.deck_id, shown.item.item_id)
        before = self.store.bury(group, self._end)
        pks = [pk for pk, g in self._groups.items() if g == group] + [shown.pk]
        self._put_aside(shown, lambda: self.store.unbury(before), pks)

    def _put_aside(self, shown: Shown, revert: Callable[[], None], pks: Sequence[int]) -> None:
        self._undo.append((revert, shown, self._q.copy()))
        for pk in pks:
            self._q.drop(pk)
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
            exercise = draw(item, seed)
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
        outcome: Outcome | CardAnswer | None = None,
    ) -> Answered:
        """Log the answer as practice (committed before returning); the next call to `next`
        draws a new variant."""
        entry = log_entry(
            to_ms(self.profile._now()),
            rating,
            practice=True,
            seed=shown.seed,
            duration_ms=duration_ms,
            outcome=outcome,
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
