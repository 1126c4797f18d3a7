"""Deck input that used to end in an internal error gives a located or clear message instead
(issue 9, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.study.outcome import chosen

HEAD = "format: 1\nid: d\ntitle: D\nexercises:\n  - id: t\n    template:\n"
VARS = "      variables: {x: {min: 1, max: 3}}\n"
TAIL = '      prompt: "x = {x}"\n      parts: [{prompt: p, answer: x}]\n'


@pytest.mark.parametrize(
    ("lines", "where", "needle"),
    [
        ('      derived: {v: "[x, x]", y: v*2}\n', "8:33", "'v' is a vector, not a number"),
        ('      derived: {v: "[x, x]", y: min(v)}\n', "8:33", "'v' is a vector, not a number"),
        (
            '      derived: {v: "[x, x]"}\n      constraints: ["v > 0"]\n',
            "9:21",
            "a constraint compares single numbers",
        ),
        (
            '      derived: {v: "[x, x]"}\n      solution: "{v} then {v * 2}"\n',
            "9:17",
            "'v' is a vector, not a number",
        ),
    ],
)
def test_a_derived_vector_used_as_a_number_is_located(
    tmp_path: Path, capsys, lines: str, where: str, needle: str
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(HEAD + VARS + lines + TAIL, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:{where}: error:" in captured.out and needle in captured.out
    assert "internal error" not in captured.err


def test_a_derived_vector_named_alone_is_a_whole_answer(tmp_path: Path, capsys) -> None:
    path = tmp_path / "d.yaml"
    parts = '      prompt: "x = {x}, v = {v}"\n      parts: [{prompt: p, answer: v}]\n'
    path.write_text(HEAD + VARS + '      derived: {v: "[x, 2 * x]"}\n' + parts, encoding="utf-8")
    assert main(["preview", str(path), "--seed", "4"]) == 0
    out = capsys.readouterr().out
    x = int(out.split("x = ")[1].split(",")[0])
    assert f"v = [{x}, {2 * x}]" in out


OPTIONS = (("Adam", True), ("ReLU", False))


@pytest.mark.parametrize("answer", ["²", "①", "1 ²", "⑴"])
def test_a_choice_answered_with_a_digit_like_sign_is_no_pick_not_a_crash(answer: str) -> None:
    assert chosen(answer, OPTIONS) is None


def test_a_choice_by_number_or_text_still_reads() -> None:
    assert chosen("1", OPTIONS) == {0}
    assert chosen("1, 2", OPTIONS) == {0, 1}
    assert chosen("relu", OPTIONS) == {1}


FAMILY = "format: 1\nid: p\ntitle: P\nexercises:\n  - id: a\n    family: backprop-two-layer\n"


@pytest.mark.parametrize("value", ["1000000", "relu"])
def test_a_family_parameter_value_it_does_not_take_is_located(
    tmp_path: Path, capsys, value: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(FAMILY + f"    params: {{hidden: {value}}}\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:7:22: error: backprop-two-layer: hidden must be one of sigmoid, tanh" in out
    assert main(["preview", str(path), "--seed", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gradeck: backprop-two-layer: hidden must be one of")


def test_a_family_parameter_it_takes_validates(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(FAMILY + "    params: {hidden: tanh}\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 0
