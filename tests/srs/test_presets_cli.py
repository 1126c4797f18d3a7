"""Presets from the command line: `gradeck decks options`, `optimize --deck`, `simulate` and the
health check of `stats` with a deck on a preset of its own."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.srs.days import DAY_MS

from .test_optimize import _store, simulated_history


@pytest.fixture(autouse=True)
def _mini_only(monkeypatch) -> None:
    """The mini deck alone: the built-in decks would fill every listing."""
    from gradeck.decks import library

    monkeypatch.setattr(library, "builtin_files", lambda: [])


def _run(argv: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _json(argv: list[str], monkeypatch, capsys):
    code, out, err = _run([*argv, "--json"], monkeypatch, capsys)
    assert code == 0, err
    return json.loads(out)


def _rows(home: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(home / "gradeck.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_decks_options_shows_and_sets_a_decks_preset(home: Path, monkeypatch, capsys) -> None:
    [row] = _json(["decks", "options"], monkeypatch, capsys)
    assert (row["deck_id"], row["preset"], row["retention"]) == ("mini", "default", 0.9)
    code, out, _ = _run(["decks", "options", "mini", "--preset", "slow", "--retention", "0.8"],
                        monkeypatch, capsys)  # fmt: skip
    assert code == 0 and "preset slow" in out and "retention 0.80 (preset)" in out
    assert _rows(home, "SELECT * FROM presets") == [("slow", 0.8, None)]
    assert _rows(home, "SELECT * FROM deck_presets") == [("mini", "slow")]
    code, out, _ = _run(["decks", "options", "mini", "--retention", "default"], monkeypatch, capsys)
    assert code == 0 and "retention 0.90 (profile)" in out
    code, out, _ = _run(["decks", "options", "mini", "--preset", "default"], monkeypatch, capsys)
    assert code == 0 and "preset default" in out
    assert _rows(home, "SELECT * FROM deck_presets") == []


def test_bad_options_are_refused_with_a_message(home: Path, monkeypatch, capsys) -> None:
    for argv, message in [
        (["decks", "options", "mini", "--retention", "0.8"], "put it on a preset first"),
        (["decks", "options", "mini", "--preset", "a b"], "a preset name is"),
        (["decks", "options", "mini", "--preset", "p", "--retention", "x"], "expected a number"),
        (["decks", "options", "nope", "--preset", "p"], "no deck 'nope'"),
        (["decks", "options", "--retention", "0.8"], "name the deck"),
        (["decks", "--preset", "p"], "go with `gradeck decks options`"),
    ]:
        code, out, err = _run(argv, monkeypatch, capsys)
        assert code != 0 and out == "" and message in err and "Traceback" not in err
    assert _rows(home, "SELECT * FROM presets") == []


def test_optimize_deck_fits_and_saves_for_its_preset(home: Path, monkeypatch, capsys) -> None:
    _store(home, simulated_history(250, seed=4), deck="mini").close()
    code, out, err = _run(["optimize", "--deck", "mini"], monkeypatch, capsys)
    assert code == 1 and "put it on a preset first" in err
    _run(["decks", "options", "mini", "--preset", "mine"], monkeypatch, capsys)
    fit = _json(["optimize", "--deck", "mini"], monkeypatch, capsys)
    assert fit["saved"] and fit["preset"] == "mine" and fit["decks"] == ["mini"]
    assert fit["current"]["weights"] == "default"
    # Saved for the preset, not for the profile.
    assert _rows(home, "SELECT key FROM settings WHERE key = 'parameters'") == []
    [(text,)] = _rows(home, "SELECT parameters FROM presets WHERE name = 'mine'")
    assert [float(w) for w in text.split()] == [
        float(f"{w:.6g}") for w in fit["fitted"]["parameters"]
    ]
    [row] = _json(["decks", "options"], monkeypatch, capsys)
    assert row["weights"] == "preset"
    health = _json(["stats"], monkeypatch, capsys)["health"]
    assert health["weights"] == "default"
    [mine] = health["presets"]
    assert mine["preset"] == "mine" and mine["predicted"] == fit["predicted"]
    assert mine["log_loss"] == round(fit["fitted"]["log_loss"], 4) < health["log_loss"]
    out = _run(["stats"], monkeypatch, capsys)[1]
    assert f"Preset mine (mini): its fitted weights, log loss {mine['log_loss']:.4f}" in out
    code, out, _ = _run(["optimize", "--deck", "mini"], monkeypatch, capsys)
    assert code == 0 and "of preset mine" in out and "in use (fitted before)" in out


def test_simulate_and_stats_show_a_decks_own_retention(home: Path, monkeypatch, capsys) -> None:
    _run(["decks", "options", "mini", "--preset", "slow", "--retention", "0.8"],
         monkeypatch, capsys)  # fmt: skip
    result = _json(["simulate"], monkeypatch, capsys)
    assert result["desired_retention"] == 0.9 and result["deck_retention"] == {"mini": 0.8}
    assert {0.8, 0.9} <= {row["retention"] for row in result["outcomes"]}
    _code, out, _ = _run(["simulate"], monkeypatch, capsys)
    [line] = [line for line in out.splitlines() if line.strip().startswith("0.80")]
    assert line.endswith("(mini)")
    _code, out, _ = _run(["simulate", "--deck", "mini"], monkeypatch, capsys)
    [line] = [line for line in out.splitlines() if line.strip().startswith("0.80")]
    assert "(yours)" in line and "Your desired retention is 0.80" in out
    health = _json(["stats"], monkeypatch, capsys)["health"]
    assert health["desired_retention"] == 0.9 and health["presets"] == []


def test_the_health_check_puts_a_decks_desired_retention_beside_its_true(
    home: Path, monkeypatch, capsys
) -> None:
    from gradeck.srs.store import Store

    db = Store.open(home / "gradeck.db")
    db.sync([("mini", "v"), ("d", "v")], lambda deck: [("a", "", "")])
    now = int(datetime.now(UTC).timestamp() * 1000)
    # One review-state answer in each deck: passed in mini, failed in d (an item in review has a
    # last review and a due date, as the store records them).
    db.write(lambda: db.conn.executemany(
        "INSERT INTO reviews (item, time, rating, prev_state, prev_last_review, prev_due) "
        "SELECT id, ?, ?, 2, ?, ? FROM items WHERE deck_id = ?",
        [(now - DAY_MS, 3, now - 3 * DAY_MS, now - DAY_MS, "mini"),
         (now - DAY_MS, 1, now - 3 * DAY_MS, now - DAY_MS, "d")],
    ))  # fmt: skip
    db.close()
    _run(["decks", "options", "mini", "--preset", "slow", "--retention", "0.8"],
         monkeypatch, capsys)  # fmt: skip
    decks = _json(["stats"], monkeypatch, capsys)["health"]["true_retention"]["decks"]
    assert decks == {
        "d": {"passed": 0, "total": 1, "rate": 0.0, "desired": 0.9},
        "mini": {"passed": 1, "total": 1, "rate": 1.0, "desired": 0.8},
    }
    out = _run(["stats"], monkeypatch, capsys)[1]
    assert "decks: d 0% (0/1), mini 100% (1/1, desired 80%)" in out
