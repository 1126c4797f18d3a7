"""Study sessions: queue order, daily limits, siblings, the day boundary, undo, practice,
suggested ratings, statistics and moving progress between profiles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gradeck.exercises.attempt import Attempt, Outcome
from gradeck.exercises.render import format_value
from gradeck.exercises.template import make_exercise
from gradeck.study import Profile, Rating, Session, card_rating, suggest_rating

from .answers import drive, mistaken, right

FIRST_QUEUE = [
    ("bias", ""),
    ("iters", ""),  # exercises spread among the cards
    ("sigmoid", ""),
    ("update", "c1"),
    ("optimizers", ""),
    ("dense", ""),
    ("epoch", ""),
]


def _drain(session: Session, rating: int = 3) -> list[tuple[str, str]]:
    seen = []
    while (shown := session.next()) is not None:
        seen.append((shown.item.item_id, shown.item.sub))
        session.answer(shown, rating, duration_ms=500)
    return seen


def _answer(session: Session, rating: int):
    shown = session.next()
    assert shown is not None
    session.answer(shown, rating, duration_ms=1000)
    return shown


def test_new_items_come_in_deck_order_one_sibling_each(profile: Profile) -> None:
    session = profile.session()
    assert session.total == len(FIRST_QUEUE)
    assert _drain(session, rating=4) == FIRST_QUEUE  # Easy: straight to review, nothing repeats


def test_due_learning_comes_before_new_items(profile: Profile, clock) -> None:
    session = profile.session()
    first = _answer(session, 3)  # Good on a new item: the 10-minute step
    assert session.next().item.item_id == "iters"  # not due yet: new items go on
    clock.advance(minutes=11)
    assert session.next().item.item_id == "iters"  # the shown item stays until answered
    session.answer(session.next(), 4)
    assert session.next().key == first.key  # now due: before the remaining new items


def test_learning_steps_come_early_when_nothing_else_is_left(profile: Profile, clock) -> None:
    profile.set_setting("new_per_day", "1")
    session = profile.session()
    _answer(session, 3)  # 10-minute step
    assert session.next().item.item_id == "bias"  # within Anki's 20-minute learn-ahead
    _answer(session, 3)  # graduates
    assert session.next() is None and session.answered == 2


def test_due_reviews_come_before_new_items(profile: Profile, clock) -> None:
    profile.set_setting("new_per_day", "1")
    _drain(profile.session(), rating=4)  # bias: Easy, due in some days
    clock.advance(days=30)
    session = profile.session()
    assert [s.item.item_id for s in [session.next()]] == ["bias"]
    assert session.next().state == "review"
    _answer(session, 3)
    assert session.next().item.item_id == "sigmoid" and session.next().state == "new"


def test_the_daily_new_limit_holds_across_sessions(profile: Profile, clock) -> None:
    profile.set_setting("new_per_day", "3")
    assert _drain(profile.session(), rating=4) == FIRST_QUEUE[:3]
    assert profile.session().next() is None  # same day: the limit is used up
    assert profile.today().new == 3
    clock.advance(days=1)
    # Yesterday's siblings are free again; one side per card, exercises spread among them.
    assert _drain(profile.session(), rating=4) == [
        ("sigmoid", "reverse"),
        ("update", "c1"),
        ("dense", ""),
    ]


def test_the_review_limit_caps_due_reviews(profile: Profile, clock) -> None:
    _drain(profile.session(), rating=4)
    clock.advance(days=60)
    profile.set_setting("reviews_per_day", "2")
    profile.set_setting("new_per_day", "0")
    session = profile.session()
    assert session.total == 2
    assert all(s == "review" for s in [session.next().state])


def test_siblings_answered_today_keep_their_partners_out(profile: Profile, clock) -> None:
    _drain(profile.session(), rating=4)
    assert profile.session().next() is None  # sigmoid/reverse and update/c2 wait
    clock.advance(days=1)
    assert _drain(profile.session(), rating=4) == [("sigmoid", "reverse"), ("update", "c2")]


def test_the_day_turns_at_the_start_hour(profile: Profile, clock) -> None:
    profile.set_setting("new_per_day", "2")
    _drain(profile.session(), rating=4)  # Monday 12:00 UTC
    clock.now = datetime(2026, 3, 3, 3, 59, tzinfo=UTC)  # before 4 am: still Monday's day
    assert profile.session().next() is None
    clock.now = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)
    assert _drain(profile.session(), rating=4) == FIRST_QUEUE[2:4]


def test_undo_puts_the_item_and_the_queue_back(profile: Profile) -> None:
    session = profile.session()
    shown = session.next()
    session.answer(shown, 1, duration_ms=100)
    assert session.answered == 1 and len(profile.history(shown.key)) == 1
    again = session.undo()
    assert again is shown and session.next() is shown
    assert session.answered == 0 and session.total == len(FIRST_QUEUE)
    assert profile.history(shown.key) == []
    [info] = [i for i in profile.browse() if i.key == shown.key]
    assert info.state == "new" and info.due is None
    assert session.undo() is None


def test_intervals_on_the_buttons_are_what_an_answer_gives(profile: Profile) -> None:
    profile.set_setting("fuzz", "off")
    session = profile.session()
    for rating in (3, 3, 2, 4):
        shown = session.next()
        saved = session.answer(shown, rating)
        assert saved.interval == shown.intervals[rating]


def test_practice_changes_no_schedule_and_logs_as_practice(profile: Profile) -> None:
    session = profile.session(practice=True, limit=3)
    assert session.total == 3
    keys = [_answer(session, 1).key for _ in range(3)]
    assert session.next() is None
    for key in keys:
        [log] = profile.history(key)
        assert log["mode"] == "practice"
    assert {i.state for i in profile.browse()} == {"new"}
    assert profile.today().reviewed == 0


def test_an_exercise_is_drawn_from_the_seed_the_log_keeps(profile: Profile) -> None:
    session = profile.session()
    _answer(session, 4)
    shown = session.next()
    assert shown.kind == "exercise" and shown.seed is not None
    a = shown.exercise.parts[0]
    moves = [right(a), "0.5", "0.25", *("!" for _ in shown.exercise.parts[2:])]
    session.answer(shown, 2, duration_ms=9000, outcome=drive(shown.exercise, *moves))
    [log] = profile.history(shown.key)
    rest = "0" * (len(shown.exercise.parts) - 2)
    assert (log["seed"], log["parts_right"]) == (shown.seed, "10" + rest)
    assert log["answer"].startswith(f"{right(a)} | 0.25")
    assert log["hints"] == 0
    assert [(t["part"], t["try"], t["text"], t["verdict"]) for t in log["attempts"][:3]] == [
        (0, 1, right(a), "right"),
        (1, 1, "0.5", "wrong"),
        (1, 2, "0.25", "wrong"),
    ]
    ex = shown.item.exercise
    again = make_exercise(ex.family, log["seed"], ex.difficulty, ex.params, ex.template)
    assert again == shown.exercise


def _iters_seed(profile: Profile) -> int:
    session = profile.session(practice=True)
    while (shown := session.next()).item.item_id != "iters":
        session.answer(shown, 3)
    assert session.next() is shown  # the same variant until it is answered
    session.answer(shown, 3)
    return shown.seed


def test_each_review_of_an_exercise_draws_a_new_variant(profile: Profile) -> None:
    seeds = [_iters_seed(profile) for _ in range(3)]
    assert len(set(seeds)) == 3
    logged = [log["seed"] for log in profile.history(("mini", "iters", ""))]
    assert logged == seeds


def _outcome(*attempts: tuple[int, int, str], hints: int = 0) -> Outcome:
    """Two parts; attempts as (part, try, verdict), the last of each part closing it."""
    last = {part: i for i, (part, _n, _v) in enumerate(attempts)}
    rows = tuple(
        Attempt(part, n, "x", verdict, closes=last[part] == i)
        for i, (part, n, verdict) in enumerate(attempts)
    )
    return Outcome(2, rows, hints)


@pytest.mark.parametrize(
    ("attempts", "hints", "rating"),
    [
        (((0, 1, "right"), (1, 1, "right")), 0, Rating.GOOD),
        (((0, 1, "unreadable"), (0, 1, "right"), (1, 1, "right")), 0, Rating.GOOD),  # no try
        (((0, 1, "right"), (1, 1, "right")), 1, Rating.HARD),  # a hint
        (((0, 1, "wrong"), (0, 2, "right"), (1, 1, "right")), 0, Rating.HARD),  # a retry
        (((0, 1, "close"), (0, 2, "right"), (1, 1, "right")), 0, Rating.HARD),
        (((0, 1, "right"), (1, 1, "close"), (1, 2, "close")), 0, Rating.HARD),  # rounding only
        (((0, 1, "wrong"), (0, 2, "wrong"), (1, 1, "carried")), 0, Rating.AGAIN),  # ended wrong
        (((0, 1, "right"), (1, 1, "given_up")), 0, Rating.AGAIN),
        (((0, 1, "right"), (1, 1, "revealed")), 0, Rating.AGAIN),
        (((0, 1, "revealed"), (1, 1, "revealed")), 2, Rating.AGAIN),
    ],
)
def test_the_rating_rule(attempts, hints, rating) -> None:
    assert suggest_rating(_outcome(*attempts, hints=hints)) is rating


def test_card_ratings() -> None:
    assert (card_rating(True), card_rating(False)) == (Rating.GOOD, Rating.AGAIN)


def test_choice_and_typed_cards_are_checked(profile: Profile) -> None:
    session = profile.session(practice=True)
    shown = {}
    while (s := session.next()) is not None:
        shown[s.kind] = s
        session.answer(s, 3)
    choice, typed = shown["choice"], shown["typed"]
    right = " ".join(str(n) for n, (_, ok) in enumerate(choice.options, 1) if ok)
    assert choice.check(right) and choice.check(right.replace(" ", ","))
    assert not choice.check(right.split()[0]) and not choice.check("9")
    assert typed.check("  An   EPOCH ") and not typed.check("batch")


def test_suspended_items_leave_the_queue(profile: Profile) -> None:
    session = profile.session()
    first = session.next()
    session.suspend(first)
    assert session.next().key != first.key
    assert profile.session().total == len(FIRST_QUEUE) - 1
    profile.suspend(first.key, False)
    assert profile.session().next().key == first.key


def test_deck_overview_and_today(profile: Profile) -> None:
    # 9 items, of which a session serves 7 today: the second hole of `update` and the back of
    # the reversible card are siblings, held back until another day.
    [mini] = [d for d in profile.deck_overview() if d.deck_id == "mini"]
    assert (
        (mini.new, mini.learning, mini.due, mini.total)
        == (len(FIRST_QUEUE), 0, 0, 9)
        == (
            7,
            0,
            0,
            9,
        )
    )
    session = profile.session()
    _answer(session, 3)  # bias, Good: a learning step today
    _answer(session, 4)  # iters, Easy: a review in days
    [mini] = [d for d in profile.deck_overview() if d.deck_id == "mini"]
    assert (mini.new, mini.learning, mini.due) == (5, 1, 0)
    today = profile.today()
    assert (today.reviewed, today.new, today.due, today.streak) == (2, 2, 1, 1)


def test_stats_from_a_worked_history(profile: Profile, clock) -> None:
    profile.set_setting("fuzz", "off")
    profile.set_setting("new_per_day", "2")
    session = profile.session()
    bias = _answer(session, 4)  # bias: Easy -> review
    shown = session.next()
    ex = shown.exercise
    a, b = ex.parts[:2]
    # Part a right; part b a named mistake, then right at the second try; the rest right.
    moves = [right(a), mistaken(b, "epochs-forgotten"), right(b), *map(right, ex.parts[2:])]
    session.answer(shown, 2, duration_ms=4000, outcome=drive(ex, *moves))
    [info] = [i for i in profile.browse("bias") if i.key == bias.key]
    interval = info.due - clock.now
    clock.advance(seconds=interval.total_seconds())  # bias is due: forget it
    session = profile.session()
    assert session.next().key == shown.key  # the exercise's learning step is due first
    again = session.next()
    good = drive(again.exercise, *map(right, again.exercise.parts))
    session.answer(again, 3, duration_ms=1000, outcome=good)  # to its 10-minute step
    assert session.next().key == bias.key and session.next().state == "review"
    session.answer(session.next(), 1, duration_ms=2000)
    stats = profile.stats("mini")
    assert stats["reviews_total"] == 4 and stats["practice_total"] == 0
    assert stats["time_spent_s"] == (1000 + 4000 + 1000 + 2000) // 1000
    young = stats["retention"]["all"]["young"]
    assert (young["passed"], young["failed"], young["rate"]) == (0, 1, 0.0)
    assert stats["retention"]["all"]["mature"]["rate"] is None
    days_later = interval.days
    assert days_later > 1
    assert stats["daily"][-1] == 2 and stats["daily"][-1 - days_later] == 2
    assert sum(stats["daily"]) == 4
    assert stats["streak"] == 1  # the days between were missed
    assert stats["states"] == {
        "new": 7,
        "learning": 1,
        "review": 0,
        "relearning": 1,
        "suspended": 0,
    }
    assert stats["today"] == {"reviewed": 2, "new": 0, "due": 2}
    assert stats["forecast"][0] == 2 and sum(stats["forecast"]) == 2
    deck = stats["decks"]["mini"]
    assert (deck["total"], deck["due"], deck["relearning"]) == (9, 2, 1)
    assert 0 < deck["mean_retrievability"] <= 1
    # Accuracy counts right at the first try: the first answer's corrected mistake counts.
    assert stats["exercises"]["families"]["training-iterations"] == {
        "answers": 2,
        "right_first_try": 1,
        "accuracy": 0.5,
    }
    assert stats["exercises"]["mistakes"] == [
        {"family": "training-iterations", "mistake": "epochs-forgotten", "count": 1}
    ]


def test_progress_moves_between_profiles_and_imports_once(profile: Profile, tmp_path) -> None:
    _drain(profile.session(), rating=3)
    data = profile.export_progress()
    other_home = tmp_path / "other"
    with Profile.open(other_home, ()) as other:
        first = other.import_progress(data)
        second = other.import_progress(data)
        assert first["reviews_added"] == len(data["reviews"]) > 0
        assert second == {
            "items_added": 0,
            "items_updated": 0,
            "reviews_added": 0,
            "settings_added": 0,
            "presets_added": 0,
        }
        again = other.export_progress()
    strip = lambda d: {k: v for k, v in d.items() if k != "exported"}  # noqa: E731
    assert strip(again)["reviews"] == strip(data)["reviews"]
    assert sorted(map(str, again["items"])) == sorted(map(str, data["items"]))


def test_a_bad_progress_file_is_refused(profile: Profile) -> None:
    from gradeck.errors import GradeckError

    for bad in ({}, {"format": "gradeck-progress", "version": 9}, []):
        with pytest.raises(GradeckError):
            profile.import_progress(bad)
    data = profile.export_progress()
    data["reviews"] = [{"deck": "mini"}]
    with pytest.raises(GradeckError, match=r"reviews\[0\]\.item: is missing"):
        profile.import_progress(data)


def test_settings_are_validated(profile: Profile) -> None:
    profile.set_setting("day_start_hour", "6")
    assert profile.settings().day_start_hour == 6
    with pytest.raises(ValueError):
        profile.set_setting("day_start_hour", "25")
    with pytest.raises(ValueError, match="unknown setting"):
        profile.set_setting("colour", "red")
    assert timedelta(hours=profile.settings().day_start_hour) == timedelta(hours=6)


def test_a_card_leaving_its_deck_keeps_its_history(home, clock) -> None:
    from .conftest import DECK

    with Profile.open(home, ["mini"], now=clock) as p:
        _drain(p.session(), rating=4)
    deck_file = home / "decks" / "mini.yaml"
    deck_file.write_text(DECK.replace("  - {id: bias,", "  - {id: bias-renamed,"), "utf-8")
    with Profile.open(home, ["mini"], now=clock) as p:
        [log] = p.history(("mini", "bias", ""))  # still there, archived
        assert log["rating"] == 4
        assert ("mini", "bias", "") not in {i.key for i in p.browse()}
        assert p.stats("mini")["states"]["new"] == 3  # bias-renamed, and the two waiting sides
    deck_file.write_text(DECK, "utf-8")
    with Profile.open(home, ["mini"], now=clock) as p:
        [info] = [i for i in p.browse() if i.key == ("mini", "bias", "")]
        assert info.state == "review"


def test_the_hourly_counts_follow_the_log(profile: Profile, clock) -> None:
    """review_hours (kept by triggers) agrees with counting the log itself, through answers,
    practice and undo."""
    session = profile.session()
    for _ in range(4):
        _answer(session, 4)  # straight to review, for about a week
    clock.advance(days=20)
    session = profile.session()
    _answer(session, 1)  # a review-state item forgotten
    _answer(session, 3)
    session.undo()
    _answer(profile.session(practice=True), 2)
    db = profile.store.conn
    hours = db.execute(
        "SELECT hour, deck_id, mode, answers, duration_ms FROM review_hours WHERE answers > 0 "
        "ORDER BY 1, 2, 3"
    ).fetchall()
    direct = db.execute(
        "SELECT r.time / 3600000, i.deck_id, r.mode, count(*), sum(r.duration_ms) "
        "FROM reviews r JOIN items i ON i.id = r.item GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ).fetchall()
    assert hours == direct
    failed = db.execute("SELECT sum(young_failed), sum(mature_failed) FROM review_hours")
    assert failed.fetchone() == (1, 0)


def test_mean_recall_is_fsrs_retrievability(profile: Profile, clock) -> None:
    from gradeck.srs.scheduler import Scheduler

    _drain(profile.session(), rating=4)
    clock.advance(days=3, hours=5)
    stats = profile.stats("mini")
    scheduler = Scheduler(profile.settings())
    rows = [r for r in profile.store.items() if r.deck_id == "mini" and r.sched.state]
    now = int(clock.now.timestamp() * 1000)
    expected = sum(scheduler.retrievability(r.sched, now) for r in rows) / len(rows)
    assert stats["decks"]["mini"]["mean_retrievability"] == pytest.approx(expected, abs=1e-4)
    assert expected < 1


def test_a_learning_step_past_the_day_start_stays_in_the_sitting(profile: Profile, clock) -> None:
    profile.set_setting("new_per_day", "1")
    clock.now = datetime(2026, 3, 3, 3, 55, tzinfo=UTC)  # five minutes before the day turns
    session = profile.session()
    first = _answer(session, 3)  # its 10-minute step falls after 4 am
    assert session.next().key == first.key  # learnt ahead, as Anki does
    _answer(session, 3)
    assert session.next() is None


def test_rmsprop_a_corrected_first_try_mistake_still_counts(profile: Profile) -> None:
    """The issue's example: dividing by v instead of √v, then correcting it, shows the mistake
    in the statistics and keeps the family's first-try accuracy below 100%."""
    session = profile.family_session("rmsprop", difficulty=1)
    shown = session.next()
    ex = shown.exercise
    a, b = ex.parts
    slip = next(m for m in a.mistakes + b.mistakes if "sqrt" in m.name or "root" in m.name)
    moves = (
        [format_value(slip.value), right(a), right(b)]
        if slip in a.mistakes
        else [right(a), format_value(slip.value), right(b)]
    )
    outcome = drive(ex, *moves)
    assert suggest_rating(outcome) is Rating.HARD and all(outcome.parts_right)
    session.answer(shown, suggest_rating(outcome), outcome=outcome)
    second = session.next()
    session.answer(second, 3, outcome=drive(second.exercise, *map(right, second.exercise.parts)))
    figures = profile.stats()["exercises"]
    assert figures["families"]["rmsprop"] == {
        "answers": 2,
        "right_first_try": 1,
        "accuracy": 0.5,
    }
    assert figures["mistakes"] == [{"family": "rmsprop", "mistake": slip.name, "count": 1}]
    # As `gradeck stats` and the Statistics screen show them.
    from gradeck.commands.stats import summary
    from gradeck.tui.screens.stats import weakest_text

    text = summary(profile.stats())
    assert "  rmsprop: 50% of 2" in text and f"  rmsprop: {slip.name} (1×)" in text
    screen = weakest_text(figures).plain
    assert "50% right first time  (2 answers)" in screen and f"1× {slip.name}  in rmsprop" in screen


