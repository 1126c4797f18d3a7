"""Progress as JSON, to move it between machines: `gradeck progress export|import`.

Items are named by (deck id, item id, sub), never by database row ids, so a file exported on one
machine merges into any other profile. Importing is idempotent: an answer already in the log (same
item, time, rating, mode and state before) is skipped, an item's schedule is replaced only by a
more recent one (with its suspension; see _merge), and local settings win over imported ones.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from gradeck.errors import GradeckError
from gradeck.srs import schema
from gradeck.srs.store import Store

FORMAT = "gradeck-progress"
VERSION = 1
SCHED = ("state", "step", "stability", "difficulty", "due", "last_review")
LOG = ("time", "rating", "duration_ms", "mode", "seed", "answer", "parts_right", "mistake")
PREV = tuple(f"prev_{c}" for c in SCHED)

_INT, _NUM, _STR = (int,), (int, float), (str,)
ITEM_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {  # name: (types, may be null)
    "deck": (_STR, False),
    "item": (_STR, False),
    "sub": (_STR, False),
    "family": (_STR, False),
    "state": (_INT, False),
    "step": (_INT, True),
    "stability": (_NUM, True),
    "difficulty": (_NUM, True),
    "due": (_INT, True),
    "last_review": (_INT, True),
    "suspended": ((bool,), False),
    "archived": ((bool,), False),
}
REVIEW_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "deck": (_STR, False),
    "item": (_STR, False),
    "sub": (_STR, False),
    "time": (_INT, False),
    "rating": (_INT, False),
    "duration_ms": (_INT, False),
    "mode": (_STR, False),
    "seed": (_INT, True),
    "answer": (_STR, True),
    "parts_right": (_STR, True),
    "mistake": (_STR, True),
    "prev_state": (_INT, False),
    "prev_step": (_INT, True),
    "prev_stability": (_NUM, True),
    "prev_difficulty": (_NUM, True),
    "prev_due": (_INT, True),
    "prev_last_review": (_INT, True),
}


def export(store: Store, *, exported: datetime) -> dict[str, Any]:
    with store.reading() as db:
        items = [
            dict(zip(ITEM_FIELDS, (*row[:-2], bool(row[-2]), bool(row[-1])), strict=True))
            for row in db.execute(
                "SELECT deck_id, item_id, sub, family, state, step, stability, difficulty, due, "
                "last_review, suspended, archived FROM items ORDER BY id"
            )
        ]
        reviews = [
            dict(zip(REVIEW_FIELDS, row, strict=True))
            for row in db.execute(
                f"SELECT i.deck_id, i.item_id, i.sub, {', '.join('r.' + c for c in LOG + PREV)} "
                "FROM reviews r JOIN items i ON i.id = r.item ORDER BY r.time, r.id"
            )
        ]
        settings = dict(db.execute("SELECT key, value FROM settings ORDER BY key"))
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema.VERSION,
        "exported": exported.isoformat(),
        "settings": settings,
        "items": items,
        "reviews": reviews,
    }


def _check_rows(rows: Any, fields: dict[str, tuple[tuple[type, ...], bool]], what: str) -> None:
    if not isinstance(rows, list):
        raise GradeckError(f"'{what}' should be a list")
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise GradeckError(f"{what} {n} should be an object")
        for name, (types, nullable) in fields.items():
            value = row.get(name)
            if (value is None and nullable and name in row) or (
                name == "family" and name not in row
            ):
                continue
            ok = isinstance(value, types) and (bool in types or not isinstance(value, bool))
            if not ok or (isinstance(value, float) and not math.isfinite(value)):
                raise GradeckError(f"{what} {n}: '{name}' is missing or has the wrong type")
        if what == "review":
            if not 1 <= row["rating"] <= 4 or row["mode"] not in ("scheduled", "practice"):
                raise GradeckError(f"review {n}: bad rating or mode")
            if not 0 <= row["prev_state"] <= 3:
                raise GradeckError(f"review {n}: bad 'prev_state'")
        elif not 0 <= row["state"] <= 3:
            raise GradeckError(f"item {n}: bad 'state'")


def validate(data: Any) -> None:
    """Refuse anything that is not a progress file this gradeck can read, saying why."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise GradeckError("not a gradeck progress file (made by `gradeck progress export`)")
    if data.get("version") != VERSION:
        raise GradeckError(
            f"progress file version {data.get('version')!r} is not one this gradeck reads "
            f"({VERSION}); upgrade gradeck"
        )
    settings = data.get("settings", {})
    if not isinstance(settings, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in settings.items()
    ):
        raise GradeckError("'settings' should map names to text values")
    _check_rows(data.get("items"), ITEM_FIELDS, "item")
    _check_rows(data.get("reviews"), REVIEW_FIELDS, "review")


