"""Whole flows through the study app, driven by key presses with Textual's Pilot.

What the app saved is checked by opening the profile again through `gradeck.study`, as the next
launch would, not by looking at the screen.
"""

from __future__ import annotations

from pathlib import Path

from gradeck import study
from gradeck.exercises.check import check_part
from gradeck.exercises.render import format_value
from gradeck.tui.screens.exercise import ExerciseScreen
from gradeck.tui.screens.help import _rows
from gradeck.tui.screens.home import MAX_TITLE, HomeScreen
from gradeck.tui.screens.practice import PracticeScreen
from gradeck.tui.screens.review import ReviewScreen
from gradeck.tui.screens.settings import SettingsScreen
from gradeck.tui.widgets.card_panel import CardPanel
from gradeck.tui.widgets.exercise_panel import ExercisePanel

TWO_CARDS_LONG_TITLE = """format: 1
id: long
title: {title}
cards:
  - id: one
    front: One?
    back: One.
  - id: two
    front: Two?
    back: Two.
"""


def _history(home: Path, key: tuple[str, str, str]) -> list[dict]:
    with study.Profile.open(home) as profile:
        return profile.history(key)


def _info(home: Path, key: tuple[str, str, str]) -> study.ItemInfo:
    with study.Profile.open(home) as profile:
        return next(i for i in profile.browse() if i.key == key)


def _wrong_answer(part) -> str:
    """A number that is no known mistake and not close: far from the answer."""
    answer = "12345"
    assert check_part(part, answer).verdict == "wrong"
    return answer


async def test_home_lists_decks_with_counts(make_app, keys) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks")
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
        # Two new cards in "two": New 2, Learning 0, Due 0, Items 2.
        new, learning, due, total = (str(cell).strip() for cell in rows["Two cards"][1:])
        assert (new, learning, due, total) == ("2", "0", "0", "2")


async def test_study_a_deck_to_the_end(make_app, keys, home) -> None:
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        fronts = []
        for _ in range(2):
            panel = screen.query_one(CardPanel)
            fronts.append(panel.shown.question)
            await keys.press(pilot, "space")  # show the back
            assert panel.revealed
            await keys.press(pilot, "4")  # Easy: a new card graduates at once
        assert screen.shown is None and screen.session.remaining == 0
        assert "Done for now" in str(screen.query_one("#done").render())
        await keys.press(pilot, "enter")
        assert isinstance(app.screen, HomeScreen)
    assert sorted(fronts) == ["What does ReLU return for a negative input?", "What is an epoch?"]
    for card in ("relu", "epoch"):
        assert [row["rating"] for row in _history(home, ("two", card, ""))] == [4]
        assert _info(home, ("two", card, "")).state == "review"


async def test_exercise_wrong_then_hint_then_right(make_app, keys, home) -> None:
    app = make_app(study_deck="drill")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        panel = app.screen.query_one(ExercisePanel)
        part = panel.exercise.parts[0]
        await keys.answer(pilot, _wrong_answer(part))
        feedback = str(panel.query_one("#feedback-0").render())
        assert feedback.startswith("✗ wrong") and "1 more try" in feedback
        assert not panel.finished
        await keys.press(pilot, "h")
        assert panel.run.hints == 1
        assert "Hint 1" in str(panel.query_one("#hints").render())
        await keys.answer(pilot, format_value(part.expected))
        assert panel.finished
        assert str(panel.query_one("#feedback-0").render()).startswith("✓ right")
        # Right after a retry and a hint: Hard is suggested, and Enter accepts it.
        assert app.screen.suggested == 2
        await keys.press(pilot, "enter")
    log = _history(home, ("drill", "bias-step", ""))
    assert [(r["rating"], r["parts_right"], r["mode"]) for r in log] == [(2, "1", "scheduled")]


async def test_exercise_rating_can_be_changed(make_app, keys, home) -> None:
    app = make_app(study_deck="drill")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        panel = app.screen.query_one(ExercisePanel)
        await keys.answer(pilot, format_value(panel.exercise.parts[0].expected))
        assert app.screen.suggested == 3
        await keys.press(pilot, "4")  # the learner found it easy
    assert [r["rating"] for r in _history(home, ("drill", "bias-step", ""))] == [4]


async def test_undo_takes_back_the_last_answer(make_app, keys, home) -> None:
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        screen = app.screen
        first = screen.shown.key
        await keys.press(pilot, "space", "1")
        assert screen.shown.key != first
        await keys.press(pilot, "u")
        assert screen.shown.key == first
        assert screen.session.answered == 0
        assert not screen.query_one(CardPanel).revealed
    assert _history(home, first) == []
    assert _info(home, first).state == "new"


