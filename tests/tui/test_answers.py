"""Answers as the app shows them: a choice card's missed option apart from those picked, and
keys typed at the home screen before its decks are listed."""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable

from gradeck.tui.widgets.card_panel import CardPanel

CHOICE = """format: 1
id: pick
title: Pick
cards:
  - id: optimizers
    type: choice
    question: Which of these are optimizers?
    correct: [Adam, RMSprop]
    wrong: [ReLU, Dropout]
"""


async def test_a_choice_card_marks_the_right_option_missed(home, make_app, keys) -> None:
    (home / "decks" / "pick.yaml").write_text(CHOICE, encoding="utf-8")
    app = make_app(study_deck="pick")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        card = app.screen.query_one(CardPanel)
        names = [option for option, _ok in card.shown.options]
        adam, relu = names.index("Adam") + 1, names.index("ReLU") + 1
        await keys.press(pilot, str(adam), str(relu), "enter")
        assert card.revealed and app.screen.suggested == 1
        shown = card._options().plain.splitlines()
        lines = {line.split(". ", 1)[1].split("  (")[0]: line for line in shown}
        assert lines["Adam"].startswith(" ✓ ") and "(" not in lines["Adam"]
        assert lines["RMSprop"].startswith(" ○ ") and lines["RMSprop"].endswith("(missed)")
        assert lines["ReLU"].startswith(" ✗ ") and lines["ReLU"].endswith("(wrong)")
        assert lines["Dropout"].startswith("   ") and "(" not in lines["Dropout"]
        spans = {str(s.style) for s in card._options().spans}
        assert {"bold green", "bold yellow", "bold red", "dim"} <= spans


async def test_down_keys_typed_as_the_app_opens_move_the_cursor(make_app, keys) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        # At once, before the decks have been read: they wait for the list.
        for _ in range(2):
            app.post_message(events.Key("down", None))
        await keys.settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        assert table.row_count > 2 and table.cursor_row == 2
