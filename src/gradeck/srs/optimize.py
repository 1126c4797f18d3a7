"""Fitting FSRS's 21 weights to a learner's own answers (`gradeck optimize`), with fsrs-rs, the
Rust FSRS that Anki uses.

The histories are built as Anki builds them: for each item, its scheduled answers in order, each
as its rating and the whole study days since the answer before (0 for the first), and one
training item per answer after the first, holding the history up to and including that answer,
which is the one to predict. Only items whose log starts with their first answer from new are
used (an item imported half-way through its history would mislead the fit), and only answers
given a day or more after the one before are predicted: FSRS's weights describe memory across
days. Practice answers are left out: they change no schedule.

The fitted weights are kept only when they predict the same history better (a lower log loss)
than the weights in use; fitting and judging on the same answers is what Anki does too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from gradeck.errors import GradeckError
from gradeck.srs.store import Store

if TYPE_CHECKING:
    from fsrs_rs_python import FSRSItem

MIN_PREDICTED = 400  # answers to predict below which a fit says more about chance than memory


@dataclass(frozen=True)
class Score:
    log_loss: float
    rmse: float  # RMSE over bins of predicted recall, as Anki reports it


@dataclass(frozen=True)
class History:
    # One per answer to predict: the item's answers up to it, as (rating, days since the last).
    sequences: list[list[tuple[int, int]]]
    answers: int  # scheduled answers in the histories used
    sources: int  # items of the profile they came from

    def items(self) -> list[FSRSItem]:
        from fsrs_rs_python import FSRSItem, FSRSReview

        return [FSRSItem([FSRSReview(*step) for step in seq]) for seq in self.sequences]


@dataclass(frozen=True)
class Fit:
    items: int  # items whose history was used
    answers: int  # their scheduled answers
    predicted: int  # answers predicted (a day or more after the one before)
    current: tuple[float, ...]
    fitted: tuple[float, ...]
    current_score: Score
    fitted_score: Score

    @property
    def better(self) -> bool:
        return self.fitted_score.log_loss < self.current_score.log_loss


def reviews(store: Store, decks: Sequence[str] | None = None) -> dict[int, list[tuple[int, int]]]:
    """Per item, its scheduled answers as (time in ms, rating), oldest first, for items whose log
    starts from new; of `decks` only, when given."""
    where = "r.mode = 'scheduled'"
    args: list[str] = []
    if decks is not None:
        where += f" AND i.deck_id IN ({', '.join('?' * len(decks))})"
        args = list(decks)
    out: dict[int, list[tuple[int, int]]] = {}
    skip: set[int] = set()
    with store.reading() as db:
        rows = db.execute(
            "SELECT r.item, r.time, r.rating, r.prev_state FROM reviews r "
            f"JOIN items i ON i.id = r.item WHERE {where} ORDER BY r.item, r.time, r.id",
            args,
        )
        for item, time, rating, prev_state in rows:
            if item in skip:
                continue
            if item not in out and prev_state != 0:
                skip.add(item)
                continue
            out.setdefault(item, []).append((time, rating))
    return out


def histories(logs: dict[int, list[tuple[int, int]]], day: Callable[[int], int]) -> History:
    """The training items of `logs` (see the module's docstring); `day(ms)` is the study day
    number of a time."""
    out = []
    answers = sources = 0
    for log in logs.values():
        if len(log) < 2:
            continue
        days = [day(time) for time, _rating in log]
        steps = [
            (rating, days[n] - days[n - 1] if n else 0) for n, (_time, rating) in enumerate(log)
        ]
        used = [steps[: n + 1] for n in range(1, len(steps)) if days[n] > days[n - 1]]
        if used:
            out += used
            answers += len(log)
            sources += 1
    return History(out, answers, sources)


def score(parameters: Sequence[float], items: list[FSRSItem]) -> Score:
    from fsrs_rs_python import FSRS

    result = FSRS(list(parameters)).evaluate(items)
    return Score(result.log_loss, result.rmse_bins)


def _within_bounds(weights: Sequence[float]) -> tuple[float, ...]:
    """fsrs-rs's weights, held to the bounds `fsrs` checks (they differ a little)."""
    return tuple(
        min(max(w, low), high)
        for w, low, high in zip(
            weights, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )


def fit(history: History, current: Sequence[float]) -> Fit:
    """Fit weights to `history` and score them beside `current`; GradeckError when there is
    too little to fit."""
    from fsrs_rs_python import FSRS

    if len(history.sequences) < MIN_PREDICTED:
        raise GradeckError(
            f"too little history to fit: {len(history.sequences)} answer(s) given a day or more "
            "after the "
            f"one before, of items first answered here; at least {MIN_PREDICTED} are needed. "
            "Nothing was changed."
        )
    items = history.items()
    fitted = _within_bounds(FSRS(list(current)).compute_parameters(items))
    return Fit(
        items=history.sources,
        answers=history.answers,
        predicted=len(items),
        current=tuple(current),
        fitted=fitted,
        current_score=score(current, items),
        fitted_score=score(fitted, items),
    )