def _merge(item: dict[str, Any], last_review: int | None, suspended: bool) -> dict[str, Any]:
    """The columns an existing item takes from the file (none: it keeps its own). The more
    recently reviewed copy wins whole; when neither is more recent (say an item never reviewed,
    as in a fresh profile whose decks made it), a suspension on either side is kept, so
    importing never drops one and importing twice changes nothing. Whether an item is
    archived, and its family, follow the decks loaded here, not the file."""
    theirs = item["last_review"]
    if theirs is not None and (last_review is None or theirs > last_review):
        return {c: item[c] for c in (*SCHED, "suspended")}
    if theirs == last_review and item["suspended"] and not suspended:
        return {"suspended": True}
    return {}


def import_(store: Store, data: Any) -> dict[str, int]:
    """Merge an exported file into the store in one transaction; returns what was added."""
    validate(data)
    counts = {"items_added": 0, "items_updated": 0, "reviews_added": 0, "settings_added": 0}

    def work() -> None:
        db = store.conn
        for key, value in data.get("settings", {}).items():
            cur = db.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (key, value)
            )
            counts["settings_added"] += cur.rowcount
        for item in data["items"]:
            key = (item["deck"], item["item"], item["sub"])
            row = db.execute(
                "SELECT id, last_review, suspended FROM items "
                "WHERE deck_id = ? AND item_id = ? AND sub = ?",
                key,
            ).fetchone()
            values = [item[c] for c in SCHED]
            if row is None:
                db.execute(
                    "INSERT INTO items (deck_id, item_id, sub, family, state, step, stability, "
                    "difficulty, due, last_review, suspended, archived) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*key, item.get("family", ""), *values, item["suspended"], item["archived"]),
                )
                counts["items_added"] += 1
                continue
            merged = _merge(item, row[1], bool(row[2]))
            if merged:
                columns = ", ".join(f"{c} = ?" for c in merged)  # names from _merge, not the file
                db.execute(f"UPDATE items SET {columns} WHERE id = ?", (*merged.values(), row[0]))
                counts["items_updated"] += 1
        ids = {
            (d, i, s): pk
            for pk, d, i, s in db.execute("SELECT id, deck_id, item_id, sub FROM items")
        }
        for review in data["reviews"]:
            pk = ids.get((review["deck"], review["item"], review["sub"]))
            if pk is None:
                raise GradeckError(
                    f"review of {review['deck']}/{review['item']} names an item the file lacks"
                )
            exists = db.execute(
                "SELECT 1 FROM reviews WHERE item = ? AND time = ? AND rating = ? "
                "AND mode = ? AND prev_state = ? AND prev_step IS ?",
                (
                    pk,
                    review["time"],
                    review["rating"],
                    review["mode"],
                    review["prev_state"],
                    review["prev_step"],
                ),
            ).fetchone()
            if exists:
                continue
            db.execute(
                f"INSERT INTO reviews (item, {', '.join(LOG + PREV)}) "
                f"VALUES (?, {', '.join('?' * len(LOG + PREV))})",
                (pk, *(review[c] for c in LOG + PREV)),
            )
            counts["reviews_added"] += 1

    store.write(work)
    return counts
