"""A queue checks stored schedules in SQLite (bounds.FITS_SQL) rather than in Python one row at a
time: the two must agree on every value a database can hold, in range or not, of the right
type or not, null where a state allows it or not."""

from __future__ import annotations

import math
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from gradeck.srs import bounds

NAMES = ("state", "step", "stability", "difficulty", "due", "last_review")

# Values near every bound, of every type SQLite keeps (a float for an integer field, text, a
# blob), and the ones that break arithmetic.
edges = [
    -1,
    0,
    1,
    2,
    3,
    4,
    99,
    100,
    0.0005,
    0.001,
    9.99,
    10,
    10.5,
    1e6,
    1e6 + 1,
    bounds.MAX_TIME_MS,
    bounds.MAX_TIME_MS + 1,
    2**62,
    -(2**63),
    math.inf,
    -math.inf,
    2.0,
    "2",
    "",
    b"\x01",
    None,
]


def _value(field: bounds.Field) -> st.SearchStrategy:
    """Often null or within the field's range (so that whole rows fit often enough to
    matter), else anything."""
    if field.kind is int:
        fitting = st.integers(int(field.low), int(field.high))
    else:
        fitting = st.floats(field.low, field.high)
    anything = st.one_of(
        st.sampled_from(edges),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False),
        st.text(max_size=3),
    )
    return st.one_of(st.none(), fitting, anything)


row = st.fixed_dictionaries(
    {"state": st.one_of(st.integers(-1, 4), st.sampled_from([None, 2.0, "1"]))}
    | {name: _value(bounds.SCHED[name]) for name in NAMES[1:]}
)


def _sql_fits(db: sqlite3.Connection, values: dict) -> bool:
    db.execute("DELETE FROM items")
    db.execute(
        f"INSERT INTO items ({', '.join(NAMES)}) VALUES ({', '.join('?' * len(NAMES))})",
        [values[n] for n in NAMES],
    )
    # Python checks the values as the database gives them back, as a queue reads them.
    stored = db.execute(f"SELECT {', '.join(NAMES)} FROM items").fetchone()
    values.update(zip(NAMES, stored, strict=True))
    return bool(db.execute(f"SELECT {bounds.FITS_SQL} FROM items").fetchone()[0])


# Columns as the items table declares them (SQLite turns "2" into 2 there, 3 into 3.0 for a
# REAL), and without a type, which keeps every value as it was given.
AS_ITEMS = "state INTEGER, step INTEGER, stability REAL, difficulty REAL, due INTEGER, " + (
    "last_review INTEGER"
)
UNTYPED = ", ".join(NAMES)


@settings(max_examples=300, deadline=None)
@given(row, st.sampled_from([AS_ITEMS, UNTYPED]))
def test_sqlite_and_python_agree_on_what_fits(values: dict, columns: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE items ({columns})")
    assert _sql_fits(db, values) == bounds.fits(values), values


def test_the_usual_schedules_fit_in_sqlite_too() -> None:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE items ({AS_ITEMS})")
    new = dict.fromkeys(NAMES) | {"state": 0}
    review = {"state": 2, "step": None, "stability": 3.2, "difficulty": 5.0}
    review |= {"due": 1_772_539_200_000, "last_review": 1_772_366_400_000}
    learning_without_step = review | {"state": 1}
    assert _sql_fits(db, new) and _sql_fits(db, review)
    assert not _sql_fits(db, learning_without_step)
    assert not _sql_fits(db, review | {"stability": None})
