"""The app's choice-part heading: once the part closes, right options ✓ and chosen wrong ✗,
whatever wrapping the panel gives it."""

from __future__ import annotations

from gradeck.exercises.attempt import Attempt
from gradeck.exercises.model import Exercise, Part
from gradeck.exercises.render import part_heading
from gradeck.tui.widgets.choice_prompt import ChoicePrompt, part_prompt
from gradeck.tui.widgets.text import plain

PART = Part("a", "Which are bounded?", (1, 3), kind="choice", options=("sigmoid", "relu", "tanh"))
EXERCISE = Exercise("template", 1, 1, "t", "p", (PART,), ())


def test_marks_follow_the_closing_answer() -> None:
    prompt = part_prompt(PART, 0, plain(part_heading(PART, EXERCISE)))
    assert isinstance(prompt, ChoicePrompt)
    prompt.closed = Attempt(0, 2, "1 2", "wrong", value=(1, 2), closes=True)
    lines = prompt._marked(prompt.heading).plain.split("\n")
    assert lines[0] == "Which are bounded?"
    assert lines[1].startswith("✓") and lines[1].endswith("1. sigmoid")
    assert lines[2].startswith("✗") and lines[2].endswith("2. relu")
    assert lines[3].startswith("✓") and lines[3].endswith("3. tanh")  # right, though missed


def test_nothing_is_marked_while_the_part_is_open() -> None:
    heading = plain(part_heading(PART, EXERCISE))
    prompt = part_prompt(PART, 0, heading)
    assert isinstance(prompt, ChoicePrompt)
    assert prompt._marked(heading).plain == heading.plain
    assert not isinstance(part_prompt(Part("b", "x", 1.0), 1, heading), ChoicePrompt)
