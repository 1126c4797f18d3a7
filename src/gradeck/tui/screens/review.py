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
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, LoadingIndicator, ProgressBar, Static

from gradeck.study import RATINGS, CardAnswer, Session, Shown, card_rating, suggest_rating
from gradeck.study.limits import Nothing, Summary
from gradeck.tui.widgets.card_panel import CardPanel
from gradeck.tui.widgets.exercise_panel import ExercisePanel
from gradeck.tui.widgets.footer import Footer
from gradeck.tui.widgets.rating_bar import RatingBar

if TYPE_CHECKING:
    from gradeck.exercises.attempt import Outcome

LOADING_AFTER_S = 0.15
GOOD = 3  # what Space and Enter give a revealed flashcard, as in Anki
OFFER_KEYS = {"more": "m", "practise": "p"}  # the keys of study.limits' offers, as bound below
STATE_STYLE = {"new": "cyan", "learning": "red", "relearning": "red", "review": "green"}


class ReviewScreen(Screen):
    """A session's items; the learner reveals, answers and rates, and the next one comes."""

    # Priority bindings run in the order keys arrive (the app keeps keys while an item is being
    # saved or drawn); in a text box each one steps aside (SkipAction) so the key is typed.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "advance", "Show / Good", show=False, priority=True),
        Binding("enter", "advance", "Show / accept", priority=True),
        *(
            Binding(str(n), f"number({n})", RATINGS[n], show=False, priority=True)
            for n in range(1, 5)
        ),
        *(Binding(str(n), f"number({n})", show=False, priority=True) for n in range(5, 10)),
        Binding("u,ctrl+z", "undo", "Undo", priority=True),
        Binding("exclamation_mark", "suspend", "Suspend", priority=True),
        Binding("minus", "bury", "Bury", priority=True),
        Binding("m", "more", "More new", show=False, priority=True),
        Binding("p", "practise", "Practise deck", show=False, priority=True),
        Binding("q", "leave", "Leave", show=False, priority=True),
        Binding("escape", "leave", "Home", priority=True),
    ]

    def __init__(
        self,
        deck_ids: Sequence[str],
        title: str,
        practice: bool = False,
        extra_new: int = 0,
        tag: str | None = None,
    ) -> None:
        super().__init__()
        self.deck_ids = tuple(deck_ids)
        self.title_text = title
        self.practice = practice
        self.extra_new = extra_new
        self.tag = tag
        self.nothing: Nothing | None = None  # why nothing is left, once the session is over
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
        # The rating bar follows the item (under it, not at the foot of a tall terminal).
        with VerticalScroll(id="review-body"):
            yield Vertical(LoadingIndicator(), id="item-area")
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
            profile.session,
            deck_ids=self.deck_ids,
            tag=self.tag,
            practice=self.practice,
            extra_new=self.extra_new,
        )
        await self._next()

    @property
    def holds_keys(self) -> bool:
        """Keys wait (in the app) while an item is being saved or drawn: none is lost."""
        return self.busy

    def _typing(self) -> None:
        """A key bound here steps aside while a text box has the keys, so it is typed."""
        if isinstance(self.focused, Input):
            raise SkipAction()

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
        if shown is None:
            profile = self.app.profile  # type: ignore[attr-defined]
            self.nothing = await self.app.call(profile.nothing, self.session)  # type: ignore[attr-defined]
            summary = await self.app.call(self.session.summary)  # type: ignore[attr-defined]
            await self._clear(Static(self._finished(summary), id="done"))
        elif shown.exercise is not None:
            await self._clear(ExercisePanel(shown.exercise, given=shown.given))
        else:
            await self._clear(CardPanel(shown))
        if shown is not None and (shown.exercise is not None or shown.kind == "typed"):
            self.app.drop_held_keys()  # type: ignore[attr-defined]
        self.refresh_bindings()
        self.started = time.monotonic()
        self.busy = False
        self.app.release_keys()  # type: ignore[attr-defined]

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
            area = self.query_one("#item-area", Vertical)
            await area.remove_children()
            await area.mount(*widgets)
        self.query_one("#review-body", VerticalScroll).scroll_home(animate=False)
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

    def _finished(self, summary: Summary) -> Text:
        """The end of a session: how it went, why nothing is left, and what can be done."""
        session, nothing = self.session, self.nothing
        assert session is not None and nothing is not None
        if session.answered:
            text = Text.assemble(("Done for now!", "bold"), "  every answer is saved\n\n")
            for line in summary.lines():
                text.append(f"  {line}\n")
            text.append("\n")
        else:
            text = Text.assemble(("Nothing to study here now.", "bold"), "\n\n")
        text.append(nothing.sentence() + "\n\n")
        if not self.practice:
            for action, words in nothing.choices():
                text.append(f"  {OFFER_KEYS[action]}", style="bold").append(f"  {words}\n")
        text.append("  Esc", style="bold").append("  go home\n")
        return text

    # ------------------------------------------------------------------ answers

    def on_card_panel_revealed(self, event: CardPanel.Revealed) -> None:
        event.stop()
        self._card_revealed(event.panel)
        self.app.answer_handled()  # type: ignore[attr-defined]  # a typed card's Enter

    def _card_revealed(self, card: CardPanel) -> None:
        """Offer the ratings as soon as the back is shown (at once, not when the panel's
        message arrives: the next key, typed fast, may be the rating)."""
        if self.rateable or not card.revealed or card.shown is not self.shown:
            return
        right, text = card.result
        # A flashcard is judged by the learner alone: no rating is suggested for it.
        if right is None:
            self._offer_rating(None)
            return
        self.outcome = CardAnswer(text, right)
        self._offer_rating(card_rating(right))

    def on_exercise_panel_done(self, event: ExercisePanel.Done) -> None:
        event.stop()
        self.outcome = event.outcome
        self._offer_rating(suggest_rating(event.outcome))
        event.panel.focus(scroll_visible=False)  # the last verdict or the solution stays in view
        self.app.answer_handled()  # type: ignore[attr-defined]  # the keys typed after it go on

    def _offer_rating(self, suggested: int | None) -> None:
        assert self.shown is not None
        self.rateable = True
        self.suggested = suggested
        self.query_one("#rating", RatingBar).show(self.shown.intervals, suggested)
        self.refresh_bindings()

    def action_advance(self) -> None:
        """Space or Enter: show the back of a card, or accept the suggested rating (Good for a
        flashcard, which the learner judges, as in Anki)."""
        self._typing()
        if self.busy or self.shown is None:
            if self.shown is None and not self.busy:
                self.action_leave()
            return
        if self.rateable:
            self._rate(self.suggested if self.suggested is not None else GOOD)
            return
        panel = self.query("CardPanel")
        if panel:
            card = panel.first(CardPanel)
            if card.waits_for_choice:
                card.submit_choice()
            else:
                card.reveal()
            self._card_revealed(card)

    def action_number(self, n: int) -> None:
        """Pick a choice card's option, or rate once the answer is shown."""
        self._typing()
        if self.busy or self.shown is None:
            return
        panel = self.query("CardPanel")
        if panel and panel.first(CardPanel).waits_for_choice:
            panel.first(CardPanel).pick(n)
            self._card_revealed(panel.first(CardPanel))
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
        """Take back the last answer, suspend or bury of this session, in a text box too: Ctrl+Z
        is never typed, and `u` only reaches this while the box would not type it (Textual
        leaves out the bindings of the keys a focused box takes)."""
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
            self.app.release_keys()  # type: ignore[attr-defined]
            return
        self.notify("Taken back.", timeout=2)
        await self._next(shown)

    def action_suspend(self) -> None:
        self._typing()
        if self.busy or self.shown is None:
            return
        self.busy = True
        self._aside("suspend", "Suspended until unsuspended in Browse (u takes it back).")

    def action_bury(self) -> None:
        """Put the item (and its siblings) aside until tomorrow."""
        self._typing()
        if self.busy or self.shown is None:
            return
        self.busy = True
        self._aside("bury", "Buried until tomorrow, with its siblings (u takes it back).")

    @work(exclusive=True, group="review")
    async def _aside(self, how: str, message: str) -> None:
        assert self.session is not None and self.shown is not None
        await self.app.call(getattr(self.session, how), self.shown)  # type: ignore[attr-defined]
        self.notify(message, timeout=3)
        await self._next()

    def action_more(self) -> None:
        """At the end: study more new items today than the limits allow."""
        self._typing()
        if self.shown is None and not self.busy and self.nothing and self.nothing.more:
            self.app.switch_screen(
                ReviewScreen(
                    self.deck_ids, self.title_text, extra_new=self.nothing.more, tag=self.tag
                )
            )
        else:
            raise SkipAction()

    def action_practise(self) -> None:
        """At the end: go through these items as practice (nothing is rescheduled)."""
        self._typing()
        if self.shown is None and not self.busy and not self.practice:
            self.app.switch_screen(
                ReviewScreen(
                    self.deck_ids, f"Practice · {self.title_text}", practice=True, tag=self.tag
                )
            )
        else:
            raise SkipAction()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing to suspend, bury or reveal once the session is over; "more" and "practise"
        only then."""
        over = self.shown is None and not self.busy
        if action in ("suspend", "bury", "number") and over:
            return False
        if action in ("more", "practise"):
            return over and (action == "practise" or bool(self.nothing and self.nothing.more))
        return True

    def action_leave(self) -> None:
        """Esc (or q outside a text box): home; everything answered is already saved."""
        if self.app.screen is not self:
            return
        self.app.action_home()  # type: ignore[attr-defined]
