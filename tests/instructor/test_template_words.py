"""Word variables driving numbers (`by`/`cases`), and derived values from a network's results."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.exercises.template import generate

WORDS = """format: 1
id: words
title: Words
exercises:
  - id: slope
    template:
      variables:
        act: {choices: [sigmoid, tanh, relu]}
        z: {min: -2, max: 2, step: 0.5}
      derived:
        slope:
          by: act
          cases:
            sigmoid: sigmoid(z) * (1 - sigmoid(z))
            tanh: 1 - tanh(z)^2
            relu: ceil(min(max(z, 0), 1))
      constraints: ["z != 0"]
      prompt: "A {act} unit gets z = {z}."
      parts:
        - prompt: "{act}'(z)?"
          answer: slope
"""

NET = """format: 1
id: net
title: Net
exercises:
  - id: step
    template:
      variables:
        x1: {min: 0.1, max: 1, step: 0.1}
        lr: {choices: [0.1, 0.5]}
      network:
        input: [x1, 0.5]
        target: [1]
        layers:
          - {weights: [[0.1, 0.2]], bias: [0], activation: sigmoid}
        loss: mse
      derived:
        g: grad.layers[0].weights[0][0]
        change: -lr * g
      prompt: "x1 = {x1}, lr = {lr}"
      parts:
        - prompt: the change of w11 after one step of SGD
          answer: change
"""


def _deck(tmp_path: Path, text: str):
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    return load_deck(path).exercises[0].template


def _slope(act: str, z: float) -> float:  # the derivatives, written out by hand
    if act == "sigmoid":
        s = 1 / (1 + math.exp(-z))
        return s * (1 - s)
    if act == "tanh":
        return 1 - math.tanh(z) ** 2
    return 1.0 if z > 0 else 0.0


def test_the_drawn_word_picks_the_prompt_and_the_value(tmp_path: Path) -> None:
    template = _deck(tmp_path, WORDS)
    seen = set()
    for seed in range(40):
        exercise = generate(template, seed)
        act, z = re.fullmatch(r"A (\w+) unit gets z = (\S+)\.", exercise.prompt).groups()
        seen.add(act)
        assert exercise.parts[0].prompt == f"{act}'(z)?"
        assert exercise.parts[0].expected == pytest.approx(_slope(act, float(z)))
        assert f"(as act is {act})" in exercise.solution[0].formula
    assert seen == {"sigmoid", "tanh", "relu"}


def test_a_value_derived_from_the_network(tmp_path: Path) -> None:
    template = _deck(tmp_path, NET)
    for seed in range(5):
        exercise = generate(template, seed)
        x1, lr = (float(v) for v in re.findall(r"= (\S+?)(?:,|$)", exercise.prompt))
        a = 1 / (1 + math.exp(-(0.1 * x1 + 0.2 * 0.5)))
        grad = 2 * (a - 1) * a * (1 - a) * x1  # mse of one output, through the sigmoid
        assert exercise.parts[0].expected == pytest.approx(-lr * grad)
        formulas = [step.formula for step in exercise.solution]
        assert "change = -lr * g" in formulas  # after the engine's own steps
        assert formulas.index("change = -lr * g") > formulas.index(
            "g = grad.layers[0].weights[0][0]"
        )


BAD = {
    "a case missing": (
        WORDS.replace("            relu: ceil(min(max(z, 0), 1))\n", ""),
        "14:13: error: derived value 'slope': no case for 'relu'",
    ),
    "a case for no choice": (
        WORDS.replace("relu: ceil", "gelu: ceil"),
        "16:13: error: derived value 'slope': 'gelu' is not one of the choices of 'act'",
    ),
    "by a number": (
        WORDS.replace("by: act", "by: z"),
        "12:15: error: derived value 'slope': 'by' must name a variable whose choices are words",
    ),
    "a constraint on a network result": (
        NET.replace('      prompt: "x1', '      constraints: ["g < 0"]\n      prompt: "x1'),
        "19:21: error: constraint 'g < 0': 'g' is worked out from the network's results",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_declarations_are_located(name: str, tmp_path: Path, capsys) -> None:
    text, expected = BAD[name]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    said = capsys.readouterr()
    assert f"{path}:{expected}" in said.out + said.err
