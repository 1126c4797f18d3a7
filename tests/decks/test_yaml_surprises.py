"""YAML 1.1 reads some plain text as numbers or dates; a deck says so instead (issue 9, item 9).

And a number written where text is wanted keeps its spelling (0.10 stays 0.10).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gradeck.decks.loader import load_deck
from gradeck.problems import ProblemsError


def _deck(back: str) -> str:
    return f"format: 1\nid: y\ntitle: Y\ncards:\n  - id: a\n    front: q\n    back: {back}\n"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("12:30:45", "the number 45045"),  # 12·3600 + 30·60 + 45
        ("012345", "the number 5349"),  # 0o12345 = 1·4096 + 2·512 + 3·64 + 4·8 + 5
        ("2024-05-01", "a date"),
        ("0x1F", "the number 31"),
        ("1_000", "the number 1000"),
    ],
)
def test_surprising_plain_scalars_are_located_errors_that_say_to_quote(
    tmp_path: Path, written: str, meant: str
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(_deck(written), encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_deck(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (7, 11)
    assert f"YAML reads {written} as {meant}" in problem.message
    assert f'("{written}")' in problem.message


@pytest.mark.parametrize("written", ['"12:30:45"', "'012345'", '"2024-05-01"'])
def test_quoted_they_are_text(tmp_path: Path, written: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(_deck(written), encoding="utf-8")
    assert load_deck(path).cards[0].back == written[1:-1]


@pytest.mark.parametrize("written", ["0.10", "1.50", "600", "-0.5", "0", "1.0e+3"])
def test_a_plain_number_in_a_text_field_keeps_its_spelling(tmp_path: Path, written: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(_deck(written), encoding="utf-8")
    assert load_deck(path).cards[0].back == written


def test_typed_answers_keep_their_spelling(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    text = "format: 1\nid: y\ntitle: Y\ncards:\n"
    text += "  - {id: a, type: typed, question: q, answer: [0.250, 3]}\n"
    path.write_text(text, encoding="utf-8")
    assert load_deck(path).cards[0].answers == ("0.250", "3")


def test_numbers_where_numbers_belong_still_read(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    template = (
        "format: 1\nid: y\ntitle: Y\nexercises:\n  - id: t\n    difficulty: 1\n    template:\n"
        "      variables: {a: {min: -2, max: 0.5, step: 0.25}}\n"
        "      prompt: 'a = {a}'\n"
        "      parts: [{prompt: p, answer: a * 2, tolerance: 0.01}]\n"
    )
    path.write_text(template, encoding="utf-8")
    [item] = load_deck(path).exercises
    assert item.template.parts[0].rel_tol == 0.01
