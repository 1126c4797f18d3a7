"""`gradeck optimize` and `gradeck simulate` on a profile, as a learner runs them."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from gradeck.cli import main
from gradeck.srs.days import DAY_MS

from .test_optimize import _store, simulated_history


def _run(argv: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _settings(home: Path) -> dict[str, str]:
    conn = sqlite3.connect(home / "gradeck.db")
    try:
        return dict(conn.execute("SELECT key, value FROM settings"))
    finally:
        conn.close()


def test_optimize_with_too_little_history_changes_nothing(home: Path, monkeypatch, capsys):
    _store(home, simulated_history(10, seed=3)).close()
    code, out, err = _run(["optimize"], monkeypatch, capsys)
    assert code == 1 and out == ""
    assert "too little history to fit" in err and "at least 400 are needed" in err
    assert "parameters" not in _settings(home)


def test_optimize_saves_better_weights_and_the_scheduler_uses_them(home: Path, monkeypatch, capsys):
    _store(home, simulated_history(250, seed=4)).close()
    code, out, _ = _run(["optimize", "--json"], monkeypatch, capsys)
    result = json.loads(out)
    assert code == 0 and result["saved"] and result["current"]["default"]
    assert result["fitted"]["log_loss"] < result["current"]["log_loss"]
    saved = [float(w) for w in _settings(home)["parameters"].split()]
    assert saved == [float(f"{w:.6g}") for w in result["fitted"]["parameters"]]
    code, out, _ = _run(["config", "get", "parameters"], monkeypatch, capsys)
    assert out.split() == _settings(home)["parameters"].split()
    # Fitting again to the same answers finds nothing better than what is now in use.
    code, out, _ = _run(["optimize"], monkeypatch, capsys)
    assert code == 0 and "in use (fitted before)" in out


def test_simulate_marks_the_cheapest_retention(home: Path, monkeypatch, capsys) -> None:
    code, out, _ = _run(["simulate", "--json", "--deck", "mini"], monkeypatch, capsys)
    result = json.loads(out)
    assert code == 0 and result["items"] > 0
    rows = result["outcomes"]
    assert rows[0]["retention"] == 0.70 and rows[-1]["retention"] == 0.97
    assert 0.9 in [r["retention"] for r in rows]  # the profile's own desired retention
    # Asking for more recall costs more answers a day and leaves more remembered.
    assert rows[-1]["answers_per_day"] > rows[0]["answers_per_day"]
    assert rows[-1]["remembered"] > rows[0]["remembered"]
    best = min(rows, key=lambda r: r["answers_per_item"])
    assert result["cheapest"] == best["retention"]
    code, out, _ = _run(["simulate"], monkeypatch, capsys)
    assert code == 0 and "(yours)" in out and " *" in out


def test_stats_reports_the_health_check(home: Path, monkeypatch, capsys) -> None:
    from gradeck.srs.store import Store

    db = Store.open(home / "gradeck.db")
    db.sync([("d", "v")], lambda deck: [("a", "", "adam"), ("b", "", "")])
    now = int(datetime.now(UTC).timestamp() * 1000)
    rows = [("a", 3, 2), ("a", 1, 2), ("a", 4, 2), ("b", 3, 2), ("b", 3, 0), ("b", 1, 1)]

    def work() -> None:
        for n, (item, rating, prev_state) in enumerate(rows):
            time = now - DAY_MS * (10 - n)
            # An item in review has a due date and a last review, as the store records them.
            before = (time - DAY_MS, time) if prev_state == 2 else (None, None)
            db.conn.execute(
                "INSERT INTO reviews (item, time, rating, prev_state, prev_last_review, "
                "prev_due) SELECT id, ?, ?, ?, ?, ? FROM items WHERE item_id = ?",
                (time, rating, prev_state, *before, item),
            )

    db.write(work)
    db.close()
    code, out, _ = _run(["stats", "--json"], monkeypatch, capsys)
    assert code == 0
    health = json.loads(out)["health"]
    # Answers to items in review (state before: 2): a Good, Again, Easy; b Good. New and
    # learning answers do not count.
    assert health["true_retention"] == {
        "decks": {"d": {"passed": 3, "total": 4, "rate": 0.75, "desired": 0.9}},
        "families": {"adam": {"passed": 2, "total": 3, "rate": 0.6667}},
    }
    assert health["weights"] == "default" and health["desired_retention"] == 0.9
    assert health["predicted"] == 0  # no log here starts from new with a day between answers
    code, out, _ = _run(["stats"], monkeypatch, capsys)
    assert code == 0 and "beside the desired 90%" in out
    assert "d 75% (3/4)" in out and "adam 67% (2/3)" in out


def test_the_health_check_scores_the_weights_in_use(home: Path, monkeypatch, capsys) -> None:
    _store(home, simulated_history(250, seed=4)).close()
    before = json.loads(_run(["stats", "--json"], monkeypatch, capsys)[1])["health"]
    fit = json.loads(_run(["optimize", "--json"], monkeypatch, capsys)[1])
    after = json.loads(_run(["stats", "--json"], monkeypatch, capsys)[1])["health"]
    assert before["predicted"] == fit["predicted"] == after["predicted"]
    assert before["log_loss"] == round(fit["current"]["log_loss"], 4)
    assert after["weights"] == "fitted" and after["log_loss"] < before["log_loss"]
