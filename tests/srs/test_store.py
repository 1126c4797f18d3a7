"""The progress store: migrations, refusal of newer files, damaged, locked and read-only files,
answers and undo, and two processes writing at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from gradeck.srs import schema, store
from gradeck.srs.rows import LogEntry
from gradeck.srs.scheduler import Sched
from gradeck.srs.store import Store, StoreError

FIXTURES = Path(__file__).parent / "fixtures"


def _v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "v1.sql").read_text(encoding="utf-8"))
    conn.close()


def test_the_fixture_is_the_first_schema() -> None:
    fixture, fresh = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    fixture.executescript((FIXTURES / "v1.sql").read_text(encoding="utf-8"))
    fresh.executescript(schema.V1)
    query = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    assert fixture.execute(query).fetchall() == fresh.execute(query).fetchall()


def test_a_version_1_database_is_migrated_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    _v1(path)
    db = Store.open(path)
    assert db.version == schema.VERSION == 8
    rows = {r.key: r for r in db.items()}
    assert rows[("mini", "bias", "")].sched == Sched(
        2, None, 2.3065, 2.1181, 1772539200000, 1772366400000
    )
    assert rows[("old-deck", "gone", "")].archived
    assert {r.family for r in rows.values()} == {""}  # the new column, filled by the next sync
    assert len(db.history(1)) == 2
    assert db.settings() == {"new_per_day": "5"}
    indexes = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"reviews_time", "items_due", "items_new"} <= indexes
    hours = db.conn.execute(
        "SELECT hour, deck_id, mode, answers, duration_ms, young_passed + young_failed + "
        "mature_passed + mature_failed FROM review_hours ORDER BY 1, 2, 3"
    ).fetchall()
    # Backfilled from the old log (hour = ms // 3 600 000): bias's first answer at 1772366000000
    # is in hour 492323; its second and sigmoid's, at 1772366400000, in hour 492324, beside the
    # archived item's practice answer. No scheduled answer was to a review-state item.
    assert hours == [
        (492323, "mini", "scheduled", 1, 4000, 0),
        (492324, "mini", "scheduled", 2, 5000, 0),
        (492324, "old-deck", "practice", 1, 9000, 0),
    ]
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()
    assert Store.open(path).version == 8  # opening again migrates nothing


def test_a_database_from_a_newer_gradeck_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer gradeck"):
        Store.open(path)
    assert path.read_bytes() == before


def test_a_damaged_database_is_kept_aside_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    junk = b"this is not a database at all" * 200
    path.write_bytes(junk)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("gradeck.db.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == junk
    assert str(kept[0]) in str(caught.value)
    fresh = Store.open(path)
    assert fresh.version == schema.VERSION and fresh.items() == []


def _entry(time: int, rating: int = 3) -> LogEntry:
    return LogEntry(time=time, rating=rating, duration_ms=1200, seed=42, parts_right="10")


def _sync(db: Store, present: list[tuple[str, str, str, str]], decks: list[str]) -> None:
    def of(deck: str) -> list[tuple[str, str, str]]:
        return [p[1:] for p in present if p[0] == deck]

    db.sync([(d, repr(of(d))) for d in decks], of)


def _with_item(tmp_path: Path) -> tuple[Store, int]:
    db = Store.open(tmp_path / "gradeck.db")
    _sync(db, [("d", "a", "", ""), ("d", "b", "", "update-rule")], ["d"])
    return db, db.pk(("d", "a", ""))


def test_an_answer_and_its_undo(tmp_path: Path) -> None:
    db, pk = _with_item(tmp_path)
    after = Sched(1, 1, 2.0, 3.0, 5_000, 1_000)
    review_id, stored = db.record(pk, _entry(1_000), lambda before: after)
    assert stored == after == db.item(pk).sched
    [log] = db.history(pk)
    assert (log["rating"], log["seed"], log["parts_right"], log["prev_state"]) == (3, 42, "10", 0)
    assert db.undo(review_id)
    assert db.item(pk).sched == Sched() and db.history(pk) == []
    assert not db.undo(review_id)


def test_items_leaving_a_deck_are_archived_not_deleted(tmp_path: Path) -> None:
    db, pk = _with_item(tmp_path)
    db.record(pk, _entry(1_000), lambda before: Sched(2, None, 1.0, 1.0, 9, 1))

    def archived() -> set[tuple[str, str, str]]:
        return {r.key for r in db.items() if r.archived}

    _sync(db, [("d", "b", "", "update-rule")], ["d"])
    assert archived() == {("d", "a", "")} and len(db.history(pk)) == 1
    _sync(db, [("e", "x", "", "")], ["e"])  # deck d not loaded this time: left alone
    assert archived() == {("d", "a", "")}
    _sync(db, [("d", "a", "", "")], ["d"])
    assert archived() == {("d", "b", "")}
    assert {r.key: r.family for r in db.items()}[("d", "b", "")] == "update-rule"


def test_an_unchanged_library_is_not_matched_again(tmp_path: Path) -> None:
    db, pk = _with_item(tmp_path)
    db.conn.execute("UPDATE items SET archived = 1 WHERE id = ?", (pk,))  # a drift to notice
    present = [("a", "", ""), ("b", "", "update-rule")]
    db.sync([("d", repr(present))], lambda deck: pytest.fail("the items were matched again"))
    assert db.item(pk).archived  # same digest: nothing looked at
    db.sync([("d", "another digest")], lambda deck: present)
    assert not db.item(pk).archived


def test_only_the_deck_whose_digest_changed_is_matched_again(tmp_path: Path) -> None:
    db = Store.open(tmp_path / "gradeck.db")
    items = {"d": [("a", "", "")], "e": [("x", "", "")]}
    db.sync([("d", "1"), ("e", "1")], items.__getitem__)
    asked: list[str] = []

    def present(deck: str) -> list[tuple[str, str, str]]:
        asked.append(deck)
        return [("a", "", ""), ("new", "", "")]

    db.sync([("d", "2"), ("e", "1")], present)
    assert asked == ["d"]
    assert {r.key for r in db.items()} == {("d", "a", ""), ("d", "new", ""), ("e", "x", "")}


@pytest.mark.parametrize(
    "meta",
    [
        [],  # no digest at all
        [("library_ids", "\x01\x02")],  # an earlier gradeck's row without its digest
        [("library", "stale")],
        [("library", b"\x00\xff"), ("library_ids", b"\x01")],  # bytes where text belongs
    ],
)
def test_missing_or_odd_meta_means_matching_again(tmp_path: Path, meta: list) -> None:
    db, pk = _with_item(tmp_path)
    db.conn.execute("DELETE FROM meta")
    db.conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta)
    db.conn.execute("UPDATE items SET archived = 1 WHERE id = ?", (pk,))
    _sync(db, [("d", "a", "", ""), ("d", "b", "", "update-rule")], ["d"])
    assert not db.item(pk).archived
    assert [k for (k,) in db.conn.execute("SELECT key FROM meta")] == ["library:d"]


def test_a_digest_kept_without_its_row_ids_does_not_crash(tmp_path: Path) -> None:
    """An earlier gradeck kept `library` and `library_ids`; losing the second crashed it."""
    db, _pk = _with_item(tmp_path)
    db.conn.execute("DELETE FROM meta WHERE key != 'library'")
    present = [("d", "a", "", ""), ("d", "b", "", "update-rule")]
    _sync(db, present, ["d"])
    assert db.pk(("d", "b", "")) is not None


@contextmanager
def _locked(path: Path):
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_locked_database_gives_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    db, pk = _with_item(tmp_path)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.1)
    db.conn.execute("PRAGMA busy_timeout = 100")
    with _locked(db.path), pytest.raises(StoreError, match="busy"):
        db.record(pk, _entry(1_000), None)
    assert db.history(pk) == []
    db.record(pk, _entry(1_000), None)  # free again: works
    assert len(db.history(pk)) == 1


@contextmanager
def read_only(path: Path):
    """Make `path` unwritable even for root (chattr +i), else by its mode."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


