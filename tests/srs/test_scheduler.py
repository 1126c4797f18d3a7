"""The fsrs wrapper agrees with fsrs itself; settings and intervals read and print as documented."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import fsrs
import pytest

from gradeck.srs.days import DAY_MS, day_start, study_date, to_ms, today_bounds
from gradeck.srs.scheduler import (
    LEARNING,
    NEW,
    REVIEW,
    THEMES,
    Sched,
    Scheduler,
    Settings,
    format_interval,
    parse_setting,
)

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SEQUENCE = [3, 3, 3, 1, 3, 2, 4, 3, 1, 1, 3, 3]


def test_a_fixed_sequence_gives_the_same_schedule_as_fsrs() -> None:
    ours = Scheduler(Settings(fuzz=False))
    reference = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=T0)
    sched = Sched()
    now = T0
    for rating in SEQUENCE:
        card, _ = reference.review_card(card, fsrs.Rating(rating), now)
        sched = ours.review(sched, rating, to_ms(now))
        assert sched.state == int(card.state)
        assert sched.step == card.step
        assert sched.stability == pytest.approx(card.stability, rel=1e-12)
        assert sched.difficulty == pytest.approx(card.difficulty, rel=1e-12)
        assert sched.due == to_ms(card.due)
        now = card.due  # answer each time exactly when due
    assert sched.state == REVIEW


def test_first_answers_follow_the_default_steps() -> None:
    """fsrs defaults: learning steps 1 and 10 minutes; Easy graduates at once."""
    scheduler = Scheduler(Settings(fuzz=False))
    waits = scheduler.preview(Sched(), to_ms(T0))
    assert waits[1] == 60_000  # Again: back to the 1-minute step
    assert waits[2] == 330_000  # Hard on the first step: halfway between 1 and 10 minutes
    assert waits[3] == 600_000  # Good: the 10-minute step
    assert waits[4] >= DAY_MS
    after = scheduler.review(Sched(), 3, to_ms(T0))
    assert (after.state, after.step) == (LEARNING, 1)


def test_preview_matches_what_an_answer_gives_without_fuzz() -> None:
    scheduler = Scheduler(Settings(fuzz=False))
    sched, now = Sched(), to_ms(T0)
    for rating in (3, 3, 3):
        sched = scheduler.review(sched, rating, now)
        now = sched.due
    waits = scheduler.preview(sched, now)
    for rating, wait in waits.items():
        assert scheduler.review(sched, rating, now).due - now == wait


def test_settings_change_the_steps_and_retention() -> None:
    settings = Settings(learning_steps=(120,), retention=0.8, fuzz=False)
    waits = Scheduler(settings).preview(Sched(), to_ms(T0))
    assert waits[1] == 120_000
    assert waits[2] == 180_000  # a single step: Hard waits 1.5 times it
    # Lower retention, longer intervals for the same memory.
    review = Sched(REVIEW, None, 10.0, 5.0, to_ms(T0), to_ms(T0 - timedelta(days=10)))
    long = Scheduler(settings).preview(review, to_ms(T0))[3]
    short = Scheduler(Settings(fuzz=False)).preview(review, to_ms(T0))[3]
    assert long > short


def test_retrievability_matches_fsrs() -> None:
    scheduler = Scheduler(Settings())
    sched = Sched(REVIEW, None, 7.5, 5.0, to_ms(T0), to_ms(T0 - timedelta(days=4, hours=5)))
    card = fsrs.Card(
        card_id=1,
        state=fsrs.State.Review,
        stability=7.5,
        difficulty=5.0,
        due=T0,
        last_review=T0 - timedelta(days=4, hours=5),
    )
    expected = fsrs.Scheduler().get_card_retrievability(card, T0)
    assert scheduler.retrievability(sched, to_ms(T0)) == pytest.approx(expected)
    assert scheduler.retrievability(Sched(NEW), to_ms(T0)) == 0.0


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (45_000, "45s"),
        (600_000, "10m"),
        (5_400_000, "1.5h"),
        (3 * DAY_MS, "3d"),
        (75 * DAY_MS, "2.5mo"),
        (730 * DAY_MS, "2y"),
    ],
)
def test_intervals_print_as_anki_buttons(ms: int, text: str) -> None:
    assert format_interval(ms) == text


def test_settings_parse_and_refuse() -> None:
    assert parse_setting("learning_steps", "1m 10m") == (60, 600)
    assert parse_setting("learning_steps", "30s, 1h") == (30, 3600)
    assert parse_setting("learning_steps", "5") == (300,)  # bare numbers are minutes
    assert parse_setting("relearning_steps", "none") == ()
    assert parse_setting("fuzz", "off") is False
    assert parse_setting("retention", "0.85") == 0.85
    for key, bad in [
        ("retention", "1.5"),
        ("retention", "high"),
        ("new_per_day", "-1"),
        ("day_start_hour", "24"),
        ("learning_steps", "10x"),
        ("theme", "Bad Theme!"),
    ]:
        with pytest.raises(ValueError):
            parse_setting(key, bad)
    assert Settings.from_strings({"new_per_day": "5", "retention": "junk"}) == Settings(
        new_per_day=5
    )
    assert Settings.from_strings(Settings(day_start_hour=6).as_strings()) == Settings(
        day_start_hour=6
    )


def test_the_theme_list_is_textuals_own() -> None:
    from textual.theme import BUILTIN_THEMES

    assert len(set(THEMES)) == len(THEMES)
    assert sorted(THEMES) == sorted(BUILTIN_THEMES)
    assert Settings().theme == "textual-dark" in THEMES  # what the app shows when nothing is set


def test_theme_names_are_checked() -> None:
    assert parse_setting("theme", " Nord ") == "nord"
    assert parse_setting("theme", "dark") == "textual-dark"  # the name older docs gave
    with pytest.raises(ValueError, match=r"^no theme 'notatheme'\. Themes: textual-dark, "):
        parse_setting("theme", "notatheme")
    with pytest.raises(ValueError, match=r"^no theme 'drakula'; did you mean 'dracula'\? "):
        parse_setting("theme", "drakula")
    # A theme stored by an older gradeck that this one lacks falls back to the default.
    assert Settings.from_strings({"theme": "vaporwave", "fuzz": "off"}) == Settings(fuzz=False)


def test_the_study_day_starts_at_the_set_local_hour() -> None:
    plus2 = timezone(timedelta(hours=2))
    # 01:30 UTC is 03:30 at UTC+2: before 4 am, still the previous study day.
    late = datetime(2026, 3, 3, 1, 30, tzinfo=UTC)
    assert study_date(late, 4, plus2) == date(2026, 3, 2)
    assert study_date(late + timedelta(hours=1), 4, plus2) == date(2026, 3, 3)
    assert day_start(date(2026, 3, 3), 4, plus2) == datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    start, end = today_bounds(late, 4, plus2)
    assert start == to_ms(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    assert end - start == DAY_MS
