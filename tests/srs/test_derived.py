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
