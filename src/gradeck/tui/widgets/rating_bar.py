"""The four ratings with the interval each would give, as Anki's answer buttons show them."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import Static

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RATING_STYLES = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}


def rating_line(intervals: Mapping[int, str], suggested: int | None = None) -> Text:
    """`1 Again 10m   2 Hard 1d ...`; the suggested rating, if any, is boxed and Enter accepts
    it (a flashcard has none: the learner judges it).

    A click on a rating rates too: each one carries its number as meta, read by the bar (not
    as an `@click` action, which Textual would draw as a link, in the text's colour)."""
    text = Text()
    for rating, name in RATING_NAMES.items():
        click = Style.from_meta({"rating": rating})
        label = f" {rating} {name} "
        interval = intervals.get(rating, "")
        style = Style.parse(f"bold {RATING_STYLES[rating]}") + click
        if rating == suggested:
            text.append(f"▶{label}", style=style + Style(reverse=True))
        else:
            text.append(f" {label}", style=style)
        text.append(f" {interval:<4}", style=Style(dim=True) + click)
    if suggested is not None:
        text.append(f"  Enter = {RATING_NAMES[suggested]}", style="dim")
    else:
        text.append("  Space = Good", style="dim")
    return text


class RatingBar(Static):
    """Shown once an item's answer is revealed; hidden until then.

    It follows the item, under it; when the item is taller than the screen (an exercise with
    its worked solution at 80x24) it is docked at the foot of the scrolling area instead, so
    that the ratings are always in sight."""

    def show(self, intervals: Mapping[int, str], suggested: int | None = None) -> None:
        self.update(rating_line(intervals, suggested))
        self.display = True
        self.call_after_refresh(self._dock_if_below)

    async def on_click(self, event: events.Click) -> None:
        rating = event.style.meta.get("rating")
        if isinstance(rating, int):
            await self.run_action(f"screen.number({rating})")

    def hide(self) -> None:
        self.update("")
        self.display = False
        self.remove_class("docked")

    def _dock_if_below(self) -> None:
        area = self.parent
        if isinstance(area, Widget) and self.display:
            self.set_class(area.virtual_size.height > area.size.height, "docked")
