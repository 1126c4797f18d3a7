"""Endless practice of one exercise family: a fresh variant each time, nothing scheduled.

The variants come from a `gradeck.study` family session, which logs every answer as practice
(with the suggested rating), so the statistics' accuracy per family and frequent mistakes count
this practice too. Drawing a variant may import numpy or sympy the first time, so it runs on
the app's study thread and the screen shows that it is working meanwhile.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static

from gradeck.errors import GradeckError
from gradeck.study import RATINGS, FamilySession, Rating, Shown, suggest_rating
from gradeck.tui.widgets.exercise_panel import ExercisePanel
from gradeck.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from gradeck.exercises.attempt import Outcome

# How the sitting's line reads each suggested rating (the rule is gradeck.study's).
VERDICTS = {
    Rating.GOOD: "All right!",
    Rating.HARD: "Right in the end.",
    Rating.AGAIN: "Not quite.",
}


class ExerciseScreen(Screen):
    """One family, one exercise after another; the status line scores this sitting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next"),
        Binding("u", "undo", "Undo"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, family: str) -> None:
        super().__init__()
        self.family = family
        self.session: FamilySession | None = None
        self.shown: Shown | None = None
        self.results: list[bool] = []  # right at the first try, per answer logged in this sitting
        self.started = 0.0
        self.busy = True

    @property
    def holds_keys(self) -> bool:
        """Keys wait (in the app) while a variant is drawn or an answer logged."""
        return self.busy

    @property
    def count(self) -> int:
        return len(self.results)

    @property
    def right(self) -> int:
        return sum(self.results)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="practice-status", classes="status-line")
        yield VerticalScroll(LoadingIndicator(), id="exercise-area")
        yield Static("", id="practice-result", classes="result-line")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Practice · {self.family}"
        self._status()
        self._start()

    def _status(self) -> None:
        text = (
            f"{self.family} · {self.count} done · {self.right} right first time · "
            "logged as practice"
        )
        self.query_one("#practice-status", Static).update(text)

    @work(exclusive=True, group="practice")
    async def _start(self) -> None:
        app = self.app
        profile = await app.load_profile()  # type: ignore[attr-defined]
        try:
            self.session = await app.call(  # type: ignore[attr-defined]
                profile.family_session, self.family, expected=(GradeckError,)
            )
        except GradeckError as exc:
            self.notify(str(exc), severity="error")
            app.pop_screen()
            return
        await self._show()

    async def _show(self, shown: Shown | None = None) -> None:
        """Show `shown`, or the session's next variant (which may take a moment to draw)."""
        assert self.session is not None
        self.busy = True
        if shown is None:
            area = self.query_one("#exercise-area", VerticalScroll)
            await area.remove_children()
            await area.mount(LoadingIndicator())
            shown = await self.app.call(self.session.next)  # type: ignore[attr-defined]
        assert shown.exercise is not None
        self.shown = shown
        area = self.query_one("#exercise-area", VerticalScroll)
        await area.remove_children()
        await area.mount(ExercisePanel(shown.exercise))
        self.app.drop_held_keys()  # type: ignore[attr-defined]
        self.query_one("#practice-result", Static).update("")
        self._status()
        self.started = time.monotonic()
        self.busy = False
        self.app.release_keys()  # type: ignore[attr-defined]

    def _panel_finished(self) -> bool:
        panel = self.query(ExercisePanel)
        return bool(panel) and panel.first(ExercisePanel).finished

    def action_next(self) -> None:
        if self.busy or not self._panel_finished():
            return  # finish (or give up with w) before moving on
        self.busy = True
        self.run_worker(self._show(), exclusive=True, group="practice")

    def on_exercise_panel_done(self, event: ExercisePanel.Done) -> None:
        event.stop()
        self.busy = True
        self.app.answer_handled()  # type: ignore[attr-defined]  # the keys wait for the log
        self._log(event.panel, event.outcome)

    @work(exclusive=True, group="practice")
    async def _log(self, panel: ExercisePanel, outcome: Outcome) -> None:
        """Save the answer as practice, rated as suggested, then say how it went."""
        assert self.session is not None and self.shown is not None
        rating = suggest_rating(outcome)
        await self.app.call(  # type: ignore[attr-defined]
            self.session.answer,
            self.shown,
            rating,
            duration_ms=int((time.monotonic() - self.started) * 1000),
            outcome=outcome,
        )
        self.results.append(outcome.first_try_right)
        self._status()
        self.query_one("#practice-result", Static).update(
            f"{VERDICTS[rating]} Logged as {RATINGS[rating]}. n another, u undo, Esc back."
        )
        panel.focus()
        self.busy = False
        self.app.release_keys()  # type: ignore[attr-defined]

    def action_undo(self) -> None:
        if self.busy or self.session is None:
            return
        self.busy = True
        self._undo()

    @work(exclusive=True, group="practice")
    async def _undo(self) -> None:
        """Take back the last logged answer and show that exercise again, unanswered."""
        assert self.session is not None
        shown = await self.app.call(self.session.undo)  # type: ignore[attr-defined]
        if shown is None:
            self.notify("Nothing to undo here.", timeout=3)
            self.busy = False
            self.app.release_keys()  # type: ignore[attr-defined]
            return
        self.results.pop()
        self.notify("Last answer taken back.", timeout=2)
        await self._show(shown)
