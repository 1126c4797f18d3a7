"""Fading worked examples: after a failure, the first parts are filled in, one fewer per pass."""

from __future__ import annotations

import io
import random
import sys
from datetime import UTC
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.exercises.attempt import ExerciseRun
from gradeck.exercises.template import make_exercise
from gradeck.study import Profile, Rating, suggest_rating
from gradeck.study.fading import given_parts

from .answers import right

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

DECK = """format: 1
id: fade
title: Fading
exercises:
  - {id: adam4, family: adam, difficulty: 2, title: "Adam, four parts"}
"""


def test_the_rule_over_a_rating_history() -> None:
    assert given_parts([], 4) == 0  # never failed
    assert given_parts([GOOD, HARD, EASY], 4) == 0
    assert given_parts([GOOD, AGAIN], 4) == 3  # all but the last part
    assert given_parts([AGAIN, GOOD], 4) == 2
    assert given_parts([AGAIN, GOOD, HARD], 4) == 1
    assert given_parts([AGAIN, GOOD, HARD, GOOD], 4) == 0  # worked alone again
    assert given_parts([AGAIN, GOOD, GOOD, GOOD, GOOD], 4) == 0
    assert given_parts([AGAIN, GOOD, AGAIN], 4) == 3  # a new failure starts over
    assert given_parts([AGAIN], 1) == 0  # one part: nothing can be filled in
    assert given_parts([AGAIN], 2) == 1


def test_a_run_with_given_parts_asks_only_the_rest() -> None:
    exercise = make_exercise("adam", 11, 2, {}, None)
    assert len(exercise.parts) == 4
    run = ExerciseRun(exercise, given=3)
    assert run.part == 3  # the last part is the first asked
    attempt = run.submit(right(exercise.parts[3]))
    assert attempt is not None and attempt.verdict == "right"
    outcome = run.outcome()
    assert outcome.endings == ("given", "given", "given", "right")
    assert [a.part for a in outcome.attempts] == [3]  # filled-in parts keep no attempt
    assert outcome.solved and not outcome.first_try_right
    assert suggest_rating(outcome) == Rating.HARD  # helped: a pass, not a clean one
    with pytest.raises(ValueError):
        ExerciseRun(exercise, given=4)  # something must be left to do


def _answer_all(session, shown, rating: int) -> None:
    exercise = shown.exercise
    run = ExerciseRun(exercise, given=shown.given)
    while not run.finished:
        run.submit(right(exercise.parts[run.part]))
    session.answer(shown, rating, outcome=run.outcome())


def test_the_fading_sequence_after_a_failure(tmp_path: Path, clock) -> None:
    home = tmp_path / "home"
    (home / "decks").mkdir(parents=True)
    (home / "decks" / "fade.yaml").write_text(DECK, encoding="utf-8")
    seen = []
    with Profile.open(home, ["fade"], now=clock, tz=UTC, rng=random.Random(5)) as profile:
        for rating in (AGAIN, GOOD, GOOD, GOOD, GOOD):
            session = profile.session()
            shown = session.next()
            assert shown is not None
            seen.append(shown.given)
            _answer_all(session, shown, rating)
            clock.advance(days=1000)  # whatever the interval, the item is due again
        practice = profile.session(practice=True).next()
    # New: worked alone; after Again: three of four parts filled in; each pass one fewer.
    assert seen == [0, 3, 2, 1, 0]
    assert practice is not None and practice.given == 0  # practice is never faded


def test_plain_review_shows_the_filled_in_parts(tmp_path: Path, clock, monkeypatch, capsys):
    home = tmp_path / "home"
    (home / "decks").mkdir(parents=True)
    (home / "decks" / "fade.yaml").write_text(DECK, encoding="utf-8")
    monkeypatch.setenv("GRADECK_HOME", str(home))
    # Fail it: the worked solution (!!), then Again.
    monkeypatch.setattr(sys, "stdin", io.StringIO("!!\n1\n"))
    assert main(["review", "--deck", "fade"]) == 0
    capsys.readouterr()
    with Profile.open(home, ["fade"]) as profile:
        pk = profile.store.pk(("fade", "adam4", ""))
        assert [row["rating"] for row in profile.store.history(pk)] == [AGAIN]
    # The item is in relearning, its step due within minutes: learned ahead, it comes back
    # with three parts filled in and only the last one asked.
    monkeypatch.setattr(sys, "stdin", io.StringIO("!!\n1\n"))
    assert main(["review", "--deck", "fade", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "The first 3 part(s) are worked for you this time" in out
    assert out.count("filled in for you") == 3
