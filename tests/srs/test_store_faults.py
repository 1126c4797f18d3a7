"""What the store says and does when its file is wrong: a folder in its place, an empty file, a
full disk, a read-only profile, damage; and bringing a backup back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gradeck.srs import copies, dbfile, repair, schema
from gradeck.srs import store as store_module
from gradeck.srs.rows import LogEntry
from gradeck.srs.scheduler import Sched
from gradeck.srs.store import Store, StoreError


def _profile(path: Path, answers: int = 3) -> Store:
    db = Store.open(path)
    db.sync([("mini", "v1")], lambda deck: [(f"c{n}", "", "") for n in range(5)])
    pk = db.pk(("mini", "c0", ""))
    assert pk is not None
    for n in range(answers):
        db.record(pk, LogEntry(time=1_000 + n, rating=3), lambda s: Sched(1, 0, 2.0, 5.0, 9, 1))
    return db


def _reviews(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def _damage(path: Path) -> None:
    """Overwrite the pages after the first two with noise: SQLite still opens the file."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE filler (x)")
    conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 200)
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 6] = b"\xa5" * (4096 * 4)
    path.write_bytes(bytes(data))


@contextmanager
def frozen(*paths: Path) -> Iterator[None]:
    """Files and folders that nobody may change, not even root (chattr +i)."""
    if os.geteuid() != 0:
        pytest.skip("needs root for chattr")
    subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_a_folder_in_place_of_the_database_is_named(tmp_path: Path) -> None:
    (tmp_path / "gradeck.db").mkdir()
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path / "gradeck.db")
    assert (tmp_path / "gradeck.db").is_dir()


def test_an_empty_database_is_not_taken_for_a_new_profile(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    path.touch()
    with pytest.raises(StoreError, match=r"empty \(0 bytes\).*kept as") as caught:
        Store.open(path)
    kept = Path(str(caught.value).split("kept as ")[1].split(" and ")[0])
    assert kept.exists() and kept.stat().st_size == 0
    Store.open(path).close()  # the fresh one, on the next run


def test_a_disk_io_error_on_a_full_disk_says_so(tmp_path: Path, monkeypatch) -> None:
    db = _profile(tmp_path / "gradeck.db", answers=0)
    full = shutil.disk_usage(tmp_path)._replace(free=4096)
    monkeypatch.setattr(dbfile.shutil, "disk_usage", lambda _path: full)

    def fail() -> None:
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(StoreError) as caught:
        db.write(fail)
    assert "disk holding" in str(caught.value) and "is full" in str(caught.value)
    assert "the database itself is fine" in str(caught.value)
    assert "restore" not in str(caught.value).lower()


def test_a_read_only_profile_can_be_read_and_backed_up(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _profile(home / "gradeck.db").close()
    with frozen(home / "gradeck.db", home):
        db = Store.open(home / "gradeck.db", read_only=True)
        assert len(db.history(db.pk(("mini", "c0", "")) or 0)) == 3
        db.sync([("mini", "v2")], lambda deck: [])  # matching writes: a read-only store skips it
        db.backup(tmp_path / "copy.db")
        db.close()
    assert _reviews(tmp_path / "copy.db") == 3


def test_a_backup_of_a_damaged_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    _profile(path).close()
    _damage(path)
    db = Store.open(path)
    with pytest.raises(StoreError, match=r"is damaged.*a backup of it would be damaged too"):
        db.backup(tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert repair.check(db).damage


def test_a_backup_comes_back_and_the_current_database_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    db = _profile(path, answers=2)
    db.backup(tmp_path / "backup.db")
    db.record(db.pk(("mini", "c1", "")) or 0, LogEntry(time=5_000, rating=1), None)
    kept = copies.restore(tmp_path / "backup.db", path)
    assert _reviews(path) == 2
    assert kept is not None and _reviews(kept) == 3
    assert db.history(db.pk(("mini", "c1", "")) or 0) == []  # an open store sees the restore
    db.close()


def test_a_damaged_current_database_is_moved_aside_by_a_restore(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    db = _profile(path)
    db.backup(tmp_path / "backup.db")
    db.close()
    path.write_bytes(b"this is not a database at all" * 200)
    kept = copies.restore(tmp_path / "backup.db", path)
    assert kept is not None and kept.read_bytes().startswith(b"this is not")
    assert _reviews(path) == 3


def test_an_older_backup_is_migrated(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript((Path(__file__).parent / "fixtures" / "v1.sql").read_text("utf-8"))
    conn.close()
    assert copies.check_copy(old) == 1
    copies.restore(old, tmp_path / "gradeck.db")
    assert Store.open(tmp_path / "gradeck.db").version == schema.VERSION


def _newer(path: Path) -> None:
    _profile(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    conn.close()


def _other_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()


def _damaged(path: Path) -> None:
    _profile(path).close()
    _damage(path)


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: p.write_bytes(b"SQLite format 3\x00 but not really" * 100), "cannot be read"),
        (lambda p: p.write_text("{}", encoding="utf-8"), "cannot be read"),
        (Path.touch, "empty"),
        (Path.mkdir, "not a file"),
        (lambda p: None, "there is no"),
        (_other_sqlite, "not one of gradeck's"),
        (_newer, "newer gradeck"),
        (_damaged, "damaged"),
    ],
)
def test_a_backup_that_cannot_come_back_is_refused_untouched(tmp_path: Path, make, why) -> None:
    path = tmp_path / "gradeck.db"
    _profile(path).close()
    before = path.read_bytes()
    source = tmp_path / "backup.db"
    make(source)
    with pytest.raises(StoreError, match=why):
        copies.restore(source, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("gradeck.db.")) == []


@pytest.mark.parametrize(
    ("base", "exponent"), [(-2.0, 0.5), (0.0, -1.0), (1e308, 10.0), (2.0, 0.5), (-8.0, 3.0)]
)
def test_the_pow_stand_in_answers_as_sqlites_own(base: float, exponent: float) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        (expected,) = conn.execute("SELECT pow(?, ?)", (base, exponent)).fetchone()
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no math functions to compare with")
    assert store_module._pow(base, exponent) == expected
