"""The deck cache: an unchanged deck file is never parsed twice, a changed one is read again and
re-synced alone, a damaged or foreign cache is rebuilt, and progress survives all of it."""

from __future__ import annotations

import os
import random
import sqlite3
from datetime import UTC
from pathlib import Path

import pytest

from gradeck.decks import cache as deck_cache
from gradeck.decks import library as deck_library
from gradeck.study import Profile

OTHER = """format: 1
id: other
title: Other deck
cards:
  - {id: relu, front: What does ReLU give for a negative input?, back: Zero.}
  - {id: tanh, front: What range does tanh have?, back: From -1 to 1., tags: [activation]}
"""

BROKEN = "format: 1\nid: broken\ntitle: Broken\ncards:\n  - {id: x, type: nonsense}\n"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the deck files the library parses, in order."""
    calls: list[str] = []
    real = deck_library.load_deck

    def counting(path: Path, builtin: bool = False):
        calls.append(Path(path).name)
        return real(path, builtin=builtin)

    monkeypatch.setattr(deck_library, "load_deck", counting)
    return calls


def _open(home: Path, clock) -> Profile:
    return Profile.open(home, now=clock, tz=UTC, rng=random.Random(3))


def _answer_first(profile: Profile, deck: str) -> tuple[str, str, str]:
    session = profile.session([deck])
    shown = session.next()
    assert shown is not None
    session.answer(shown, 3, duration_ms=1000)
    return shown.key


def _edit(path: Path, old: str, new: str) -> None:
    """Change a file's text while keeping its modification time, so only the hash tells."""
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_an_unchanged_deck_is_not_parsed_again(home: Path, clock, parsed: list[str]) -> None:
    (home / "decks" / "other.yaml").write_text(OTHER, encoding="utf-8")
    with _open(home, clock) as first:
        assert {"mini.yaml", "other.yaml"} <= set(parsed)
        key = _answer_first(first, "mini")
        tags = first.library.tagged()
    parsed.clear()
    with _open(home, clock) as again:
        assert parsed == []  # built-in decks, mini and other all came from the cache
        assert again.history(key)[0]["rating"] == 3
        assert again.library.tagged() == tags
        assert again.library.deck("mini").size == 7
        card = again.library.review_item(("mini", "sigmoid", "reverse"))
        assert card is not None and card.card is not None
        assert card.card.back == "the sigmoid function" and card.tags == ("demo",)
        assert [c.id for c in again.library.deck("mini").cards] == [
            "bias",
            "sigmoid",
            "update",
            "optimizers",
            "epoch",
        ]


def test_a_touched_but_unchanged_file_is_not_parsed(home: Path, clock, parsed: list[str]) -> None:
    _open(home, clock).close()
    parsed.clear()
    path = home / "decks" / "mini.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    _open(home, clock).close()
    assert parsed == []


