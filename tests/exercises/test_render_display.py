"""What a learner reads: one minus sign for negative numbers (as in the formulas), and lines
that never break inside a formula. Typed answers take either sign."""

from __future__ import annotations

import pytest

from gradeck.exercises.check import check_part
from gradeck.exercises.model import Part
from gradeck.exercises.render import display_value, minus_signs, wrap


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1.7 − (-0.45) = 2.15", "1.7 − (−0.45) = 2.15"),
        ("w = -0.9, b = -.5", "w = −0.9, b = −.5"),
        ("[-0.2, 0.1]", "[−0.2, 0.1]"),
        ("e^-1", "e^−1"),
        ("layers 1-3, cross-entropy, x-1", "layers 1-3, cross-entropy, x-1"),  # not signs
        ("--lr 0.1 and 1e-5", "--lr 0.1 and 1e-5"),
    ],
)
def test_minus_signs_marks_only_a_numbers_sign(text: str, shown: str) -> None:
    assert minus_signs(text) == shown


def test_the_value_shown_is_read_back_as_the_same_answer() -> None:
    part = Part("a", "w", -0.945)
    assert display_value(-0.945) == "−0.945"
    assert display_value((-0.5, 2.0)) == "[−0.5, 2]"
    for typed in (display_value(-0.945), "-0.945"):
        assert check_part(part, typed).verdict == "right"


def test_a_line_never_breaks_inside_a_formula() -> None:
    text = "The slope of tanh is 1 − tanh²(z), which at z = 0.5 is 1 − 0.462117² = 0.786448."
    for width in range(24, 90):
        lines = wrap(text, width).split("\n")
        assert any("1 − tanh²(z)," in line for line in lines), (width, lines)
        assert any("1 − 0.462117²" in line for line in lines), (width, lines)
        assert " ".join(lines) == text  # only where the line breaks changed
        assert "\u00a0" not in "".join(lines)