async def test_suspend_removes_the_item(make_app, keys, home) -> None:
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        screen = app.screen
        first = screen.shown.key
        await keys.press(pilot, "exclamation_mark")
        assert screen.shown.key != first
        assert screen.session.remaining == 1
    assert _info(home, first).suspended


async def test_interrupted_session_loses_nothing(make_app, keys, home) -> None:
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        first = app.screen.shown.key
        await keys.press(pilot, "space", "3")
        # The app is torn down here, half-way, without going home.
    assert [r["rating"] for r in _history(home, first)] == [3]
    again = make_app()
    async with again.run_test() as pilot:
        await keys.settle(pilot)
        table = again.screen.query_one("#decks")
        row = next(
            table.get_row_at(i)
            for i in range(table.row_count)
            if str(table.get_row_at(i)[0]) == "Two cards"
        )
        # One card left as new; the answered one is in its 10-minute learning step, not due yet.
        assert (str(row[1]).strip(), str(row[4]).strip()) == ("1", "2")


async def test_choice_and_typed_cards(make_app, keys, home) -> None:
    app = make_app(study_deck="mixed")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        screen = app.screen
        seen = set()
        while screen.shown is not None and screen.shown.kind not in seen:
            shown = screen.shown
            seen.add(shown.kind)
            if shown.kind == "choice":
                wrong = next(i for i, (_, ok) in enumerate(shown.options, 1) if not ok)
                await keys.press(pilot, str(wrong))
                assert screen.suggested == 1  # a wrong choice suggests Again
            elif shown.kind == "typed":
                await keys.answer(pilot, "cross entropy loss")  # a space for "-" would be right
                back = str(screen.query_one(CardPanel).query_one("#back").render())
                assert back.startswith("✗ wrong\nyours   cross␣entropy␣loss\nanswer  cross-entropy")
                assert screen.suggested == 1
            elif shown.kind == "exercise":
                await keys.press(pilot, "w")  # give up: the worked solution
                assert screen.suggested == 1
            else:
                await keys.press(pilot, "space")
                assert screen.rateable and screen.suggested is None  # the learner judges
                await keys.press(pilot, "3")
                continue
            await keys.press(pilot, "enter")
        assert seen == {"flashcard", "choice", "typed", "exercise"}


async def test_space_and_enter_rate_a_revealed_flashcard_good(make_app, keys, home) -> None:
    """As in Anki: Space shows the back, and Space (or Enter) again rates it Good."""
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        screen = app.screen
        first = screen.shown.key
        await keys.press(pilot, "space")
        assert screen.rateable and screen.suggested is None
        await keys.press(pilot, "space")
        second = screen.shown.key
        assert second != first
        await keys.press(pilot, "enter", "enter")
    assert [r["rating"] for r in _history(home, first)] == [3]
    assert [r["rating"] for r in _history(home, second)] == [3]


def _family_answers(home: Path, family: str) -> int:
    with study.Profile.open(home) as profile:
        row = profile.stats()["exercises"]["families"].get(family)
    return 0 if row is None else row["answers"]


async def test_practice_family_is_logged_as_practice(make_app, keys, home) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "p")
        assert isinstance(app.screen, PracticeScreen)
        choices = app.screen.query_one("#practice-choices")
        choices.highlighted = choices.get_option_index("family:update-rule")
        await keys.press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ExerciseScreen)
        seeds = []
        for n in (1, 2):
            panel = screen.query_one(ExercisePanel)
            seeds.append(screen.shown.seed)
            answers = [format_value(p.expected) for p in panel.exercise.parts]
            for answer in answers:
                await keys.answer(pilot, answer)
            assert (screen.count, screen.right) == (n, n)
            await keys.press(pilot, "n")
        assert screen.query_one(ExercisePanel).exercise.family == "update-rule"
        assert screen.shown.seed not in seeds
        # Undo takes the second answer back out of the log and shows that exercise again.
        await keys.press(pilot, "u")
        assert screen.shown.seed == seeds[1]
        assert (screen.count, screen.right) == (1, 1)
        assert not screen.query_one(ExercisePanel).finished
    assert _family_answers(home, "update-rule") == 1
    # Nothing scheduled: the decks' own update-rule items are still new, with no history.
    for key in (("drill", "bias-step", ""), ("mixed", "bias-step", "")):
        assert _info(home, key).state == "new" and _history(home, key) == []


async def test_practice_deck_logs_practice_only(make_app, keys, home) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        app.open_study(("two",), practice=True)
        await keys.settle(pilot)
        first = app.screen.shown.key
        await keys.press(pilot, "space", "3")
    assert [r["mode"] for r in _history(home, first)] == ["practice"]
    assert _info(home, first).state == "new"


