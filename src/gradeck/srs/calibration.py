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
# Scheduled answers up to which the scores are worked out again after every change of the log
# (about half a second of work at this size).
RESCORE_ANSWERS = 100_000


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


def scheduled_answers(store: Store, decks: Sequence[str] | None = None) -> int:
    """Scheduled answers in the log (of `decks` only, when given), from the hourly counts."""
    table, where, args = "log_hours", "mode = 'scheduled'", list(decks or ())
    if decks is not None:
        table, where = "review_hours", where + f" AND deck_id IN ({', '.join('?' * len(decks))})"
    with store.reading() as db:
        return int(
            db.execute(
                f"SELECT coalesce(sum(answers), 0) FROM {table} WHERE {where}", args
            ).fetchone()[0]
        )


def scores(
    store: Store,
    weights: Sequence[float],
    *,
    day: Callable[[int], int],
    day_key: Any,
    decks: Sequence[str] | None = None,
    rescore: bool = False,
) -> dict[str, Any]:
    """How well `weights` predict the log (of `decks` only, when given): answers predicted, log
    loss and RMSE (None without an answer to predict), and whether they are `current`.

    They read every answer, so they are saved until the log changes (srs/derived.py); `day_key`
    names what `day` depends on (day start, time zone), as the saved scores do too. Once the log
    holds more than RESCORE_ANSWERS scheduled answers, working them out again takes seconds, so
    new answers alone do not: the scores saved before are shown, not current, until `rescore`
    (`gradeck stats --rescore`) or `gradeck optimize`, which scores the same histories anyway.
    """

    def work() -> dict[str, Any]:
        history = optimize.histories(optimize.reviews(store, decks), day)
        score = optimize.score(weights, history.items()) if history.sequences else None
        return _scored(len(history.sequences), score)

    def redo() -> bool:
        return rescore or scheduled_answers(store, decks) <= RESCORE_ANSWERS

    saved = derived.cached(store, _key(decks), _inputs(weights, day_key), work, redo=redo)
    return {**saved.value, "current": saved.current}


def save_scores(
    store: Store,
    log: int,
    weights: Sequence[float],
    predicted: int,
    score: optimize.Score,
    *,
    day_key: Any,
    decks: Sequence[str] | None = None,
) -> None:
    """Keep scores worked out elsewhere (by `gradeck optimize`, on the histories `scores` reads)
    as current for the log count `log` they were read at."""
    derived.save(store, _key(decks), log, _inputs(weights, day_key), _scored(predicted, score))


def _key(decks: Sequence[str] | None) -> str:
    return "health-scores" if decks is None else "health-scores:" + "\n".join(sorted(decks))


def _inputs(weights: Sequence[float], day_key: Any) -> dict[str, Any]:
    return {"weights": [float(w) for w in weights], "day": day_key}


def _scored(predicted: int, score: optimize.Score | None) -> dict[str, Any]:
    return {
        "predicted": predicted,
        "log_loss": None if score is None else round(score.log_loss, 4),
        "rmse": None if score is None else round(score.rmse, 4),
    }


def health(
    store: Store,
    weights: Sequence[float],
    *,
    day: Callable[[int], int],
    day_key: Any,
    now_ms: int,
    desired: float,
    fitted: bool,
    rescore: bool = False,
) -> dict[str, Any]:
    """The health check: the prediction scores of `weights` (see `scores`), whether they were
    fitted, the desired retention and the true retention per deck and family."""
    return {
        "weights": "fitted" if fitted else "default",
        **scores(store, weights, day=day, day_key=day_key, rescore=rescore),
        "desired_retention": desired,
        "true_retention": true_retention(store, now_ms - YEAR_MS),
    }
