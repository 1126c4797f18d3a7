"""Vector variables: several numbers drawn at once, used by element, by sum/mean/norm/max/min
and dot, shown whole in texts and asked whole as an answer."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.exercises.check import check_part
from gradeck.exercises.template import generate

DECK = """format: 1
id: vec
title: Vectors
exercises:
  - id: neuron
    template:
      variables:
        x: {size: 3, min: -1, max: 1, step: 0.5}
        w: {size: 3, choices: [-0.5, 0.25, 0.5]}
        b: {min: -0.5, max: 0.5, step: 0.25}
      derived:
        z: dot(w, x) + b
      prompt: "x = {x}, w = {w}, b = {b}; x[0] is {x[0]}"
      parts:
        - {prompt: z, answer: z, exact: true}
        - {prompt: the mean input, answer: mean(x)}
        - {prompt: the length of w, answer: norm(w)}
        - {prompt: the largest input, answer: "max(x)"}
        - {prompt: x itself, answer: x}
"""


def _vector(text: str) -> list[float]:
    return [float(v) for v in text.strip("[]").split(", ")]


def test_vectors_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "vec.yaml"
    path.write_text(DECK, encoding="utf-8")
    template = load_deck(path).exercises[0].template
    for seed in range(20):
        exercise = generate(template, seed)
        found = re.fullmatch(r"x = (\[.*?\]), w = (\[.*?\]), b = (\S+); x\[0\] is (\S+)",
                             exercise.prompt)  # fmt: skip
        assert found
        x, w, b = _vector(found.group(1)), _vector(found.group(2)), float(found.group(3))
        assert float(found.group(4)) == x[0]
        assert all(v in (-1, -0.5, 0, 0.5, 1) for v in x)
        assert all(v in (-0.5, 0.25, 0.5) for v in w)
        z, mean, norm, top, whole = exercise.parts
        by_hand = sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b
        assert z.expected == pytest.approx(by_hand)
        # binary fractions (halves, quarters): their float is exact
        assert (z.exact if z.exact is not None else Fraction(z.expected)) == Fraction(by_hand)
        assert mean.expected == pytest.approx(sum(x) / 3)
        assert norm.expected == pytest.approx(math.sqrt(sum(v * v for v in w)))
        assert top.expected == max(x)
        assert whole.expected == tuple(x) and whole.kind == "vector"
        assert check_part(whole, ", ".join(f"{v:g}" for v in x)).verdict == "right"


BAD = {
    "an index past the end": (
        'prompt: "x = {x}, w',
        'prompt: "{x[3]} x = {x}, w',
        "13:15: error: placeholder {x[3]} in 'prompt': 'x[3]': x has 3 values, x[0] to x[2]",
    ),
    "arithmetic on a whole vector": (
        "z: dot(w, x) + b",
        "z: w + b",
        "12:12: error: derived value 'z': 'w' is a vector",
    ),
    "a size out of range": (
        "x: {size: 3,",
        "x: {size: 11,",
        "8:19: error: 'size' of variable 'x' must be a whole number from 2",
    ),
    "a vector of words": (
        "w: {size: 3, choices: [-0.5, 0.25, 0.5]}",
        "w: {size: 3, choices: [relu, tanh]}",
        "9:12: error: a vector variable's values are numbers",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_vectors_are_located(name: str, tmp_path: Path, capsys) -> None:
    old, new, expected = BAD[name]
    path = tmp_path / "bad.yaml"
    path.write_text(DECK.replace(old, new), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    said = capsys.readouterr()
    assert f"{path}:{expected}" in said.out + said.err
