"""Study by tag: pick one of the decks' tags and review what carries it, in every deck, as
`gradeck review --tag` does (the same `gradeck.study` session, filtered by tag)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from gradeck.tui.widgets.footer import Footer
from gradeck.tui.widgets.text import plain


class TagScreen(Screen):
    """The tags of the loaded decks, each with how many decks use it; Enter studies one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Choose a tag: the review serves what carries it, in every deck, within today's "
            "limits.",
            classes="intro",
        )
        yield OptionList(id="tag-choices")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Study by tag"
        self._fill()

    @work(exclusive=True, group="tags")
    async def _fill(self) -> None:
        app = self.app
        profile = await app.load_profile()  # type: ignore[attr-defined]
        tagged = await app.call(profile.library.tagged)  # type: ignore[attr-defined]
        choices = self.query_one("#tag-choices", OptionList)
        for tag in sorted(tagged, key=str.casefold):
            decks = len(tagged[tag])
            label = plain(f"#{tag}", "bold").append(
                f"   {decks} deck{'s' if decks != 1 else ''}", style="dim"
            )
            choices.add_option(Option(label, id=tag))
        if not tagged:
            choices.add_option(Option(plain("No deck has tags."), disabled=True))
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.open_study((), tag=event.option.id)  # type: ignore[attr-defined]
