"""Plain-text rendering of exercises, solutions and feedback."""

from __future__ import annotations

import pytest

from gradeck.exercises.check import PartResult, check_part
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table
from gradeck.exercises.parse import parse_value
from gradeck.exercises.render import (
    format_number,
    format_value,
    render_exercise,
    render_feedback,
    render_hint,
    render_solution,
    render_table,
    wrap,
)

LONG = (
    "A single sigmoid neuron receives the input x = 0.5 with weight w = 0.8 and bias b = -0.1. "
    "The loss is the squared error (a - y)² with target y = 1. Compute the gradient of the loss "
    "with respect to the weight, using the chain rule through the activation."
)

EXERCISE = Exercise(
    family="neuron",
    seed=7,
    difficulty=1,
    title="Backprop through one neuron",
    prompt=LONG,
    parts=(
        Part("a", "z = wx + b", 0.3),
        Part("b", "∂L/∂w", -0.0917, mistakes=(Mistake("no-deriv", -0.35, "σ' is missing"),)),
    ),
    solution=(
        Step("Weighted input.", "z = w·x + b", "0.8 × 0.5 − 0.1 = 0.3"),
        Step("Chain rule.", "∂L/∂w = 2(a − y)·σ'(z)·x"),
    ),
    hints=("Start with z.", "σ'(z) = σ(z)(1 − σ(z))."),
    tables=(Table("Weights", (("0.15", "0.2"), ("-0.25", "0.3")), ("h1", "h2"), ("x1", "x2")),),
    network=(2, 2, 1),
)


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.0375, "0.0375"), (401920, "401920"), (3.0, "3"), (-0.5, "-0.5"), (1 / 3, "0.333333")],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize("value", [0.0375, (0.1, -0.2), ((1.0, 2.5), (3.0, -4.0)), -1e-7])
def test_formatted_values_read_back(value) -> None:
    assert parse_value(format_value(value)) == value


def test_table_columns_line_up() -> None:
    lines = render_table(EXERCISE.tables[0]).split("\n")
    assert lines[0] == "Weights"
    header, first, second = lines[1:]
    assert first.startswith("h1") and second.startswith("h2")
    # numbers right-aligned: every row ends its columns at the same places
    assert len(first) == len(second) == len(header)
    assert first.index("0.15") + len("0.15") == second.index("−0.25") + len("−0.25")


def test_exercise_text_has_every_piece_and_fits_80_columns() -> None:
    text = render_exercise(EXERCISE, answers=True, solution=True)
    for piece in (
        "Backprop through one neuron",
        "Network: 2 → 2 → 1",
        "(a) z = wx + b",
        "(b) ∂L/∂w",
        "Answers",
        "(b) −0.0917",  # the minus sign of the formulas (render.minus_signs)
        "Worked solution",
        "1. Weighted input.",
        "z = w·x + b",
        "0.8 × 0.5 − 0.1 = 0.3",
        "2. Chain rule.",
    ):
        assert piece in text
    assert max(len(line) for line in text.split("\n")) <= 80
    plain = render_exercise(EXERCISE)
    assert "Answers" not in plain and "Worked solution" not in plain


def test_single_part_has_no_label() -> None:
    single = Exercise("f", 1, 1, "T", "P", (Part("a", "the value", 1.0),), ())
    text = render_exercise(single, answers=True)
    assert "(a)" not in text
    assert "the value" in text and "Answer: 1" in text


def test_hints_one_by_one() -> None:
    assert render_hint(EXERCISE, 0) == "Hint 1 of 2: Start with z."
    assert render_hint(EXERCISE, 1).startswith("Hint 2 of 2: ")


def test_solution_steps_are_numbered_and_indented() -> None:
    lines = render_solution(EXERCISE).split("\n")
    assert lines[:4] == [
        "Worked solution",
        "1. Weighted input.",
        "     z = w·x + b",
        "     0.8 × 0.5 − 0.1 = 0.3",
    ]


def test_feedback_lines() -> None:
    part = EXERCISE.parts[1]
    assert render_feedback(part, check_part(part, "-0.0917")) == "✓ right"
    assert render_feedback(part, check_part(part, "-0.095")) == (
        "≈ close: did you round an intermediate value?"
    )
    assert render_feedback(part, check_part(part, "-0.35")) == "✗ wrong: σ' is missing"
    assert render_feedback(part, check_part(part, "7")) == "✗ wrong"
    assert render_feedback(part, check_part(part, "")) == "– no answer; the answer is −0.0917"
    unreadable = render_feedback(part, check_part(part, "(1"))
    assert unreadable == "? cannot read this answer:\n(1\n  ^ missing ')'"
    carried = PartResult("carried", "right given your answer to part a (error carried forward)")
    assert render_feedback(part, carried).startswith("✓ right given your answer to part a")


def test_wrap_keeps_line_breaks_and_indentation() -> None:
    text = wrap("short\n\n    indented line that is long " + "word " * 30, width=40)
    lines = text.split("\n")
    assert lines[0] == "short" and lines[1] == ""
    assert all(line.startswith("    ") for line in lines[2:])
    assert max(len(line) for line in lines) <= 40
