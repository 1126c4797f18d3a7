"""The hostile progress files in hostile_progress/ (and two too large to keep there, made here):
each is refused by `gradeck progress import` with a message naming what is wrong, never a
traceback, and the profile's database is exactly as it was. How long each takes is measured by
benchmarks/hostile_progress.py, not asserted here."""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path

import pytest

from gradeck.cli import main

CORPUS = Path(__file__).parent / "hostile_progress"

# What the message must say for each file: the reason it is refused, not merely that it is.
EXPECTED = {
    "answer_too_long": "reviews[0].answer: must be a text of at most 100000",
    "difficulty_out_of_range": "items[0].difficulty: must be a difficulty from 1 to 10",
    "due_year_287168": "items[0].due: must be a time in ms since 1970, before the year 3000",
    "duplicate_item": "items[1]: the same deck, item and sub as items[0]",
    "duration_over_64_bits": "reviews[0].duration_ms: must be a duration",
    "id_empty": "items[0].deck: must be a non-empty text",
    "id_huge": "items[0].item: must be a non-empty text of at most 500 characters",
    "id_with_escape_sequences": "items[0].item: must not hold control characters",
    "id_with_osc52": "items[0].deck: must not hold control characters",
    "integer_5000_digits": "holds a number of 5000 digits",
    "items_not_list": "items: must be a list",
    "last_review_negative": "items[0].last_review: must be a time",
    "learning_without_step": "items[0].step: must be a learning step from 0 to 99 for an item in "
    "learning, not null",
    "mode_unknown": "reviews[0].mode: must be 'scheduled' or 'practice'",
    "not_utf8": "is not JSON: byte 0 is not UTF-8",
    "parts_right_not_binary": "reviews[0].parts_right: must be a text of 1s and 0s",
    "prev_stability_negative": "reviews[0].prev_stability: must be a positive number",
    "prev_state_bad": "reviews[0].prev_state: must be a state from 0 to 3",
    "rating_zero": "reviews[0].rating: must be a rating from 1",
    "review_not_object": "reviews[0]: must be an object",
    "review_of_unknown_item": "reviews[0]: names an item that is not in 'items'",
    "seed_negative": "reviews[0].seed: must be a seed",
    "setting_not_text": "settings.retention: must be a text",
    "setting_out_of_range": "settings.retention: retention must be from 0.70 to 0.99",
    "settings_not_object": "settings: must be an object",
    "stability_1e308": "items[0].stability: must be a positive number",
    "stability_infinity": "items[0].stability: must be a positive number",
    "stability_nan": "items[0].stability: must be a positive number",
    "stability_negative": "items[0].stability: must be a positive number",
    "stability_null": "items[0].stability: must be a positive number of days (0.001 to 1e6) for "
    "an item in review, not null",
    "stability_overflows_to_inf": "items[0].stability: must be a positive number",
    "stability_zero": "items[0].stability: must be a positive number",
    "state_9": "items[0].state: must be a state from 0 to 3",
    "state_as_text": "items[0].state: must be a state from 0 to 3",
    "state_true": "items[0].state: must be a state from 0 to 3",
    "step_1e9": "items[0].step: must be a learning step from 0 to 99",
    "suspended_as_number": "items[0].suspended: must be true or false",
    "time_negative": "reviews[0].time: must be a time",
    "top_level_array": "not a gradeck progress file",
    "truncated": "truncated.json:18:19: not JSON",
    "version_2": "progress file version 2 is not one this gradeck reads",
    "wrong_format": "not a gradeck progress file",
}
DEEP = 200_000
MADE = {
    "nested_arrays": "[" * DEEP + "]" * DEEP,
    "nested_objects": '{"a": ' * DEEP + "1" + "}" * DEEP,
}


def test_the_corpus_and_its_expectations_agree() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.json")) == sorted(EXPECTED)


def _dump(home: Path) -> str:
    conn = sqlite3.connect(home / "gradeck.db")
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def _import(path: Path, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["progress", "import", str(path)])
    out, err = capsys.readouterr()
    assert out == ""
    return code, err


@pytest.fixture
def studied(home: Path, monkeypatch, capsys) -> Path:
    """The profile after a few answers, so that there is progress to lose."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("!!\n3\n" * 3))
    assert main(["review", "--deck", "mini"]) == 0
    capsys.readouterr()
    return home


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_file_is_refused_and_changes_nothing(
    studied: Path, name: str, monkeypatch, capsys
) -> None:
    before = _dump(studied)
    code, err = _import(CORPUS / f"{name}.json", monkeypatch, capsys)
    assert code == 1
    assert err.startswith("gradeck: ") and EXPECTED[name] in err
    assert "Traceback" not in err and "internal error" not in err
    assert "\x1b" not in err and "\x07" not in err
    assert _dump(studied) == before


@pytest.mark.parametrize("name", sorted(MADE))
def test_a_file_nested_200000_deep_is_refused(
    studied: Path, tmp_path: Path, name: str, monkeypatch, capsys
) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(MADE[name], encoding="utf-8")
    before = _dump(studied)
    code, err = _import(path, monkeypatch, capsys)
    assert code == 1 and "is nested too deeply to be a progress file" in err
    assert _dump(studied) == before
