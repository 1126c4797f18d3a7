"""The Textual study app: owns the profile and moves between screens.

Screens hold the interaction and widgets the drawing; everything about decks, scheduling and
progress goes through `gradeck.study`, which this app opens once and closes on exit.

Every call into the profile runs on one worker thread (`App.call`): reading decks, building a
queue or drawing a symbolic exercise (which imports sympy) never freezes the screen, and the
profile's SQLite connection is only ever used from the thread that opened it. The home screen
is drawn before the profile is read, so the app is usable at once.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.widget import Widget

from gradeck import study
from gradeck.text import counted, printable
from gradeck.tui.screens.home import HomeScreen
from gradeck.tui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from textual.command import Provider

T = TypeVar("T")
ANSWER_WAIT_S = 2.0  # the longest a box's Enter holds the keys after it, if nothing answers
THEME_ALIASES = {"dark": "textual-dark", "light": "textual-light"}


def _gradeck_commands() -> type[Provider]:
    """The command palette's own commands, imported when the palette first opens."""
    from gradeck.tui.commands import GradeckCommands

    return GradeckCommands


class GradeckApp(App[None]):
    """gradeck's study app. `study_deck` opens straight into a review ("" = everything due);
    `when_usable` is called once the home screen first lists the decks."""

    CSS_PATH = Path(__file__).with_name("gradeck.tcss")
    TITLE = "gradeck"
    COMMANDS = App.COMMANDS | {_gradeck_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Keys"),
        Binding("ctrl+s", "screenshot", "Screenshot", show=False, priority=True),
    ]
    # Shown in the keys screen: Textual's own quit keys (Ctrl+C quits here, see help_quit).
    QUIT_KEYS: ClassVar[list[BindingType]] = [Binding("ctrl+c,ctrl+q", "quit", "Quit")]

    def __init__(
        self,
        data_dir: Path | None = None,
        deck_args: Sequence[str] = (),
        study_deck: str | None = None,
        seed: int | None = None,
        now: Callable[[], Any] | None = None,
        when_usable: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.deck_args = tuple(deck_args)
        self.study_deck = study_deck
        # Tests and screenshots fix the seed so that every variant drawn is the same each run.
        self.seed = seed
        self.now = now
        self._when_usable = when_usable  # run once, when the home screen first lists the decks
        self.profile: study.Profile | None = None
        self.deck_titles: dict[str, str] = {}
        self._saved_theme = ""
        self.error: Exception | None = None  # why the app gave up, for the command to print
        self._study_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="study")
        self._held: deque[events.Key] = deque()  # keys waiting for the screen to be ready
        self._answering: Widget | None = None  # a box whose Enter is being handled (see on_event)

    # ------------------------------------------------------------------ keys

    def _holds(self) -> bool:
        """Whether the screen is between two items (saving, drawing), or an answer is being
        checked: keys must wait."""
        if len(self.screen_stack) < 2:  # before the home screen is up: keys wait for it
            return True
        box = self._answering
        if box is not None and not (box.is_attached and box.screen is self.screen):
            self._answering = None  # its screen has gone: nothing will answer for it
        return self._answering is not None or bool(getattr(self.screen, "holds_keys", False))

    async def on_event(self, event: events.Event) -> None:
        """Keys that arrive while the screen is busy are kept, in order, and given to it when
        it is ready (`release_keys`), so that no key is lost however fast it is typed; quit
        keys are never kept.

        An Enter in an answer box (a `TextBox`'s HOLDING_KEYS) holds the keys after it until
        the answer has been dealt with (`answer_handled`): typed fast, `11⏎22⏎` would
        otherwise put "22" in the first box, whose Enter is still on its way."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        if event.key not in ("ctrl+c", "ctrl+q") and (self._held or self._holds()):
            self._held.append(event)
            if not self._holds():
                await self._release()  # the earlier ones first
            return
        await self._key(event)

    async def _key(self, event: events.Key) -> None:
        box = self.focused
        await super().on_event(event)
        if isinstance(box, TextBox) and event.key in box.HOLDING_KEYS:
            self._answering = box
            self.set_timer(ANSWER_WAIT_S, partial(self._answer_overdue, box))

    def _answer_overdue(self, box: Widget) -> None:
        """A box's key that nothing answered for (a disabled box, a key its owner ignored)
        holds the keys no longer than ANSWER_WAIT_S."""
        if self._answering is box:
            self._end_answering()

    def answer_handled(self) -> None:
        """The Enter of an answer box is dealt with: the keys kept since go on, once the focus
        has moved where the answer sent it (focus changes are themselves queued)."""
        self.call_later(self._end_answering)

    def _end_answering(self) -> None:
        self._answering = None
        self.release_keys()

    def drop_held_keys(self) -> None:
        """A text box has just come on screen: the keys kept until now were pressed before
        it could be seen (ratings typed ahead for the cards a burst expected, a key pressed
        while the next exercise was drawn), so they are not typed into it, and the learner is
        told; Esc still goes home."""
        kept = deque(key for key in self._held if key.key == "escape")
        dropped = len(self._held) - len(kept)
        self._held = kept
        if dropped:
            were = "was" if dropped == 1 else "were"
            keys = f"{counted(dropped, 'key')} pressed before this item appeared {were}"
            self.notify(f"{keys} not typed into it.", timeout=4)

    def release_keys(self) -> None:
        """Hand the kept keys over one at a time, each finished before the next, until one of
        them makes the screen busy again (the rest then wait for it)."""
        self.call_later(self._release)

    async def _release(self) -> None:
        while self._held and not self._holds():
            await self._key(self._held.popleft())

    def home_listed(self) -> None:
        """The home screen lists the decks and is drawn: the keys typed meanwhile go on, and
        `when_usable` runs (the first time only)."""
        self.release_keys()
        if self._when_usable is not None:
            when_usable, self._when_usable = self._when_usable, None
            when_usable()

    # ------------------------------------------------------------------ lifecycle

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())

    async def call(
        self,
        func: Callable[..., T],
        *args: Any,
        expected: tuple[type[Exception], ...] = (),
        **kwargs: Any,
    ) -> T:
        """Run `func` on the study thread and wait for it without blocking the screen.

        `expected` exceptions reach the caller. Any other failure (a broken store, a deck gone
        missing, a bug) ends the app with a message printed by the command, never a
        traceback; answers already given are saved.
        """
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._study_thread, partial(func, *args, **kwargs))
        except expected:
            raise
        except Exception as exc:
            if os.environ.get("GRADECK_DEBUG"):
                raise
            self.error = exc
            self.exit(return_code=getattr(exc, "code", 1))
            raise asyncio.CancelledError from exc  # the worker stops quietly

    async def load_profile(self) -> study.Profile:
        """Read the decks and open the progress store, once; later calls return it."""
        if self.profile is None:
            rng = random.Random(self.seed) if self.seed is not None else None
            self.profile = await self.call(
                study.Profile.open, self.data_dir, self.deck_args, now=self.now, rng=rng
            )
            if self.study_deck:
                await self.call(self.profile.library.deck, self.study_deck)
            self.deck_titles = {d.id: d.title for d in self.profile.library.decks}
            theme = (await self.call(self.profile.settings)).theme
            self._saved_theme = THEME_ALIASES.get(theme, theme)
            if self._saved_theme in self.available_themes:
                self.theme = self._saved_theme
            if self.study_deck is not None:
                deck, self.study_deck = self.study_deck, None
                self.call_later(self.open_study, (deck,) if deck else ())
        return self.profile

    def watch_theme(self, theme: str) -> None:
        """A theme chosen anywhere (Settings, the command palette) is kept in the profile."""
        if self.profile is not None and theme != self._saved_theme:
            self._saved_theme = theme
            self.run_worker(self._save_theme(self.profile, theme), group="save")

    async def _save_theme(self, profile: study.Profile, theme: str) -> None:
        try:
            await self.call(profile.set_setting, "theme", theme, expected=(ValueError,))
        except ValueError as exc:
            self.notify(printable(f"Theme not saved: {exc}"), severity="warning", markup=False)

    def on_unmount(self) -> None:
        if self.profile is not None:
            self._study_thread.submit(self.profile.close).result()
        self._study_thread.shutdown(wait=True)

    def action_help_quit(self) -> None:
        """Ctrl+C quits, as in other terminal programs (Textual only says to press Ctrl+Q).

        Nothing is lost: every answer was saved when it was given. In a text box with text
        selected, Ctrl+C copies instead (the box handles it before it reaches the app)."""
        self.exit()

    # ------------------------------------------------------------------ navigation

    def open_study(
        self, deck_ids: Sequence[str] = (), practice: bool = False, tag: str | None = None
    ) -> None:
        """Review the decks named (all when none), only the items tagged `tag` if given: the
        session is built on the study thread."""
        from gradeck.tui.screens.review import ReviewScreen

        if self.profile is None:
            return
        names = [printable(self.deck_titles.get(d, d)) for d in deck_ids]
        title = ", ".join(names) if names else "Everything due"
        if tag is not None:
            title = printable(f"#{tag}") if not names else f"{title} · {printable('#' + tag)}"
        if practice:
            title = f"Practice · {title}"
        self.push_screen(ReviewScreen(tuple(deck_ids), title, practice=practice, tag=tag))

    def action_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def action_study_all(self) -> None:
        self.open_study(())

    def practise_family(self, family: str) -> None:
        """Endless practice of one exercise family, each answer logged as practice."""
        from gradeck.tui.screens.exercise import ExerciseScreen

        self.push_screen(ExerciseScreen(family))

    def action_study_tag(self) -> None:
        from gradeck.tui.screens.tags import TagScreen

        self.push_screen(TagScreen())

    def action_practice(self) -> None:
        from gradeck.tui.screens.practice import PracticeScreen

        self.push_screen(PracticeScreen())

    def action_stats(self) -> None:
        from gradeck.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def action_browse(self) -> None:
        from gradeck.tui.screens.browse import BrowseScreen

        self.push_screen(BrowseScreen())

    def action_settings(self) -> None:
        from gradeck.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_help(self) -> None:
        from gradeck.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.key_sections()))

    def action_screenshot(self) -> None:  # type: ignore[override]
        """Save the screen as SVG in the current folder (Textual's default is Downloads)."""
        path = self.save_screenshot()
        self.notify(printable(f"Screenshot saved: {path}"), timeout=4, markup=False)

    def key_sections(self) -> list[tuple[str, Any]]:
        from gradeck.tui.screens.browse import BrowseScreen
        from gradeck.tui.screens.exercise import ExerciseScreen
        from gradeck.tui.screens.practice import PracticeScreen
        from gradeck.tui.screens.review import ReviewScreen
        from gradeck.tui.screens.settings import SettingsScreen
        from gradeck.tui.screens.stats import StatsScreen
        from gradeck.tui.screens.tags import TagScreen
        from gradeck.tui.widgets.exercise_panel import ExercisePanel

        return [
            (
                "Everywhere",
                [*self.BINDINGS, Binding("ctrl+p", "", "Command palette"), *self.QUIT_KEYS],
            ),
            ("Home", HomeScreen.BINDINGS),
            ("Review", ReviewScreen.BINDINGS),
            ("Exercise", ExercisePanel.BINDINGS),
            ("Practice", [*PracticeScreen.BINDINGS, *ExerciseScreen.BINDINGS]),
            ("Study by tag", TagScreen.BINDINGS),
            ("Statistics", StatsScreen.BINDINGS),
            ("Browse", BrowseScreen.BINDINGS),
            ("Settings", SettingsScreen.BINDINGS),
        ]
