"""A template's network limits hold for every draw: checked on the declared values, never on
the one draw validation happens to make (issue 9, item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.decks.loader import load_deck
from gradeck.decks.template_network_reader import MAX_NETWORK_STEPS
from gradeck.exercises.template_network import RUN_COST, STEP_COST
from gradeck.problems import ProblemsError

TEMPLATE = """format: 1
id: lim
title: Limits
exercises:
  - id: t
    template:
      variables:
        w: {{min: 0.1, max: 0.9, step: 0.1}}
        {variable}
      network:
        input: [1.0, 0.5]
        target: [1.0]
        layers: [{{weights: [[w, 0.5]], bias: [0.0]}}]
        optimizer: {{name: sgd, lr: 0.1}}
        steps: {steps}
      prompt: "w = {{w}}"
      parts: [{{prompt: loss after, answer: "losses[1]"}}]
"""


def _load(tmp_path: Path, variable: str, steps: str):
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE.format(variable=variable, steps=steps), encoding="utf-8")
    return path, load_deck


def _problem(tmp_path: Path, variable: str, steps: str) -> str:
    path, load = _load(tmp_path, variable, steps)
    with pytest.raises(ProblemsError) as caught:
        load(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (15, 16)  # `        steps: ` is 15 characters
    return problem.message


@pytest.mark.parametrize(
    "variable",
    [
        "k: {choices: [1, 1000]}",  # the draw made to validate may well be 1
        "k: {choices: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1000]}",
        "k: {min: 1, max: 21}",
    ],
)
def test_steps_from_a_variable_are_checked_at_their_largest(tmp_path: Path, variable: str) -> None:
    message = _problem(tmp_path, variable, "k")
    most = 1000 if "1000" in variable else 21
    assert f"a template's network has up to {most} steps" in message
    assert f"{MAX_NETWORK_STEPS} steps" in message


def test_steps_within_the_limit_for_every_value_pass(tmp_path: Path) -> None:
    path, load = _load(tmp_path, "k: {choices: [1, 2, 20]}", "k")
    [item] = load(path).exercises
    plan = item.template.network
    assert plan.steps == 1  # references are checked against the fewest steps
    assert plan.cost == RUN_COST + STEP_COST * 20  # the work against the most


@pytest.mark.parametrize(
    ("variable", "steps", "needle"),
    [
        ("k: {min: 1, max: 3}", "2*k", "must be a whole number or one numeric variable"),
        ("k: {min: 0.5, max: 3, step: 0.5}", "k", "each of its values must be a whole number"),
        ("k: {choices: [0, 2]}", "k", "each of its values must be a whole number of at least 1"),
        ("k: {choices: [sgd, adam]}", "k", "must be a whole number or one numeric variable"),
        ("k: 1", "0", "steps must be a whole number of at least 1, not 0"),
    ],
)
def test_steps_that_cannot_be_bounded_are_refused(
    tmp_path: Path, variable: str, steps: str, needle: str
) -> None:
    assert needle in _problem(tmp_path, variable, steps)


def test_a_derived_steps_is_refused(tmp_path: Path) -> None:
    text = TEMPLATE.format(variable="k: {min: 1, max: 2}", steps="n").replace(
        "      network:", "      derived: {n: k * 500}\n      network:"
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_deck(path)
    assert "not a derived value" in str(caught.value)
