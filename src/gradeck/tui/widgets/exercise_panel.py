"""An exercise being answered: one input per part, feedback per part, hints and the solution.

The panel drives the attempt model (`gradeck.exercises.attempt.ExerciseRun`, the rules both
front ends share: two tries a part, hints, giving up, the worked solution) and shows what it
answers; when the run is over it posts Done with the run's Outcome. What happens next (rating,
saving, the next item) is up to the screen that holds it, so review and practice share it.

Ctrl+G gives the current part up, in any box, empty or not: its own key, shown in the footer.
A wrong answer stays in its box, selected, so that typing replaces it; while it is (or while
the box is empty) h asks for a hint, w for the worked solution, u undoes and ? shows the keys.
Enter on an empty box, or on the answer just checked, only says what to do: a stray or second
Enter never spends a try, let alone gives anything up.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from gradeck.exercises.attempt import Attempt, ExerciseRun, Outcome
from gradeck.exercises.check import PartResult
from gradeck.exercises.model import Exercise, Part
from gradeck.exercises.render import (
    FEEDBACK_MARKS,
    choice_instruction,
    expected_text,
    filled_in,
    minus_signs,
    part_heading,
    render_hint,
    render_solution,
    wrap,
)
from gradeck.tui.widgets.choice_prompt import mark_choice, part_prompt, preview_choice
from gradeck.tui.widgets.exercise_view import exercise_body
from gradeck.tui.widgets.text import plain, shorten, typed_character
from gradeck.tui.widgets.text_box import TextBox

# Keys that act in an empty box (or one holding the answer just checked), and their actions.
SHORTCUTS = {"h": "hint", "w": "solution", "u": "screen.undo", "?": "app.help"}
GIVE_UP_KEY = "ctrl+g"
EMPTY = "type an answer first · h a hint · Ctrl+G give up this part · w the worked solution"
SAME = "that answer was just checked: change it, or Ctrl+G to give this part up"
GIVEN_WIDTH = 30  # a wrong answer is repeated in its verdict, cut to this many cells

VERDICT_CLASS = {
    "right": "right",
    "carried": "right",
    "close": "close",
    "wrong": "wrong",
    "unreadable": "wrong",
    "blank": "wrong",
    "given_up": "wrong",
    "revealed": "wrong",
}


def attempt_text(part: Part, attempt: Attempt, tries_left: int) -> Text:
    """What the learner is told of one attempt."""
    if attempt.verdict in ("given_up", "revealed"):
        said = "given up" if attempt.verdict == "given_up" else "not answered"
        mark = FEEDBACK_MARKS["blank"]
        return Text(f"{mark} {said}\nexpected {minus_signs(expected_text(part))}")
    assert attempt.result is not None
    text = feedback_text(part, attempt.result, attempt.closes, given=attempt.text)
    if not attempt.closes and attempt.verdict != "unreadable":
        more = "1 more try" if tries_left == 1 else f"{tries_left} more tries"
        text.append(f"\n{more}: answer again, or h a hint, Ctrl+G give up", style="dim")
    return text


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
        text.append(f"\nexpected {minus_signs(expected_text(part))}")
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


class AnswerInput(TextBox):
    """An answer box where, while it is empty or holds the answer just checked (selected, so
    that typing replaces it), `h` asks for a hint, `w` for the solution, `u` for the screen's
    undo and `?` for the keys: the footer shows them while they work.

    Answers may contain letters (functions, symbols), so the shortcuts only act then, and not
    at all when the part's own symbols start with that letter. The keys typed after an Enter
    or a Ctrl+G wait (in the app) until the part is dealt with, so fast typing never merges
    two answers.
    """

    HOLDING_KEYS = frozenset({"enter", GIVE_UP_KEY})

    class Shortcut(Message):
        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, part: Part, index: int, **kwargs) -> None:
        placeholder = _placeholder(part)
        super().__init__(placeholder=placeholder, compact=True, id=f"answer-{index}", **kwargs)
        self.part = part
        self.index = index
        self.checked = ""  # the wrong answer just checked, kept in the box

    def keep(self, text: str) -> None:
        """Keep a wrong answer in the box, selected: typing replaces it, shortcuts work."""
        self.checked = text
        self.value = text
        self.select_all()
        self.refresh_bindings()

    @property
    def unchanged(self) -> bool:
        """Whether the box holds the answer just checked, whole and selected."""
        return bool(self.value) and self.value == self.checked and self.selected_text == self.value

    def _shortcut(self, character: str | None) -> str | None:
        """The action `character` stands for now, if any."""
        if not character or any(s.startswith(character) for s in self.part.symbols):
            return None
        if self.value and not self.unchanged:
            return None
        return SHORTCUTS.get(character)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """A shortcut is not typed, so the footer keeps showing it."""
        typed = typed_character(key, character)
        return self._shortcut(typed) is None and super().check_consume_key(key, character)

    def watch_value(self, old: str, new: str) -> None:
        self.refresh_bindings()  # the shortcuts may start or stop working

    def watch_selection(self) -> None:
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
        "choice": choice_instruction(part),
        "symbolic": "an expression in " + ", ".join(part.symbols) if part.symbols else "",
    }.get(part.kind, "a number (expressions such as 0.3*2 work)")


class ExercisePanel(Vertical):
    """The prompt, figures and one answer box per part, answered in order with Enter."""

    can_focus = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "hint", "Hint"),
        Binding(GIVE_UP_KEY, "give_up", "Give up"),
        Binding("w", "solution", "Solution"),
    ]

    class Done(Message):
        """Every part is answered (or the learner asked for the solution)."""

        def __init__(self, panel: ExercisePanel, outcome: Outcome) -> None:
            super().__init__()
            self.panel = panel
            self.outcome = outcome

    def __init__(self, exercise: Exercise, given: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exercise = exercise
        self.run = ExerciseRun(exercise, given=given)
        self.finished = False

    def compose(self) -> ComposeResult:
        ex = self.exercise
        yield Static(Text(ex.title, style="bold"), classes="exercise-title")
        yield Static(exercise_body(ex), id="exercise-body", classes="exercise-body")
        given = self.run.given
        if given:
            yield Static(
                plain(f"The first {given} part(s) are worked for you this time; do the rest."),
                classes="fading-note",
            )
        for i, part in enumerate(ex.parts):
            heading = minus_signs(part_heading(part, ex))  # wrapped once the width is known
            yield part_prompt(part, i, plain(heading))
            if i < given:  # a faded worked example: filled in, nothing to type
                yield Static(plain(filled_in(part)), id=f"feedback-{i}", classes="feedback shown")
                continue
            yield AnswerInput(part, i, disabled=i > given)
            yield Static("", id=f"feedback-{i}", classes="feedback")
        yield Static(
            "Enter checks · 2 tries a part · h hint · w solution · Ctrl+G give up",
            classes="keys-hint",
        )
        yield Static("", id="hints", classes="hints")
        yield Static("", id="solution", classes="solution")

    def on_mount(self) -> None:
        self.query_one(f"#answer-{self.run.given}", AnswerInput).focus()

    def on_resize(self, event: events.Resize) -> None:
        """Wrap the prompt and the parts as plain text is wrapped: never inside a formula."""
        width = self._text_width()
        ex = self.exercise
        self.query_one("#exercise-body", Static).update(exercise_body(ex, width))
        for i, part in enumerate(ex.parts):
            self.query_one(f"#prompt-{i}", Static).update(
                plain(wrap(part_heading(part, ex), width))
            )

    @property
    def current(self) -> int:
        return self.run.part

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.finished and isinstance(event.input, AnswerInput):
            self.submit(event.value)
            if self.finished:
                return  # the screen lets the keys go on once it has taken Done
        self.app.answer_handled()  # type: ignore[attr-defined]

    def on_input_changed(self, event: Input.Changed) -> None:
        """A choice part's options light up as their numbers are typed."""
        if isinstance(event.input, AnswerInput):
            preview_choice(self, event.input.index, event.value)

    async def on_answer_input_shortcut(self, event: AnswerInput.Shortcut) -> None:
        event.stop()
        if event.action == "hint":
            self.action_hint()
        elif event.action == "solution":
            self.action_solution()
        elif event.action == "give_up":
            self.action_give_up()
        else:
            await self.run_action(event.action)

    def submit(self, text: str) -> None:
        """Check the current part's answer; a wrong one may be tried again (see ExerciseRun)."""
        index = self.current
        box = self.query_one(f"#answer-{index}", AnswerInput)
        if box.checked and text == box.checked:  # a second Enter: no try spent
            self.notify(SAME, timeout=4)
            return
        attempt = self.run.submit(text)
        feedback = self.query_one(f"#feedback-{index}", Static)
        if attempt is None:  # said aside, so the last verdict stays in view
            self.notify(EMPTY, timeout=4)
            return
        self._show(attempt)
        if attempt.verdict == "unreadable":
            feedback.set_classes("feedback shown wrong unreadable")
        elif not attempt.closes:
            box.keep(text)
        else:
            self._next_part()

    def action_give_up(self) -> None:
        """Give the current part up: it shows what was expected, and the next part opens."""
        if self.finished:
            return
        self._show(self.run.give_up())
        self._next_part()
        if not self.finished:  # else the screen lets the keys go on once it has taken Done
            self.app.answer_handled()  # type: ignore[attr-defined]

    def _show(self, attempt: Attempt) -> None:
        part = self.exercise.parts[attempt.part]
        feedback = self.query_one(f"#feedback-{attempt.part}", Static)
        feedback.update(attempt_text(part, attempt, self.run.tries_left))
        feedback.set_classes(f"feedback shown {VERDICT_CLASS[attempt.verdict]}")
        mark_choice(self, attempt)

    def _next_part(self) -> None:
        """The part just closed: its box closes, and the next one opens (or the run ends)."""
        for index in range(self.run.given, self.current):
            self.query_one(f"#answer-{index}", AnswerInput).disabled = True
        if self.run.finished:
            self._finish()
            return
        box = self.query_one(f"#answer-{self.current}", AnswerInput)
        box.disabled = False
        box.focus()

    def action_hint(self) -> None:
        """Show the next hint, which makes a right answer count as helped."""
        if self.finished:
            return
        if self.run.hint() is None:
            self.notify("No more hints: press w for the worked solution.", timeout=3)
            return
        width = self._text_width()
        shown = "\n".join(render_hint(self.exercise, i, width) for i in range(self.run.hints))
        hints = self.query_one("#hints", Static)
        hints.update(plain(shown))
        hints.add_class("shown")

    def action_solution(self) -> None:
        """Show the whole worked solution; parts not yet answered count as revealed."""
        if not self.finished:
            for attempt in self.run.reveal():
                self._show(attempt)
            self._next_part()
        self.show_solution()

    def _text_width(self) -> int:
        """The columns text has inside the panel, so that worked steps wrap where they should."""
        return max(40, self.content_size.width - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No hints or giving up once the exercise is over (the solution can still be shown)."""
        return not (action in ("hint", "give_up") and self.finished)

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
        outcome = self.run.outcome()
        if not outcome.solved:
            self.show_solution()
        self.post_message(self.Done(self, outcome))
