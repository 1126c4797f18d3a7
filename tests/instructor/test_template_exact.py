"""`exact: true` and `tolerance: 0` on values that are not whole numbers: the typed value must
equal the answer as fractions, not within three significant figures of it."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.decks.moodle import moodle_export
from gradeck.exercises.check import check_part
from gradeck.exercises.exact import Inexact, exact_text, exact_value
from gradeck.exercises.parse import parse
from gradeck.exercises.render import render_answers
from gradeck.exercises.template import generate

DECK = """format: 1
id: exact-demo
title: Exact demo
exercises:
  - id: third
    template:
      variables:
        n: {choices: [3]}
        a: {choices: [0.1]}
        k: {choices: [54]}
      prompt: "n = {n}, a = {a}"
      parts:
        - prompt: one n-th
          answer: 1/n
          exact: true
        - prompt: a + 0.2
          answer: a + 0.2
          tolerance: 0
        - prompt: the count
          answer: k * 45
          exact: true
        - prompt: a fifth, within 3 significant figures
          answer: a * 2
"""


@pytest.fixture
def exercise(tmp_path: Path):
    path = tmp_path / "exact.yaml"
    path.write_text(DECK, encoding="utf-8")
    return generate(load_deck(path).exercises[0].template, seed=1)


def test_a_fraction_must_be_given_exactly(exercise) -> None:
    third = exercise.parts[0]
    assert third.exact == Fraction(1, 3)
    assert check_part(third, "1/3").verdict == "right"
    assert check_part(third, "2/6").verdict == "right"
    rounded = check_part(third, "0.333")
    assert rounded.verdict == "close" and "not exact" in rounded.message
    # Sixteen 3s are a float's whole precision, and still not a third.
    assert check_part(third, "0.3333333333333333").verdict == "close"
    assert check_part(third, "0.5").verdict == "wrong"


def test_tolerance_zero_compares_decimals_not_floats(exercise) -> None:
    tenths = exercise.parts[1]
    # In floats 0.1 + 0.2 is 0.30000000000000004; the answer is three tenths.
    assert tenths.exact == Fraction(3, 10)
    assert check_part(tenths, "0.3").verdict == "right"
    assert check_part(tenths, "3/10").verdict == "right"
    assert check_part(tenths, "0.30001").verdict == "close"
    assert check_part(tenths, "0.31").verdict == "wrong"


def test_a_whole_exact_answer_stays_a_count(exercise) -> None:
    count = exercise.parts[2]  # 54 * 45 = 2430
    assert count.kind == "count" and count.expected == 2430
    assert check_part(count, "2430").verdict == "right"
    assert check_part(count, "2432").verdict != "right"


def test_a_part_without_exact_keeps_its_tolerance(exercise) -> None:
    assert check_part(exercise.parts[3], "0.2001").verdict == "right"


def test_the_key_shows_the_exact_value(exercise) -> None:
    answers = render_answers(exercise)
    assert "(a) 1/3" in answers and "(b) 0.3" in answers and "(c) 2430" in answers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.1 + 0.2", Fraction(3, 10)),
        ("3/8", Fraction(3, 8)),
        ("2^-3", Fraction(1, 8)),
        ("round(2.345, 2)", Fraction(235, 100)),  # half away from zero, as on paper
        ("round(-2.5)", Fraction(-3)),
        ("abs(-0.25) + max(1, 2)", Fraction(9, 4)),
        ("[0.5, 1/4]", (Fraction(1, 2), Fraction(1, 4))),
    ],
)
def test_exact_values_by_hand(text: str, value) -> None:
    assert exact_value(parse(text), {}) == value


@pytest.mark.parametrize("text", ["exp(1)", "2^0.5", "pi", "2^100000", "sigmoid(0)"])
def test_what_has_no_exact_value(text: str) -> None:
    with pytest.raises(Inexact):
        exact_value(parse(text), {})


def test_exact_text_prefers_a_short_decimal() -> None:
    assert exact_text(Fraction(3, 8)) == "0.375"
    assert exact_text(Fraction(-1, 20)) == "-0.05"
    assert exact_text(Fraction(1, 3)) == "1/3"
    assert exact_text(Fraction(7)) == "7"


def test_exact_on_an_irrational_answer_is_refused_where_it_is_written(tmp_path: Path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: 1\nid: bad\ntitle: Bad\nexercises:\n  - id: s\n    template:\n"
        "      variables:\n        a: {min: 0.1, max: 0.9, step: 0.1}\n"
        "      prompt: a = {a}\n      parts:\n        - prompt: sigmoid\n"
        "          answer: sigmoid(a)\n          exact: true\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 1
    said = capsys.readouterr()
    err = said.out + said.err
    # line 13 is `exact: true`; its value starts at column 18
    assert f"{path}:13:18: error: 'exact' needs an answer worked out without rounding" in err
    assert "sigmoid" in err and "give a tolerance instead" in err


def test_moodle_takes_an_exact_decimal_with_no_tolerance_and_leaves_a_third_out(
    tmp_path: Path,
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "format: 1\nid: m\ntitle: M\nexercises:\n  - id: tenths\n    template:\n"
        "      variables: {a: {choices: [0.1]}}\n      prompt: a = {a}\n"
        "      parts: [{prompt: a + 0.2, answer: a + 0.2, exact: true}]\n"
        "  - id: third\n    template:\n      variables: {n: {choices: [3]}}\n"
        "      prompt: n = {n}\n      parts: [{prompt: 1/n, answer: 1/n, exact: true}]\n",
        encoding="utf-8",
    )
    export = moodle_export(load_deck(path), variants=1)
    assert export.questions == 1
    assert "<text>0.3</text>" in export.xml and "<tolerance>0</tolerance>" in export.xml
    assert export.skipped == {"exact answer with no short decimal (Moodle compares decimals)": 1}
