"""What the study app needs besides the queue: previews of exercise variants, practice of one
exercise family, mastery per tag, and sessions that stay sound when the store holds items that
no loaded deck has."""

from __future__ import annotations

import pytest

from gradeck.errors import GradeckError
from gradeck.exercises import template
from gradeck.exercises.registry import FAMILIES
from gradeck.exercises.template import TemplateError, make_exercise
from gradeck.study import Profile

from .answers import drive, mistaken, right

ITERS = ("mini", "iters", "")


def test_a_preview_is_the_variant_of_its_seed_and_logs_nothing(profile: Profile) -> None:
    assert profile.preview(ITERS, seed=123) == make_exercise("training-iterations", 123, 1)
    fresh = profile.preview(ITERS)
    assert fresh.family == "training-iterations"
    assert profile.history(ITERS) == []


@pytest.mark.parametrize("key", [("mini", "bias", ""), ("mini", "nope", ""), ("other", "x", "")])
def test_a_preview_of_no_exercise_is_a_clear_error(profile: Profile, key) -> None:
    with pytest.raises(GradeckError, match="is not an exercise of a loaded deck"):
        profile.preview(key)


def test_a_template_that_fails_gives_a_clear_error(profile: Profile, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise TemplateError("'n' is drawn from an empty range")

    monkeypatch.setattr(template, "make_exercise", broken)
    with pytest.raises(GradeckError) as caught:
        profile.preview(ITERS, seed=5)
    assert str(caught.value) == (
        "cannot make exercise mini/iters with seed 5: 'n' is drawn from an empty range"
    )


def _figures(profile: Profile, deck_id: str | None = None) -> dict:
    return profile.stats(deck_id)["exercises"]


def test_family_practice_is_logged_as_practice_and_counted_per_family(profile: Profile) -> None:
    before = profile.stats()
    overview = profile.deck_overview()
    session = profile.family_session("training-iterations", difficulty=2)
    shown = session.next()
    assert session.next() is shown  # the same variant until it is answered
    assert shown.exercise == make_exercise("training-iterations", shown.seed, 2)
    assert shown.intervals == {}
    a, b, *rest = shown.exercise.parts
    twice = mistaken(b, "no-ceiling")
    wrong = drive(shown.exercise, right(a), twice, twice, *map(right, rest))
    answered = session.answer(shown, 1, duration_ms=3000, outcome=wrong)
    assert (answered.due, answered.interval) == (None, "")
    second = session.next()
    assert second is not shown and second.seed is not None
    session.answer(second, 3, outcome=drive(second.exercise, *map(right, second.exercise.parts)))

    stats = profile.stats()
    assert stats["exercises"]["families"]["training-iterations"] == {
        "answers": 2,
        "right_first_try": 1,
        "accuracy": 0.5,
    }
    assert stats["exercises"]["mistakes"] == [  # both tries
        {"family": "training-iterations", "mistake": "no-ceiling", "count": 2}
    ]
    assert stats["practice_total"] == 2 and stats["time_spent_s"] == 3
    # No deck, queue or daily count sees family practice.
    assert (stats["states"], stats["decks"]) == (before["states"], before["decks"])
    assert stats["today"] == before["today"] and profile.deck_overview() == overview
    assert _figures(profile, "mini")["families"] == {}

    assert session.undo() is second and session.answered == 1
    assert _figures(profile)["families"]["training-iterations"]["answers"] == 1
    assert session.next() is second  # shown again as it was


def test_family_practice_without_a_difficulty_uses_the_familys_levels(profile: Profile) -> None:
    session = profile.family_session("dense-param-count")
    levels = set()
    for _ in range(12):
        shown = session.next()
        ex = shown.item.exercise
        assert shown.exercise == make_exercise(ex.family, shown.seed, ex.difficulty)
        levels.add(ex.difficulty)
        session.answer(shown, 3)
    assert levels <= set(FAMILIES["dense-param-count"].difficulties)


def test_family_practice_of_an_unknown_family_or_level_is_refused(profile: Profile) -> None:
    with pytest.raises(GradeckError) as caught:
        profile.family_session("training-iteration")
    assert str(caught.value) == (
        "no exercise family 'training-iteration'; did you mean 'training-iterations'? "
        "(see `gradeck families`)"
    )
    with pytest.raises(GradeckError, match="training-iterations has difficulties 1, 2, not 3"):
        profile.family_session("training-iterations", difficulty=3)


def test_mastery_per_tag(profile: Profile) -> None:
    tags = profile.stats("mini")["tags"]
    assert sorted(tags) == ["demo", "training"]
    assert (tags["demo"]["total"], tags["demo"]["new"]) == (9, 9)
    session = profile.session(tag="training")
    assert [session.next().item.item_id] == ["epoch"] and session.total == 1
    session.answer(session.next(), 3)  # Good on a new card: its 10-minute learning step
    stats = profile.stats("mini")
    training = stats["tags"]["training"]
    assert (training["total"], training["new"], training["learning"], training["due"]) == (
        1,
        0,
        1,
        1,
    )
    assert training["mean_retrievability"] == 1.0  # answered just now
    # The deck carries "demo", so the tag covers the deck's items exactly.
    deck = {k: v for k, v in stats["decks"]["mini"].items() if k != "title"}
    assert stats["tags"]["demo"] == deck


def test_a_tag_no_item_carries_is_an_error(profile: Profile) -> None:
    with pytest.raises(GradeckError, match=r"^no items are tagged 'demos'; did you mean 'demo'"):
        profile.session(tag="demos")
    assert profile.session(tag="demo").total == 7  # a deck tag: the deck's whole first queue


def test_items_no_loaded_deck_has_are_left_out_of_sessions(profile: Profile) -> None:
    """Another gradeck, with other decks, may have added items (matching the store with its
    own deck file); they are not ours to show, nor to count."""
    before = profile.session(["mini"]).total
    ours = profile.library.keys("mini")
    theirs = [*ours, ("x", "", ""), ("bias", "reverse", "")]
    profile.store.sync([("mini", "another deck file")], lambda _deck: theirs)
    assert profile.session(["mini"]).total == before
    for practice in (False, True):
        session = profile.session(["mini"], practice=practice)
        keys = []
        while (shown := session.next()) is not None:
            keys.append(shown.key)
            session.answer(shown, 4)
        assert ("mini", "x", "") not in keys and ("mini", "bias", "reverse") not in keys
        assert ("mini", "bias", "") in keys
