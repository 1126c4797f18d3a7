"""Pictures of every screen at 80x24, compared with the accepted ones in __snapshots__/.

Deterministic by construction: a fixed seed (so the same variants and option orders), a fixed
clock (so the same dates and heatmap), fuzz off (so the same intervals) and a fresh profile.
After a deliberate change of look, run `pytest tests/tui --snapshot-update` and look at the
new pictures before committing them.
"""

from __future__ import annotations

import types
from collections.abc import Awaitable, Callable, Sequence

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from gradeck import study
from gradeck.tui.app import GradeckApp

SIZE = (80, 24)


@pytest.fixture
def snap_app(home, make_app, monkeypatch) -> Callable[..., GradeckApp]:
    """Only the test decks and three families, so that pictures do not change when the
    built-in decks or the family catalogue grow."""
    from gradeck.decks import library
    from gradeck.exercises.registry import FAMILIES
    from gradeck.tui import commands
    from gradeck.tui.screens import practice, review

    monkeypatch.setattr(library, "builtin_files", lambda: [])
    # Time spent (in the summary) must not depend on how fast the test ran.
    monkeypatch.setattr(review, "time", types.SimpleNamespace(monotonic=lambda: 0.0))
    few = {name: FAMILIES[name] for name in ("update-rule", "activation-derivative", "adam")}
    monkeypatch.setattr(practice, "FAMILIES", few)
    monkeypatch.setattr(commands, "FAMILIES", few)
    with study.Profile.open(home) as profile:
        profile.set_setting("fuzz", "off")
    return make_app


def _steady(run: Callable[[Pilot], Awaitable[None]]) -> Callable[[Pilot], Awaitable[None]]:
    """After `run`, stop text cursors blinking, so the picture does not depend on timing."""

    async def steady(pilot: Pilot) -> None:
        await run(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return steady


def _steps(keys, steps: Sequence[str]) -> Callable[[Pilot], Awaitable[None]]:
    """Key presses, each waited for; "=text" types text and presses Enter."""

    @_steady
    async def run(pilot: Pilot) -> None:
        await keys.settle(pilot)
        for step in steps:
            if step.startswith("="):
                await keys.answer(pilot, step[1:])
            else:
                await keys.press(pilot, step)

    return run


def _expected(app: GradeckApp) -> str:
    from gradeck.exercises.render import format_value

    return format_value(app.screen.query_one("ExercisePanel").exercise.parts[0].expected)


def test_home(snap_compare, snap_app, keys) -> None:
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=_steps(keys, []))


def test_review_front(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="two")
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps(keys, []))


def test_review_revealed(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="two")
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps(keys, ["space"]))


def test_review_cloze_choice_typed(snap_compare, snap_app, keys) -> None:
    """The mixed deck, answered until its typed card shows what differs."""
    app = snap_app(study_deck="mixed")

    @_steady
    async def run(pilot: Pilot) -> None:
        await keys.settle(pilot)
        while app.screen.shown is not None and app.screen.shown.kind != "typed":
            kind = app.screen.shown.kind
            await keys.press(pilot, {"exercise": "w", "choice": "3"}.get(kind, "space"))
            await keys.press(pilot, "3")  # Good: each comes back in minutes, not now
        await keys.answer(pilot, "cross entropy loss")  # still wrong: "-" may be a space

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_exercise(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="drill")
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps(keys, []))


def test_exercise_wrong_and_hint(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="drill")
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps(keys, ["=12345", "h"]))


def test_exercise_right_with_rating(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="drill")

    @_steady
    async def run(pilot: Pilot) -> None:
        await keys.settle(pilot)
        await keys.answer(pilot, _expected(app))

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_exercise_solution(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="drill")
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps(keys, ["w"]))


def test_session_done(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="two")
    steps = ["space", "4", "space", "4"]
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps(keys, steps))


def test_practice(snap_compare, snap_app, keys) -> None:
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=_steps(keys, ["p"]))


def test_practice_family(snap_compare, snap_app, keys) -> None:
    app = snap_app()

    @_steady
    async def run(pilot: Pilot) -> None:
        await keys.settle(pilot)
        app.practise_family("activation-derivative")
        await keys.settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_stats(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="two")
    steps = ["space", "3", "space", "1", "escape", "s"]
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps(keys, steps))


def test_browse(snap_compare, snap_app, keys) -> None:
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=_steps(keys, ["b"]))


def test_browse_searching(snap_compare, snap_app, keys) -> None:
    """The search box has the keys: it is marked, the table is not, and the footer drops the
    keys that would be typed."""
    steps = ["b", "slash", "e", "p"]
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=_steps(keys, steps))


def test_exercise_unreadable(snap_compare, snap_app, keys) -> None:
    app = snap_app(study_deck="drill")
    assert snap_compare(app, terminal_size=SIZE, run_before=_steps(keys, ["=2*(3+*4)"]))


def test_settings(snap_compare, snap_app, keys) -> None:
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=_steps(keys, ["comma"]))


def test_help(snap_compare, snap_app, keys) -> None:
    steps = ["question_mark"]
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=_steps(keys, steps))


def test_command_palette(snap_compare, snap_app, keys) -> None:
    steps = ["ctrl+p", "s", "t", "a"]
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=_steps(keys, steps))


@pytest.mark.parametrize("size", [SIZE, (160, 50)])
def test_summary_and_why_nothing_is_left(snap_compare, snap_app, keys, home, size) -> None:
    """The end of a session: the summary, why nothing is left, and what can be done."""
    with study.Profile.open(home) as profile:
        profile.set_setting("new_per_deck", "1")
    app = snap_app(study_deck="two")
    assert snap_compare(app, terminal_size=size, run_before=_steps(keys, ["space", "4"]))


