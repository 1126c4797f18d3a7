"""A choice part in the exercise panel: its prompt and numbered options, marked once closed.

The learner answers in the part's answer box by typing option numbers, as in plain mode, so
both front ends take the same keys and the attempt model grades them; this widget only shows
the options. Once the part is closed, each right option is marked ✓ and each wrong option the
learner chose ✗, so the verdict can be read against the options themselves.
"""

from __future__ import annotations

from rich.text import Text
from textual.dom import DOMNode
from textual.widgets import Static

from gradeck.exercises.attempt import Attempt
from gradeck.exercises.model import Exercise, Part
from gradeck.exercises.render import part_heading
from gradeck.tui.widgets.text import plain


class ChoicePrompt(Static):
    """A choice part's heading (prompt, options, what to type)."""

    def __init__(self, part: Part, exercise: Exercise, index: int) -> None:
        super().__init__(plain(part_heading(part, exercise)), classes="part-prompt")
        self.part = part
        self.exercise = exercise
        self.index = index

    def close(self, attempt: Attempt) -> None:
        """Mark the options: ✓ every right one, ✗ every wrong one in the closing answer."""
        expected = self.part.expected
        right = set(expected) if isinstance(expected, tuple) else {expected}
        value = attempt.value
        chosen = set(value) if isinstance(value, tuple) else {value}
        head, *lines = part_heading(self.part, self.exercise).split("\n")
        text = plain(head)
        for number, line in enumerate(lines[: len(self.part.options)], 1):
            mark = "✓" if number in right else "✗" if number in chosen else " "
            style = "green" if number in right else "red" if number in chosen else ""
            text.append("\n")
            text.append(Text(f"{mark}", style=style))
            text.append(plain(line[1:]))
        self.update(text)


def part_prompt(part: Part, exercise: Exercise, index: int) -> Static:
    """The widget that introduces part `index`: a ChoicePrompt for a choice part."""
    if part.kind == "choice":
        return ChoicePrompt(part, exercise, index)
    return Static(plain(part_heading(part, exercise)), classes="part-prompt")


def mark_choice(panel: DOMNode, attempt: Attempt) -> None:
    """Once an attempt closes a choice part, mark its options in `panel`."""
    if not attempt.closes:
        return
    for prompt in panel.query(ChoicePrompt):
        if prompt.index == attempt.part:
            prompt.close(attempt)
