"""Adam (or RMSprop) with eps 0 gives NaN where a gradient is 0; the spec says why, at the line of
`eps`, for `gradeck solve` and for a template's network alike (issue 9, item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.cli import main

# The second input is 0, so the second weight's gradient is 0: v stays 0 and Adam's step is
# 0 / (√0 + 0) = NaN.
SPEC = """input: [1.0, 0.0]
target: [1.0]
layers:
  - {{weights: [[0.5, 0.5]], bias: [0.0]}}
optimizer: {{name: {name}, eps: 0}}
"""


@pytest.mark.parametrize("name", ["adam", "adamw", "rmsprop"])
def test_solve_refuses_eps_zero_and_says_why(tmp_path: Path, capsys, name: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SPEC.format(name=name), encoding="utf-8")
    assert main(["solve", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:5:" in err and "eps 0" in err and "NaN" in err
    assert "Traceback" not in err


def test_sgd_has_no_eps_to_worry_about(tmp_path: Path, capsys) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SPEC.format(name="sgd").replace(", eps: 0", ""), encoding="utf-8")
    assert main(["solve", str(path)]) == 0


def test_a_template_network_with_eps_zero_is_refused(tmp_path: Path, capsys) -> None:
    deck = tmp_path / "d.yaml"
    deck.write_text(
        "format: 1\nid: e\ntitle: E\nexercises:\n  - id: t\n    template:\n"
        "      variables: {w: {min: 1, max: 3}}\n"
        "      network:\n"
        "        input: [1.0, 0.0]\n        target: [1.0]\n"
        "        layers: [{weights: [[w, 0.5]], bias: [0.0]}]\n"
        "        optimizer: {name: adam, eps: 0}\n"
        "      prompt: 'w = {w}'\n"
        "      parts: [{prompt: p, answer: loss}]\n",
        encoding="utf-8",
    )
    assert main(["validate", str(deck)]) == 1
    out = capsys.readouterr().out
    assert f"{deck}:12:" in out and "eps 0" in out
