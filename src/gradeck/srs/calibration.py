"""How well the schedule fits the learner: the health check of `gradeck stats`.

Two views. How well the weights in use predict the learner's answers (log loss and RMSE over the
same histories `gradeck optimize` fits to), and true retention, the pass rate of scheduled
answers to items in review, per deck and per exercise family over the last year, to read beside
the desired retention: well below it, the weights overrate this learner's memory (fitting them,
`gradeck optimize`, is the remedy); well above, reviews come sooner than they need to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from gradeck.srs import derived, optimize
from gradeck.srs.days import DAY_MS
from gradeck.srs.store import Store

YEAR_MS = 365 * DAY_MS
HOUR_MS = 3_600_000


def _rate(passed: int, total: int) -> dict[str, Any]:
    return {"passed": passed, "total": total, "rate": round(passed / total, 4) if total else None}


def true_retention(store: Store, since_ms: int) -> dict[str, dict[str, dict[str, Any]]]:
    """Per deck and per exercise family, the pass rate of scheduled answers to items in review
    since `since_ms` (to the hour, for decks). Decks are counted from `review_hours`, which
    triggers keep, and families from the exercise items to their answers: neither reads the
    whole log."""
    hour = since_ms // HOUR_MS
    with store.reading() as db:
        deck_rows = db.execute(
            "SELECT deck_id, sum(young_passed + mature_passed), "
            "sum(young_passed + mature_passed + young_failed + mature_failed) "
            "FROM review_hours WHERE hour >= ? AND mode = 'scheduled' GROUP BY deck_id",
            (hour,),
        ).fetchall()
        family_rows = db.execute(
            "SELECT i.family, coalesce(sum(r.rating > 1), 0), count(*) "
            "FROM items i CROSS JOIN reviews r ON r.item = i.id "
            "WHERE i.family != '' AND r.mode = 'scheduled' AND r.prev_state = 2 "
            "AND r.time >= ? GROUP BY i.family",
            (since_ms,),
        ).fetchall()
    return {
        "decks": {d: _rate(p, t) for d, p, t in sorted(deck_rows) if t},
        "families": {f: _rate(p, t) for f, p, t in sorted(family_rows)},
    }


def scores(
    store: Store,
    weights: Sequence[float],
    *,
    day: Callable[[int], int],
    day_key: Any,
    decks: Sequence[str] | None = None,
) -> dict[str, Any]:
    """How well `weights` predict the log (of `decks` only, when given): answers predicted, log
    loss and RMSE (None without an answer to predict). They read every answer, so they are
    saved until the log changes (srs/derived.py); `day_key` names what `day` depends on (day
    start, time zone), as the saved scores do too."""

    def work() -> dict[str, Any]:
        history = optimize.histories(optimize.reviews(store, decks), day)
        score = optimize.score(weights, history.items()) if history.sequences else None
        return {
            "predicted": len(history.sequences),
            "log_loss": None if score is None else round(score.log_loss, 4),
            "rmse": None if score is None else round(score.rmse, 4),
        }

    inputs = {"weights": [float(w) for w in weights], "day": day_key}
    key = "health-scores" if decks is None else "health-scores:" + "\n".join(sorted(decks))
    return derived.cached(store, key, inputs, work)


def health(
    store: Store,
    weights: Sequence[float],
    *,
    day: Callable[[int], int],
    day_key: Any,
    now_ms: int,
    desired: float,
    fitted: bool,
) -> dict[str, Any]:
    """The health check: the prediction scores of `weights` (see `scores`), whether they were
    fitted, the desired retention and the true retention per deck and family."""
    return {
        "weights": "fitted" if fitted else "default",
        **scores(store, weights, day=day, day_key=day_key),
        "desired_retention": desired,
        "true_retention": true_retention(store, now_ms - YEAR_MS),
    }
