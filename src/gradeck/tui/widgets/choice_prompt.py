"""A choice part in the exercise panel: its prompt and numbered options, marked once closed.

The learner answers in the part's answer box by typing option numbers, as in plain mode, so
both front ends take the same keys and the attempt model grades them; this widget only shows
the options. Once the part is closed, each right option is marked ✓ and each wrong option the
learner chose ✗, so the verdict can be read against the options themselves.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.dom import DOMNode
from textual.visual import VisualType
from textual.widgets import Static

from gradeck.exercises.attempt import Attempt
from gradeck.exercises.model import Part


class ChoicePrompt(Static):
    """A choice part's heading (prompt, options, what to type). Whatever text the panel gives
    it (wrapped again when the panel is resized), a closed part's options stay marked."""

    def __init__(self, part: Part, index: int, heading: Text) -> None:
        super().__init__(heading, id=f"prompt-{index}", classes="part-prompt")
        self.part = part
        self.index = index
        self.heading = heading
        self.closed: Attempt | None = None

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        if isinstance(content, Text):
            self.heading = content
            content = self._marked(content)
        super().update(content, layout=layout)

    def close(self, attempt: Attempt) -> None:
        """Mark the options: ✓ every right one, ✗ every wrong one in the closing answer."""
        self.closed = attempt
        self.update(self.heading)

    def _marked(self, heading: Text) -> Text:
        if self.closed is None:
            return heading
        expected = self.part.expected
        right = set(expected) if isinstance(expected, tuple) else {expected}
        value = self.closed.value
        chosen = set(value) if isinstance(value, tuple) else {value}
        out = Text()
        for n, line in enumerate(heading.plain.split("\n")):
            found = _OPTION_LINE.match(line)
            number = int(found.group(1)) if found else 0
            out.append("\n" if n else "")
            if number in right or number in chosen:
                ok = number in right
                out.append("✓" if ok else "✗", style="green" if ok else "red")
                out.append(line[1:])
            else:
                out.append(line)
        return out


_OPTION_LINE = re.compile(r"    (\d+)\. ")


def part_prompt(part: Part, index: int, heading: Text) -> Static:
    """The widget that introduces part `index` with this heading: a ChoicePrompt for a choice
    part, else plain text."""
    if part.kind == "choice":
        return ChoicePrompt(part, index, heading)
    return Static(heading, id=f"prompt-{index}", classes="part-prompt")


def mark_choice(panel: DOMNode, attempt: Attempt) -> None:
    """Once an attempt closes a choice part, mark its options in `panel`."""
    if not attempt.closes:
        return
    for prompt in panel.query(ChoicePrompt):
        if prompt.index == attempt.part:
            prompt.close(attempt)
