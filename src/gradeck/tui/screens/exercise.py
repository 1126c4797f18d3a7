"""Endless practice of one exercise family: a fresh variant each time, nothing scheduled.

Generating a variant may import numpy or sympy the first time, so it runs on the app's study
thread and the screen shows that it is working meanwhile.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static

from gradeck.tui.widgets.exercise_panel import ExercisePanel
from gradeck.tui.widgets.rating_bar import RATING_NAMES


class ExerciseScreen(Screen):
    """One family, one exercise after another, scored for this sitting only."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next exercise"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, family: str) -> None:
        super().__init__()
        self.family = family
        self.count = 0
        self.right = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="practice-status", classes="status-line")
        yield VerticalScroll(id="exercise-area")
        yield Static("", id="practice-result", classes="result-line")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Practice · {self.family}"
        self.action_next()

    def _status(self) -> None:
        text = f"{self.family} · {self.count} done · {self.right} right · no schedule changes"
        self.query_one("#practice-status", Static).update(text)

    def action_next(self) -> None:
        panel = self.query("ExercisePanel")
        if panel and not panel.first(ExercisePanel).finished:
            return  # finish (or give up with w) before moving on
        area = self.query_one("#exercise-area", VerticalScroll)
        area.remove_children()
        area.mount(LoadingIndicator())
        self.query_one("#practice-result", Static).update("")
        self._status()
        self._generate()

    @work(exclusive=True, group="generate")
    async def _generate(self) -> None:
        app = self.app
        exercise = await app.call(app.new_exercise, self.family)  # type: ignore[attr-defined]
        area = self.query_one("#exercise-area", VerticalScroll)
        area.remove_children()
        area.mount(ExercisePanel(exercise))

    def on_exercise_panel_done(self, event: ExercisePanel.Done) -> None:
        outcome = event.outcome
        self.count += 1
        self.right += outcome.result.all_right
        self._status()
        verdict = "All right!" if outcome.result.all_right else "Not quite."
        self.query_one("#practice-result", Static).update(
            f"{verdict} It would rate {RATING_NAMES[outcome.suggested]}. "
            "Press n for another, Esc to go back."
        )
        event.panel.focus()
