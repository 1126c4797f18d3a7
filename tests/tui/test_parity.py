"""The two front ends are one: the same exercise, answered the same way in the study app (Pilot)
and in plain `gradeck review`, saves the same review, the same attempts and the same rating.

A scenario is a list of moves worked out from the exercise on screen: an answer's text, HINT or
GIVE_UP. Each front end gets them in its own keys (app: the text then Enter, `h`, Ctrl+G;
plain: a line, `?`, `!`), and the suggested rating is accepted (Enter / an empty line).
"""

from __future__ import annotations

import io
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gradeck import study
from gradeck.cli import main
from gradeck.exercises.model import Exercise
from gradeck.exercises.render import format_value
from gradeck.tui.app import GradeckApp
from gradeck.tui.widgets.exercise_panel import ExercisePanel

from .conftest import NOW

HINT, GIVE_UP = object(), object()
SEED = 7

DECK = """format: 1
id: parity
title: Parity
exercises:
  - {{id: ex, family: {family}, difficulty: 1}}
"""


def _right(exercise: Exercise, index: int) -> str:
    return format_value(exercise.parts[index].expected).replace(" ", "")


def _mistake(exercise: Exercise, index: int) -> str:
    part = exercise.parts[index]
    return format_value(part.mistakes[0].value).replace(" ", "")


def _one_element_wrong(exercise: Exercise, index: int) -> str:
    values = list(exercise.parts[index].expected)
    values[-1] = values[-1] + 1.0
    return format_value(tuple(values)).replace(" ", "")


def _rest(exercise: Exercise, start: int) -> list:
    return [_right(exercise, i) for i in range(start, len(exercise.parts))]


Scenario = Callable[[Exercise], list]
SCENARIOS: dict[str, tuple[str, Scenario, int]] = {  # family, moves, the rating expected
    "right first time": ("update-rule", lambda ex: [_right(ex, 0)], 3),
    "mistake then right": ("update-rule", lambda ex: [_mistake(ex, 0), _right(ex, 0)], 2),
    "wrong twice": ("update-rule", lambda ex: ["12345", "54321"], 1),
    "hint then right": ("update-rule", lambda ex: [HINT, _right(ex, 0)], 2),
    "give up": ("update-rule", lambda ex: [GIVE_UP], 1),
    "vector with one wrong element": (
        "softmax-cross-entropy",
        lambda ex: [_one_element_wrong(ex, 0), _right(ex, 0), *_rest(ex, 1)],
        2,
    ),
}


def _profile(root: Path, family: str) -> Path:
    (root / "decks").mkdir(parents=True)
    (root / "decks" / "parity.yaml").write_text(DECK.format(family=family), encoding="utf-8")
    return root


def _saved(home: Path) -> list[dict]:
    with study.Profile.open(home, ["parity"], now=lambda: NOW) as profile:
        rows = profile.history(("parity", "ex", ""))
    keep = ("rating", "mode", "seed", "answer", "parts_right", "mistake", "hints", "attempts")
    return [{k: row[k] for k in keep} for row in rows]


async def _in_the_app(home: Path, moves: Scenario, keys) -> Exercise:
    app = GradeckApp(data_dir=home, seed=SEED, now=lambda: NOW, study_deck="parity")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        exercise = app.screen.query_one(ExercisePanel).exercise
        for move in moves(exercise):
            if move is HINT:
                await keys.press(pilot, "h")
            elif move is GIVE_UP:
                await keys.press(pilot, "ctrl+g")
            else:
                await keys.answer(pilot, move)
        await keys.press(pilot, "enter")  # the suggested rating
    return exercise


def _in_plain_mode(home: Path, lines: list[str], monkeypatch) -> None:
    opened = study.Profile.open.__func__  # type: ignore[attr-defined]

    def fixed(cls, data_dir, deck_args=(), **kwargs):
        return opened(cls, data_dir, deck_args, now=lambda: NOW, rng=random.Random(SEED))

    monkeypatch.setattr(study.Profile, "open", classmethod(fixed))
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    assert main(["--data-dir", str(home), "review", "--deck", "parity"]) == 0


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_the_same_keys_save_the_same_in_both_front_ends(
    name: str, tmp_path: Path, keys, monkeypatch
) -> None:
    family, moves, rating = SCENARIOS[name]
    app_home = _profile(tmp_path / "app", family)
    plain_home = _profile(tmp_path / "plain", family)
    exercise = await _in_the_app(app_home, moves, keys)
    plain = {HINT: "?", GIVE_UP: "!"}
    lines = [plain.get(m, m) if not isinstance(m, str) else m for m in moves(exercise)]
    _in_plain_mode(plain_home, [*lines, ""], monkeypatch)  # "": the suggested rating
    in_app, in_plain = _saved(app_home), _saved(plain_home)
    assert len(in_app) == 1 and in_app == in_plain
    assert in_app[0]["rating"] == rating
    assert in_app[0]["seed"] == exercise.seed
    assert len(in_app[0]["attempts"]) >= 1
