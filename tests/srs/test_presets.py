"""Deck presets: the v6 migration keeps every row, presets are stored and read back, and a
session schedules each deck with its preset's retention and weights, as `fsrs` computes them."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC
from pathlib import Path

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from gradeck.errors import GradeckError
from gradeck.srs import presets, schema
from gradeck.srs.days import to_ms
from gradeck.srs.presets import Preset
from gradeck.srs.scheduler import Settings
from gradeck.srs.store import Store
from gradeck.study import Profile
from gradeck.study.options import deck_options, set_deck_options

from .conftest import DECK, START

OTHER = DECK.replace("id: mini", "id: other").replace("Mini deck", "Other deck")
# Weights unlike the defaults: a learner whose first memories are much firmer.
STRONG = list(DEFAULT_PARAMETERS)
STRONG[0:4] = [2.0, 5.0, 12.0, 30.0]


def _v5(path: Path) -> None:
    """A version-5 database with a row in every table."""
    conn = sqlite3.connect(path)
    for script in schema.STEPS[:5]:
        for statement in schema.statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    conn.executescript(
        """
        INSERT INTO items (deck_id, item_id, state, stability, difficulty, due, last_review,
                           family, buried_until)
            VALUES ('mini', 'bias', 2, 3.5, 5.1, 1772539200000, 1772366400000, '', 0),
                   ('mini', 'iters', 0, NULL, NULL, NULL, NULL, 'training-iterations', 7);
        INSERT INTO reviews (item, time, rating, prev_state, hints)
            VALUES (1, 1772366000000, 3, 0, NULL), (2, 1772366400000, 1, 0, 2);
        INSERT INTO attempts VALUES (2, 0, 0, 1, '12', 'wrong', 'no-ceiling');
        INSERT INTO settings VALUES ('retention', '0.85');
        INSERT INTO meta VALUES ('synced', 'x');
        """
    )
    conn.commit()
    conn.close()


def _tables(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    names = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    return {name: sorted(conn.execute(f"SELECT * FROM {name}"), key=repr) for name in names}


def test_a_version_5_database_is_migrated_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "gradeck.db"
    _v5(path)
    conn = sqlite3.connect(path)
    before = _tables(conn)
    conn.close()
    db = Store.open(path)
    assert db.version == schema.VERSION == 8
    after = _tables(db.conn)
    assert {k: v for k, v in after.items() if k in before} == before
    assert after["presets"] == [] and after["deck_presets"] == []
    assert all(before.values())  # every old table had rows to keep
    assert presets.load(db) == presets.Presets()
    db.close()


def test_presets_are_stored_and_read_back(tmp_path: Path) -> None:
    db = Store.open(tmp_path / "gradeck.db")
    presets.assign(db, "a", "hard")
    presets.assign(db, "b", "hard")
    presets.set_retention(db, "hard", 0.95)
    presets.set_parameters(db, "easy", tuple(STRONG))
    loaded = presets.load(db)
    assert loaded.presets["hard"] == Preset("hard", 0.95, ())
    assert loaded.presets["easy"].parameters == pytest.approx(STRONG, rel=1e-5)
    assert loaded.members("hard") == ["a", "b"] and loaded.members("easy") == []
    profile = Settings(retention=0.9, parameters=())
    assert loaded.settings(profile, "a").retention == 0.95
    assert loaded.settings(profile, "c") is profile  # on no preset: the profile's own
    presets.set_retention(db, "hard", None)
    presets.assign(db, "a", presets.DEFAULT)
    loaded = presets.load(db)
    assert loaded.decks == {"b": "hard"} and loaded.presets["hard"].retention is None
    # A value no gradeck wrote reads as unset, not as a crash.
    db.conn.execute("UPDATE presets SET retention = 7, parameters = 'x y' WHERE name = 'easy'")
    assert presets.load(db).presets["easy"] == Preset("easy")
    db.close()


@pytest.mark.parametrize("bad", ["", "two words", "-lead", "x" * 41, "new\nline"])
def test_a_bad_preset_name_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="a preset name is"):
        presets.check_name(bad)


@pytest.fixture
def two_decks(home: Path, clock) -> Profile:
    (home / "decks" / "other.yaml").write_text(OTHER, encoding="utf-8")
    with Profile.open(home, (), now=clock, tz=UTC, rng=random.Random(3)) as profile:
        profile.set_setting("fuzz", "off")
        profile.set_setting("learning_steps", "none")  # a first Good goes straight to review
        yield profile


def _first_good(profile: Profile, deck: str) -> int:
    """The wait in ms that a first Good gives the first card of `deck`."""
    session = profile.session([deck])
    shown = session.next()
    assert shown is not None and shown.item.deck_id == deck
    answered = session.answer(shown, 3)
    return int(answered.due.timestamp() * 1000) - to_ms(profile._now())


def _fsrs_wait(retention: float, parameters=DEFAULT_PARAMETERS) -> int:
    """The same wait, from `fsrs` alone."""
    scheduler = fsrs.Scheduler(
        parameters=parameters,
        desired_retention=retention,
        learning_steps=(),
        enable_fuzzing=False,
    )
    card, _ = scheduler.review_card(fsrs.Card(due=START), fsrs.Rating.Good, START)
    return int((card.due - START).total_seconds() * 1000)


def test_each_deck_is_scheduled_with_its_presets_retention(two_decks: Profile) -> None:
    set_deck_options(two_decks, "mini", preset="relaxed", retention="0.80")
    set_deck_options(two_decks, "other", preset="strict", retention="0.95")
    relaxed, strict = _first_good(two_decks, "mini"), _first_good(two_decks, "other")
    assert relaxed == _fsrs_wait(0.80) and strict == _fsrs_wait(0.95)
    assert relaxed > strict  # a lower desired retention waits longer
    options = {o.deck_id: o for o in deck_options(two_decks)}
    assert (options["mini"].preset, options["mini"].retention) == ("relaxed", 0.80)
    assert options["other"].own_retention and options["other"].weights == "default"


def test_a_presets_weights_schedule_its_decks_only(two_decks: Profile) -> None:
    weights = " ".join(map(str, STRONG))
    set_deck_options(two_decks, "mini", preset="fitted", parameters=weights)
    assert _first_good(two_decks, "mini") == _fsrs_wait(0.9, STRONG)
    assert _first_good(two_decks, "other") == _fsrs_wait(0.9)
    assert _fsrs_wait(0.9, STRONG) != _fsrs_wait(0.9)


def test_changing_a_deck_on_the_profiles_settings_is_refused(two_decks: Profile) -> None:
    with pytest.raises(GradeckError, match="uses the profile's settings") as caught:
        set_deck_options(two_decks, "mini", retention="0.8")
    assert caught.value.code == 2
    with pytest.raises(GradeckError, match=r"retention must be from 0\.70 to 0\.99"):
        set_deck_options(two_decks, "mini", preset="x", retention="1.5")
    assert presets.load(two_decks.store) == presets.Presets()  # nothing saved on a refusal


def test_presets_move_with_a_progress_file_and_local_ones_win(home: Path, tmp_path: Path) -> None:
    with Profile.open(home, ()) as source:
        set_deck_options(source, "mini", preset="exam", retention="0.95")
        presets.set_parameters(source.store, "exam", tuple(STRONG))
        presets.set_retention(source.store, "spare", 0.8)
        data = source.export_progress()
    assert data["presets"]["exam"]["decks"] == ["mini"]
    assert data["presets"]["spare"] == {"retention": 0.8, "parameters": None, "decks": []}
    with Profile.open(tmp_path / "other", ()) as other:
        presets.set_retention(other.store, "exam", 0.85)  # the learner's own, kept
        assert other.import_progress(data)["presets_added"] == 2  # spare, and mini on exam
        assert other.import_progress(data)["presets_added"] == 0  # importing twice adds nothing
        loaded = presets.load(other.store)
    assert loaded.presets["exam"] == Preset("exam", 0.85, ())
    assert loaded.presets["spare"] == Preset("spare", 0.8, ())
    assert loaded.decks == {"mini": "exam"}


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ([], "presets: must be an object"),
        ({"a b": {}}, "presets.a b: a preset name is"),
        ({"Default": {}}, "presets.Default: names the profile's settings"),
        ({"p": {"retention": 2}}, "presets.p.retention: retention must be from 0.70"),
        ({"p": {"retention": "0.9"}}, "presets.p.retention: must be a number or null"),
        ({"p": {"parameters": "1 2"}}, "presets.p.parameters: expected 21 numbers, got 2"),
        ({"p": {"decks": "mini"}}, "presets.p.decks: must be a list of deck ids"),
        ({"p": {"decks": ["x"]}, "q": {"decks": ["x"]}}, "presets.q.decks: x is also on p"),
    ],
)
def test_a_progress_file_with_bad_presets_imports_nothing(
    home: Path, tmp_path: Path, bad, why: str
) -> None:
    with Profile.open(home, ()) as source:
        data = source.export_progress()
    data["presets"] = bad
    with Profile.open(tmp_path / "other", ()) as other:
        with pytest.raises(GradeckError, match="nothing was imported") as caught:
            other.import_progress(data)
        assert why in str(caught.value)
        assert presets.load(other.store) == presets.Presets()
