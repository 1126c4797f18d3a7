"""Keys as a daily Anki user types them: none lost however fast, undo of a suspend and of a
bury, the screen that says why nothing is left (and offers more), and the summary."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.widgets import Input

from gradeck import study
from gradeck.exercises.render import format_value
from gradeck.tui.screens.home import HomeScreen
from gradeck.tui.screens.review import ReviewScreen
from gradeck.tui.widgets.exercise_panel import ExercisePanel

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # the apps' clock (conftest.py)

TWENTY = "format: 1\nid: twenty\ntitle: Twenty cards\ncards:\n" + "".join(
    f"  - {{id: c{n:02d}, front: Front {n}?, back: Back {n}.}}\n" for n in range(20)
)


def _answers(home: Path, deck: str) -> list[int]:
    with study.Profile.open(home) as profile:
        return [
            r["rating"]
            for info in profile.browse()
            if info.deck_id == deck
            for r in profile.history(info.key)
        ]


def _done_text(app) -> str:
    return str(app.screen.query_one("#done").render())


async def test_twenty_space_3_without_pauses_save_twenty_answers(home, make_app, keys) -> None:
    (home / "decks" / "twenty.yaml").write_text(TWENTY, encoding="utf-8")
    with study.Profile.open(home) as profile:
        profile.set_setting("new_per_deck", "20")
        profile.set_setting("new_per_day", "20")
    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        app.open_study(("twenty",))
        # Every key at once, before the first card is even drawn: none may be lost.
        for _ in range(20):
            for key, char in (("space", " "), ("3", "3")):
                app.post_message(events.Key(key, char))
        for _ in range(40):
            await keys.settle(pilot)
            if app.screen.shown is None and not app.screen.busy:
                break
        assert app.screen.session.answered == 20
    assert _answers(home, "twenty") == [3] * 20


async def test_undo_takes_back_a_suspend_and_a_bury(home, make_app, keys) -> None:
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        screen = app.screen
        first = screen.shown.key
        await keys.press(pilot, "exclamation_mark")
        assert screen.shown.key != first
        await keys.press(pilot, "u")
        assert screen.shown.key == first
        await keys.press(pilot, "minus")
        assert screen.shown.key != first
        with study.Profile.open(home, now=lambda: NOW) as profile:
            assert first not in [s.key for s in [profile.session(("two",)).next()]]
        await keys.press(pilot, "ctrl+z")
        assert screen.shown.key == first and screen.session.total == 2
    with study.Profile.open(home) as profile:
        info = next(i for i in profile.browse() if i.key == first)
        assert not info.suspended
        assert profile.session(("two",)).next().key == first  # not buried any more


async def test_nothing_to_serve_new_limit_then_study_more(home, make_app, keys) -> None:
    with study.Profile.open(home) as profile:
        profile.set_setting("new_per_deck", "1")
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "space", "4")  # the one new card allowed: Easy
        text = _done_text(app)
        assert "Today's limit of new items is reached." in text
        assert "study 1 more new item today" in text
        assert "1 answered (1 item)" in text and "1 of 1 right at the first try" in text
        await keys.press(pilot, "m")
        assert isinstance(app.screen, ReviewScreen) and app.screen.shown is not None
        await keys.press(pilot, "space", "4")
        assert "Nothing is due now." in _done_text(app)
        await keys.press(pilot, "p")  # practise: every item again, nothing rescheduled
        assert app.screen.practice and app.screen.session.total == 2
        await keys.press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)


async def test_nothing_to_serve_says_when_learning_comes_back(home, make_app, keys) -> None:
    with study.Profile.open(home) as profile:
        profile.set_setting("learning_steps", "45m")
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "space", "1", "space", "4")  # Again: back in 45 minutes
        text = _done_text(app)
        assert "The next learning item comes back in 45 minutes." in text
        assert "2 answered (2 items)" in text and "1 of 2 right at the first try" in text
        assert "due tomorrow: 1" in text
        await keys.press(pilot, "q")
        assert isinstance(app.screen, HomeScreen)


async def test_opening_a_deck_with_nothing_due_says_so(home, make_app, keys) -> None:
    app = make_app(study_deck="two")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        await keys.press(pilot, "space", "4", "space", "4", "escape")
        app.open_study(("two",))
        await keys.settle(pilot)
        text = _done_text(app)
        assert text.startswith("Nothing to study here now.") and "Nothing is due now." in text
        assert "more new" not in text


THREE_PARTS = """format: 1
id: three
title: Three parts
exercises:
  - id: mha
    family: mha-param-count
    difficulty: 1
    title: Parameters of attention
"""


def _burst(app, text: str) -> None:
    """Every character of `text` at once, as a fast typist's keys arrive ("\\r" is Enter)."""
    for char in text:
        key = {"\r": "enter", "!": "exclamation_mark", " ": "space"}.get(char, char)
        app.post_message(events.Key(key, char))


