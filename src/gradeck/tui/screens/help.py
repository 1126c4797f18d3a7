"""Every key of every screen, read from the screens' own bindings so the list cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# Keys handled by the screens' code rather than declared as bindings.
EXTRA_KEYS = {
    "Review": [("1-4", "rate Again, Hard, Good, Easy"), ("1-9", "pick a choice card's option")],
    "Exercise": [
        ("Enter", "check the answer to this part"),
        ("Enter again", "nothing is spent: says what can be done"),
    ],
}


def _key_name(key: str) -> str:
    names = {
        "escape": "Esc",
        "enter": "Enter",
        "space": "Space",
        "question_mark": "?",
        "exclamation_mark": "!",
        "comma": ",",
        "slash": "/",
    }
    return ", ".join(
        names.get(k, k.replace("ctrl+", "Ctrl+").title() if k.startswith("ctrl+") else k)
        for k in key.split(",")
    )


def _rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            rows.append((_key_name(binding.key), binding.description))
        elif isinstance(binding, tuple) and len(binding) == 3:
            rows.append((_key_name(binding[0]), binding[2]))
    return rows


def keys_table(sections: Sequence[tuple[str, Iterable[BindingType]]]) -> Group:
    """One small two-column table per screen."""
    tables = []
    for title, bindings in sections:
        table = Table(title=title, title_justify="left", show_header=False, box=None)
        table.add_column(style="bold", width=14)
        table.add_column()
        for key, what in [*_rows(bindings), *EXTRA_KEYS.get(title, [])]:
            table.add_row(key, what)
        tables.append(table)
    return Group(*tables)


class HelpScreen(ModalScreen[None]):
    """All keys, screen by screen; any of Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("Keys  (Esc closes; Ctrl+P finds any command)", style="bold"))
            yield Static(keys_table(self.sections))
