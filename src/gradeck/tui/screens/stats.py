"""Statistics: due forecast, a year of reviews, true retention, states, mastery, weak spots,
and what each desired retention would cost (the table of `gradeck simulate`).

The figures are `gradeck stats --json`'s and `gradeck simulate --json`'s (from `gradeck.study`),
each read in a worker of its own, so the figures show while the year of study is still being
simulated; this module only lays them out.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static

from gradeck.errors import GradeckError
from gradeck.study import tuning
from gradeck.tui.widgets.charts import bar_chart, heatmap
from gradeck.tui.widgets.footer import Footer
from gradeck.tui.widgets.text import plain

WEAKEST = 5
TAGS_SHOWN = 8


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def retention_table(retention: dict[str, Any]) -> Table:
    """Pass rate on review-state items, young and mature, as Anki's true-retention table."""
    table = Table(box=None, padding=(0, 1), title="True retention", title_justify="left")
    table.add_column("")
    for kind in ("young", "mature", "total"):
        table.add_column(kind.capitalize(), justify="right")
    for period in ("today", "week", "month", "year"):
        row = retention[period]
        cells = [
            f"{_percent(row[k]['rate'])} ({row[k]['passed']}/{row[k]['passed'] + row[k]['failed']})"
            for k in ("young", "mature", "total")
        ]
        table.add_row(period.capitalize(), *cells)
    return table


def states_table(states: dict[str, int]) -> Table:
    table = Table(box=None, padding=(0, 1), title="Items by state", title_justify="left")
    table.add_column("")
    table.add_column("", justify="right")
    for name, count in states.items():
        table.add_row(plain(name.capitalize()), str(count))
    return table


def mastery_table(decks: dict[str, Any], tags: dict[str, Any]) -> Table:
    """Per deck, then per tag (the largest first): how many items are learnt (in review) and
    the mean odds of recalling them now."""
    table = Table(box=None, padding=(0, 1), title="Mastery", title_justify="left")
    table.add_column("Deck / tag")
    table.add_column("Learnt", justify="right")
    table.add_column("Recall now", justify="right")
    for deck in decks.values():
        learnt = f"{deck['review']}/{deck['total']}"
        table.add_row(plain(deck["title"]), learnt, _percent(deck["mean_retrievability"]))
    largest = sorted(tags.items(), key=lambda kv: (-kv[1]["total"], kv[0]))[:TAGS_SHOWN]
    for tag, row in largest:
        learnt = f"{row['review']}/{row['total']}"
        table.add_row(plain(f"#{tag}", "dim"), learnt, _percent(row["mean_retrievability"]))
    return table


def weakest_text(exercises: dict[str, Any]) -> Text:
    """The exercise families answered worst, and the mistakes made most often."""
    families = sorted(exercises["families"].items(), key=lambda kv: kv[1]["accuracy"])
    text = Text()
    if not families:
        return text.append("No exercises answered yet.", style="dim")
    for name, row in families[:WEAKEST]:
        text.append_text(plain(f"{name:<28}", "bold"))
        text.append(f"{row['accuracy']:>5.0%} right first time  ({row['answers']} answers)\n")
    if exercises["mistakes"]:
        text.append("\nMost frequent mistakes\n", style="bold")
    for row in exercises["mistakes"]:
        text.append(f"{row['count']:>4}× ", style="yellow")
        text.append_text(plain(row["mistake"], "bold"))
        text.append_text(plain(f"  in {row['family']}\n", "dim"))
    return text


def summary_text(stats: dict[str, Any]) -> Text:
    today = stats["today"]
    minutes = stats["time_spent_s"] // 60
    streak = stats["streak"]
    return Text.assemble(
        ("Today ", "bold"),
        f"{today['reviewed']} reviewed, {today['new']} new, {today['due']} due in all · ",
        ("streak ", "bold"),
        f"{streak} day{'' if streak == 1 else 's'} · ",
        f"{stats['reviews_total']} reviews, {minutes} min ever",
    )