def _three_part_exercise(home, make_app):
    (home / "decks" / "three.yaml").write_text(THREE_PARTS, encoding="utf-8")
    return make_app(study_deck="three")


async def test_three_answers_typed_without_pauses_land_in_their_own_parts(
    home, make_app, keys
) -> None:
    """`a⏎b⏎c⏎` then Enter for the suggested rating, as one burst: each answer in its part."""
    app = _three_part_exercise(home, make_app)
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        panel = app.screen.query_one(ExercisePanel)
        answers = [format_value(part.expected) for part in panel.exercise.parts]
        assert len(answers) == 3 and len(set(answers)) == 3
        _burst(app, "".join(a + "\r" for a in answers) + "\r")
        for _ in range(10):
            await keys.settle(pilot)
        assert [(a.part, a.text, a.verdict) for a in panel.run.attempts] == [
            (i, answer, "right") for i, answer in enumerate(answers)
        ]
    assert _answers(home, "three") == [3]  # the last Enter took the suggested Good


async def test_wrong_answers_typed_fast_are_tried_in_turn(home, make_app, keys) -> None:
    """`11⏎22⏎33⏎` at once: two tries of the first part, then the first try of the second
    (each wrong answer is kept, selected, and the next one typed replaces it)."""
    app = _three_part_exercise(home, make_app)
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        panel = app.screen.query_one(ExercisePanel)
        _burst(app, "11\r22\r33\r")
        for _ in range(5):
            await keys.settle(pilot)
        assert [(a.part, a.text, a.verdict) for a in panel.run.attempts] == [
            (0, "11", "wrong"),
            (0, "22", "wrong"),
            (1, "33", "wrong"),
        ]
        box = panel.query_one("#answer-1", Input)
        assert box.value == "33" and box.selected_text == "33"  # kept, selected


async def test_a_wrong_answer_stays_and_a_second_enter_spends_no_try(home, make_app, keys) -> None:
    app = make_app(study_deck="drill")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        panel = app.screen.query_one(ExercisePanel)
        box = panel.query_one("#answer-0", Input)
        await keys.answer(pilot, "12345")
        assert box.value == "12345" and box.selected_text == "12345"
        await keys.press(pilot, "enter", "enter")  # Enter again, twice: nothing is spent
        assert len(panel.run.attempts) == 1 and panel.run.tries_left == 1
        assert not panel.finished
        await keys.press(pilot, "h")  # the kept answer is selected: h still asks a hint
        assert panel.run.hints == 1 and box.value == "12345"
        await keys.press(pilot, "exclamation_mark")  # typed, replacing the answer: not a give-up
        assert box.value == "!" and not panel.finished
        await keys.press(pilot, "ctrl+g")  # the give-up key, whatever the box holds
        assert panel.finished and panel.run.outcome().endings == ("given_up",)
        assert app.screen.suggested == 1


TYPED = """format: 1
id: typed
title: One typed card
cards:
  - id: loss
    type: typed
    question: Which loss goes with logits for multi-class classification?
    answer: cross-entropy
"""


async def test_a_rating_typed_right_after_a_typed_answer_rates_it(home, make_app, keys) -> None:
    (home / "decks" / "typed.yaml").write_text(TYPED, encoding="utf-8")
    app = make_app(study_deck="typed")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        _burst(app, "cross-entropy\r4")
        for _ in range(5):
            await keys.settle(pilot)
        assert app.screen.shown is None  # answered and rated: nothing left
    assert _answers(home, "typed") == [4]


async def test_backspace_and_ctrl_g_in_a_burst_apply_in_the_order_typed(
    home, make_app, keys
) -> None:
    """Editing keys (bindings of the box) and letters (typed by it) keep their order in a
    burst: `99⌫⌫` then the first answer and Enter checks the first answer alone; Ctrl+G then
    gives the second part up, and the third answer typed at once lands in the third part."""
    app = _three_part_exercise(home, make_app)
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        panel = app.screen.query_one(ExercisePanel)
        first, _, third = (format_value(part.expected) for part in panel.exercise.parts)
        for key, char in [
            ("9", "9"),
            ("9", "9"),
            ("backspace", None),
            ("backspace", None),
            *((c, c) for c in first),
            ("enter", "\r"),
            ("ctrl+g", None),
            *((c, c) for c in third),
            ("enter", "\r"),
        ]:
            app.post_message(events.Key(key, char))
        for _ in range(10):
            await keys.settle(pilot)
        assert [(a.part, a.text, a.verdict) for a in panel.run.attempts] == [
            (0, first, "right"),
            (1, "", "given_up"),
            (2, third, "right"),
        ]


def _card_then(box: str) -> str:
    return (
        "format: 1\nid: boxes\ntitle: A card, then a box\ncards:\n"
        "  - {id: plain, front: What is an epoch?, back: One pass over the training set.}\n" + box
    )


