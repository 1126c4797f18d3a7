"""A template's choice part, answered with the same keys in the study app and in plain mode,
saves the same review, attempts and rating: both ask it through the one attempt model."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.exercises.model import Exercise

from .test_parity import _in_plain_mode, _in_the_app, _saved

DECK = """format: 1
id: parity
title: Parity
exercises:
  - id: ex
    template:
      variables:
        z: {min: -2, max: 2, step: 0.5}
      prompt: "z = {z}"
      parts:
        - prompt: Which activations are bounded?
          multiple: true
          options:
            - {text: sigmoid, correct: true}
            - {text: tanh, correct: true}
            - {text: relu, feedback: relu is unbounded, name: relu-bounded}
        - prompt: "relu(z) for this z"
          answer: relu(z)
"""


def _numbers(exercise: Exercise, texts: set[str]) -> str:
    part = exercise.parts[0]
    return " ".join(str(n) for n, option in enumerate(part.options, 1) if option in texts)


def _rest(exercise: Exercise) -> str:
    return f"{max(0.0, float(exercise.prompt.split('= ')[1])):g}"


SCENARIOS = {  # moves from the exercise on screen, and the rating expected
    "right first time": (lambda ex: [_numbers(ex, {"sigmoid", "tanh"}), _rest(ex)], 3),
    "a named wrong option, then right": (
        lambda ex: [_numbers(ex, {"relu"}), _numbers(ex, {"tanh", "sigmoid"}), _rest(ex)],
        2,
    ),
    "some missing twice": (
        lambda ex: [_numbers(ex, {"tanh"}), _numbers(ex, {"sigmoid"}), _rest(ex)],
        1,
    ),
}


def _profile(root: Path) -> Path:
    (root / "decks").mkdir(parents=True)
    (root / "decks" / "parity.yaml").write_text(DECK, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_a_choice_part_saves_the_same_in_both_front_ends(
    name: str, tmp_path: Path, keys, monkeypatch
) -> None:
    moves, rating = SCENARIOS[name]
    app_home, plain_home = _profile(tmp_path / "app"), _profile(tmp_path / "plain")
    exercise = await _in_the_app(app_home, moves, keys)
    _in_plain_mode(plain_home, [*moves(exercise), ""], monkeypatch)
    in_app, in_plain = _saved(app_home), _saved(plain_home)
    assert len(in_app) == 1 and in_app == in_plain
    assert in_app[0]["rating"] == rating
    if "named" in name:
        assert in_app[0]["mistake"] == "relu-bounded"


async def test_plain_mode_marks_a_closed_choice_part_as_the_app_does(
    tmp_path: Path, keys, monkeypatch, capsys
) -> None:
    moves, _rating = SCENARIOS["some missing twice"]  # tanh, then sigmoid alone: tanh missed
    exercise = await _in_the_app(_profile(tmp_path / "app"), moves, keys)
    capsys.readouterr()
    _in_plain_mode(_profile(tmp_path / "plain"), [*moves(exercise), ""], monkeypatch)
    shown = capsys.readouterr().out.splitlines()
    number = {o: n for n, o in enumerate(exercise.parts[0].options, 1)}
    assert f"  ✓ {number['sigmoid']}. sigmoid" in shown
    assert f"  ○ {number['tanh']}. tanh  (missed)" in shown
    assert f"    {number['relu']}. relu" in shown  # neither right nor chosen: unmarked


async def test_plain_mode_marks_a_given_up_choice_part(
    tmp_path: Path, keys, monkeypatch, capsys
) -> None:
    exercise = await _in_the_app(_profile(tmp_path / "app"), lambda ex: [], keys)
    capsys.readouterr()
    _in_plain_mode(_profile(tmp_path / "plain"), ["!", _rest(exercise), ""], monkeypatch)
    shown = capsys.readouterr().out.splitlines()
    number = {o: n for n, o in enumerate(exercise.parts[0].options, 1)}
    for right in ("sigmoid", "tanh"):
        assert f"  ○ {number[right]}. {right}  (missed)" in shown
