"""Browse: find cards and exercise templates by text and tag; see state, due date, stability and
history; suspend or unsuspend; preview a fresh variant of an exercise."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static

from gradeck.errors import GradeckError
from gradeck.exercises.model import Exercise
from gradeck.exercises.render import render_answers, render_parts, render_solution
from gradeck.study import RATINGS, ItemInfo
from gradeck.text import printable
from gradeck.tui.widgets.exercise_view import exercise_body
from gradeck.tui.widgets.footer import Footer
from gradeck.tui.widgets.text import plain, shorten, wrapped

PAGE = 200  # rows read at a time: more are read as the cursor nears the end
ITEM_WIDTH = 24  # with State and Due, the framed table fits its 3/5 of 80 columns
BESIDE_ITEM = 24  # the frame, State, Due and the cells' padding: what the Item column leaves


def item_width(screen_width: int) -> int:
    """The Item column: as wide as the table's 3/5 of the screen allows, 24 cells at least."""
    return max(ITEM_WIDTH, screen_width * 3 // 5 - BESIDE_ITEM)


def item_title(info: ItemInfo, width: int) -> Text:
    """An item's title in `width` cells. A cloze hole's title is its text with that hole
    blanked, so siblings differ only around the blank: the window starts a little before it
    (with "…"), so that the blank, and what tells the siblings apart, stays in view."""
    title = " ".join(info.title.split())
    blank = title.find("[") if re.fullmatch(r"c\d+", info.sub) else -1
    if blank + len("[...]") > width - 1:  # the blank would be cut off
        title = "…" + title[blank - width // 3 + 1 :]
    return shorten(title, width)


def _when(moment: datetime | None) -> str:
    return "–" if moment is None else f"{moment.astimezone():%Y-%m-%d %H:%M}"


def state_cell(info: ItemInfo) -> Text:
    """The State column: dim for an item put aside, ⏸ when suspended, and "buried" in place of
    the state while it is buried (the detail gives both, and until when)."""
    if info.suspended:
        return Text(info.state + " ⏸", style="dim")
    if info.buried_until:
        return Text("buried", style="dim")
    return Text(info.state)


def aside_words(info: ItemInfo) -> str:
    if info.suspended:
        return "  (suspended)"
    if info.buried_until:
        return f"  (buried until {info.buried_until.astimezone():%Y-%m-%d %H:%M})"
    return ""


def detail_text(info: ItemInfo, history: list[dict]) -> Text:
    """An item's scheduling state and its log, newest answer first."""
    text = Text().append_text(plain(info.title + "\n\n", "bold"))  # the title alone in bold
    where = " / ".join(k for k in (info.deck_id, info.item_id, info.sub) if k)
    text.append_text(plain(where + "\n"))
    text.append(f"state {info.state}{aside_words(info)}\n")
    text.append(f"due {_when(info.due)}\n")
    stability = "–" if info.stability is None else f"{info.stability:.1f} days"
    text.append(f"stability {stability}\n")
    if info.tags:
        text.append_text(plain("tags " + " ".join(f"#{t}" for t in info.tags) + "\n", "dim"))
    answers = "1 answer" if len(history) == 1 else f"{len(history)} answers"
    text.append(f"\nHistory ({answers})\n", style="bold")
    for row in reversed(history[-12:]):
        moment = datetime.fromtimestamp(row["time"] / 1000, tz=UTC)
        text.append(f"{_when(moment)}  {RATINGS.get(row['rating'], '?'):<5}")
        if row["mode"] == "practice":
            text.append(" practice", style="dim")
        if row.get("mistake"):
            text.append_text(plain(f" {row['mistake']}", "yellow"))
        text.append("\n")
    return text


class PreviewScreen(ModalScreen[None]):
    """A variant of an exercise with its answers and worked solution."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, exercise: Exercise) -> None:
        super().__init__()
        self.exercise = exercise

    def compose(self) -> ComposeResult:
        ex = self.exercise
        with VerticalScroll(id="help-box"):
            yield Static(plain(f"{ex.title}  ·  seed {ex.seed}", "bold"))
            yield Static(
                Group(
                    exercise_body(ex),
                    plain("\n" + render_parts(ex)),
                    plain("\n" + render_answers(ex)),
                    plain("\n" + render_solution(ex)),
                )
            )


class BrowseScreen(Screen):
    """A search line above a results table. Keys act on the table; in a search box, Enter or
    Esc goes back to the table (Esc in the table leaves the screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("exclamation_mark", "suspend", "Suspend"),
        Binding("v", "preview", "Preview"),
        Binding("slash", "search_box", "Search"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, ItemInfo] = {}
        self.total = 0  # items the search finds; the table holds the first pages of them

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browse-search"):
            yield Input(placeholder="/ search text", id="browse-text", compact=True)
            yield Input(placeholder="tag", id="browse-tag", compact=True)
        with Horizontal(id="browse-body"):
            table: DataTable[str | Text] = DataTable(id="browse-table", cursor_type="row")
            table.add_column("Item", width=item_width(self.app.size.width))
            table.add_column("State", width=10)
            table.add_column("Due", width=5)
            yield table
            yield VerticalScroll(Static("", id="browse-info"), id="browse-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        self.search()
        self.query_one("#browse-table", DataTable).focus()

    def action_search_box(self) -> None:
        self.query_one("#browse-text", Input).focus()

    def action_back(self) -> None:
        """From a search box back to the results; from the results back to where we came."""
        if isinstance(self.focused, Input):
            self.query_one("#browse-table", DataTable).focus()
        else:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a search box has the keys, `!`, `v` and `/` are typed, so the footer hides
        them."""
        if action in ("suspend", "preview", "search_box"):
            return not isinstance(self.focused, Input)
        return True

    @on(Input.Changed)
    def _changed(self) -> None:
        self.search()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.query_one("#browse-table", DataTable).focus()

    def _query(self) -> tuple[str, str | None]:
        text = self.query_one("#browse-text", Input).value.strip()
        tag = self.query_one("#browse-tag", Input).value.strip().lstrip("#") or None
        return text, tag

    @work(exclusive=True, group="browse")
    async def search(self) -> None:
        app = self.app
        text, tag = self._query()
        profile = await app.load_profile()  # type: ignore[attr-defined]
        total, found = await app.call(profile.browse_page, text, tag, 0, PAGE)  # type: ignore[attr-defined]
        table = self.query_one("#browse-table", DataTable)
        row = table.cursor_row
        table.clear()
        self.items = {}
        self.total = total
        self._add_rows(found)
        if found:
            table.move_cursor(row=min(row, len(self.items) - 1))
        self.sub_title = f"Browse · {total} items"
        await self._show_detail()

    def _add_rows(self, found: list[ItemInfo]) -> None:
        table = self.query_one("#browse-table", DataTable)
        for info in found:
            key = "/".join(info.key)
            if key in self.items:
                continue
            self.items[key] = info
            state = state_cell(info)
            due = "–" if info.due is None else f"{info.due.astimezone():%m-%d}"
            width = table.columns[next(iter(table.columns))].width
            table.add_row(item_title(info, width), state, due, key=key)

    @work(exclusive=True, group="browse-more")
    async def _more(self) -> None:
        """The next page of results, read when the cursor comes near the last row held."""
        text, tag = self._query()
        profile = self.app.profile  # type: ignore[attr-defined]
        _total, found = await self.app.call(  # type: ignore[attr-defined]
            profile.browse_page, text, tag, len(self.items), PAGE
        )
        if (text, tag) == self._query():
            self._add_rows(found)

    def _current(self) -> ItemInfo | None:
        table = self.query_one("#browse-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items.get(key or "")

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._detail()
        table = self.query_one("#browse-table", DataTable)
        if table.cursor_row >= len(self.items) - PAGE // 4 and len(self.items) < self.total:
            self._more()

    @work(exclusive=True, group="detail")
    async def _detail(self) -> None:
        """The highlighted row's detail (a later highlight cancels one not yet shown)."""
        await self._show_detail()

    async def _show_detail(self) -> None:
        info = self._current()
        detail = self.query_one("#browse-info", Static)
        if info is None:
            detail.update(Text("Nothing matches.", style="dim"))
            return
        profile = self.app.profile  # type: ignore[attr-defined]
        history = await self.app.call(profile.history, info.key)  # type: ignore[attr-defined]
        width = max(20, detail.content_size.width - 1)  # wrapped as prose, not in a formula
        detail.update(wrapped(detail_text(info, history), width))

    def action_suspend(self) -> None:
        info = self._current()
        if info is not None:
            self._toggle(info)

    @work(group="browse-write")
    async def _toggle(self, info: ItemInfo) -> None:
        profile = self.app.profile  # type: ignore[attr-defined]
        await self.app.call(profile.suspend, info.key, not info.suspended)  # type: ignore[attr-defined]
        self.notify("Unsuspended." if info.suspended else "Suspended.", timeout=2)
        self.search()

    def action_preview(self) -> None:
        info = self._current()
        if info is not None:
            self._preview(info)

    @work(exclusive=True, group="preview")
    async def _preview(self, info: ItemInfo) -> None:
        """A fresh variant of the exercise; a card, or a template that fails, says why."""
        app = self.app
        profile = app.profile  # type: ignore[attr-defined]
        try:
            exercise = await app.call(  # type: ignore[attr-defined]
                profile.preview, info.key, expected=(GradeckError,)
            )
        except GradeckError as exc:
            self.notify(printable(str(exc)), severity="warning", timeout=4, markup=False)
            return
        app.push_screen(PreviewScreen(exercise))
