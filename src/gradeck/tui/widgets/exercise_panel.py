"""An exercise being answered: one input per part, feedback per part, hints and the solution.

The panel only checks answers (with `gradeck.exercises.check`) and says when the learner is done;
what happens next (rating, saving, the next item) is up to the screen that holds it, so review
and practice share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from gradeck.exercises.check import ExerciseResult, PartResult, check_next
from gradeck.exercises.model import Exercise, Part
from gradeck.exercises.render import (
    FEEDBACK_MARKS,
    format_value,
    part_heading,
    render_hint,
    render_solution,
)
from gradeck.study import suggest_rating
from gradeck.tui.widgets.exercise_view import exercise_body
from gradeck.tui.widgets.text import plain, shorten

# A part may be answered twice: a wrong first answer can be retried (after a hint, say); a second
# wrong answer closes the part and shows what was expected.
ATTEMPTS = 2

# Keys that act in an empty box, and the actions they run.
SHORTCUTS = {"h": "hint", "w": "solution", "u": "screen.undo", "?": "app.help"}
GIVEN_WIDTH = 30  # a wrong answer is repeated in its verdict, cut to this many cells

VERDICT_CLASS = {
    "right": "right",
    "carried": "right",
    "close": "close",
    "wrong": "wrong",
    "unreadable": "wrong",
    "blank": "wrong",
}


@dataclass(frozen=True)
class Outcome:
    """How an exercise went: the checked parts and what the learner typed for each."""

    result: ExerciseResult
    answers: tuple[str, ...]
    hinted: bool
    retried: bool

    @property
    def suggested(self) -> int:
        return suggest_rating(self.result, hinted=self.hinted, retried=self.retried)


def feedback_text(part: Part, result: PartResult, final: bool, given: str = "") -> Text:
    """One part's verdict; once the part is closed, a wrong one shows the expected answer."""
    if result.verdict == "unreadable":
        return unreadable_text(result.message)
    mark = FEEDBACK_MARKS[result.verdict]
    words = {
        "right": "right",
        "carried": "right",
        "close": "close",
        "wrong": "wrong",
        "blank": "no answer",
    }[result.verdict]
    text = Text(f"{mark} {words}")
    if given.strip() and not result.credited:
        text.append(f" ({shorten(given, GIVEN_WIDTH)})")
    if result.message and result.verdict != "blank":
        text.append(f": {result.message}")
    if final and not result.credited:
        text.append(f"\nexpected {format_value(part.expected)}")
    elif not final:
        text.append("\ntry again, or press Enter on an empty answer to see it", style="dim")
    return text


def unreadable_text(message: str) -> Text:
    """Why an answer cannot be read, then the answer (already cut to a window around the
    trouble, with "…", by the parser's pointer) with a caret under the spot.

    The feedback is indented as the text in the answer box is, so the caret points at the
    character typed; the reason goes on the first line, where it cannot push the caret line
    past the edge."""
    mark = FEEDBACK_MARKS["unreadable"]
    shown, _, pointer = message.rpartition("\n")
    column = pointer.find("^")
    if not shown or column < 0:  # no pointer: the message alone
        return Text(f"{mark} cannot read this: {message}")
    reason = pointer[column + 1 :].strip()
    text = Text(f"{mark} cannot read this: {reason}\n")
    text.append(shown, style="not bold")
    return text.append("\n" + " " * column + "^", style="bold")


class AnswerInput(Input):
    """An answer box where, while it is empty, `h` asks for a hint, `w` for the solution, `u`
    for the screen's undo and `?` for the keys: the footer shows them while they work.

    Answers may contain letters (functions, symbols), so the shortcuts only act on an empty box,
    and not at all when the part's own symbols start with that letter.
    """

    class Shortcut(Message):
        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, part: Part, **kwargs) -> None:
        super().__init__(placeholder=_placeholder(part), compact=True, **kwargs)
        self.part = part

    def _shortcut(self, character: str | None) -> str | None:
        """The action `character` stands for now, if any."""
        if not character or self.value or any(s.startswith(character) for s in self.part.symbols):
            return None
        return SHORTCUTS.get(character)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """A shortcut is not typed, so the footer keeps showing it."""
        return self._shortcut(character) is None and super().check_consume_key(key, character)

    def watch_value(self, old: str, new: str) -> None:
        if not old or not new:  # the shortcuts start or stop working
            self.refresh_bindings()

    async def _on_key(self, event: events.Key) -> None:
        shortcut = self._shortcut(event.character)
        if shortcut:
            event.stop()
            event.prevent_default()
            self.post_message(self.Shortcut(shortcut))
            return
        await super()._on_key(event)


def _placeholder(part: Part) -> str:
    return {
        "vector": "values separated by commas, e.g. 0.5, -1.2",
        "matrix": "rows separated by ;  e.g. 1, 2; 3, 4",
        "count": "a whole number",
        "choice": f"the number of one option, 1 to {len(part.options)}",
        "symbolic": "an expression in " + ", ".join(part.symbols) if part.symbols else "",
    }.get(part.kind, "a number (expressions such as 0.3*2 work)")


