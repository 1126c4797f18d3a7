"""Home: the decks with their new, learning and due counts, today's totals and the streak.

The screen draws at once and fills in when the profile has been read in a worker thread, so
the app is usable before every deck is loaded.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from gradeck.study import Today
from gradeck.tui.widgets.footer import Footer
from gradeck.tui.widgets.text import shorten

COLUMNS = ("Deck", "New", "Learn", "Due", "Items")  # items: each cloze hole, each card side
MAX_TITLE = 44  # with the four counts, the table fits 80 columns


class HomeScreen(Screen):
    # Short labels, so that with `? Keys` and the palette they fit 80 columns; Settings is one
    # key away in `?` and Ctrl+P.
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority key: Enter goes to the table after the Down keys typed before it, and
        # the table's RowSelected opens the deck under the cursor (on_data_table_row_selected).
        Binding("enter", "study_deck", "Study"),
        # An Enter typed before the app has the terminal arrives as a line feed (Ctrl+J).
        Binding("ctrl+j", "study_deck", show=False),
        Binding("a", "app.study_all", "All due"),
        Binding("t", "app.study_tag", "By tag"),
        Binding("p", "app.practice", "Practice"),
        Binding("s", "app.stats", "Stats"),
        Binding("b", "app.browse", "Browse"),
        Binding("comma", "app.settings", "Settings", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False  # the decks are listed: until then keys wait (in the app)

    @property
    def holds_keys(self) -> bool:
        """Keys typed before the decks are listed (Down, Enter) wait for the list."""
        return not self.loaded

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading decks…", style="dim"), id="today")
        yield Static("", id="home-hint")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Home"

    def on_screen_resume(self) -> None:
        self.refresh_counts()

    @work(exclusive=True, group="home")
    async def refresh_counts(self) -> None:
        """Read the profile (the first time) and the counts, which change after every session."""
        app = self.app
        profile = await app.load_profile()  # type: ignore[attr-defined]
        decks = await app.call(profile.deck_overview)  # type: ignore[attr-defined]
        today = await app.call(profile.today)  # type: ignore[attr-defined]
        app.deck_titles = {d.deck_id: d.title for d in decks}  # type: ignore[attr-defined]
        table: DataTable[str | Text] = self.query_one("#decks", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        widest = max((len(d.title) for d in decks), default=0)
        title_width = min(MAX_TITLE, max(widest, 20))
        table.add_column(COLUMNS[0], key="deck", width=title_width)
        for name in COLUMNS[1:]:
            table.add_column(f"{name:>5}", key=name.lower(), width=6)
        for d in decks:
            table.add_row(
                shorten(d.title, title_width),
                _count(d.new, "cyan"),
                _count(d.learning, "red"),
                _count(d.due, "green"),
                Text(f"{d.total:>5}"),
                key=d.deck_id,
            )
        if decks:
            table.move_cursor(row=min(row, len(decks) - 1))
        table.focus()
        self.query_one("#today", Static).update(_today_line(today))
        self.query_one("#home-hint", Static).update(_hint(today.waiting, len(profile.problems)))
        if not self.loaded:
            self.loaded = True
            self.call_after_refresh(app.home_listed)  # type: ignore[attr-defined]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study_deck()

    def action_study_deck(self) -> None:
        table = self.query_one("#decks", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.open_study((key,))  # type: ignore[attr-defined]


def _count(n: int, style: str) -> Text:
    return Text(f"{n:>5}", style=style if n else "dim")


def _hint(waiting: int, broken: int) -> Text:
    """What to do next, in a sentence; and whether any deck failed to load.

    `waiting` is what `a` serves now (study's count, within the daily limits shared by all
    decks), not the sum of the deck rows: each deck's New is capped on its own."""
    if waiting:
        items = "1 item" if waiting == 1 else f"{waiting} items"
        text = Text(f"{items} to study now: a studies them all, Enter the highlighted deck.")
    else:
        text = Text("All done for today. p practises any time without touching the schedule.")
    if broken:
        text.append(f"\n{broken} deck(s) could not be loaded: run `gradeck validate`.", "yellow")
    return text


def _today_line(today: Today) -> Text:
    text = Text()
    text.append("Today  ", style="bold")
    text.append(f"{today.reviewed} reviewed", style="")
    text.append("  ·  ")
    text.append(f"{today.new} new", style="")
    text.append("  ·  ")
    text.append(f"{today.due} due", style="bold green" if today.due else "dim")
    text.append("  ·  ")
    streak = today.streak
    text.append(f"streak {streak} day{'s' if streak != 1 else ''}", style="bold yellow")
    return text