def simulation_table(result: dict[str, Any]) -> Table | Text:
    """`gradeck simulate`'s table: per desired retention, the answers a day and the items
    remembered after a year, the cheapest marked."""
    if not result["outcomes"]:
        return Text("No items to simulate: add a deck first.", style="dim")
    table = Table(
        box=None,
        padding=(0, 1),
        caption=f"{result['items']} items, at most {result['new_per_day']} new and "
        f"{result['reviews_per_day']} reviews a day · * the fewest answers per item remembered",
        caption_justify="left",
    )
    for title in ("Retention", "Answers/day", "Remembered", "Answers/item"):
        table.add_column(title, justify="right")
    table.add_column("")
    for row in result["outcomes"]:
        mark = tuning.marks(result, row["retention"])
        table.add_row(
            f"{row['retention']:.2f}",
            f"{row['answers_per_day']:.1f}",
            f"{row['remembered']:.0f}",
            f"{row['answers_per_item']:.1f}",
            plain(mark.strip(), "bold" if "*" in mark else ""),
            style="bold" if row["retention"] == result["desired_retention"] else "",
        )
    return table


def side_by_side(*renderables: Any) -> Table:
    grid = Table.grid(padding=(0, 4))
    for _ in renderables:
        grid.add_column()
    grid.add_row(*renderables)
    return grid


class StatsScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload"),
        Binding("m", "simulator", "Simulator"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(LoadingIndicator(), id="stats-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Statistics"
        self.action_reload()

    def action_reload(self) -> None:
        self._simulation: Any = Text("Simulating a year of study…", style="dim")
        self._load()
        self._simulate()

    def action_simulator(self) -> None:
        """Scroll down to the simulator panel, at the end of the figures."""
        for panel in self.query("#simulation"):
            panel.scroll_visible(animate=False, top=True)

    def _show_simulation(self, renderable: Any) -> None:
        """Keep what the simulation panel shows, and show it if the panel is up yet."""
        self._simulation = renderable
        for panel in self.query("#simulation").results(Static):
            panel.update(renderable)

    @work(exclusive=True, group="simulate")
    async def _simulate(self) -> None:
        """A year simulated at each desired retention, one retention at a time on a thread of
        its own (not the study thread, which stays free for the rest of the app)."""
        app = self.app
        profile = await app.load_profile()  # type: ignore[attr-defined]
        try:
            plan = await app.call(  # type: ignore[attr-defined]
                tuning.simulation_plan, profile, expected=(GradeckError,)
            )
        except GradeckError as exc:
            self._show_simulation(plain(str(exc), "dim"))
            return
        outcomes = []
        for n, retention in enumerate(plan.retentions if plan.items else ()):
            self._show_simulation(
                Text(f"Simulating a year of study… {n}/{len(plan.retentions)}", style="dim")
            )
            outcome = await asyncio.to_thread(tuning.simulate_one, plan, retention)
            if outcome is not None:
                outcomes.append(outcome)
        self._show_simulation(simulation_table(tuning.simulation_result(plan, outcomes)))

    @work(exclusive=True, group="stats")
    async def _load(self) -> None:
        app = self.app
        profile = await app.load_profile()  # type: ignore[attr-defined]
        stats = await app.call(profile.stats)  # type: ignore[attr-defined]
        body = self.query_one("#stats-body", VerticalScroll)
        await body.remove_children()
        today = date.fromisoformat(stats["date"])
        blocks: list[tuple[str, Any]] = [
            ("", summary_text(stats)),
            ("Due in the next 30 days", bar_chart(stats["forecast"], height=4)),
            ("Reviews in the last year", heatmap(stats["daily"], today)),
            ("", side_by_side(retention_table(stats["retention"]), states_table(stats["states"]))),
            ("", mastery_table(stats["decks"], stats["tags"])),
            ("Weakest exercise families", weakest_text(stats["exercises"])),
        ]
        widgets = []
        for title, renderable in blocks:
            if title:
                widgets.append(Static(title, classes="section-title"))
            widgets.append(Static(renderable, classes="stats-block"))
        widgets.append(Static("A year of study at each desired retention", classes="section-title"))
        widgets.append(Static(self._simulation, id="simulation", classes="stats-block"))
        await body.mount(*widgets)