@pytest.mark.parametrize("size", [SIZE, (160, 50)])
def test_review_revealed_sizes(snap_compare, snap_app, keys, size) -> None:
    """The rating bar sits under the card, not at the bottom of a tall terminal."""
    app = snap_app(study_deck="two")
    assert snap_compare(app, terminal_size=size, run_before=_steps(keys, ["space"]))


@pytest.mark.parametrize("size", [SIZE, (160, 50)])
def test_home_sizes(snap_compare, snap_app, keys, size) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=_steps(keys, []))


@pytest.mark.parametrize("size", [SIZE, (160, 50)])
def test_stats_simulator(snap_compare, snap_app, keys, size) -> None:
    """The simulator panel of the Statistics screen, once computed, scrolled to with `m`."""
    app = snap_app(study_deck="two")
    steps = ["space", "3", "escape", "s", "m"]
    assert snap_compare(app, terminal_size=size, run_before=_steps(keys, steps))


BOTH = pytest.mark.parametrize("size", [SIZE, (160, 50)])


@BOTH
def test_exercise_wrong_answer_kept(snap_compare, snap_app, keys, size) -> None:
    """A wrong answer stays in its box, selected; Ctrl+G (give up) is in the footer."""
    app = snap_app(study_deck="drill")
    assert snap_compare(app, terminal_size=size, run_before=_steps(keys, ["=12345"]))


@BOTH
def test_choice_card_with_a_missed_option(snap_compare, snap_app, keys, size) -> None:
    """A wrong option picked (✗) and the right one missed (○), apart."""
    app = snap_app(study_deck="mixed")

    @_steady
    async def run(pilot: Pilot) -> None:
        await keys.settle(pilot)
        while app.screen.shown.kind != "choice":
            await keys.press(
                pilot, {"exercise": "w", "typed": "enter"}.get(app.screen.shown.kind, "space")
            )
            await keys.press(pilot, "3")
        wrong = next(i for i, (_, ok) in enumerate(app.screen.shown.options, 1) if not ok)
        await keys.press(pilot, str(wrong))

    assert snap_compare(app, terminal_size=size, run_before=run)


@BOTH
def test_tags(snap_compare, snap_app, keys, home, size) -> None:
    (home / "decks" / "tagged.yaml").write_text(
        "format: 1\nid: tagged\ntitle: Tagged\ntags: [basics]\ncards:\n"
        "  - {id: one, front: One?, back: One., tags: [shapes]}\n",
        encoding="utf-8",
    )
    assert snap_compare(snap_app(), terminal_size=size, run_before=_steps(keys, ["t"]))


@BOTH
def test_browse_cloze_siblings(snap_compare, snap_app, keys, home, size) -> None:
    (home / "decks" / "holes.yaml").write_text(
        "format: 1\nid: holes\ntitle: Holes\ncards:\n  - id: tanh\n    type: cloze\n"
        '    text: "The slope of {{c1::tanh}} at z is {{c2::1 − tanh²(z)}}, at most 1."\n',
        encoding="utf-8",
    )
    steps = ["b", "slash", "s", "l", "o", "p", "e", "enter"]
    assert snap_compare(snap_app(), terminal_size=size, run_before=_steps(keys, steps))


@BOTH
def test_settings_sizes(snap_compare, snap_app, keys, size) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=_steps(keys, ["comma"]))


@BOTH
def test_help_sizes(snap_compare, snap_app, keys, size) -> None:
    steps = ["question_mark"]
    assert snap_compare(snap_app(), terminal_size=size, run_before=_steps(keys, steps))


@BOTH
def test_long_exercise_given_up_with_the_ratings_in_sight(
    snap_compare, snap_app, keys, home, size
) -> None:
    """Every part given up: the worked solution makes the item taller than 80x24, and the
    rating row is docked under it, in sight; at 160x50 it follows the item."""
    (home / "decks" / "long.yaml").write_text(
        "format: 1\nid: long\ntitle: Long\nexercises:\n"
        "  - {id: bp, family: neuron-backprop, difficulty: 1, title: Backprop}\n",
        encoding="utf-8",
    )
    app = snap_app(study_deck="long")
    assert snap_compare(app, terminal_size=size, run_before=_steps(keys, ["ctrl+g"] * 3))


@BOTH
def test_choice_part_options_light_up_as_typed(snap_compare, snap_app, keys, home, size) -> None:
    from .test_parity_choice import DECK

    (home / "decks" / "parity.yaml").write_text(DECK, encoding="utf-8")
    app = snap_app(study_deck="parity")
    assert snap_compare(app, terminal_size=size, run_before=_steps(keys, ["1", "space", "3"]))


@BOTH
def test_flashcard_with_a_formula_wraps_as_prose(snap_compare, snap_app, keys, home, size) -> None:
    (home / "decks" / "f.yaml").write_text(
        "format: 1\nid: f\ntitle: Formulas\ncards:\n  - id: tanh\n"
        '    front: "What is the derivative of the hyperbolic tangent, written with the '
        'function itself, abc 1 − tanh²(z)?"\n'
        "    back: \"It is 1 − tanh²(z), largest at zero, where it equals one; the sigmoid's "
        'is σ(z)(1 − σ(z)), a quarter at most, and that is why deep sigmoid nets fade."\n',
        encoding="utf-8",
    )
    app = snap_app(study_deck="f")
    assert snap_compare(app, terminal_size=size, run_before=_steps(keys, ["space"]))