def test_a_read_only_database_gives_a_clear_error(tmp_path: Path) -> None:
    db, _pk = _with_item(tmp_path)
    db.close()
    with read_only(db.path), pytest.raises(StoreError, match="read-only"):
        Store.open(db.path)


WRITER = """
import sys
from gradeck.srs.rows import LogEntry
from gradeck.srs.store import Store
from gradeck.srs.scheduler import Sched
db = Store.open(__import__("pathlib").Path(sys.argv[1]))
pk, base = int(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
for n in range(int(sys.argv[4])):
    # Each answer reads the stored step and adds one: a lost update would show in the total.
    db.record(pk, LogEntry(time=base + n, rating=3), lambda s: Sched(1, (s.step or 0) + 1))
"""


def test_two_processes_answering_at_once_lose_nothing(tmp_path: Path) -> None:
    db, pk = _with_item(tmp_path)
    answers = 150
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db.path), str(pk), str(base), str(answers)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for base in (0, 1_000_000)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:  # start both together
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert len(db.history(pk)) == 2 * answers
    assert db.item(pk).sched.step == 2 * answers
    assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_version_3_database_is_migrated_and_keeps_every_review(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "v3.sql").read_text(encoding="utf-8"))
    before = conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    hours = conn.execute("SELECT * FROM review_hours ORDER BY 1, 2, 3").fetchall()
    conn.close()
    db = Store.open(path)
    assert db.version == schema.VERSION == 8
    # Every old review as it was, with no hints counted and no attempts invented for it.
    after = db.conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    assert [row[:-1] for row in after] == before and {row[-1] for row in after} == {None}
    assert db.conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0
    assert db.conn.execute("SELECT * FROM review_hours ORDER BY 1, 2, 3").fetchall() == hours
    [card, exercise] = db.history(1) + db.history(2)
    assert card["attempts"] == [] and card["hints"] is None
    assert (exercise["answer"], exercise["mistake"], exercise["attempts"]) == (
        "67 | 12 | 3 | 900",
        "no-ceiling",
        [],
    )
    db.close()


def test_todays_counts_follow_answers_from_another_process(tmp_path: Path) -> None:
    """The counts are kept between calls (the home screen asks once per deck), yet an answer
    logged by another connection, or undone, shows at the next call."""
    db = Store.open(tmp_path / "gradeck.db")
    db.sync([("d", "v")], lambda deck: [("a", "", ""), ("b", "", "")])
    assert db.today_counts(1000).answered == 0
    other = sqlite3.connect(tmp_path / "gradeck.db")
    with other:
        other.execute(
            "INSERT INTO reviews (item, time, rating, prev_state) "
            "SELECT id, 2000, 3, 0 FROM items WHERE item_id = 'a'"
        )
    seen = db.today_counts(1000)
    assert (seen.answered, seen.new, seen.groups) == (1, 1, frozenset({("d", "a")}))
    assert db.today_counts(3000).answered == 0  # another day's start is read afresh
    with other:
        other.execute("DELETE FROM reviews")
    assert db.today_counts(1000).answered == 0
    other.close()
