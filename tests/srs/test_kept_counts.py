"""Counts kept by triggers (schema version 8: `deck_counts`, `log_hours`) always equal the same
counts worked out from scratch from the items and the log, whatever happens to them: answers and
their undo, suspending, burying, items leaving and coming back to their deck, a reset by
`check --repair`, items and answers deleted by hand; and a version-7 database upgraded to
version 8 starts with the right counts."""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradeck.srs import repair, schema, stats
from gradeck.srs.rows import LogEntry
from gradeck.srs.scheduler import Sched
from gradeck.srs.store import Store

DAY_MS = 86_400_000
DECKS = ("a", "b")
ITEMS = ("x", "y", "z")


def _recount_items(conn: sqlite3.Connection) -> Counter:
    """(deck, state, suspended) -> items, archived ones left out, from the items themselves."""
    rows = conn.execute("SELECT deck_id, state, suspended, archived FROM items").fetchall()
    return Counter((d, s, sus) for d, s, sus, archived in rows if not archived)


def _kept_items(conn: sqlite3.Connection) -> Counter:
    rows = conn.execute("SELECT deck_id, state, suspended, n FROM deck_counts WHERE n != 0")
    return Counter({(d, s, sus): n for d, s, sus, n in rows})


def _recount_hours(conn: sqlite3.Connection) -> dict[tuple[int, str], list[int]]:
    """(hour, mode) -> [answers, ms, young passed, young failed, mature passed, mature failed],
    worked out in Python from every review (Anki's rule: young under 21 days before)."""
    out: dict[tuple[int, str], list[int]] = {}
    for time, mode, ms, rating, prev_state, prev_due, prev_last in conn.execute(
        "SELECT time, mode, duration_ms, rating, prev_state, prev_due, prev_last_review "
        "FROM reviews"
    ):
        row = out.setdefault((time // 3_600_000, mode), [0] * 6)
        row[0] += 1
        row[1] += ms
        if mode == "scheduled" and prev_state == 2:
            young = prev_due - prev_last < 21 * DAY_MS
            row[2 + 2 * (not young) + (rating == 1)] += 1
    return out


def _kept_hours(conn: sqlite3.Connection) -> dict[tuple[int, str], list[int]]:
    return {
        (hour, mode): list(rest)
        for hour, mode, *rest in conn.execute(
            "SELECT hour, mode, answers, duration_ms, young_passed, young_failed, "
            "mature_passed, mature_failed FROM log_hours WHERE answers != 0"
        )
    }


def _assert_counts_hold(store: Store) -> None:
    conn = store.conn
    assert _kept_items(conn) == _recount_items(conn)
    assert _kept_hours(conn) == _recount_hours(conn)
    sizes = Counter()
    for (deck, _state, _suspended), n in _recount_items(conn).items():
        sizes[deck] += n
    assert store.deck_sizes() == dict(sizes)
    # Per deck, what stats reads from the kept counts and the indexes equals one aggregate
    # over every item, as stats worked it out before version 8.
    args = {"now": 40 * DAY_MS, "end": 41 * DAY_MS, "day": DAY_MS, "decay": -0.5}
    args["factor"] = 0.9 ** (1 / args["decay"]) - 1
    with store.reading() as db:
        kept = stats._raw_decks(db, "1", args)
        scratch = {
            deck: tuple(row)
            for deck, *row in db.execute(
                f"SELECT deck_id, {stats._MASTERY} FROM items WHERE archived = 0 GROUP BY deck_id",
                args,
            )
        }
    assert kept.keys() == scratch.keys()
    for deck, row in kept.items():
        assert row[:3] == scratch[deck][:3] and row[4:] == scratch[deck][4:]
        assert abs(row[3] - scratch[deck][3]) < 1e-9  # the recall, summed in another order


def _sched(state: int, day: int, stability: float, interval: int) -> Sched:
    if state == 0:
        return Sched()
    due = (day + interval) * DAY_MS
    return Sched(state, None, stability, 5.0, due, day * DAY_MS)


op = st.one_of(
    st.tuples(
        st.just("answer"),
        st.integers(0, 5),  # item
        st.integers(1, 4),  # rating
        st.sampled_from(["scheduled", "practice"]),
        st.integers(0, 3),  # state after
        st.integers(1, 39),  # day
        st.sampled_from([0.0, 0.5, 3.0, 40.0]),  # stability after
        st.sampled_from([1, 30]),  # interval: young or mature
    ),
    st.tuples(st.just("undo"), st.integers(0, 20)),
    st.tuples(st.just("suspend"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("bury"), st.integers(0, 5)),
    st.tuples(st.just("sync"), st.sampled_from(DECKS), st.sets(st.sampled_from(ITEMS))),
    st.tuples(st.just("reset"), st.integers(0, 5)),
    st.tuples(st.just("delete_review"), st.integers(0, 20)),
    st.tuples(st.just("delete_item"), st.integers(0, 5)),
)


def _apply(store: Store, step: tuple, reviews: list[int]) -> None:
    pks = [pk for (pk,) in store.conn.execute("SELECT id FROM items ORDER BY id")]
    kind, *args = step
    if kind == "sync":
        deck, present = args
        store.sync([(deck, ",".join(sorted(present)))], lambda _d: [(i, "", "") for i in present])
        return
    if kind in ("undo", "delete_review"):
        if reviews:
            review = reviews.pop(args[0] % len(reviews))
            if kind == "undo":
                store.undo(review)
            else:
                sql = "DELETE FROM reviews WHERE id = ?"
                store.write(lambda: store.conn.execute(sql, (review,)))
        return
    if not pks:
        return
    pk = pks[args[0] % len(pks)]
    if kind == "answer":
        _item, rating, mode, state, day, stability, interval = args
        after = _sched(state, day, stability, interval)
        entry = LogEntry(time=day * DAY_MS + 3_600_000 * (pk % 24), rating=rating, mode=mode)
        review, _ = store.record(pk, entry, None if mode == "practice" else lambda _s: after)
        reviews.append(review)
    elif kind == "suspend":
        store.set_suspended(pk, args[1])
    elif kind == "bury":
        row = store.item(pk)
        store.bury((row.deck_id, row.item_id), 10 * DAY_MS)
    elif kind == "reset":
        repair.repair(store, [repair.BadItem(pk, store.item(pk).key, ())])
    elif kind == "delete_item":  # by hand: only an item without answers can go
        store.write(
            lambda: store.conn.execute(
                "DELETE FROM items WHERE id = ? AND id NOT IN (SELECT item FROM reviews)", (pk,)
            )
        )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, max_size=30))
def test_kept_counts_equal_a_recount_after_anything(steps: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "gradeck.db")
        try:
            for deck in DECKS:
                store.sync([(deck, "all")], lambda _d: [(i, "", "") for i in ITEMS])
            reviews: list[int] = []
            for step in steps:
                _apply(store, step, reviews)
                _assert_counts_hold(store)
        finally:
            store.close()


def _version_7(path: Path) -> None:
    """A database as gradeck wrote it before version 8: items in every state, answers of both
    modes to young and mature review items, an archived and a suspended item."""
    conn = sqlite3.connect(path)
    for script in schema.STEPS[:7]:
        for statement in schema.statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 7")
    conn.executemany(
        "INSERT INTO items (deck_id, item_id, state, suspended, archived, stability, due, "
        "last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("a", "new", 0, 0, 0, None, None, None),
            ("a", "learning", 1, 0, 0, 0.5, 3 * DAY_MS, 2 * DAY_MS),
            ("a", "review", 2, 0, 0, 30.0, 40 * DAY_MS, 10 * DAY_MS),
            ("a", "paused", 2, 1, 0, 30.0, 40 * DAY_MS, 10 * DAY_MS),
            ("a", "gone", 2, 0, 1, 30.0, 40 * DAY_MS, 10 * DAY_MS),
            ("b", "relearning", 3, 0, 0, 2.0, 12 * DAY_MS, 11 * DAY_MS),
        ],
    )
    conn.executemany(
        "INSERT INTO reviews (item, time, rating, duration_ms, mode, prev_state, prev_due, "
        "prev_last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (2, 2 * DAY_MS, 3, 1000, "scheduled", 0, None, None),
            (3, 10 * DAY_MS, 3, 2000, "scheduled", 2, 9 * DAY_MS, 1 * DAY_MS),  # young, passed
            (3, 10 * DAY_MS + 60_000, 1, 500, "practice", 2, 40 * DAY_MS, 10 * DAY_MS),
            (6, 11 * DAY_MS, 1, 700, "scheduled", 2, 11 * DAY_MS, 1 * DAY_MS),  # young, failed
            (5, 10 * DAY_MS, 2, 900, "scheduled", 2, 40 * DAY_MS, 5 * DAY_MS),  # mature, passed
        ],
    )
    conn.commit()
    conn.close()


def test_a_version_7_database_is_upgraded_with_its_counts(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    _version_7(path)
    store = Store.open(path)
    assert store.version == schema.VERSION == 8
    # Worked out by hand from the rows above.
    assert _kept_items(store.conn) == Counter(
        {("a", 0, 0): 1, ("a", 1, 0): 1, ("a", 2, 0): 1, ("a", 2, 1): 1, ("b", 3, 0): 1}
    )
    assert _kept_hours(store.conn) == {
        (48, "scheduled"): [1, 1000, 0, 0, 0, 0],
        (240, "scheduled"): [2, 2900, 1, 0, 1, 0],
        (240, "practice"): [1, 500, 0, 0, 0, 0],
        (264, "scheduled"): [1, 700, 0, 1, 0, 0],
    }
    assert store.deck_sizes() == {"a": 4, "b": 1}
    _assert_counts_hold(store)
    # And they keep up afterwards: the archived item comes back, an answer is undone.
    store.sync([("a", "v2")], lambda _d: [(i, "", "") for i in ("new", "learning", "gone")])
    store.undo(2)
    _assert_counts_hold(store)
    assert store.deck_sizes() == {"a": 3, "b": 1}
    store.close()
