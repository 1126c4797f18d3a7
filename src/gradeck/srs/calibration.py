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

from gradeck.srs import optimize
from gradeck.srs.days import DAY_MS
from gradeck.srs.store import Store

YEAR_MS = 365 * DAY_MS


def _rate(passed: int, total: int) -> dict[str, Any]:
    return {"passed": passed, "total": total, "rate": round(passed / total, 4) if total else None}


def _add(into: dict[str, list[int]], key: str, passed: int, total: int) -> None:
    counts = into.setdefault(key, [0, 0])
    counts[0] += passed
    counts[1] += total


def true_retention(store: Store, since_ms: int) -> dict[str, dict[str, dict[str, Any]]]:
    """Per deck and per exercise family, the pass rate of scheduled answers to items in review
    since `since_ms`."""
    with store.reading() as db:
        rows = db.execute(
            "SELECT i.deck_id, i.family, coalesce(sum(r.rating > 1), 0), count(*) "
            "FROM reviews r JOIN items i ON i.id = r.item "
            "WHERE r.mode = 'scheduled' AND r.prev_state = 2 AND r.time >= ? "
            "GROUP BY i.deck_id, i.family ORDER BY i.deck_id, i.family",
            (since_ms,),
        ).fetchall()
    decks: dict[str, list[int]] = {}
    families: dict[str, list[int]] = {}
    for deck, family, passed, total in rows:
        _add(decks, deck, passed, total)
        if family:
            _add(families, family, passed, total)
    return {
        "decks": {k: _rate(*v) for k, v in decks.items()},
        "families": {k: _rate(*v) for k, v in sorted(families.items())},
    }


def health(
    store: Store,
    weights: Sequence[float],
    *,
    day: Callable[[int], int],
    now_ms: int,
    desired: float,
    fitted: bool,
) -> dict[str, Any]:
    """The health check: the prediction scores of `weights` (None without an answer to predict),
    whether they were fitted, the desired retention and the true retention per deck and family."""
    history = optimize.histories(optimize.reviews(store), day)
    score = optimize.score(weights, history.items()) if history.sequences else None
    return {
        "weights": "fitted" if fitted else "default",
        "predicted": len(history.sequences),
        "log_loss": None if score is None else round(score.log_loss, 4),
        "rmse": None if score is None else round(score.rmse, 4),
        "desired_retention": desired,
        "true_retention": true_retention(store, now_ms - YEAR_MS),
    }