async def test_settings_persist_after_restart(make_app, keys, home) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "comma")
        assert isinstance(app.screen, SettingsScreen)
        box = app.screen.query_one("#set-new_per_day")
        box.value = "5"
        app.screen.query_one("#set-theme").value = "nord"
        await keys.press(pilot, "ctrl+o")
        assert "Saved" in str(app.screen.query_one("#set-status").render())
        box.value = "many"
        await keys.press(pilot, "ctrl+o")
        assert "Not saved" in str(app.screen.query_one("#set-status").render())
    again = make_app()
    async with again.run_test() as pilot:
        await keys.settle(pilot)
        assert again.theme == "nord"
        await keys.press(pilot, "comma")
        assert again.screen.query_one("#set-new_per_day").value == "5"
    with study.Profile.open(home) as profile:
        assert profile.settings().new_per_day == 5


async def test_unknown_deck_exits_with_a_message(make_app, keys) -> None:
    app = make_app(study_deck="no-such-deck")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
    assert app.error is not None and "no-such-deck" in str(app.error)
    assert app.return_code == 1


async def test_the_mouse_reveals_and_rates(make_app, keys, home) -> None:
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        first = app.screen.shown.key
        await pilot.click(CardPanel)
        await keys.settle(pilot)
        assert app.screen.query_one(CardPanel).revealed
        line = str(app.screen.query_one("#rating").render())
        await pilot.click("#rating", offset=(line.index("Easy"), 0))
        await keys.settle(pilot)
    assert [r["rating"] for r in _history(home, first)] == [4]


async def test_browse_searches_suspends_and_previews(make_app, keys, home) -> None:
    from gradeck.tui.screens.browse import BrowseScreen, PreviewScreen

    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table, search = screen.query_one("#browse-table"), screen.query_one("#browse-text")
        await keys.press(pilot, "slash")
        assert search.has_focus
        await pilot.press(*"gradient step")
        await keys.settle(pilot)
        assert search.value == "gradient step"
        assert {i.item_id for i in screen.items.values()} == {"bias-step"}  # drill and mixed
        await keys.press(pilot, "enter")  # Enter leaves the box for the results
        assert table.has_focus
        await keys.press(pilot, "exclamation_mark")
        await keys.press(pilot, "v")
        assert isinstance(app.screen, PreviewScreen)
        assert app.screen.exercise.family == "update-rule"
        await keys.press(pilot, "escape")
        await keys.press(pilot, "slash", "escape")  # Esc leaves the box, not the screen
        assert app.screen is screen and table.has_focus
        assert search.value == "gradient step"
        await keys.press(pilot, "exclamation_mark")  # and back again
        await keys.press(pilot, "exclamation_mark")
        # A card has no variants: the preview says so and the screen stays.
        search.value = "epoch"
        await keys.settle(pilot)
        table.focus()
        await keys.press(pilot, "v")
        assert app.screen is screen
        assert any("not an exercise" in n.message for n in app._notifications)
    suspended = {
        key
        for key in (("drill", "bias-step", ""), ("mixed", "bias-step", ""))
        if _info(home, key).suspended
    }
    assert len(suspended) == 1


async def test_command_palette_opens_a_screen(make_app, keys) -> None:
    from gradeck.tui.screens.stats import StatsScreen

    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "ctrl+p")
        await pilot.press(*"statistics")
        await keys.settle(pilot)
        await keys.press(pilot, "enter")
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.query(".stats-block")


