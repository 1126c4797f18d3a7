"""`gradeck class report`: three scripted students study, export, and the report counts exactly
the mistakes the script made; exports with per-try attempts and older ones are both read."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.errors import GradeckError
from gradeck.exercises.attempt import Attempt, Outcome
from gradeck.exercises.check import check_exercise
from gradeck.exercises.render import format_value
from gradeck.study import Profile
from gradeck.study.classreport import class_report

DECK = """format: 1
id: mini
title: Mini deck
cards:
  - {id: bias, front: What does a bias do?, back: It shifts the activation.}
exercises:
  - {id: iters, family: training-iterations, difficulty: 1}
  - {id: dense, family: dense-param-count, difficulty: 1}
"""

# What each student types: the right answer, or the value of the named mistake.
SCRIPT = {
    "Ada": {"dense": ["right"], "iters": ["right", "right"]},
    "Ben": {"dense": ["biases-forgotten"], "iters": ["no-ceiling", "right"]},
    "Cleo": {"dense": ["biases-forgotten"], "iters": ["right", "right"]},
}


def _typed(exercise, plan: list[str]) -> list[str]:
    answers = []
    for part, wanted in zip(exercise.parts, plan, strict=True):
        if wanted == "right":
            answers.append(format_value(part.expected))
        else:
            [mistake] = [m for m in part.mistakes if m.name == wanted]
            answers.append(format_value(mistake.value))
    return answers


def study(tmp_path: Path, name: str) -> Path:
    """Run one scripted student through the deck; returns their export file."""
    home = tmp_path / name
    (home / "decks").mkdir(parents=True)
    (home / "decks" / "mini.yaml").write_text(DECK, encoding="utf-8")
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    with Profile.open(home, ["mini"], now=lambda: now, tz=UTC, rng=random.Random(1)) as profile:
        session = profile.session()
        seen = set()
        while (shown := session.next()) is not None and shown.key not in seen:
            seen.add(shown.key)
            if shown.kind != "exercise":
                session.answer(shown, 3)
                continue
            answers = _typed(shown.exercise, SCRIPT[name][shown.item.item_id])
            result = check_exercise(shown.exercise, answers)
            attempts = tuple(
                Attempt(i, 1, text, r.verdict, r.message,
                        r.mistake.name if r.mistake else None, r.value, closes=True, result=r)
                for i, (text, r) in enumerate(zip(answers, result.parts, strict=True))
            )  # fmt: skip
            outcome = Outcome(len(answers), attempts)
            session.answer(shown, 3 if result.all_right else 1, outcome=outcome)
        data = profile.export_progress()
    if name == "Ada":
        data["student"] = "Ada"  # as `progress export --student` writes it; others: file names
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    return [study(tmp_path, name) for name in SCRIPT]


def test_report_counts_the_scripted_mistakes(exports: list[Path]) -> None:
    report = class_report([(json.loads(p.read_text()), str(p)) for p in exports])
    rows = {row.template: row for row in report.templates}
    assert sorted(rows) == ["mini/dense", "mini/iters"]
    dense, iters = rows["mini/dense"], rows["mini/iters"]
    assert (dense.family, dense.students, dense.attempts, dense.first_try_right) == (
        "dense-param-count", 3, 3, 1,
    )  # fmt: skip
    assert [(m.name, m.count, m.students) for m in dense.mistakes] == [
        ("biases-forgotten", 2, ("Ben", "Cleo"))
    ]
    assert [(m.name, m.count, m.students) for m in iters.mistakes] == [("no-ceiling", 1, ("Ben",))]
    assert iters.first_try_right == 2
    assert dense.facility == pytest.approx(1 / 3) and iters.facility == pytest.approx(2 / 3)
    # Ada got 2 of 2 right first time, Cleo 1 of 2, Ben 0 of 2: the top 27% of three students
    # is Ada, the bottom Ben; both templates split them.
    assert dense.discrimination == 1 and iters.discrimination == 1
    students = {s.name: s for s in report.students}
    assert sorted(students) == ["Ada", "Ben", "Cleo"]
    assert students["Ben"].reviews == 3 and students["Ben"].first_try == 0
    assert students["Ada"].weakest == ()
    assert students["Cleo"].weakest == (("dense-param-count", 0.0),)
    assert students["Ada"].retention is None  # nothing was due for review yet


def test_every_format_says_the_same(exports: list[Path], capsys) -> None:
    argv = ["class", "report", *map(str, exports)]
    assert main([*argv, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    report = class_report([(json.loads(p.read_text()), str(p)) for p in exports])
    assert data == json.loads(json.dumps(report.as_json()))
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "biases-forgotten ×2 (Ben, Cleo)" in table and "mini/dense" in table
    assert main([*argv, "--format", "csv"]) == 0
    first, second = capsys.readouterr().out.split("\n\n")
    templates = list(csv.DictReader(io.StringIO(first)))
    assert [(r["template"], r["attempts"], r["facility"]) for r in templates] == [
        ("mini/dense", "3", "33%"),
        ("mini/iters", "3", "67%"),
    ]
    assert [r["student"] for r in csv.DictReader(io.StringIO(second))] == ["Ada", "Ben", "Cleo"]
    assert main([*argv, "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Class report") and "| mini/iters |" in md


def _review(item: str, time: int, rating: int, prev_state: int = 0, **extra) -> dict:
    return {"deck": "d", "item": item, "sub": "", "time": time, "rating": rating,
            "mode": "scheduled", "prev_state": prev_state, **extra}  # fmt: skip


def _export(reviews: list[dict], **extra) -> dict:
    items = [{"deck": "d", "item": "ex", "sub": "", "family": "adam"},
             {"deck": "d", "item": "card", "sub": "", "family": ""}]  # fmt: skip
    return {"format": "gradeck-progress", "version": 1, "items": items, "reviews": reviews,
            **extra}  # fmt: skip


def test_attempts_count_every_try_and_older_reviews_still_count() -> None:
    tries = [
        {"part": "a", "try": 1, "text": "0.5", "verdict": "wrong", "mistake": "no-bias-correction"},
        {"part": "a", "try": 2, "text": "0.4", "verdict": "wrong", "mistake": "no-bias-correction"},
        {"part": "a", "try": 3, "text": "0.2", "verdict": "right", "mistake": None},
        {"part": "b", "try": 1, "text": "1", "verdict": "right", "mistake": None},
    ]
    right_away = [{"part": "a", "try": 1, "text": "0.2", "verdict": "right", "mistake": None}]
    new = _export([_review("ex", 1, 1, attempts=tries), _review("ex", 2, 3, 2, attempts=right_away),
                   _review("card", 3, 3, 2), _review("card", 4, 1, 2)], student="Dee")  # fmt: skip
    # An old export: no attempts, the first mistake only, and no family on the items.
    old = _export([_review("ex", 1, 1, parts_right="01", mistake="sqrt-forgotten"),
                   _review("ex", 2, 3, 2, parts_right="11")])  # fmt: skip
    old["items"] = [{k: v for k, v in i.items() if k != "family"} for i in old["items"]]
    old["items"][0]["family"] = "adam"
    report = class_report([(new, "dee.json"), (old, "exports/eli.json")])
    [row] = report.templates
    assert (row.attempts, row.first_try_right, row.students) == (4, 2, 2)
    assert [(m.name, m.count, m.students) for m in row.mistakes] == [
        ("no-bias-correction", 2, ("Dee",)),
        ("sqrt-forgotten", 1, ("eli",)),
    ]
    dee, eli = report.students
    # retention: three reviews of items in Review state, two of them passed
    assert (dee.name, dee.reviews, dee.retention, dee.first_try) == ("Dee", 4, 2 / 3, 0.5)
    assert (eli.name, eli.retention) == ("eli", 1.0)
    assert dee.weakest == (("adam", 0.5),)


def test_bad_exports_are_refused_or_skipped(tmp_path: Path, capsys) -> None:
    with pytest.raises(GradeckError, match="not a gradeck progress file"):
        class_report([({"format": "other"}, "x.json")])
    broken = _export([_review("ex", 1, 9), "junk", {"deck": 3}, _review("ex", 2, 3)])
    report = class_report([(broken, "a.json")])
    assert report.skipped == 3 and report.templates[0].attempts == 1
    twice = _export([], student="Sam")
    with pytest.raises(GradeckError, match=r"'Sam' is also in a\.json"):
        class_report([(twice, "a.json"), (twice, "b.json")])
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    assert main(["class", "report", str(path)]) == 1
    assert "not a JSON progress export" in capsys.readouterr().err
    hostile = _export([_review("ex", 1, 1, mistake="\x1b]0;pwned\x07")], student="\x1b[2J")
    path.write_text(json.dumps(hostile), encoding="utf-8")
    assert main(["class", "report", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
