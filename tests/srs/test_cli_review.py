"""`gradeck review` driven through a pipe, as a script or a screen reader would, and the
database failures every command must report clearly."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.srs import store

from .test_store import read_only


def _run(argv: list[str], stdin: str, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _log(home: Path) -> list[tuple]:
    conn = sqlite3.connect(home / "gradeck.db")
    try:
        return conn.execute(
            "SELECT i.item_id, r.rating, r.mode, r.seed FROM reviews r JOIN items i "
            "ON i.id = r.item ORDER BY r.id"
        ).fetchall()
    finally:
        conn.close()


def test_bang_bang_and_3_answer_every_kind_of_item(home: Path, monkeypatch, capsys) -> None:
    code, out, err = _run(["review", "--deck", "mini"], "!!\n3\n" * 7, monkeypatch, capsys)
    assert code == 0, err
    log = _log(home)
    kinds = [row[0] for row in log]
    assert kinds == ["bias", "iters", "sigmoid", "update", "optimizers", "dense", "epoch"]
    assert {row[1] for row in log} == {3}
    assert all(seed is not None for item, _r, _m, seed in log if item in ("iters", "dense"))
    assert out.count("Saved: Good") == 7
    assert "Stopped: 7 answered" in out  # end of input quits


def test_choice_typed_and_exercises_suggest_ratings(home: Path, monkeypatch, capsys) -> None:
    # bias: flashcard, rated 2; iters: an empty line (asked again), then the worked solution
    # (!!) and the suggestion taken.
    code, out, _err = _run(
        ["review", "--deck", "mini", "--limit", "2"], "\n2\n\n!!\n\n", monkeypatch, capsys
    )
    assert code == 0
    assert [row[:2] for row in _log(home)] == [("bias", 2), ("iters", 1)]
    assert "Worked solution" in out and "[Enter: 1 Again]" in out
    assert "Done: 2 answered, the limit asked for." in out


def test_undo_and_quit(home: Path, monkeypatch, capsys) -> None:
    code, out, _err = _run(["review", "--deck", "mini"], "\n3\nu\n\n4\nq\n", monkeypatch, capsys)
    assert code == 0
    assert "Undone; showing that item again." in out
    assert [row[:2] for row in _log(home)] == [("bias", 4)]
    assert "Stopped: 1 answered" in out


def test_practice_is_logged_as_practice(home: Path, monkeypatch, capsys) -> None:
    code, out, _err = _run(
        ["review", "--deck", "mini", "--practice", "--limit", "1"], "\n1\n", monkeypatch, capsys
    )
    assert code == 0 and "practice, schedule unchanged" in out
    assert _log(home) == [("bias", 1, "practice", None)]


def test_a_tag_filter(home: Path, monkeypatch, capsys) -> None:
    argv = ["review", "--deck", "mini", "--tag", "training"]
    code, out, _err = _run(argv, " An Epoch\n\n", monkeypatch, capsys)
    assert code == 0 and "✓ right" in out
    assert [row[:2] for row in _log(home)] == [("epoch", 3)]  # right: Good suggested


def _expect_failure(argv, home, monkeypatch, capsys, *needles: str) -> None:
    code, _out, err = _run(argv, "\n3\n", monkeypatch, capsys)
    assert code == 1
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err


def _prepared(home: Path, monkeypatch, capsys) -> Path:
    assert _run(["review", "--deck", "mini", "--limit", "1"], "\n3\n", monkeypatch, capsys)[0] == 0
    return home / "gradeck.db"


def test_a_newer_database_is_refused(home: Path, monkeypatch, capsys) -> None:
    db = _prepared(home, monkeypatch, capsys)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    for argv in (["review", "--deck", "mini"], ["stats"]):
        _expect_failure(argv, home, monkeypatch, capsys, "newer gradeck", str(db))


def test_a_damaged_database_is_kept_and_named(home: Path, monkeypatch, capsys) -> None:
    db = home / "gradeck.db"
    db.write_bytes(b"\x00garbage" * 1000)
    _expect_failure(["review", "--deck", "mini"], home, monkeypatch, capsys, "damaged", "kept as")
    [kept] = home.glob("gradeck.db.damaged-*")
    assert kept.read_bytes() == b"\x00garbage" * 1000
    code, _out, _err = _run(
        ["review", "--deck", "mini", "--limit", "1"], "\n3\n", monkeypatch, capsys
    )
    assert code == 0 and len(_log(home)) == 1  # the fresh database works


def test_a_locked_database_says_busy(home: Path, monkeypatch, capsys) -> None:
    db = _prepared(home, monkeypatch, capsys)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        _expect_failure(["review", "--deck", "mini"], home, monkeypatch, capsys, "busy")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(_log(home)) == 1


def test_a_read_only_database_says_so(home: Path, monkeypatch, capsys) -> None:
    db = _prepared(home, monkeypatch, capsys)
    with read_only(db):
        _expect_failure(["review", "--deck", "mini"], home, monkeypatch, capsys, "read-only")


def _read_until(stream, needle: str, count: int) -> str:
    seen, text = 0, ""
    while seen < count:
        line = stream.readline()
        assert line, f"gradeck ended early:\n{text}"
        text += line
        seen += needle in line
    return text


def test_sigkill_mid_session_loses_no_saved_answer(home: Path) -> None:
    env = {**os.environ, "GRADECK_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gradeck", "review", "--deck", "mini"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        proc.stdin.write("!!\n3\n" * 3 + "\n")  # three answers, then the fourth item half done
        proc.stdin.flush()
        _read_until(proc.stdout, "Saved:", 3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdin.close()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(home / "gradeck.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert [row[0] for row in _log(home)] == ["bias", "iters", "sigmoid"]


def test_stats_after_a_review(home: Path, monkeypatch, capsys) -> None:
    _run(["review", "--deck", "mini"], "!!\n3\n" * 7, monkeypatch, capsys)
    code, out, _err = _run(["stats", "--json"], "", monkeypatch, capsys)
    assert code == 0
    stats = json.loads(out)
    for key in (
        "reviews_total",
        "today",
        "forecast",
        "daily",
        "retention",
        "states",
        "streak",
        "time_spent_s",
        "decks",
        "exercises",
    ):
        assert key in stats
    assert stats["reviews_total"] == 7 and stats["today"]["new"] == 7
    assert len(stats["forecast"]) == 30 and len(stats["daily"]) == 365
    assert stats["daily"][-1] == 7 and stats["streak"] == 1
    assert stats["decks"]["mini"]["learning"] == 7
    code, out, _err = _run(["stats", "--deck", "mini"], "", monkeypatch, capsys)
    assert code == 0 and "7 answered, 7 new" in out and "Streak: 1 day." in out


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["config", "set", "retention", "1.5"], 2),
        (["config", "get", "colour"], 2),
        (["config", "set", "retention"], 2),
        (["review", "--deck", "mini", "--limit", "0"], 2),
        (["review", "--deck", "no-such-deck"], 1),
    ],
)
def test_config_refuses_bad_input(home: Path, monkeypatch, capsys, argv, code) -> None:
    assert _run(argv, "", monkeypatch, capsys)[0] == code


def test_config_set_get_list(home: Path, monkeypatch, capsys) -> None:
    assert (
        _run(["config", "set", "new_per_day", "1"], "", monkeypatch, capsys)[1]
        == "new_per_day = 1\n"
    )
    assert _run(["config", "get", "new_per_day"], "", monkeypatch, capsys)[1] == "1\n"
    assert "learning_steps    1m 10m" in _run(["config", "list"], "", monkeypatch, capsys)[1]
    _run(["review", "--deck", "mini"], "!!\n4\n" * 3, monkeypatch, capsys)
    assert len(_log(home)) == 1  # one new item a day now


def test_backup_and_progress_round_trip(home: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    _run(["review", "--deck", "mini"], "!!\n3\n" * 4, monkeypatch, capsys)
    copy = tmp_path / "copy.db"
    assert _run(["backup", str(copy)], "", monkeypatch, capsys)[0] == 0
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 4
    conn.close()
    assert _run(["backup", str(copy)], "", monkeypatch, capsys)[0] == 1  # never overwrites
    exported = tmp_path / "progress.json"
    assert _run(["progress", "export", str(exported)], "", monkeypatch, capsys)[0] == 0
    other = ["--data-dir", str(tmp_path / "other")]
    code, out, _ = _run(["progress", "import", str(exported), *other], "", monkeypatch, capsys)
    assert code == 0 and "4 answer(s)" in out
    code, out, _ = _run(["progress", "import", str(exported), *other], "", monkeypatch, capsys)
    assert code == 0 and "0 answer(s), 0 new item(s), 0 item(s) updated" in out
    exported.write_text("{not json", encoding="utf-8")
    code, _out, err = _run(["progress", "import", str(exported), *other], "", monkeypatch, capsys)
    assert code == 1 and "not JSON" in err


def test_review_on_a_version_3_database_keeps_every_review(home: Path, monkeypatch, capsys):
    conn = sqlite3.connect(home / "gradeck.db")
    conn.executescript((Path(__file__).parent / "fixtures" / "v3.sql").read_text("utf-8"))
    old = conn.execute("SELECT id, item, time, rating, answer, mistake FROM reviews").fetchall()
    conn.close()
    code, out, err = _run(["review", "--deck", "mini"], "!!\n3\n" * 3, monkeypatch, capsys)
    assert code == 0, err
    conn = sqlite3.connect(home / "gradeck.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 8
    kept = conn.execute(
        "SELECT id, item, time, rating, answer, mistake FROM reviews WHERE id <= 3"
    ).fetchall()
    assert kept == old
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3 + out.count("Saved:")
    conn.close()
    stats = json.loads(_run(["stats", "--json"], "", monkeypatch, capsys)[1])
    # The old exercise review still counts its mistake (it has no attempts to count instead).
    assert {"family": "training-iterations", "mistake": "no-ceiling", "count": 1} in stats[
        "exercises"
    ]["mistakes"]


def test_a_byte_that_is_not_utf8_loses_nothing(home: Path) -> None:
    """A stray byte at the answer prompt is read as �: the item at hand is asked again."""
    env = {**os.environ, "GRADECK_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "gradeck", "review", "--deck", "mini", "--limit", "2"],
        input=b"\n3\n\xff\xfe\n!!\n\n",
        capture_output=True,
        env=env,
        timeout=120,
    )
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    assert "not utf-8 text" in out.lower() and "\ufffd" in out
    assert [row[:2] for row in _log(home)] == [("bias", 3), ("iters", 1)]
