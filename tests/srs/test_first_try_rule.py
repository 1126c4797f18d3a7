"""The rule "right at the first try" for answers logged before attempts were kept is the same in
the statistics (SQL over the store, srs.log.first_try_sql) and in the class report (Python
over an export, study.classreport): both count every part right and a Good or Easy rating."""

from __future__ import annotations

import sqlite3

import pytest

from gradeck.srs.log import first_try_sql
from gradeck.study.classreport import read_export

# (parts_right, rating) of an older answer, with the verdict worked out from the rule by hand.
CASES = [
    ("11", 3, True),  # all right, rated Good: gradeck suggested Good, right at every first try
    ("11", 4, True),
    ("11", 2, False),  # all right in the end but rated Hard: a retry or a hint on the way
    ("10", 3, False),  # a part ended wrong
    ("0", 4, False),
    ("", 3, False),  # nothing recorded
    (None, 3, False),
]


def _in_sql(parts_right: str | None, rating: int) -> bool:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY, parts_right TEXT, rating INTEGER)")
    db.execute("CREATE TABLE attempts (review INTEGER, try INTEGER, verdict TEXT)")
    db.execute("INSERT INTO reviews VALUES (1, ?, ?)", (parts_right, rating))
    (right,) = db.execute(f"SELECT {first_try_sql('r', '0')} FROM reviews r").fetchone()
    return bool(right)


def _in_the_class_report(parts_right: str | None, rating: int) -> bool:
    review = {"deck": "d", "item": "ex", "sub": "", "time": 1, "rating": rating,
              "mode": "scheduled", "prev_state": 0}  # fmt: skip
    if parts_right is not None:
        review["parts_right"] = parts_right
    export = {"format": "gradeck-progress", "version": 1, "reviews": [review],
              "items": [{"deck": "d", "item": "ex", "sub": "", "family": "adam"}]}  # fmt: skip
    student, _skipped = read_export(export, "student.json")
    (read,) = student.reviews
    return read.first_try_right


@pytest.mark.parametrize(("parts_right", "rating", "right"), CASES)
def test_both_read_an_older_answer_alike(parts_right: str | None, rating: int, right: bool) -> None:
    assert _in_sql(parts_right, rating) is right
    assert _in_the_class_report(parts_right, rating) is right
