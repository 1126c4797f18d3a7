"""Fixes from a user trial: today's waiting count, progress import of per-item state, unknown
tags and decks, theme names, and the session count after undo."""

from __future__ import annotations

import io
import random
import sys
from datetime import UTC
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.study import Profile

OTHER = """format: 1
id: other
title: Other deck
cards:
  - {id: a, front: A?, back: A.}
  - {id: b, front: B?, back: B.}
  - {id: c, front: C?, back: C.}
"""


def _answer(session, rating: int) -> None:
    shown = session.next()
    assert shown is not None
    session.answer(shown, rating, duration_ms=100)


def test_waiting_shares_the_new_limit_across_decks(home: Path, clock) -> None:
    (home / "decks" / "other.yaml").write_text(OTHER, encoding="utf-8")
    with Profile.open(home, now=clock, tz=UTC, rng=random.Random(1)) as profile:
        profile.set_setting("new_per_day", "4")
        decks = {d.deck_id: d for d in profile.deck_overview()}
        assert (decks["mini"].new, decks["other"].new) == (4, 3)  # 7 in the deck rows
        assert profile.today().waiting == 4  # but one shared limit of 4 new
        session = profile.session()
        _answer(session, 1)  # Again: a learning step due in a minute, still today's
        _answer(session, 4)  # Easy: a review some days on, not today's
        # 1 learning + 2 new left of the limit; the deck rows add up to 1 + 2 + 2 = 5.
        assert profile.today().waiting == 3 == profile.session().total


def _fresh(home: Path, tmp_path: Path, clock) -> Profile:
    """A new profile loading the same deck, as on a second machine."""
    other = tmp_path / "second"
    (other / "decks").mkdir(parents=True)
    (other / "decks" / "mini.yaml").write_bytes((home / "decks" / "mini.yaml").read_bytes())
    return Profile.open(other, ["mini"], now=clock, tz=UTC, rng=random.Random(2))


def test_suspensions_survive_export_and_import(
    profile: Profile, home: Path, tmp_path: Path, clock
) -> None:
    session = profile.session()
    _answer(session, 4)  # bias: reviewed, then suspended below
    profile.suspend(("mini", "bias", ""))
    profile.suspend(("mini", "epoch", ""))  # never reviewed
    data = profile.export_progress()
    with _fresh(home, tmp_path, clock) as second:
        first = second.import_progress(data)
        assert (first["items_added"], first["items_updated"]) == (0, 2)
        suspended = {i.item_id for i in second.browse() if i.suspended}
        assert suspended == {"bias", "epoch"}
        states = {i.item_id: i.state for i in second.browse()}
        assert (states["bias"], states["epoch"]) == ("review", "new")
        assert second.import_progress(data) == dict.fromkeys(first, 0)  # idempotent
        # A file without the suspension does not undo one made here.
        second.suspend(("mini", "sigmoid", ""))
        second.import_progress(data)
        assert ("mini", "sigmoid", "") in {i.key for i in second.browse() if i.suspended}


def test_a_learning_item_keeps_its_new_sibling_out_of_the_count(profile: Profile, clock) -> None:
    profile.set_setting("new_per_day", "3")
    session = profile.session()
    _answer(session, 4)  # bias
    _answer(session, 4)  # iters
    sigmoid = session.next()
    assert sigmoid.key == ("mini", "sigmoid", "")
    session.answer(sigmoid, 1)  # Again: in learning, due in a minute
    clock.advance(days=1)  # the step is due; the reverse side is new and free again
    session = profile.session()
    queued = session.total
    first = session.next()
    assert first.key == sigmoid.key
    session.answer(first, 3)  # Good: the next learning step, still today
    # The reverse side never was in the queue, so nothing left it: the count holds.
    assert session.total == queued + 1  # the learning step comes back once more
    served = []
    while (shown := session.next()) is not None:
        served.append(shown.key)
        session.answer(shown, 4)
    assert ("mini", "sigmoid", "reverse") not in served
    assert session.answered == session.total == queued + 1


def _run(argv: list[str], stdin: str, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("tag", "said"),
    [
        ("nosuchtag", "gradeck: no items are tagged 'nosuchtag'\n"),
        ("trainin", "gradeck: no items are tagged 'trainin'; did you mean 'training'?\n"),
    ],
)
def test_an_unknown_tag_is_an_error(home: Path, monkeypatch, capsys, tag: str, said: str) -> None:
    code, out, err = _run(["review", "--deck", "mini", "--tag", tag], "", monkeypatch, capsys)
    assert (code, out, err) == (1, "", said)


