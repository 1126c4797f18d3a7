"""Answers as the app shows them: a choice card's missed option apart from those picked, and
keys typed at the home screen before its decks are listed."""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable

from gradeck.tui.widgets.card_panel import CardPanel

from ..sample_decks import CHOICE_CARD


async def test_a_choice_card_marks_the_right_option_missed(home, make_app, keys) -> None:
    (home / "decks" / "pick.yaml").write_text(CHOICE_CARD, encoding="utf-8")
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


def test_browse_tells_cloze_siblings_apart() -> None:
    from gradeck.study import ItemInfo
    from gradeck.tui.screens.browse import item_title, item_width

    text = "The sigmoid squashes any number into {} so it suits a probability."
    titles = {
        "c1": text.format("(0, 1),").replace("sigmoid", "[...]"),
        "c2": text.format("[...]"),
    }
    shown = {}
    for sub, title in titles.items():
        info = ItemInfo(("d", "s", sub), "d", "s", sub, title, (), "new", None, None, False)
        shown[sub] = item_title(info, 24).plain
        assert len(shown[sub]) <= 24 and "[...]" in shown[sub]
    assert shown["c1"] == "The [...] squashes any …"
    assert shown["c2"].startswith("…") and shown["c1"] != shown["c2"]
    assert item_width(80) == 24 and item_width(160) == 72  # wider where there is room


async def test_ctrl_s_saves_a_screenshot_on_every_screen(make_app, keys, monkeypatch) -> None:
    """As the keys screen says: on every screen, in a text box too (Settings saves with
    Ctrl+O)."""
    app = make_app()
    saved: list[str] = []
    monkeypatch.setattr(app, "save_screenshot", lambda *a, **k: saved.append(app.screen.id))
    openers = {
        "home": [],
        "keys": ["question_mark"],
        "stats": ["escape", "s"],
        "browse": ["escape", "b"],
        "browse search": ["slash"],
        "settings": ["escape", "escape", "comma"],
        "practice": ["escape", "p"],
        "review": ["escape", "enter"],
    }
    seen = []
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        for name, steps in openers.items():
            await keys.press(pilot, *steps)
            seen.append(type(app.screen).__name__)
            before = len(saved)
            await keys.press(pilot, "ctrl+s")
            assert len(saved) == before + 1, (name, seen[-1])
    assert seen == [
        "HomeScreen",
        "HelpScreen",
        "StatsScreen",
        "BrowseScreen",
        "BrowseScreen",
        "SettingsScreen",
        "PracticeScreen",
        "ReviewScreen",
    ]


TAGGED = """format: 1
id: tagged
title: Tagged
cards:
  - {id: one, front: One?, back: One., tags: [circles]}
  - {id: two, front: Two?, back: Two., tags: [squares]}
  - {id: three, front: Three?, back: Three., tags: [circles]}
"""


async def test_study_by_tag_from_home(home, make_app, keys) -> None:
    from textual.widgets import OptionList

    from gradeck.tui.screens.review import ReviewScreen
    from gradeck.tui.screens.tags import TagScreen

    (home / "decks" / "tagged.yaml").write_text(TAGGED, encoding="utf-8")
    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "t")
        assert isinstance(app.screen, TagScreen)
        choices = app.screen.query_one(OptionList)
        tags = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert "squares" in tags and "circles" in tags
        choices.highlighted = tags.index("circles")
        await keys.press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.tag == "circles"
        # (Tags of this deck alone: a built-in quiz deck is tagged "shapes".)
        served = []
        for _ in range(5):  # bounded: a queue that never empties fails, not hangs
            if screen.shown is None:
                break
            served.append(screen.shown.key)
            await keys.press(pilot, "space", "4")
        assert sorted(served) == [("tagged", "one", ""), ("tagged", "three", "")]
        assert "#circles" in screen.sub_title


async def test_enter_after_fast_down_keys_studies_the_deck_they_reached(make_app, keys) -> None:
    from gradeck.tui.screens.review import ReviewScreen

    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        wanted = table.coordinate_to_cell_key((2, 0)).row_key.value
        for key in ("down", "down", "enter"):  # at once: Enter must not overtake the Downs
            app.post_message(events.Key(key, "\r" if key == "enter" else None))
        await keys.settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.deck_ids == (wanted,)
