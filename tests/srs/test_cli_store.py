"""The store's commands as a learner meets them: an item whose stored schedule is out of bounds
(review leaves it out and says so once; `check` names it; `check --repair` mends it), statistics
and backups of a read-only profile, `backup --restore`, and an export that never overwrites."""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path

import pytest

from gradeck.cli import main

from .test_store_faults import frozen


def _run(argv: list[str], monkeypatch, capsys, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _sql(home: Path, query: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(home / "gradeck.db")
    try:
        rows = conn.execute(query, args).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


ANSWERS = (
    "SELECT count(*) FROM reviews r JOIN items i ON i.id = r.item "
    "WHERE i.deck_id = 'mini' AND i.item_id = 'bias'"
)


@pytest.fixture
def broken(home: Path, monkeypatch, capsys) -> Path:
    """A profile with answers, whose `bias` card was then given a schedule that no scheduler
    can use (in review, no stability), due long ago, as an unchecked import once left it."""
    assert _run(["review", "--deck", "mini"], monkeypatch, capsys, "!!\n3\n" * 3)[0] == 0
    _sql(
        home,
        "UPDATE items SET state = 2, step = NULL, stability = NULL, difficulty = 5, due = 1, "
        "last_review = 1 WHERE deck_id = 'mini' AND item_id = 'bias'",
    )
    return home


def test_review_leaves_a_broken_item_out_and_says_so_once(broken: Path, monkeypatch, capsys):
    code, out, err = _run(["review", "--deck", "mini"], monkeypatch, capsys, "q\n")
    assert code == 0
    assert err.count("1 item(s) left out") == 1 and "gradeck check --repair" in err
    assert "internal error" not in err and "mini · bias" not in out
    assert "Review:" in out  # the rest is served


def test_check_names_the_item_and_repair_keeps_its_answers(broken: Path, monkeypatch, capsys):
    answers = _sql(
        broken,
        ANSWERS,
    )
    assert answers[0][0] == 1
    code, out, _ = _run(["check"], monkeypatch, capsys)
    assert code == 1
    assert (
        "mini/bias: stability must be a positive number" in out and "for an item in review" in out
    )
    assert _sql(broken, "SELECT state FROM items WHERE deck_id = 'mini' AND item_id = 'bias'") == [
        (2,)
    ]  # only looked
    code, out, _ = _run(["check", "--repair"], monkeypatch, capsys)
    assert code == 0 and "Repaired 1 item(s)" in out
    assert _sql(
        broken,
        "SELECT state, stability, due FROM items WHERE deck_id = 'mini' AND item_id = 'bias'",
    ) == [(0, None, None)]
    assert (
        _sql(
            broken,
            ANSWERS,
        )
        == answers
    )
    code, out, _ = _run(["check"], monkeypatch, capsys)
    assert code == 0 and "is sound" in out
    code, out, err = _run(["review", "--deck", "mini"], monkeypatch, capsys, "q\n")
    assert "left out" not in err


def test_stats_and_backup_work_on_a_read_only_profile(
    home: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    assert _run(["review", "--deck", "mini", "--limit", "1"], monkeypatch, capsys, "\n3\n")[0] == 0
    with frozen(home / "gradeck.db", home):
        code, out, err = _run(["stats"], monkeypatch, capsys)
        assert code == 0 and "All time: 1 answers" in out, err
        code, out, err = _run(["backup", str(tmp_path / "copy.db")], monkeypatch, capsys)
        assert code == 0, err
        code, _out, err = _run(["review"], monkeypatch, capsys, "q\n")
        assert code == 1 and "read-only" in err
    conn = sqlite3.connect(tmp_path / "copy.db")
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    conn.close()


def test_backup_restore_brings_progress_back(home: Path, tmp_path: Path, monkeypatch, capsys):
    assert _run(["review", "--deck", "mini", "--limit", "1"], monkeypatch, capsys, "\n3\n")[0] == 0
    backup = tmp_path / "backup.db"
    assert _run(["backup", str(backup)], monkeypatch, capsys)[0] == 0
    _sql(home, "INSERT INTO reviews (item, time, rating, prev_state) VALUES (1, 5, 3, 0)")
    assert _sql(home, "SELECT count(*) FROM reviews") == [(2,)]
    code, out, _ = _run(["backup", "--restore", str(backup)], monkeypatch, capsys)
    assert code == 0 and "The database it replaced is kept as" in out
    assert _sql(home, "SELECT count(*) FROM reviews") == [(1,)]
    kept = Path(out.split("kept as ")[1].strip().rstrip("."))
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2
    conn.close()
    notes = tmp_path / "notes.db"
    notes.write_text("not a database", encoding="utf-8")
    code, _out, err = _run(["backup", "--restore", str(notes)], monkeypatch, capsys)
    assert code == 1 and "cannot be read as a database" in err
    assert _sql(home, "SELECT count(*) FROM reviews") == [(1,)]


def test_export_does_not_overwrite_without_force(home: Path, tmp_path: Path, monkeypatch, capsys):
    target = tmp_path / "progress.json"
    target.write_text("my notes", encoding="utf-8")
    code, _out, err = _run(["progress", "export", str(target)], monkeypatch, capsys)
    assert code == 1 and "already exists; add --force" in err
    assert target.read_text(encoding="utf-8") == "my notes"
    assert _run(["progress", "export", str(target), "--force"], monkeypatch, capsys)[0] == 0
    assert '"format": "gradeck-progress"' in target.read_text(encoding="utf-8")


def test_a_folder_or_an_empty_file_in_place_of_the_database(home: Path, monkeypatch, capsys):
    (home / "gradeck.db").mkdir()
    code, _out, err = _run(["stats"], monkeypatch, capsys)
    assert code == 1 and "is a folder" in err
    (home / "gradeck.db").rmdir()
    (home / "gradeck.db").touch()
    code, _out, err = _run(["review"], monkeypatch, capsys, "q\n")
    assert code == 1 and "was empty (0 bytes)" in err


def test_browse_shows_a_broken_item_without_its_impossible_dates(broken: Path) -> None:
    from gradeck.study import Profile

    _sql(broken, "UPDATE items SET due = 9000000000000000 WHERE deck_id = 'mini'")  # year 287168
    with Profile.open(broken, ["mini"]) as profile:
        shown = {info.item_id: info for info in profile.browse()}
    assert shown["bias"].state == "review" and shown["bias"].due is None
    assert shown["bias"].stability is None