def test_a_changed_deck_is_read_again_and_resynced_alone(
    home: Path, clock, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (home / "decks" / "other.yaml").write_text(OTHER, encoding="utf-8")
    with _open(home, clock) as first:
        key = _answer_first(first, "mini")
    parsed.clear()
    synced: list[str] = []
    real_keys = deck_library.Library.keys

    def keys(self, deck_id: str):
        synced.append(deck_id)
        return real_keys(self, deck_id)

    monkeypatch.setattr(deck_library.Library, "keys", keys)
    _edit(
        home / "decks" / "mini.yaml",
        "  - {id: bias, front: What does a bias do?, back: It shifts the activation.}\n",
        "  - {id: bias, front: What does a bias add?, back: A shift.}\n"
        "  - {id: softmax, front: What does softmax output?, back: Probabilities.}\n",
    )
    with _open(home, clock) as again:
        assert parsed == ["mini.yaml"]
        assert synced == ["mini"]  # the other decks' items were not looked at
        assert again.history(key)[0]["rating"] == 3  # progress kept through the change
        found = {i.key: i for i in again.browse()}
        assert ("mini", "softmax", "") in found
        assert found[("mini", "bias", "")].title == "What does a bias add?"
        assert again.library.review_item(("mini", "bias", "")).card.back == "A shift."


def test_a_card_removed_and_restored_keeps_its_history(home: Path, clock) -> None:
    with _open(home, clock) as first:
        key = _answer_first(first, "mini")
    assert key == ("mini", "bias", "")
    line = "  - {id: bias, front: What does a bias do?, back: It shifts the activation.}\n"
    _edit(home / "decks" / "mini.yaml", line, "")
    with _open(home, clock) as without:
        assert key not in {i.key for i in without.browse()}
    _edit(home / "decks" / "mini.yaml", "cards:\n", "cards:\n" + line)
    with _open(home, clock) as back:
        assert [h["rating"] for h in back.history(key)] == [3]
        assert key in {i.key for i in back.browse()}


@pytest.mark.parametrize(
    "junk",
    [
        b"this is not a database" * 300,  # damaged
        "foreign",  # an SQLite file of something else
        "odd rows",  # our tables, nonsense inside
    ],
)
def test_a_damaged_or_foreign_cache_is_rebuilt(
    home: Path, clock, parsed: list[str], junk: bytes | str
) -> None:
    with _open(home, clock) as first:
        key = _answer_first(first, "mini")
    path = home / deck_cache.FILE_NAME
    if isinstance(junk, bytes):
        for extra in ("-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        path.write_bytes(junk)
    elif junk == "foreign":
        path.unlink()
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE files (name TEXT)")
        conn.commit()
        conn.close()
    else:
        conn = sqlite3.connect(path)
        conn.execute("UPDATE files SET deck = '{\"id\": 5}', problems = NULL")
        conn.commit()
        conn.close()
    parsed.clear()
    with _open(home, clock) as again:
        assert "mini.yaml" in parsed  # read again, not trusted
        assert again.history(key)[0]["rating"] == 3
        assert again.library.deck("mini").title == "Mini deck"
    parsed.clear()
    _open(home, clock).close()
    assert parsed == []  # and the rebuilt cache is used from then on


def test_a_broken_deck_is_remembered_with_its_problems(
    home: Path, clock, parsed: list[str]
) -> None:
    (home / "decks" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    with _open(home, clock) as first:
        problems = first.problems
    assert problems and "broken.yaml" in problems[0].path and "nonsense" in problems[0].message
    parsed.clear()
    with _open(home, clock) as again:
        assert parsed == []
        assert again.problems == problems


def test_a_newer_gradeck_validates_again(
    home: Path, clock, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _open(home, clock).close()
    parsed.clear()
    monkeypatch.setattr(deck_cache, "VERSION", deck_cache.VERSION + "-next")
    _open(home, clock).close()
    assert "mini.yaml" in parsed


def test_a_cache_that_cannot_be_written_is_not_trusted_half_filled(
    home: Path, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only, full or busy: the profile opens from the files, with every item."""

    real = deck_cache.DeckCache._write

    def refuse(self, work) -> None:
        on_disk = self.conn.execute("PRAGMA database_list").fetchone()[2]
        if on_disk:
            self.writable = False
        else:
            real(self, work)

    monkeypatch.setattr(deck_cache.DeckCache, "_write", refuse)
    with _open(home, clock) as profile:
        assert profile.library.deck("mini").size == 7
        assert len(profile.library.keys("mini")) == 9
        assert _answer_first(profile, "mini") == ("mini", "bias", "")


def test_a_template_deck_is_read_from_its_file_when_needed(tmp_path: Path, clock) -> None:
    home = tmp_path / "home"
    (home / "decks").mkdir(parents=True)
    source = Path(__file__).parents[2] / "quizzes" / "examples"
    templated = next(
        p for p in sorted(source.glob("*.yaml")) if "template:" in p.read_text(encoding="utf-8")
    )
    (home / "decks" / templated.name).write_text(templated.read_text(encoding="utf-8"))
    for _ in range(2):  # the first open fills the cache, the second reads it
        with _open(home, clock) as profile:
            deck = next(d for d in profile.library.decks if d.path.name == templated.name)
            item = next(e for e in deck.exercises if e.template is not None)
            assert profile.preview((deck.id, item.id, ""), seed=5).title


def test_has_finds_what_review_item_finds(home: Path, tmp_path: Path, clock) -> None:
    """A queue asks `has` (the cache's index) instead of building each card: it must say yes
    exactly where `review_item` finds the item, for cached decks and a template deck alike."""
    source = Path(__file__).parents[2] / "quizzes" / "examples"
    templated = next(
        p for p in sorted(source.glob("*.yaml")) if "template:" in p.read_text(encoding="utf-8")
    )
    (home / "decks" / templated.name).write_text(templated.read_text(encoding="utf-8"))
    for _ in range(2):  # filling the cache, then reading it
        with _open(home, clock) as profile:
            library = profile.library
            keys = [(d.id, i, s) for d in library.decks for i, s, _f in library.keys(d.id)]
            assert ("mini", "update", "c2") in keys and ("mini", "sigmoid", "reverse") in keys
            odd = [("mini", "update", "c9"), ("mini", "bias", "reverse"), ("mini", "nope", "")]
            odd += [("nowhere", "bias", ""), ("mini", "iters", "c1")]
            for key in keys + odd:
                assert library.has(key) == (library.review_item(key) is not None), key
            assert not any(library.has(key) for key in odd)


def test_a_cache_written_before_the_index_gets_it(home: Path, clock) -> None:
    _open(home, clock).close()
    conn = sqlite3.connect(home / "deck-cache.db")
    conn.execute("DROP INDEX items_by_id")
    conn.close()
    with _open(home, clock) as profile:
        assert profile.library.has(("mini", "bias", ""))
    conn = sqlite3.connect(home / "deck-cache.db")
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert "items_by_id" in names


def test_an_item_whose_card_went_away_meanwhile_is_skipped(home: Path, clock) -> None:
    """Cards are read when shown: those that another gradeck removed from the deck file (and
    the cache) after the queue was built are passed over, not shown or crashed on."""
    with _open(home, clock) as profile:
        session = profile.session(["mini"])
        assert session.remaining > 1
        profile.library.cache.conn.execute("DELETE FROM entries WHERE id != 'epoch'")
        shown = session.next()
        assert shown is not None and shown.item.item_id == "epoch"