def test_a_known_tag_with_nothing_due_is_no_error(home: Path, monkeypatch, capsys) -> None:
    _run(["review", "--deck", "mini", "--tag", "training"], "\n4\n", monkeypatch, capsys)
    code, out, _err = _run(
        ["review", "--deck", "mini", "--tag", "training"], "", monkeypatch, capsys
    )
    assert code == 0 and out.startswith("Nothing to review now.\nNothing is due now.\n")


@pytest.mark.parametrize("command", ["review", "stats"])
def test_an_unknown_deck_is_an_error(home: Path, monkeypatch, capsys, command: str) -> None:
    code, out, err = _run([command, "--deck", "minni"], "", monkeypatch, capsys)
    assert (code, out) == (1, "")
    assert err == "gradeck: no deck 'minni'; did you mean 'mini'? (see `gradeck decks`)\n"


@pytest.mark.parametrize("command", ["review", "stats"])
def test_a_deck_file_that_fails_to_load_is_an_error(
    home: Path, tmp_path: Path, monkeypatch, capsys, command: str
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nid: broken\ntitle: B\ncards: [oops\n", encoding="utf-8")
    code, out, err = _run([command, "--deck", str(broken)], "", monkeypatch, capsys)
    assert (code, out) == (1, "")  # not a review or statistics of every other deck
    assert err.startswith(f"{broken}:5:1: error: YAML syntax error")
    assert "Traceback" not in err and "internal error" not in err


def test_config_refuses_an_unknown_theme(home: Path, monkeypatch, capsys) -> None:
    code, out, err = _run(["config", "set", "theme", "notatheme"], "", monkeypatch, capsys)
    assert (code, out) == (2, "") and err.startswith("gradeck: theme: no theme 'notatheme'. ")
    assert _run(["config", "get", "theme"], "", monkeypatch, capsys)[1] == "textual-dark\n"
    code, out, _err = _run(["config", "set", "theme", "dracula"], "", monkeypatch, capsys)
    assert (code, out) == (0, "theme = dracula\n")


def test_a_stored_unknown_theme_reads_as_the_default(profile: Profile, monkeypatch, capsys) -> None:
    profile.store.set_settings({"theme": "vaporwave"})  # as an older gradeck might have kept
    assert profile.settings().theme == "textual-dark"
    code, out, _err = _run(["config", "list"], "", monkeypatch, capsys)
    assert code == 0 and "theme             textual-dark" in out


def test_the_review_heading_after_undo(home: Path, monkeypatch, capsys) -> None:
    # bias: Good (a 10-minute step, so it comes back: one more to do); undo at the exercise;
    # bias again: Again (a 1-minute step: still one more); quit.
    code, out, _err = _run(["review", "--deck", "mini"], "\n3\nu\n\n1\nq\n", monkeypatch, capsys)
    headings = [line.split(" · ")[:2] for line in out.splitlines() if line.startswith("[")]
    assert code == 0 and "Undone; showing that item again." in out
    assert headings == [
        ["[1/7] mini", "bias"],
        ["[2/8] mini", "iters"],
        ["[1/7] mini", "bias"],  # as before the answer taken back
        ["[2/8] mini", "iters"],
    ]


def _info(profile: Profile, key: tuple[str, str, str]):
    return next(i for i in profile.browse() if i.key == key)


def test_undo_takes_back_a_suspend_then_the_answer_before_it(profile: Profile) -> None:
    session = profile.session()
    assert session.total == 7
    _answer(session, 4)  # bias
    iters = session.next()
    session.suspend(iters)
    assert (session.answered, session.total) == (1, 6)
    assert session.undo().key == iters.key  # the last action: the suspend
    assert (session.answered, session.total) == (1, 7)
    assert not _info(profile, iters.key).suspended
    assert session.undo().key == ("mini", "bias", "")
    assert (session.answered, session.total) == (0, 7)
    session.suspend(session.next())  # bias aside for good this time
    served = []
    while (shown := session.next()) is not None:
        served.append(shown.key)
        session.answer(shown, 4)
    assert ("mini", "bias", "") not in served and len(served) == 6
