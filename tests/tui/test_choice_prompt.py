"""The app's choice-part heading: the options typed so far highlighted while the part is open;
once it closes, a right option chosen ✓, a right option missed ○ (missed), a wrong one chosen
✗ (wrong), whatever wrapping the panel gives it."""

from __future__ import annotations

from gradeck.exercises.attempt import Attempt
from gradeck.exercises.model import Exercise, Part
from gradeck.exercises.render import part_heading
from gradeck.tui.widgets.choice_prompt import ChoicePrompt, part_prompt
from gradeck.tui.widgets.exercise_panel import ExercisePanel
from gradeck.tui.widgets.text import plain

from .test_parity_choice import DECK

PART = Part("a", "Which are bounded?", (1, 3), kind="choice", options=("sigmoid", "relu", "tanh"))
EXERCISE = Exercise("template", 1, 1, "t", "p", (PART,), ())


def test_marks_follow_the_closing_answer() -> None:
    prompt = part_prompt(PART, 0, plain(part_heading(PART, EXERCISE)))
    assert isinstance(prompt, ChoicePrompt)
    prompt.closed = Attempt(0, 2, "1 2", "wrong", value=(1, 2), closes=True)
    lines = prompt._marked(prompt.heading).plain.split("\n")
    assert lines[0] == "Which are bounded?"
    assert lines[1].startswith("✓") and lines[1].endswith("1. sigmoid")
    assert lines[2].startswith("✗") and lines[2].endswith("2. relu  (wrong)")
    assert lines[3].startswith("○") and lines[3].endswith("3. tanh  (missed)")


def _reversed_lines(text) -> set[str]:
    plain_text = text.plain
    return {
        plain_text[span.start : span.end].strip()
        for span in text.spans
        if "reverse" in str(span.style)
    }


def test_the_options_typed_so_far_are_highlighted_before_enter() -> None:
    prompt = part_prompt(PART, 0, plain(part_heading(PART, EXERCISE)))
    assert isinstance(prompt, ChoicePrompt)
    prompt.typed = frozenset({1, 3})  # what preview("1 3") keeps
    assert _reversed_lines(prompt._marked(prompt.heading)) == {"1. sigmoid", "3. tanh"}
    prompt.typed = frozenset()
    assert _reversed_lines(prompt._marked(prompt.heading)) == set()


def test_nothing_is_marked_while_the_part_is_open() -> None:
    heading = plain(part_heading(PART, EXERCISE))
    prompt = part_prompt(PART, 0, heading)
    assert isinstance(prompt, ChoicePrompt)
    assert prompt._marked(heading).plain == heading.plain
    assert not isinstance(part_prompt(Part("b", "x", 1.0), 1, heading), ChoicePrompt)


async def test_typing_option_numbers_lights_them_up_in_the_app(home, make_app, keys) -> None:
    """In the study app the options named in a choice part's box are highlighted as they are
    typed, and the marks replace the highlight once the part closes."""
    (home / "decks" / "parity.yaml").write_text(DECK, encoding="utf-8")
    app = make_app(study_deck="parity")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        panel = app.screen.query_one(ExercisePanel)
        prompt = panel.query_one("#prompt-0", ChoicePrompt)
        await pilot.press("1", "space", "3")
        await keys.settle(pilot)
        lit = _reversed_lines(prompt.content)
        assert {line.split(". ", 1)[0] for line in lit} == {"1", "3"}
        await keys.press(pilot, "backspace")
        assert {line.split(". ", 1)[0] for line in _reversed_lines(prompt.content)} == {"1"}
        await keys.press(pilot, "enter")  # one right option of two: wrong, part still open
        await pilot.press("1", "space", "2")
        await keys.press(pilot, "enter")
        assert prompt.closed is not None and _reversed_lines(prompt.content) == set()
