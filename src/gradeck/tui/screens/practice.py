"""Practice: pick an exercise family or a deck and work without end; no schedule changes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from gradeck.exercises.registry import FAMILIES
from gradeck.tui.widgets.footer import Footer
from gradeck.tui.widgets.text import plain


class PracticeScreen(Screen):
    """Families first (fresh variants), then decks; answers are logged as practice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Choose what to practise. Families give endless fresh exercises; a deck goes "
            "through its items. Nothing here changes when items are due.",
            classes="intro",
        )
        options: list[Option | None] = [
            Option(Text("Exercise families", style="bold"), disabled=True)
        ]
        for info in sorted(FAMILIES.values(), key=lambda i: (i.topic, i.name)):
            label = Text.assemble((info.name, "bold"), "\n  ", (info.description, "dim"))
            options.append(Option(label, id=f"family:{info.name}"))
        options.append(None)
        options.append(Option(Text("Decks", style="bold"), disabled=True))
        titles = self.app.deck_titles  # type: ignore[attr-defined]
        for deck_id, title in titles.items():
            label = Text.assemble(plain(title, "bold"), "\n  ", plain(deck_id, "dim"))
            options.append(Option(label, id=f"deck:{deck_id}"))
        yield OptionList(*options, id="practice-choices")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Practice"
        choices = self.query_one("#practice-choices", OptionList)
        choices.highlighted = 1
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, name = (event.option.id or "").partition(":")
        if kind == "family":
            self.app.practise_family(name)  # type: ignore[attr-defined]
        elif kind == "deck":
            self.app.open_study((name,), practice=True)  # type: ignore[attr-defined]
