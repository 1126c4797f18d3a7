"""`gradeck check [--repair]`: what is wrong in a profile's database, and putting it right.

Two kinds of fault are told apart. Damage to the file itself (SQLite's integrity check) cannot be
mended here: a backup is what brings the progress back. An item whose stored schedule is out of
bounds (bounds.py; written by hand, or imported by a gradeck that did not check) is left out of
every session; repairing it makes it new again, so that it is learnt afresh, and keeps every
answer in its log, so that statistics and the history still show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.srs import bounds
from gradeck.srs.rows import Key
from gradeck.srs.store import Store

COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review")


@dataclass(frozen=True)
class BadItem:
    pk: int
    key: Key
    problems: tuple[tuple[str, str], ...]  # (field, why)


@dataclass(frozen=True)
class Health:
    damage: list[str]  # SQLite's integrity check, [] when the file is sound
    items: list[BadItem]  # items whose schedule is out of bounds

    @property
    def sound(self) -> bool:
        return not self.damage and not self.items


def bad_items(store: Store) -> list[BadItem]:
    out = []
    with store.reading() as db:
        rows = db.execute(f"SELECT id, deck_id, item_id, sub, {', '.join(COLUMNS)} FROM items")
        for pk, deck, item, sub, *values in rows:
            found = bounds.sched_problems(dict(zip(COLUMNS, values, strict=True)))
            if found:
                out.append(BadItem(pk, (deck, item, sub), tuple(found)))
    return out


def check(store: Store) -> Health:
    damage = store.damage()
    return Health(damage, [] if damage else bad_items(store))


def repair(store: Store, items: list[BadItem]) -> int:
    """Make `items` new again, their logs kept; returns how many were changed."""

    def work() -> int:
        cursor = store.conn.executemany(
            "UPDATE items SET state = 0, step = NULL, stability = NULL, difficulty = NULL, "
            "due = NULL, last_review = NULL WHERE id = ?",
            [(item.pk,) for item in items],
        )
        return cursor.rowcount

    return store.write(work)
