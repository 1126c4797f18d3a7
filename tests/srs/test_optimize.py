"""Fitting FSRS's weights: histories built from the log as Anki builds them, a fit on a history
simulated from known weights, too little history refused, and saved weights in the scheduler."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating
from fsrs import Scheduler as FsrsScheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from gradeck.errors import GradeckError
from gradeck.srs import optimize
from gradeck.srs.days import DAY_MS, from_ms
from gradeck.srs.scheduler import Sched, Scheduler, Settings, format_setting
from gradeck.srs.store import Store

START = datetime(2025, 1, 6, 9, tzinfo=UTC)
START_MS = int(START.timestamp() * 1000)
# A learner who forgets faster than fsrs's defaults assume: small first stabilities, a slower
# growth after each success and a steeper forgetting curve.
TRUE = list(DEFAULT_PARAMETERS)
TRUE[0:4] = [0.1, 0.3, 0.8, 3.0]
TRUE[8] = 1.0
TRUE[20] = 0.5


def _day(ms: int) -> int:
    return (ms - START_MS) // DAY_MS


def _store(tmp_path: Path, logs: list[list[tuple[int, int, int]]], deck: str = "d") -> Store:
    """A store holding one item of `deck` per log of (time, rating, state before)."""
    db = Store.open(tmp_path / "gradeck.db")
    db.sync([(deck, "v")], lambda deck: [(f"i{n}", "", "") for n in range(len(logs))])

    def work() -> None:
        for n, log in enumerate(logs):
            pk = db.conn.execute("SELECT id FROM items WHERE item_id = ?", (f"i{n}",)).fetchone()
            db.conn.executemany(
                "INSERT INTO reviews (item, time, rating, prev_state) VALUES (?, ?, ?, ?)",
                [(pk[0], t, r, s) for t, r, s in log],
            )

    db.write(work)
    return db


def test_histories_are_rating_and_whole_days_since_the_answer_before(tmp_path: Path) -> None:
    hour = 3_600_000
    db = _store(
        tmp_path,
        [
            # day 0 Good, 2 hours later Good (same day), day 1 Good, day 4 Again
            [
                (START_MS, 3, 0),
                (START_MS + 2 * hour, 3, 1),
                (START_MS + DAY_MS, 3, 2),
                (START_MS + 4 * DAY_MS + hour, 1, 2),
            ],
            [(START_MS, 4, 0)],  # one answer: nothing to predict
            [(START_MS, 3, 2), (START_MS + DAY_MS, 3, 2)],  # log does not start from new
        ],
    )
    history = optimize.histories(optimize.reviews(db), _day)
    assert history.sequences == [
        [(3, 0), (3, 0), (3, 1)],
        [(3, 0), (3, 0), (3, 1), (1, 3)],
    ]
    assert (history.answers, history.sources) == (4, 1)


def simulated_history(cards: int, seed: int) -> list[list[tuple[int, int, int]]]:
    """Answers drawn from FSRS's own memory model with the TRUE weights: each review recalls
    with the probability the forgetting curve gives after the days waited, and the next wait
    is what `fsrs` schedules for 90% retention with those weights, give or take a little."""
    rng = random.Random(seed)
    scheduler = FsrsScheduler(parameters=TRUE, enable_fuzzing=False, learning_steps=())
    logs = []
    for n in range(cards):
        now = START + timedelta(hours=n % 24)
        card = Card(card_id=n + 1, due=now)
        log: list[tuple[int, int, int]] = []
        state = 0
        for _answer in range(8):
            if log:
                recall = scheduler.get_card_retrievability(card, now) > rng.random()
                rating = Rating.Good if recall else Rating.Again
            else:
                rating = rng.choice([Rating.Again, Rating.Good, Rating.Good, Rating.Easy])
            card, _ = scheduler.review_card(card, rating, now)
            log.append((int(now.timestamp() * 1000), int(rating), state))
            state = int(card.state)
            wait = (card.due - now) * rng.uniform(0.7, 1.5)
            now += max(wait, timedelta(days=1))
        logs.append(log)
    return logs


def test_a_fit_recovers_weights_that_predict_the_history_better(tmp_path: Path) -> None:
    db = _store(tmp_path, simulated_history(300, seed=1))
    history = optimize.histories(optimize.reviews(db), _day)
    fit = optimize.fit(history, DEFAULT_PARAMETERS)
    assert fit.predicted == len(history.sequences) >= optimize.MIN_PREDICTED
    assert fit.better and fit.fitted_score.log_loss < fit.current_score.log_loss
    true_score = optimize.score(TRUE, history.items())
    # The fit lands near the truth: closer in loss to the weights that made the history than
    # the defaults are.
    assert (
        fit.fitted_score.log_loss - true_score.log_loss
        < (fit.current_score.log_loss - true_score.log_loss) / 2
    )
    assert fit.fitted[0] < DEFAULT_PARAMETERS[0] and fit.fitted[2] < DEFAULT_PARAMETERS[2]
    Settings(parameters=fit.fitted)  # the bounds `fsrs` checks hold
    FsrsScheduler(parameters=fit.fitted)


def test_too_little_history_is_refused_with_the_amount_needed(tmp_path: Path) -> None:
    db = _store(tmp_path, simulated_history(20, seed=2))
    history = optimize.histories(optimize.reviews(db), _day)
    assert 0 < len(history.sequences) < optimize.MIN_PREDICTED
    with pytest.raises(GradeckError, match=f"at least {optimize.MIN_PREDICTED} are needed"):
        optimize.fit(history, DEFAULT_PARAMETERS)


def test_saved_weights_change_the_next_interval_as_fsrs_computes_it() -> None:
    sched = Sched(2, None, 5.0, 6.0, START_MS, START_MS - 5 * DAY_MS)
    now = START_MS
    fitted = tuple(TRUE)
    text = format_setting("parameters", fitted)
    settings = Settings.from_strings({"parameters": text, "fuzz": "off"})
    ours = Scheduler(settings).review(sched, 3, now)
    default = Scheduler(Settings(fuzz=False)).review(sched, 3, now)
    theirs = FsrsScheduler(parameters=settings.parameters, enable_fuzzing=False)
    card = Card(
        card_id=1,
        state=2,
        step=None,
        stability=5.0,
        difficulty=6.0,
        due=from_ms(START_MS),
        last_review=from_ms(START_MS - 5 * DAY_MS),
    )
    expected, _ = theirs.review_card(card, Rating.Good, from_ms(now))
    assert ours.due == int(expected.due.timestamp() * 1000)
    assert ours.due != default.due
