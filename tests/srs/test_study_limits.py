"""Per-deck new limits under an overall cap, burying, why a session serves nothing, and the
summary of a sitting: all in `gradeck.study`, the same for both front ends."""

from __future__ import annotations

import random
from datetime import UTC
from pathlib import Path

from gradeck.study import Profile

from .answers import drive, mistaken, right

SECOND = """format: 1
id: second
title: Second deck
cards:
  - {id: a, front: A?, back: A.}
  - {id: b, front: B?, back: B.}
  - {id: c, front: C?, back: C.}
"""


def _keys(session) -> list[tuple[str, str, str]]:
    out = []
    while (shown := session.next()) is not None:
        out.append(shown.key)
        session.answer(shown, 4, duration_ms=1500)  # Easy: nothing comes back today
    return out


def _two_decks(home: Path, clock) -> Profile:
    (home / "decks" / "second.yaml").write_text(SECOND, encoding="utf-8")
    return Profile.open(home, ["mini", "second"], now=clock, tz=UTC, rng=random.Random(7))


def test_new_items_are_limited_per_deck_and_in_all(home: Path, clock) -> None:
    with _two_decks(home, clock) as profile:
        profile.set_setting("new_per_deck", "2")
        profile.set_setting("new_per_day", "3")
        counts = {d.deck_id: d.new for d in profile.deck_overview()}
        counts = {d: counts[d] for d in ("mini", "second")}
        # Each deck alone: 2 (its own limit); both together: 3 (the overall cap).
        assert counts["mini"] == 2 and counts["second"] == 2
        assert profile.today().waiting == profile.today().new_waiting == 3
        served = _keys(profile.session())
        assert [k[0] for k in served] == ["mini", "mini", "second"]  # deck by deck
        # The overall cap is spent: nothing more today from either deck.
        after = {d.deck_id: d.new for d in profile.deck_overview()}
        assert (after["mini"], after["second"]) == (0, 0)


def test_a_deck_with_its_own_limit_spent_says_why_and_offers_more(profile: Profile) -> None:
    profile.set_setting("new_per_deck", "1")
    _keys(profile.session())
    session = profile.session()
    assert session.next() is None
    why = profile.nothing(session)
    assert why.reason == "new-limit" and why.more == 6  # 7 served a day, 1 done
    assert why.sentence() == "Today's limit of new items is reached."
    assert why.offers()[0] == "study 6 more new items today"
    more = profile.session(extra_new=why.more)
    assert len(_keys(more)) == 6


def test_nothing_due_and_learning_later(profile: Profile, clock) -> None:
    _keys(profile.session())  # every item Easy: nothing left today
    session = profile.session()
    why = profile.nothing(session)
    assert why.reason == "nothing-due" and why.more == 0
    assert why.sentence() == "Nothing is due now."


def test_a_learning_step_later_today_is_named_with_its_minutes(profile: Profile) -> None:
    # A 30-minute step is too far ahead to learn early (20 minutes), so the session waits.
    profile.set_setting("learning_steps", "30m")
    session = profile.session()
    session.answer(session.next(), 1)  # bias: Again, back in 30 minutes
    while (shown := session.next()) is not None:
        session.answer(shown, 4)
    why = profile.nothing(session)
    assert why.reason == "learning-later" and why.minutes == 30
    assert why.sentence() == "The next learning item comes back in 30 minutes."


def test_bury_puts_siblings_aside_until_tomorrow_and_undo_brings_them_back(
    profile: Profile, clock
) -> None:
    session = profile.session()
    shown = session.next()
    while shown.key[1] != "sigmoid":
        session.answer(shown, 4)
        shown = session.next()
    total = session.total
    session.bury(shown)
    assert session.total == total - 1
    assert all(s.key[1] != "sigmoid" for s in [session.next()] if s)
    # Another session today leaves it out too; and so the reverse side.
    later = profile.session()
    assert all(k[1] != "sigmoid" for k in _keys(later))
    assert session.undo().key == shown.key
    assert session.total == total and session.next().key == shown.key
    assert ("mini", "sigmoid", "") in [k for k in _keys(profile.session())]


def test_a_buried_item_comes_back_the_next_day(profile: Profile, clock) -> None:
    session = profile.session()
    shown = session.next()
    session.bury(shown)
    assert shown.key not in _keys(profile.session())
    clock.advance(days=1)
    assert shown.key in _keys(profile.session())


def test_summary_counts_first_tries_time_mistakes_and_tomorrow(profile: Profile) -> None:
    session = profile.session()
    first = session.next()  # bias, a card
    session.answer(first, 1, duration_ms=4000)  # Again: a 1-minute step, back today
    second = session.next()  # iters, an exercise: a named mistake, then the right answer
    exercise = second.exercise
    part = exercise.parts[0]
    slip = part.mistakes[0]
    moves = [mistaken(part, slip.name), right(part)] + [right(p) for p in exercise.parts[1:]]
    outcome = drive(exercise, *moves)
    session.answer(second, 2, duration_ms=30_000, outcome=outcome)  # Hard
    third = session.next()
    session.answer(third, 2, duration_ms=6000)  # a card recalled with effort: right
    summary = session.summary()
    assert (summary.answered, summary.items, summary.first_try) == (3, 3, 1)
    assert summary.seconds == 40
    assert summary.mistakes == [(slip.name, 1)]  # the first try's slip, though corrected
    # Due by the end of tomorrow: the three answered are in learning steps or due tomorrow.
    assert summary.due_tomorrow == 3
    assert summary.lines() == [
        "3 answered (3 items) in 40 s",
        "1 of 3 right at the first try",
        f"mistakes: {slip.name}",
        "due tomorrow: 3",
    ]
    session.undo()
    assert session.summary().answered == 2


def test_summary_counts_a_revealed_exercise_as_not_right_whatever_its_rating(
    profile: Profile,
) -> None:
    """Rated Good after the worked solution was shown, an exercise was still not right at the
    first try (as `gradeck stats` counts it); one right at the first try and rated Good was."""
    session = profile.session()
    seen = []
    while (shown := session.next()) is not None and len(seen) < 6:
        if shown.exercise is None:
            session.answer(shown, 3, duration_ms=1000)
            continue
        exercise = shown.exercise
        if not seen:
            outcome = drive(exercise, "!!")
            rating = 3
        else:
            outcome = drive(exercise, *(right(p) for p in exercise.parts))
            rating = 3
        session.answer(shown, rating, duration_ms=1000, outcome=outcome)
        seen.append(rating)
        if len(seen) == 2:
            break
    assert seen == [3, 3]
    summary = session.summary()
    cards = summary.items - 2
    assert summary.first_try == cards + 1
