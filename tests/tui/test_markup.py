"""Deck text is shown as text in every screen: markup in a deck is never read as markup.

Textual reads a `str` given to a widget as markup: `[/]` would end the app with a traceback,
`[b]` would vanish and `[@click=app.quit]` would become a clickable action. A deck whose every
text field holds such markup is taken through each screen, and each text must appear literally.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Static

from gradeck import study
from gradeck.text import printable
from gradeck.tui.screens.browse import BrowseScreen, PreviewScreen
from gradeck.tui.screens.review import ReviewScreen
from gradeck.tui.screens.stats import StatsScreen
from gradeck.tui.widgets.card_panel import CardPanel
from gradeck.tui.widgets.text import plain, shorten

# Each one either crashes Textual's markup parser, disappears, or turns into an action.
MARKUP = "[b]b[/b] logits[class] [/] [/nope] [@click=app.quit]q[/] [$accent]a"

HOSTILE = f"""format: 1
id: hostile
title: 'T {MARKUP}'
description: 'D {MARKUP}'
cards:
  - id: basic
    front: 'F {MARKUP}'
    back: 'B {MARKUP}'
    note: 'N {MARKUP}'
  - id: cloze
    type: cloze
    text: 'C {MARKUP} {{{{c1::H [b]x[/b]}}}}'
  - id: choice
    type: choice
    question: 'Q {MARKUP}'
    correct: ['O [/nope]']
    wrong: ['W [@click=app.quit]w']
  - id: typed
    type: typed
    question: 'Y {MARKUP}'
    answer: '[b]x'
exercises:
  - id: sum
    title: 'E {MARKUP}'
    template:
      variables: {{x: {{min: 1, max: 3}}}}
      prompt: 'P {MARKUP} {{x}}'
      parts:
        - prompt: 'R {MARKUP}'
          answer: x + 1
      hints: ['I {MARKUP}']
      solution: 'S {MARKUP}'
"""


def _screen_text(screen) -> str:
    """Everything the screen's Static widgets and tables show, as plain text."""
    console = Console(width=400, file=io.StringIO(), record=True)
    out = [str(screen.title), str(screen.sub_title)]
    for widget in screen.query(Static):
        content = widget.content
        if isinstance(content, str | Content):
            out.append(str(widget.render()))
        else:
            console.print(content)
            out.append(console.export_text())
    for table in screen.query(DataTable):
        for i in range(table.row_count):
            out.extend(str(cell) for cell in table.get_row_at(i))
    return "\n".join(out)


def test_plain_is_literal_and_printable() -> None:
    text = plain(f"{MARKUP}\x1b]0;PWNED\x07")
    assert isinstance(text, Text)
    assert text.plain == MARKUP + "␛]0;PWNED␇"
    assert not text.spans  # no style was read from the text
    assert shorten("[b]a  \x1b\n b[/b]", 9).plain == "[b]a ␛ b…"


async def test_hostile_deck_renders_literally_in_every_screen(home: Path, make_app, keys) -> None:
    (home / "decks" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await keys.settle(pilot)
        assert f"T {MARKUP}"[:40] in _screen_text(app.screen)

        # Review every card: fronts, backs, notes, options, the typed answer's diff.
        app.open_study(("hostile",))
        await keys.settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert MARKUP in str(screen.sub_title)
        seen = []
        while screen.shown is not None:
            kind = screen.shown.kind
            seen.append(kind)
            before = _screen_text(screen)
            assert kind == "flashcard" or MARKUP in before, kind
            if kind == "exercise":
                assert f"E {MARKUP}" in before and f"R {MARKUP}" in before
                assert f"P {MARKUP}" in before
                await keys.press(pilot, "h")
                assert f"I {MARKUP}" in _screen_text(screen)
                await keys.press(pilot, "w")
            elif kind == "typed":
                await keys.answer(pilot, "[/]")
            else:
                await keys.press(pilot, {"choice": "1"}.get(kind, "space"))
            after = _screen_text(screen)
            card = screen.shown.item.card
            if card is not None and card.type == "basic":
                assert f"F {MARKUP}" in after
                assert f"B {MARKUP}" in after and f"N {MARKUP}" in after
            if card is not None and card.type == "cloze":
                assert "C [b]b[/b] logits[class]" in after and "H [b]x[/b]" in after
            if kind == "choice":
                assert "O [/nope]" in after and "W [@click=app.quit]w" in after
            if kind == "typed":
                assert "[/]" in after and "[b]x" in after
            if kind == "exercise":
                assert f"S {MARKUP}" in after
            await keys.press(pilot, "4")  # Easy: nothing comes back today
        assert sorted(seen) == ["choice", "exercise", "flashcard", "flashcard", "typed"]
        assert app.is_running  # no markup became app.quit
        await keys.press(pilot, "escape")

        # Browse: the titles in the table, the detail, and an exercise's preview (prompt,
        # parts, answers and worked solution).
        await keys.press(pilot, "b")
        assert isinstance(app.screen, BrowseScreen)
        browse = app.screen
        browse.query_one("#browse-text").value = "E [b]"
        await keys.settle(pilot)
        assert f"E {MARKUP}"[:20] in _screen_text(browse)
        detail = str(browse.query_one("#browse-info", Static).render())
        assert f"E {MARKUP}" in detail.replace("\n", " ")  # wrapped as prose, not as markup
        await keys.press(pilot, "v")
        assert isinstance(app.screen, PreviewScreen)
        preview = _screen_text(app.screen)
        for letter in "EPRS":
            assert f"{letter} {MARKUP}" in preview, letter
        await keys.press(pilot, "escape", "escape")

        # Statistics: the deck title in the mastery table.
        await keys.press(pilot, "s")
        assert isinstance(app.screen, StatsScreen)
        assert f"T {MARKUP}" in _screen_text(app.screen)
        await keys.press(pilot, "escape")

        # The command palette lists the deck by its title, literally.
        await keys.press(pilot, "ctrl+p", *"T [b]")
        assert app.is_running
        await keys.press(pilot, "escape")

        # Practice lists the decks by title.
        await keys.press(pilot, "p")
        options = app.screen.query_one("#practice-choices")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(f"T {MARKUP}" in p for p in prompts)
        assert app.is_running


def test_control_characters_in_a_card_are_shown_as_pictures() -> None:
    """A card that did not come through the validator (an import, say) may hold escape
    sequences; the panel shows them as visible stand-ins."""
    from gradeck.decks.model import Card, ReviewItem

    card = Card(id="c", type="basic", front="\x1b]0;PWNED\x07", back="\x9b2J", note="\x1b[2J")
    item = ReviewItem("d", "c", "", (), card=card)
    shown = study.Shown(item, "flashcard", "new", {}, card.front, card.back, note=card.note)
    panel = CardPanel(shown)
    assert panel._front().plain == printable(card.front) == "␛]0;PWNED␇"
    assert "\x1b" not in panel._back().plain and "\\x9b2J" in panel._back().plain
