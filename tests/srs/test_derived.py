"""The health check's scores are saved until the log changes (srs/derived.py): a second
`gradeck stats` reads no answer to score them, and any change to the log or the weights makes
them be worked out again, so a saved figure is never stale."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from gradeck.srs import derived, optimize
from gradeck.srs import store as store_module

from .test_optimize import _store, simulated_history
from .test_tuning_cli import _run


@pytest.fixture
def scored(monkeypatch) -> list[int]:
    """Counts how often the log is read to score it."""
    calls: list[int] = []
    real = optimize.reviews

    def counting(store, decks=None):
        calls.append(1)
        return real(store, decks)

    monkeypatch.setattr(optimize, "reviews", counting)
    return calls


def _health(monkeypatch, capsys) -> dict:
    code, out, _ = _run(["stats", "--json"], monkeypatch, capsys)
    assert code == 0
    return json.loads(out)["health"]


def _sql(home: Path, statement: str, args: tuple = ()) -> None:
    conn = sqlite3.connect(home / "gradeck.db")
    with conn:
        conn.execute(statement, args)
    conn.close()


def test_scores_are_saved_until_the_log_changes(home: Path, monkeypatch, capsys, scored):
    _store(home, simulated_history(30, seed=5)).close()
    first = _health(monkeypatch, capsys)
    assert first["predicted"] > 0 and len(scored) == 1
    assert _health(monkeypatch, capsys) == first and len(scored) == 1  # read back, not scored

    # A new answer: the scores are worked out again, and they count it.
    _sql(
        home,
        "INSERT INTO reviews (item, time, rating, prev_state) "
        "SELECT item, max(time) + 3 * 86400000, 1, 2 FROM reviews WHERE item = 1",
    )
    after = _health(monkeypatch, capsys)
    assert len(scored) == 2 and after["predicted"] == first["predicted"] + 1
    # Taking it back (undo deletes the row) brings back the first figures, worked out again.
    _sql(home, "DELETE FROM reviews WHERE id = (SELECT max(id) FROM reviews)")
    assert _health(monkeypatch, capsys) == first and len(scored) == 3
    # Changing an answer in place also counts as a change of the log.
    _sql(
        home,
        "UPDATE reviews SET rating = CASE rating WHEN 1 THEN 3 ELSE 1 END "
        "WHERE id = (SELECT max(id) FROM reviews)",
    )
    changed = _health(monkeypatch, capsys)
    assert len(scored) == 4 and changed["log_loss"] != first["log_loss"]


def test_other_weights_are_scored_afresh(home: Path, monkeypatch, capsys, scored):
    _store(home, simulated_history(30, seed=6)).close()
    default = _health(monkeypatch, capsys)
    weights = " ".join(str(w) for w in optimize.LOWER_BOUNDS_PARAMETERS)
    _sql(home, "INSERT INTO settings (key, value) VALUES ('parameters', ?)", (weights,))
    fitted = _health(monkeypatch, capsys)
    assert len(scored) == 2 and fitted["weights"] == "fitted"
    assert fitted["log_loss"] != default["log_loss"]


def test_a_damaged_saved_figure_is_worked_out_again(home: Path, monkeypatch, capsys, scored):
    _store(home, simulated_history(20, seed=7)).close()
    first = _health(monkeypatch, capsys)
    _sql(home, "UPDATE derived SET value = '{not json'")
    assert _health(monkeypatch, capsys) == first and len(scored) == 2


def test_a_profile_that_cannot_be_written_still_reports_its_health(
    home: Path, monkeypatch, capsys, scored
):
    """`stats` reads the profile read-only and saves the scores through a connection of its
    own; where that cannot write (a read-only file, as here), they are simply not saved."""
    _store(home, simulated_history(20, seed=8)).close()
    # As root can write any file, the file's being read-only is played by the checks.
    monkeypatch.setattr(store_module.os, "access", lambda path, mode: mode != os.W_OK)
    monkeypatch.setattr(
        derived, "_writer", lambda path: sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    )
    first = _health(monkeypatch, capsys)
    assert _health(monkeypatch, capsys) == first and len(scored) == 2  # nothing was saved


def test_a_large_log_keeps_its_scores_until_asked(home: Path, monkeypatch, capsys, scored):
    """Past RESCORE_ANSWERS scheduled answers, a new answer leaves the saved scores in place,
    marked as not current, until `--rescore`."""
    from gradeck.srs import calibration

    _store(home, simulated_history(30, seed=9)).close()
    first = _health(monkeypatch, capsys)
    monkeypatch.setattr(calibration, "RESCORE_ANSWERS", 10)  # this log is "large" now
    _sql(
        home,
        "INSERT INTO reviews (item, time, rating, prev_state) "
        "SELECT item, max(time) + 3 * 86400000, 1, 2 FROM reviews WHERE item = 1",
    )
    stale = _health(monkeypatch, capsys)
    assert len(scored) == 1 and stale["current"] is False
    assert {k: stale[k] for k in ("predicted", "log_loss")} == {
        k: first[k] for k in ("predicted", "log_loss")
    }
    code, out, _ = _run(["stats"], monkeypatch, capsys)
    assert code == 0 and "gradeck stats --rescore" in out and len(scored) == 1
    code, out, _ = _run(["stats", "--json", "--rescore"], monkeypatch, capsys)
    fresh = json.loads(out)["health"]
    assert len(scored) == 2 and fresh["current"] is True
    assert fresh["predicted"] == first["predicted"] + 1


def test_optimize_leaves_the_scores_it_worked_out_for_stats(
    home: Path, monkeypatch, capsys, scored
):
    _store(home, simulated_history(250, seed=4)).close()
    code, out, _ = _run(["optimize", "--json"], monkeypatch, capsys)
    fit = json.loads(out)
    assert code == 0 and fit["saved"] and len(scored) == 1
    health = _health(monkeypatch, capsys)
    assert len(scored) == 1  # read back, not worked out again
    assert health["weights"] == "fitted" and health["current"] is True
    assert health["predicted"] == fit["predicted"]
    # The same figures as scoring the saved weights afresh (to the 4 places shown).
    _sql(home, "DELETE FROM derived")
    again = _health(monkeypatch, capsys)
    assert len(scored) == 2
    assert (again["log_loss"], again["rmse"]) == (health["log_loss"], health["rmse"])
