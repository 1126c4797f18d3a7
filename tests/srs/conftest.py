"""Shared fixtures for progress, scheduling and study tests: a profile with a small deck of every
item kind, and a clock the test moves by hand (no sleeping)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gradeck.study import Profile

DECK = """format: 1
id: mini
title: Mini deck
tags: [demo]
cards:
  - {id: bias, front: What does a bias do?, back: It shifts the activation.}
  - id: sigmoid
    type: reversible
    front: σ(z) = 1 / (1 + e^(−z))
    back: the sigmoid function
  - id: update
    type: cloze
    text: "w ← w − {{c1::η}}·{{c2::∂L/∂w}}"
  - id: optimizers
    type: choice
    question: Which of these are optimizers?
    correct: [Adam, RMSprop]
    wrong: [ReLU, Dropout]
  - id: epoch
    type: typed
    question: One pass over the whole training set is called an ...
    answer: [epoch, an epoch]
    tags: [training]
exercises:
  - {id: iters, family: training-iterations, difficulty: 1, title: Iterations per epoch}
  - {id: dense, family: dense-param-count, difficulty: 1}
"""

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, noon UTC


class Clock:
    """A settable clock: `clock()` is now; `clock.advance(minutes=10)` moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / "decks").mkdir(parents=True)
    (home / "decks" / "mini.yaml").write_text(DECK, encoding="utf-8")
    monkeypatch.setenv("GRADECK_HOME", str(home))
    return home


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def profile(home: Path, clock: Clock):
    with Profile.open(home, ["mini"], now=clock, tz=UTC, rng=random.Random(7)) as p:
        yield p
