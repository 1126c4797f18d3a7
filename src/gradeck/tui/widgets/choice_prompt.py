"""A choice part in the exercise panel: its prompt and numbered options, marked once closed.

The learner answers in the part's answer box by typing option numbers, as in plain mode, so
both front ends take the same keys and the attempt model grades them; this widget shows the
options, those the box names highlighted as they are typed. Once the part is closed, each
option is marked as a choice card's are (`gradeck.study.outcome.option_marks`): a right one
chosen ✓, a right one missed ○ (missed), a wrong one chosen ✗ (wrong).
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.dom import DOMNode
from textual.visual import VisualType
from textual.widgets import Static

from gradeck.exercises.attempt import Attempt
from gradeck.exercises.check_choice import named_options
from gradeck.exercises.model import Part
from gradeck.study.outcome import OPTION_MARKS, OPTION_WORDS, part_option_marks
from gradeck.tui.widgets.card_panel import MARK_STYLE


class ChoicePrompt(Static):
    """A choice part's heading (prompt, options, what to type). Whatever text the panel gives
    it (wrapped again when the panel is resized), a closed part's options stay marked."""

    def __init__(self, part: Part, index: int, heading: Text) -> None:
        super().__init__(heading, id=f"prompt-{index}", classes="part-prompt")
        self.part = part
        self.index = index
        self.heading = heading
        self.closed: Attempt | None = None
        self.typed: frozenset[int] = frozenset()  # the options the box names, while open

    def preview(self, text: str) -> None:
        """Highlight the options the answer box names now (nothing once the part is closed)."""
        typed = named_options(self.part, text)
        if self.closed is None and typed != self.typed:
            self.typed = typed
            self.update(self.heading)

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
        if self.closed is None and not self.typed:
            return heading
        marks = self._marks()
        out = Text()
        for n, line in enumerate(heading.plain.split("\n")):
            found = _OPTION_LINE.match(line)
            number = int(found.group(1)) if found else 0
            out.append("\n" if n else "")
            if not 1 <= number <= len(marks):
                out.append(line)
            elif self.closed is None:  # typed, not yet checked: the options chosen so far
                out.append(line, style="reverse" if number in self.typed else "")
            elif mark := marks[number - 1]:
                style = MARK_STYLE[mark]
                out.append(OPTION_MARKS[mark], style=style).append(line[1:])
                if OPTION_WORDS[mark]:
                    out.append(f"  {OPTION_WORDS[mark]}", style=style)
            else:
                out.append(line)
        return out

    def _marks(self) -> tuple[str, ...]:
        """How each option fared in the closing answer ("" for each while the part is open)."""
        if self.closed is None:
            return ("",) * len(self.part.options)
        return part_option_marks(self.part, self.closed.value)


_OPTION_LINE = re.compile(r"    (\d+)\. ")


def part_prompt(part: Part, index: int, heading: Text) -> Static:
    """The widget that introduces part `index` with this heading: a ChoicePrompt for a choice
    part, else plain text."""
    if part.kind == "choice":
        return ChoicePrompt(part, index, heading)
    return Static(heading, id=f"prompt-{index}", classes="part-prompt")


def mark_choice(panel: DOMNode, attempt: Attempt) -> None:
    """Once an attempt closes a choice part, mark its options in `panel`."""
    prompt = _choice_prompt(panel, attempt.part)
    if attempt.closes and prompt is not None:
        prompt.close(attempt)


def preview_choice(panel: DOMNode, index: int, text: str) -> None:
    """Highlight the options of part `index` (if a choice part) that `text` names."""
    prompt = _choice_prompt(panel, index)
    if prompt is not None:
        prompt.preview(text)


def _choice_prompt(panel: DOMNode, index: int) -> ChoicePrompt | None:
    return next((p for p in panel.query(ChoicePrompt) if p.index == index), None)
