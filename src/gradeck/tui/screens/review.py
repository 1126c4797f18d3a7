"""Review: one item after another from a study session, flashcards and exercises alike.

Each answer is saved (by `gradeck.study`, in its own transaction) before the next item is
shown, so leaving with Esc, or the terminal closing, loses nothing that was answered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, ProgressBar, Static

from gradeck.study import RATINGS, CardAnswer, Session, Shown, card_rating, suggest_rating
from gradeck.tui.widgets.card_panel import CardPanel
from gradeck.tui.widgets.exercise_panel import ExercisePanel
from gradeck.tui.widgets.rating_bar import RatingBar

if TYPE_CHECKING:
    from gradeck.exercises.attempt import Outcome

LOADING_AFTER_S = 0.15
STATE_STYLE = {"new": "cyan", "learning": "red", "relearning": "red", "review": "green"}


class ReviewScreen(Screen):
    """A session's items; the learner reveals, answers and rates, and the next one comes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "advance", "Show / accept", show=False),
        Binding("enter", "advance", "Show / accept"),
        *(Binding(str(n), f"number({n})", RATINGS[n], show=False) for n in range(1, 5)),
        *(Binding(str(n), f"number({n})", show=False) for n in range(5, 10)),
        Binding("u", "undo", "Undo"),
        Binding("exclamation_mark", "suspend", "Suspend"),
        Binding("escape", "leave", "Home"),
    ]

    def __init__(self, deck_ids: Sequence[str], title: str, practice: bool = False) -> None:
        super().__init__()
        self.deck_ids = tuple(deck_ids)
        self.title_text = title
        self.practice = practice
        self.session: Session | None = None
        self.shown: Shown | None = None
        self.rateable = False  # the answer is shown and waits for a rating
        self.suggested: int | None = None  # what Enter accepts; None when the learner judges
        self.outcome: Outcome | CardAnswer | None = None  # what is saved with the rating
        self.started = 0.0
        self.busy = True
        self._area_lock = asyncio.Lock()
        self._drawing = False  # waiting for the session to draw the next item

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review-top"):
            yield ProgressBar(show_eta=False, id="progress")
            yield Static("", id="left")
        yield VerticalScroll(LoadingIndicator(), id="item-area")
        yield RatingBar(id="rating")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.title_text
        self._start()

    @work(exclusive=True, group="review")
    async def _start(self) -> None:
        app = self.app
        profile = await app.load_profile()  # type: ignore[attr-defined]
        self.session = await app.call(  # type: ignore[attr-defined]
            profile.session, deck_ids=self.deck_ids, practice=self.practice
        )
        await self._next()

    async def _next(self, shown: Shown | None = None) -> None:
        """Show `shown`, or ask the session for the next item (drawing an exercise takes time)."""
        assert self.session is not None
        self.busy = True
        if shown is None:
            # Only a slow draw (an exercise's first import) shows that it is working.
            self._drawing = True
            waiting = self.set_timer(LOADING_AFTER_S, self._loading)
            shown = await self.app.call(self.session.next)  # type: ignore[attr-defined]
            self._drawing = False
            waiting.stop()
        self.shown = shown
        self.rateable = False
        self.suggested = None
        self.outcome = None
        self._progress()
        self.refresh_bindings()
        if shown is None:
            await self._finished()
        elif shown.exercise is not None:
            await self._clear(ExercisePanel(shown.exercise, given=shown.given))
        else:
            await self._clear(CardPanel(shown))
        self.started = time.monotonic()
        self.busy = False

    async def _loading(self) -> None:
        """Show that the item is being drawn, unless it has arrived meanwhile."""
        if self._drawing:
            await self._clear(LoadingIndicator(), unless_drawn=True)

    async def _clear(self, *widgets, unless_drawn: bool = False) -> None:
        """Put `widgets` in the item area, in place of what is there. One change at a time:
        the "working" indicator's timer may fire while the item is being drawn, and the item
        must not be removed by the indicator's late arrival."""
        async with self._area_lock:
            if unless_drawn and not self._drawing:
                return
            area = self.query_one("#item-area", VerticalScroll)
            await area.remove_children()
            await area.mount(*widgets)
        area.scroll_home(animate=False)
        self.query_one("#rating", RatingBar).hide()

    def _progress(self) -> None:
        session = self.session
        assert session is not None
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(session.total, 1), progress=session.answered)
        left = Text.assemble((f"{session.remaining} left", "bold"))
        if self.shown is not None:
            state = self.shown.state
            left.append(" · ").append(state, style=STATE_STYLE.get(state, ""))
        if self.practice:
            left.append(" · ").append("practice", style="italic")
        self.query_one("#left", Static).update(left)

    async def _finished(self) -> None:
        session = self.session
        assert session is not None
        text = Text.assemble(("Done for now!", "bold"), "\n\n")
        text.append(f"{session.answered} answered in this session; every answer is saved.\n")
        later = None if self.practice else session.next_learning_due
        if later is not None:
            text.append(f"Learning steps come back at {later.astimezone():%H:%M}.\n", style="dim")
        text.append("\nPress Esc or Enter to go home.", style="dim")
        await self._clear(Static(text, id="done"))

    # ------------------------------------------------------------------ answers

    def on_card_panel_revealed(self, event: CardPanel.Revealed) -> None:
        event.stop()
        # A flashcard is judged by the learner alone: no rating is suggested for it.
        if event.right is None:
            self._offer_rating(None)
            return
        self.outcome = CardAnswer(event.answer, event.right)
        self._offer_rating(card_rating(event.right))

    def on_exercise_panel_done(self, event: ExercisePanel.Done) -> None:
        event.stop()
        self.outcome = event.outcome
        self._offer_rating(suggest_rating(event.outcome))
        event.panel.focus()

    def _offer_rating(self, suggested: int | None) -> None:
        assert self.shown is not None
        self.rateable = True
        self.suggested = suggested
        self.query_one("#rating", RatingBar).show(self.shown.intervals, suggested)
        self.refresh_bindings()

    def action_advance(self) -> None:
        """Space or Enter: show the back of a card, or accept the suggested rating."""
        if self.busy or self.shown is None:
            if self.shown is None and not self.busy:
                self.action_leave()
            return
        if self.rateable:
            if self.suggested is not None:
                self._rate(self.suggested)
            return
        panel = self.query("CardPanel")
        if panel:
            card = panel.first(CardPanel)
            if card.waits_for_choice:
                card.submit_choice()
            else:
                card.reveal()

    def action_number(self, n: int) -> None:
        """Pick a choice card's option, or rate once the answer is shown."""
        if self.busy or self.shown is None:
            return
        panel = self.query("CardPanel")
        if panel and panel.first(CardPanel).waits_for_choice:
            panel.first(CardPanel).pick(n)
        elif self.rateable and n in RATINGS:
            self._rate(n)

    def _rate(self, rating: int) -> None:
        self.busy = True
        self._save(rating)

    @work(exclusive=True, group="review")
    async def _save(self, rating: int) -> None:
        assert self.session is not None and self.shown is not None
        await self.app.call(  # type: ignore[attr-defined]
            self.session.answer,
            self.shown,
            rating,
            duration_ms=int((time.monotonic() - self.started) * 1000),
            outcome=self.outcome,
        )
        await self._next()

    def action_undo(self) -> None:
        if self.busy or self.session is None:
            return
        self.busy = True
        self._undo()

    @work(exclusive=True, group="review")
    async def _undo(self) -> None:
        assert self.session is not None
        shown = await self.app.call(self.session.undo)  # type: ignore[attr-defined]
        if shown is None:
            self.notify("Nothing to undo in this session.", timeout=3)
            self.busy = False
            return
        self.notify("Last answer taken back.", timeout=2)
        await self._next(shown)

    def action_suspend(self) -> None:
        if self.busy or self.shown is None:
            return
        self.busy = True
        self._suspend()

    @work(exclusive=True, group="review")
    async def _suspend(self) -> None:
        assert self.session is not None and self.shown is not None
        await self.app.call(self.session.suspend, self.shown)  # type: ignore[attr-defined]
        self.notify("Suspended: it will not come back until unsuspended in Browse.", timeout=3)
        await self._next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing to suspend or reveal once the session is over; Enter accepts nothing when
        the learner rates a flashcard themselves (the footer shows it dimmed)."""
        if action in ("suspend", "advance", "number") and self.shown is None and not self.busy:
            return action == "advance"  # Enter still goes home
        if action == "advance" and self.rateable and self.suggested is None:
            return None
        return True

    def action_leave(self) -> None:
        """Back home; everything answered is already saved."""
        self.app.pop_screen()
