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


def test_a_short_equation_stays_whole_and_a_long_one_may_break_at_its_sign() -> None:
    text = "A weight has the value w = −0.7, and backpropagation gives ∂L/∂w = −1 at α = 0.2."
    for width in range(16, 90):
        lines = wrap(text, width).split("\n")
        for equation in ("w = −0.7,", "∂L/∂w = −1", "α = 0.2."):
            assert any(equation in line for line in lines), (width, lines)
    # A side longer than one short word: the line may break beside its "=", as before.
    assert wrap("and so L = (1/m)·Σᵢ(ŷᵢ − yᵢ)² by definition", 12).startswith("and so L =\n")


def test_line_breaks_fill_lines_greedily_and_keep_formulas_whole() -> None:
    """Worked by hand: at width 12 "a bb ccc dddd" breaks after "ccc" (offset 8, the space
    before dddd); a formula's spaces are never offered; a word wider than the line stands on
    its own line."""
    from gradeck.exercises.render import line_breaks

    assert line_breaks("a bb ccc dddd", 12) == [8]
    assert line_breaks("a bb ccc dddd", 13) == []
    assert line_breaks("x is 1 − tanh²(z) here", 10) == [4, 17]  # "x is" / formula / "here"
    assert line_breaks("abcdefghijklmno bb cc", 5) == [15]
    text = "The slope of tanh is 1 − tanh²(z), which at z = 0.5 is 1 − 0.462117² = 0.786448."
    for width in range(16, 90):
        cuts = line_breaks(text, width)
        assert all(text[c] == " " for c in cuts)
        lines = [
            text[a + 1 if a else 0 : b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)
        ]
        assert any("1 − tanh²(z)," in line for line in lines), (width, lines)
        assert all(len(line) <= width or " " not in line.replace(" − ", "") for line in lines)