def test_attempts_travel_with_an_export_and_import_once(profile: Profile, tmp_path) -> None:
    session = profile.family_session("update-rule", difficulty=1)
    shown = session.next()
    part = shown.exercise.parts[0]
    outcome = drive(shown.exercise, "?", "1,2", "12345", "7")  # unreadable, then two tries
    session.answer(shown, suggest_rating(outcome), outcome=outcome)
    data = profile.export_progress(student="Ada")
    assert data["student"] == "Ada"
    [review] = data["reviews"]
    assert review["hints"] == 1
    assert review["attempts"] == [
        {"part": 0, "try": 1, "text": "1,2", "verdict": "unreadable", "mistake": None},
        {"part": 0, "try": 1, "text": "12345", "verdict": "wrong", "mistake": None},
        {"part": 0, "try": 2, "text": "7", "verdict": "wrong", "mistake": None},
    ]
    assert part.expected not in (12345, 7)
    with Profile.open(tmp_path / "other", ()) as other:
        assert other.import_progress(data)["reviews_added"] == 1
        assert other.import_progress(data)["reviews_added"] == 0
        again = other.export_progress()
    assert again["reviews"] == data["reviews"] and "student" not in again


def test_an_attempt_that_breaks_the_format_is_refused_at_its_place(profile: Profile) -> None:
    from gradeck.errors import GradeckError

    session = profile.family_session("update-rule", difficulty=1)
    shown = session.next()
    session.answer(shown, 1, outcome=drive(shown.exercise, "!"))
    data = profile.export_progress()
    data["reviews"][0]["attempts"][0]["verdict"] = "lucky"
    data["reviews"][0]["attempts"].append("not an attempt")
    with pytest.raises(GradeckError) as caught:
        profile.import_progress(data)
    assert "reviews[0].attempts[0].verdict: must be one of right, carried" in str(caught.value)
    assert "reviews[0].attempts[1]: must be an object" in str(caught.value)
