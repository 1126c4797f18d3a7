"""`gradeck validate --deep`: what drawing many variants reveals, with file:line and figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.lint import lint_item
from gradeck.decks.loader import load_deck

DEMO = """format: 1
id: lint-demo
title: Lint demo
exercises:
  - id: bad
    template:
      variables:
        c: {choices: [1, 3]}
        x: {min: 0, max: 10, step: 1}
      constraints: ["x >= 7"]
      prompt: "c = {c}, x = {x}"
      parts:
        - prompt: 3c
          answer: 3*c
          mistakes: [{value: c*c, feedback: "squared"}]
        - prompt: again
          answer: c*3
        - prompt: huge
          answer: x * 1e6
        - prompt: zero
          answer: c - c
  - id: twice
    template:
      variables:
        x1: {min: 0.1, max: 1, step: 0.1}
      prompt: "x = {x1}"
      network:
        input: [x1, 0.5]
        target: [1, 0]
        layers:
          - weights: [[0.1, 0.2], [0.3, 0.4]]
            bias: [0, 0]
            activation: softmax
        loss: cross_entropy
      parts:
        - prompt: loss
          answer: loss
  - id: fine
    template:
      variables:
        a: {min: 1, max: 9, step: 1}
      prompt: "a = {a}"
      parts:
        - prompt: 2a
          answer: 2*a
          mistakes: [{value: a + 2, feedback: "doubling is not adding 2"}]
"""


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(DEMO, encoding="utf-8")
    return path


def test_each_finding_with_its_figures(demo: Path) -> None:
    bad, twice, fine = load_deck(demo).exercises
    found = lint_item(bad, variants=300)
    # c = 3 makes c·c = 3c: half the variants (c is 1 or 3 with equal chance)
    [collide] = [f for f in found if "mistake 'c*c'" in f]
    share = int(collide.split(" in ")[1].split("%")[0])
    assert 40 <= share <= 60
    assert "parts (a) and (b) have the same answer in 100% of variants" in found
    assert "part (c): the answer is above 1e+06 in 100% of variants" in found
    assert "part (d): the answer is 0 in 100% of variants (a vanishing gradient?)" in found
    # x >= 7 keeps 4 of 11 values: its top quarter (7.5 to 10: 8, 9, 10) is 3 of 4 draws
    [skew] = [f for f in found if f.startswith("variable 'x'")]
    drawn = int(skew.split("drawn in ")[1].split("%")[0])
    assert 68 <= drawn <= 82 and "7.5 to 10 is drawn in" in skew and "declared 27%" in skew
    assert not any("variable 'c'" in f for f in found)
    [softmax] = lint_item(twice, variants=50)
    assert "softmax is applied twice" in softmax and "in 100% of variants" in softmax
    # a = 2 is the only value where a + 2 = 2a: 1 in 9, over the 5% bar
    [only] = lint_item(fine, variants=300)
    assert "mistake 'a + 2' equals the answer in" in only


def test_warnings_fail_only_when_strict(demo: Path, capsys) -> None:
    assert main(["validate", "--deep", str(demo)]) == 0
    out = capsys.readouterr().out
    # each at its own field: the mistake's value (line 15, after "mistakes: [{value: "), the
    # later of two equal answers, the answer that is huge, the skewed variable, the loss
    assert f"{demo}:15:30: warning: bad: part (a): mistake 'c*c'" in out
    assert f"{demo}:17:19: warning: bad: parts (a) and (b) have the same answer" in out
    assert f"{demo}:19:19: warning: bad: part (c): the answer is above" in out
    assert f"{demo}:9:12: warning: bad: variable 'x'" in out
    assert f"{demo}:34:15: warning: twice: the last layer is softmax" in out
    assert main(["validate", "--deep", "--strict", str(demo)]) == 1
    assert "--strict: they fail validation" in capsys.readouterr().out
    clean = demo.with_name("clean.yaml")
    clean.write_text(
        "format: 1\nid: clean\ntitle: Clean\nexercises:\n  - id: ok\n    template:\n"
        "      variables: {a: {min: 1, max: 9, step: 1}}\n      prompt: 'a = {a}'\n"
        "      parts: [{prompt: 2a, answer: 2*a, mistakes: [{value: a*a + 100, feedback: nope}]}]\n"
        "  - {id: fam, family: adam}\n",
        encoding="utf-8",
    )
    assert main(["validate", "--deep", "--strict", str(clean)]) == 0
    assert "found nothing to warn about" in capsys.readouterr().out


def test_a_broken_deck_fails_before_any_drawing(tmp_path: Path, capsys) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: 1\nid: b\ntitle: B\nexercises: [{id: x}]\n", encoding="utf-8")
    assert main(["validate", "--deep", str(path)]) == 1
    assert "warning" not in capsys.readouterr().out
