"""Choice parts (one option's number) and code listings, as checked and rendered."""

from __future__ import annotations

from gradeck.exercises.check import check_part
from gradeck.exercises.model import Exercise, Mistake, Part, Step
from gradeck.exercises.render import part_heading, render_code, render_exercise

PART = Part(
    "a",
    "Which line is wrong?",
    2,
    kind="choice",
    options=("line 3: model.train()", "line 5: optimizer.step()", "line 7: loss.backward()"),
    mistakes=(Mistake("line-3-is-fine", 1, "model.train() belongs before the batches."),),
)


def test_the_right_option_number_is_right_however_it_is_typed() -> None:
    for text in ("2", " 2 ", "2.", "2)"):
        assert check_part(PART, text).verdict == "right", text


def test_a_wrong_option_is_wrong_and_named_when_it_is_a_mistake() -> None:
    named = check_part(PART, "1")
    assert named.verdict == "wrong" and named.mistake is not None
    assert named.mistake.name == "line-3-is-fine" and "model.train()" in named.message
    plain = check_part(PART, "3")
    assert plain.verdict == "wrong" and plain.mistake is None


def test_anything_but_an_option_number_is_unreadable_with_the_range() -> None:
    for text in ("4", "0", "b", "2, 3", "1.5", "²"):
        result = check_part(PART, text)
        assert result.verdict == "unreadable", text
        assert "1 to 3" in result.message
    assert check_part(PART, "").verdict == "blank"


def test_options_are_listed_under_the_part_numbered_from_one() -> None:
    ex = Exercise("x", 1, 1, "T", "P", (PART, Part("b", "q", 1.0)), (Step("s"),))
    heading = part_heading(PART, ex).splitlines()
    assert heading == [
        "(a) Which line is wrong?",
        "    1. line 3: model.train()",
        "    2. line 5: optimizer.step()",
        "    3. line 7: loss.backward()",
    ]


def test_a_listing_is_shown_with_line_numbers_after_the_prompt() -> None:
    code = "\n".join(f"x{i} = {i}" for i in range(1, 11))
    assert render_code(code).splitlines()[0] == " 1 | x1 = 1"
    assert render_code(code).splitlines()[9] == "10 | x10 = 10"
    ex = Exercise("x", 1, 1, "T", "Read it.", (Part("a", "q", 1.0),), (Step("s"),), code="a = 1")
    text = render_exercise(ex)
    assert text.index("Read it.") < text.index("1 | a = 1")
