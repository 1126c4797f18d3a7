"""Template fields for a classroom: exact parts, points and a score, and mistakes that no longer
change which variants learners get."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from gradeck.cli import main
from gradeck.decks.loader import load_deck
from gradeck.exercises.check import check_part
from gradeck.exercises.template import generate

DECK = """format: 1
id: fields
title: Fields
exercises:
  - id: triple
    template:
      variables:
        c: {choices: [1, 3]}
      prompt: "c = {c}. What is 3c?"
      parts:
        - prompt: 3c
          answer: 3*c
          mistakes: [{value: c*c, feedback: "that is c squared"}]
  - id: counts
    template:
      variables:
        n: {choices: [2430]}
      prompt: "A layer has {n} parameters."
      parts:
        - {prompt: "exact", answer: n, exact: true, points: 2}
        - {prompt: "tolerance 0", answer: n, tolerance: 0}
        - {prompt: "default", answer: n, points: 0.5}
"""


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "fields.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def test_a_colliding_mistake_no_longer_skews_the_variants(deck: Path) -> None:
    template = load_deck(deck).exercises[0].template
    seen: Counter[float] = Counter()
    for seed in range(400):
        exercise = generate(template, seed)
        [part] = exercise.parts
        c = part.expected / 3
        seen[c] += 1
        if c == 3:  # 3·3 = 3²: the mistake cannot be told from the answer, so it is not named
            assert part.mistakes == ()
        else:
            assert [(m.value, m.feedback) for m in part.mistakes] == [(1, "that is c squared")]
    # the author declared c uniform over {1, 3}; before, c = 3 came up only when 25 redraws
    # in a row had failed, about never
    assert 160 <= seen[3] <= 240 and seen[1] + seen[3] == 400


def test_exact_parts_and_tolerance_zero_take_only_the_number(deck: Path) -> None:
    exercise = generate(load_deck(deck).exercises[1].template, 1)
    exact, zero, default = exercise.parts
    for part in (exact, zero):
        assert check_part(part, "2430").verdict == "right"
        assert check_part(part, "2432").verdict != "right"
    assert check_part(default, "2432").verdict == "right"  # three significant figures


def test_points_give_a_score_in_worksheets_and_moodle(deck: Path, tmp_path: Path, capsys) -> None:
    exercise = generate(load_deck(deck).exercises[1].template, 1)
    assert [p.points for p in exercise.parts] == [2, 1, 0.5]
    sheet = tmp_path / "w.md"
    assert main(["worksheet", f"{deck}:counts", "--count", "2", "-o", str(sheet)]) == 0
    text = sheet.read_text(encoding="utf-8")
    assert "## Exercise 1 (3.5 points)" in text and "2 exercise(s), 7 points in all" in text
    assert "(a) exact [2 points]" in text and "(c) default [0.5 points]" in text
    quiz = tmp_path / "q.xml"
    assert main(["export", str(deck), "--format", "moodle", "-o", str(quiz)]) == 0
    grades = {
        q.findtext("idnumber", "").split("/")[1]: q.findtext("defaultgrade")
        for q in ET.parse(quiz).getroot()
        if q.get("type") != "category"
    }
    assert grades == {"triple": "1", "counts": "3.5"}
    text = next(
        q.findtext("questiontext/text", "")
        for q in ET.parse(quiz).getroot()
        if q.findtext("idnumber", "").startswith("fields/counts/")
    )
    assert [w for w in ("{120:NUMERICAL:", "{60:NUMERICAL:", "{30:NUMERICAL:") if w in text] == [
        "{120:NUMERICAL:",
        "{60:NUMERICAL:",
        "{30:NUMERICAL:",
    ]
    # exact parts have no tolerance in Moodle either
    assert text.count("=2430:0#") == 2 and "=2430:24.3#" in text  # 1% of 2430


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("points: 0", "'points' of part 1 must be above 0"),
        ("points: 101", "'points' of part 1 must be above 0 and at most 100"),
        ("points: lots", "'points' of part 1"),
        ("exact: yes please", "'exact' of part 1 must be true or false"),
    ],
)
def test_bad_fields_are_located(field: str, message: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(DECK.replace("exact: true, points: 2", field), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    line = DECK.splitlines().index('        - {prompt: "exact", answer: n, exact: true, points: 2}')
    assert f"{path}:{line + 1}:" in out and message in out
