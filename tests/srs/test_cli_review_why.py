"""`gradeck review` says in words why nothing is left and how to get more (the reasons and
offers of the study app's end screen, gradeck.study.limits), and which right option was missed."""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime
from pathlib import Path

from gradeck.cli import main
from gradeck.study.outcome import option_marks

from ..sample_decks import CHOICE_CARD


def _run(argv: list[str], stdin: str, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _one_new_a_day(monkeypatch, capsys) -> None:
    assert _run(["config", "set", "new_per_deck", "1"], "", monkeypatch, capsys)[0] == 0


def test_the_new_limit_is_named_and_more_is_offered(home: Path, monkeypatch, capsys) -> None:
    _one_new_a_day(monkeypatch, capsys)
    code, out, _err = _run(["review", "--deck", "mini"], "\n4\n", monkeypatch, capsys)
    assert code == 0
    assert "1 answered (1 item) in" in out and "1 of 1 right at the first try" in out
    assert "Today's limit of new items is reached." in out
    more = re.search(r"--more (\d+) +study \1 more new items today", out)
    assert more is not None, out
    assert "--practice  practise these items (nothing is rescheduled)" in out
    # The option offered does what it says: another new item, then the limit again.
    code, out, _err = _run(
        ["review", "--deck", "mini", "--more", "1"], "\n4\n", monkeypatch, capsys
    )
    assert code == 0 and "Saved: Easy" in out and "1 answered (1 item)" in out
    assert "Today's limit of new items is reached." in out


def test_a_learning_item_coming_back_is_named(home: Path, monkeypatch, capsys) -> None:
    _one_new_a_day(monkeypatch, capsys)
    assert _run(["config", "set", "learning_steps", "45m"], "", monkeypatch, capsys)[0] == 0
    # The study day turns twelve hours from now, so the 45-minute step stays within today.
    turn = str((datetime.now().hour + 12) % 24)
    assert _run(["config", "set", "day_start_hour", turn], "", monkeypatch, capsys)[0] == 0
    code, out, _err = _run(["review", "--deck", "mini"], "\n1\n", monkeypatch, capsys)
    assert code == 0
    assert "The next learning item comes back in 45 minutes." in out
    assert "0 of 1 right at the first try" in out and "due tomorrow: 1" in out


def test_nothing_due_is_said_when_a_review_opens_on_nothing(home: Path, monkeypatch, capsys):
    _run(["review", "--deck", "mini", "--tag", "training"], "epoch\n4\n", monkeypatch, capsys)
    code, out, _err = _run(
        ["review", "--deck", "mini", "--tag", "training"], "", monkeypatch, capsys
    )
    assert code == 0
    assert out.startswith("Nothing to review now.\nNothing is due now.\n")
    assert "--more" not in out  # no new item is held back
    assert "--practice" in out


def test_more_must_not_be_negative(home: Path, monkeypatch, capsys) -> None:
    code, out, err = _run(["review", "--deck", "mini", "--more", "-1"], "", monkeypatch, capsys)
    assert code == 2 and out == "" and "--more" in err and "Traceback" not in err


def test_option_marks_tell_missed_from_picked() -> None:
    options = (("Adam", True), ("ReLU", False), ("RMSprop", True), ("Dropout", False))
    assert option_marks("1 2", options) == ("picked", "wrong", "missed", "")
    assert option_marks("3, 1", options) == ("picked", "", "picked", "")
    assert option_marks("nonsense", options) == ("missed", "", "missed", "")


def test_a_choice_card_shows_the_right_option_missed(home: Path, monkeypatch, capsys) -> None:
    (home / "decks" / "pick.yaml").write_text(CHOICE_CARD, encoding="utf-8")
    code, out, _err = _run(["review", "--deck", "pick"], "Adam\n\n", monkeypatch, capsys)
    assert code == 0
    assert re.search(r"^  ✓ \d\. Adam$", out, re.M), out
    assert re.search(r"^  ○ \d\. RMSprop  \(missed\)$", out, re.M), out
    assert re.search(r"^    \d\. ReLU$", out, re.M) and "(wrong)" not in out