def test_home_opens_without_sympy(home) -> None:
    """The first screen must not wait for sympy (a fresh process, as a learner starts it)."""
    import subprocess
    import sys

    probe = (
        "import asyncio, sys\n"
        "from gradeck.tui.app import GradeckApp\n"
        "async def main():\n"
        f"    app = GradeckApp(data_dir={str(home)!r})\n"
        "    async with app.run_test() as pilot:\n"
        "        while not app.deck_titles:\n"
        "            await pilot.pause(0.01)\n"
        "    print(sorted(app.deck_titles), 'sympy' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "'two'" in done.stdout and done.stdout.strip().endswith("False")


async def test_ctrl_c_quits_and_keeps_what_was_answered(make_app, keys, home) -> None:
    app = make_app(study_deck="mixed")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        while app.screen.shown.kind != "typed":  # answer until a text box has the keys
            first = app.screen.shown
            await keys.press(pilot, {"exercise": "w", "choice": "1"}.get(first.kind, "space"))
            await keys.press(pilot, "4")  # Easy: it does not come back today
        assert app.screen.focused.id == "typed" and app.return_code is None
        await pilot.press("ctrl+c")
    assert app.return_code == 0 and app.error is None
    assert [r["rating"] for r in _history(home, first.key)] == [4]


async def test_keys_screen_names_the_quit_keys(make_app, keys) -> None:
    from gradeck.tui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        everywhere = dict(app.screen.sections)["Everywhere"]
        assert ("Ctrl+C, Ctrl+Q", "Quit") in _rows(everywhere)


LONG_TITLE = "Regularisation, normalisation and initialisation, in depth"


async def test_home_headline_counts_what_all_due_serves(make_app, keys, home) -> None:
    with study.Profile.open(home) as profile:
        profile.set_setting("new_per_day", "3")  # shared by all decks
    (home / "decks" / "long.yaml").write_text(
        TWO_CARDS_LONG_TITLE.format(title=LONG_TITLE), encoding="utf-8"
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await keys.settle(pilot)
        table = app.screen.query_one("#decks")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert sum(int(str(row[1])) for row in rows) > 3  # each deck's New is capped alone
        hint = str(app.screen.query_one("#home-hint").render())
        assert hint.startswith("3 items to study now")
        titles = [str(row[0]) for row in rows]
        assert LONG_TITLE not in titles
        cut = next(t for t in titles if t.startswith("Regularisation"))
        assert cut.endswith("…") and LONG_TITLE.startswith(cut[:-1]) and len(cut) == MAX_TITLE
        await keys.press(pilot, "a")
        assert app.screen.session.total == 3


async def test_footer_keys_fit_80_columns(make_app, keys) -> None:
    """Every key the footer shows is inside the screen, `?` among them, on each screen."""
    from textual.widgets._footer import FooterKey

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await keys.settle(pilot)
        screens = {"home": [], "review": ["a"], "exercise": ["escape", "p", "enter"]}
        for name, steps in screens.items():
            await keys.press(pilot, *steps)
            shown = {k.key: k.region for k in app.screen.query(FooterKey)}
            assert "question_mark" in shown, (name, app.screen, app.focused, shown)
            assert all(r.right <= 80 and r.width > 0 for r in shown.values()), name
        assert isinstance(app.screen, ExerciseScreen)


async def test_browse_reads_a_long_list_a_page_at_a_time(make_app, keys, home) -> None:
    from gradeck.tui.screens.browse import PAGE

    count = 2 * PAGE + 10
    cards = "".join(
        f"  - {{id: c{n}, front: Zyzzyva {n}, back: Answer {n}}}\n" for n in range(count)
    )
    (home / "decks" / "big.yaml").write_text(f"format: 1\nid: big\ntitle: Big\ncards:\n{cards}")
    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "b")
        screen = app.screen
        screen.query_one("#browse-text").value = "zyzzyva"
        await keys.settle(pilot)
        table = screen.query_one("#browse-table")
        table.focus()
        assert screen.total == count and len(screen.items) == PAGE
        assert screen.sub_title == f"Browse · {count} items"
        for held in (2 * PAGE, count, count):  # Ctrl+End: near the end, one more page
            await keys.press(pilot, "ctrl+end")
            assert len(screen.items) == table.row_count == held
        titles = [screen.items[k].title for k in list(screen.items)[-2:]]
        assert titles == [f"Zyzzyva {count - 2}", f"Zyzzyva {count - 1}"]


CLOZE_SIBLINGS = """format: 1
id: holes
title: Two holes
cards:
  - id: adam
    type: cloze
    text: "Adam keeps a {{c1::first moment}} and a {{c2::second moment}} of the gradient."
  - {id: other, front: What is an epoch?, back: One pass over the training set.}
"""


async def test_browse_shows_a_buried_item_and_its_sibling_as_buried(make_app, keys, home) -> None:
    """`-` in a review buries a cloze hole and its sibling: Browse says "buried" for both
    (not "new"), and the detail says until when; the other card is untouched."""
    from gradeck.tui.screens.browse import BrowseScreen

    (home / "decks" / "holes.yaml").write_text(CLOZE_SIBLINGS, encoding="utf-8")
    app = make_app(study_deck="holes")
    async with app.run_test(size=(120, 30)) as pilot:
        await keys.settle(pilot)
        assert app.screen.shown.item.item_id == "adam"
        await keys.press(pilot, "minus", "escape", "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        screen.query_one("#browse-text").value = "moment"
        await keys.settle(pilot)
        table = screen.query_one("#browse-table")
        states = {k: str(table.get_row(k)[1]) for k in screen.items if k.startswith("holes/")}
        assert states == {"holes/adam/c1": "buried", "holes/adam/c2": "buried"}
        table.move_cursor(row=table.get_row_index("holes/adam/c1"))
        await keys.settle(pilot)
        detail = str(screen.query_one("#browse-info").render())
        assert "state new  (buried until " in detail
        screen.query_one("#browse-text").value = "epoch"
        await keys.settle(pilot)
        assert [str(table.get_row(k)[1]) for k in screen.items if "holes" in k] == ["new"]