TYPED_CARD = """  - id: loss
    type: typed
    question: Which loss goes with logits for multi-class classification?
    answer: cross-entropy
"""
EXERCISE = "exercises:\n  - {id: step, family: update-rule, difficulty: 1, title: A step}\n"


async def _rate_the_card_then_undo(home, make_app, keys, box: str, kind: str, *typed: str):
    (home / "decks" / "boxes.yaml").write_text(_card_then(box), encoding="utf-8")
    app = make_app(study_deck="boxes")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        screen = app.screen
        card = screen.shown.key
        assert screen.shown.kind == "flashcard"
        await keys.press(pilot, "space", "3")
        shown = screen.shown
        assert ("exercise" if shown.exercise is not None else shown.kind) == kind
        assert isinstance(app.focused, Input)
        await keys.press(pilot, *typed)
        assert screen.shown.key == card and screen.session.answered == 0  # taken back
    assert _answers(home, "boxes") == []


async def test_u_in_an_empty_exercise_box_undoes_the_last_rating(home, make_app, keys) -> None:
    await _rate_the_card_then_undo(home, make_app, keys, EXERCISE, "exercise", "u")


async def test_ctrl_z_in_a_typed_card_box_undoes_even_with_text(home, make_app, keys) -> None:
    await _rate_the_card_then_undo(
        home, make_app, keys, TYPED_CARD, "typed", "c", "r", "o", "ctrl+z"
    )


async def test_a_burst_of_ratings_is_not_typed_into_a_box_that_comes_up(
    home, make_app, keys
) -> None:
    """`Space 3` three times, all at once: the flashcard is rated, and the keys left over
    (pressed before the typed card could be seen) are not typed into its box."""
    (home / "decks" / "boxes.yaml").write_text(_card_then(TYPED_CARD), encoding="utf-8")
    app = make_app(study_deck="boxes")
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        _burst(app, " 3 3 3")
        for _ in range(5):
            await keys.settle(pilot)
        assert app.screen.shown.kind == "typed" and app.screen.session.answered == 1
        assert app.screen.query_one("#typed", Input).value == ""
        said = [n.message for n in app._notifications]
        assert "4 keys pressed before this item appeared were not typed into it." in said
        await keys.answer(pilot, "cross-entropy")  # the box works as ever afterwards
        await keys.press(pilot, "3")
    assert _answers(home, "boxes") == [3, 3]


async def test_the_ratings_stay_in_sight_under_a_long_exercise_at_80x24(
    home, make_app, keys
) -> None:
    """Given up part by part, an exercise with its worked solution is taller than 24 lines:
    the rating row is still on screen (docked at the foot of the item), above the footer."""
    (home / "decks" / "long.yaml").write_text(
        "format: 1\nid: long\ntitle: Long\nexercises:\n"
        "  - {id: bp, family: neuron-backprop, difficulty: 1, title: Backprop}\n",
        encoding="utf-8",
    )
    app = make_app(study_deck="long")
    async with app.run_test(size=(80, 24)) as pilot:
        await keys.settle(pilot)
        panel = app.screen.query_one(ExercisePanel)
        for _ in panel.exercise.parts:
            await keys.press(pilot, "ctrl+g")
        assert panel.finished
        body = app.screen.query_one("#review-body")
        assert body.virtual_size.height > body.size.height  # the item does not fit
        rating = app.screen.query_one("#rating")
        footer = app.screen.query_one("Footer")
        assert rating.display and rating.region.height == 1
        assert body.region.contains_region(rating.region)
        assert rating.region.bottom <= footer.region.y


async def test_keys_pressed_while_practice_draws_the_next_exercise_are_not_typed_into_it(
    make_app, keys, monkeypatch
) -> None:
    """`n`, then `4 2` while the next exercise is being drawn: the digits were pressed before
    it could be read, so its box starts empty, as in review, and the app says so."""
    import time

    app = make_app()
    async with app.run_test() as pilot:
        await keys.settle(pilot)
        app.practise_family("update-rule")
        await keys.settle(pilot)
        screen = app.screen
        first = screen.shown.seed
        for part in screen.query_one(ExercisePanel).exercise.parts:
            await keys.answer(pilot, format_value(part.expected))
        drawn = screen.session.next

        def slow_next():  # a draw that takes a moment, on the study thread
            time.sleep(0.3)
            return drawn()

        monkeypatch.setattr(screen.session, "next", slow_next)
        _burst(app, "n")
        for _ in range(20):  # until the drawing has begun
            if screen.busy:
                break
            await pilot.pause(0.01)
        assert screen.busy
        _burst(app, "42")
        for _ in range(5):
            await keys.settle(pilot)
        assert screen.shown.seed != first  # the next exercise is up
        assert all(box.value == "" for box in screen.query(Input))
        said = [n.message for n in app._notifications]
        assert "2 keys pressed before this item appeared were not typed into it." in said