class ExercisePanel(Vertical):
    """The prompt, figures and one answer box per part, answered in order with Enter."""

    can_focus = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "hint", "Hint"),
        Binding("w", "solution", "Solution"),
    ]

    class Done(Message):
        """Every part is answered (or the learner asked for the solution)."""

        def __init__(self, panel: ExercisePanel, outcome: Outcome) -> None:
            super().__init__()
            self.panel = panel
            self.outcome = outcome

    def __init__(self, exercise: Exercise, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exercise = exercise
        self.done: list[PartResult] = []
        self.answers: list[str] = []
        self.attempts = 0
        self.hints_shown = 0
        self.retried = False
        self.finished = False

    def compose(self) -> ComposeResult:
        ex = self.exercise
        yield Static(Text(ex.title, style="bold"), classes="exercise-title")
        yield Static(exercise_body(ex), classes="exercise-body")
        for i, part in enumerate(ex.parts):
            yield Static(plain(part_heading(part, ex)), classes="part-prompt")
            yield AnswerInput(part, id=f"answer-{i}", disabled=i > 0)
            yield Static("", id=f"feedback-{i}", classes="feedback")
        yield Static(
            "Enter checks · in an empty box: h hint, w worked solution, Enter gives up",
            classes="keys-hint",
        )
        yield Static("", id="hints", classes="hints")
        yield Static("", id="solution", classes="solution")

    def on_mount(self) -> None:
        self.query_one("#answer-0", AnswerInput).focus()

    @property
    def current(self) -> int:
        return len(self.done)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.finished or not isinstance(event.input, AnswerInput):
            return
        self.submit(event.value)

    async def on_answer_input_shortcut(self, event: AnswerInput.Shortcut) -> None:
        event.stop()
        if event.action == "hint":
            self.action_hint()
        elif event.action == "solution":
            self.action_solution()
        else:
            await self.run_action(event.action)

    def submit(self, text: str) -> None:
        """Check the current part's answer; a wrong one may be tried again once."""
        index = self.current
        part = self.exercise.parts[index]
        result = check_next(self.exercise, self.done, text)
        feedback = self.query_one(f"#feedback-{index}", Static)
        if result.verdict == "unreadable":
            feedback.update(feedback_text(part, result, final=False, given=text))
            feedback.set_classes("feedback shown wrong unreadable")
            return
        self.attempts += 1
        final = result.credited or result.verdict == "blank" or self.attempts >= ATTEMPTS
        feedback.update(feedback_text(part, result, final, given=text))
        feedback.set_classes(f"feedback shown {VERDICT_CLASS[result.verdict]}")
        if not final:
            self.retried = True
            self.query_one(f"#answer-{index}", AnswerInput).clear()  # h and w work again
            return
        self._close_part(result, text)

    def _close_part(self, result: PartResult, text: str) -> None:
        index = self.current
        self.done.append(result)
        self.answers.append(text)
        self.attempts = 0
        self.query_one(f"#answer-{index}", AnswerInput).disabled = True
        if self.current < len(self.exercise.parts):
            box = self.query_one(f"#answer-{self.current}", AnswerInput)
            box.disabled = False
            box.focus()
        else:
            self._finish()

    def action_hint(self) -> None:
        """Show the next hint, which makes a right answer count as helped."""
        hints = self.exercise.hints
        if self.finished:
            return
        if self.hints_shown >= len(hints):
            self.notify("No more hints: press w for the worked solution.", timeout=3)
            return
        self.hints_shown += 1
        width = self._text_width()
        shown = "\n".join(render_hint(self.exercise, i, width) for i in range(self.hints_shown))
        hints = self.query_one("#hints", Static)
        hints.update(plain(shown))
        hints.add_class("shown")

    def action_solution(self) -> None:
        """Show the whole worked solution; parts not yet answered count as not known."""
        if not self.finished:
            for index in range(self.current, len(self.exercise.parts)):
                self.query_one(f"#answer-{index}", AnswerInput).disabled = True
                result = PartResult("blank", "no answer")
                part = self.exercise.parts[index]
                feedback = self.query_one(f"#feedback-{index}", Static)
                feedback.update(feedback_text(part, result, final=True))
                feedback.set_classes("feedback shown wrong")
                self.done.append(result)
                self.answers.append("")
            self._finish()
        self.show_solution()

    def _text_width(self) -> int:
        """The columns text has inside the panel, so that worked steps wrap where they should."""
        return max(40, self.content_size.width - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No hints once the exercise is over (the solution can still be shown)."""
        return not (action == "hint" and self.finished)

    def show_solution(self) -> None:
        if self.exercise.solution:
            solution = self.query_one("#solution", Static)
            solution.update(plain(render_solution(self.exercise, self._text_width())))
            solution.add_class("shown")
            solution.scroll_visible()

    def _finish(self) -> None:
        self.finished = True
        self.query_one(".keys-hint", Static).display = False
        self.refresh_bindings()
        outcome = Outcome(
            ExerciseResult(tuple(self.done)),
            tuple(self.answers),
            hinted=self.hints_shown > 0,
            retried=self.retried,
        )
        if not outcome.result.all_right:
            self.show_solution()
        self.post_message(self.Done(self, outcome))
