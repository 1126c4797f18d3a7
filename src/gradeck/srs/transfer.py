"""Progress as JSON, to move it between machines: `gradeck progress export|import`.

Items are named by (deck id, item id, sub), never by database row ids, so a file exported on one
machine merges into any other profile. Importing is idempotent: an answer already in the log (same
item, time, rating, mode and state before) is skipped, an item's schedule is replaced only by a
more recent one (with its suspension; see _merge), and local settings win over imported ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gradeck.errors import GradeckError
from gradeck.srs import bounds, presets, schema
from gradeck.srs.bounds import ATTEMPT, ITEM, MAX_ATTEMPTS, REVIEW, Field
from gradeck.srs.log import add_attempts
from gradeck.srs.rows import ATTEMPT_KEYS, AttemptRow
from gradeck.srs.scheduler import SETTING_KEYS, parse_setting
from gradeck.srs.store import Store
from gradeck.text import printable

FORMAT = "gradeck-progress"
VERSION = 1
SCHED = ("state", "step", "stability", "difficulty", "due", "last_review")
LOG = ("time", "rating", "duration_ms", "mode", "seed", "answer", "parts_right", "mistake")
PREV = tuple(f"prev_{c}" for c in SCHED)

ITEM_KEYS = ("deck", "item", "sub", "family", *SCHED, "suspended", "archived")
REVIEW_KEYS = ("deck", "item", "sub", *LOG, "hints", *PREV)
# Fields a file may lack: written only by later gradecks (family; hints and attempts, schema 4).
OPTIONAL = ("family", "hints", "attempts")
MAX_SETTING = 1000  # characters of a setting's name or value
SHOWN = 20  # problems listed; the rest are counted


def export(store: Store, *, exported: datetime, student: str | None = None) -> dict[str, Any]:
    """Everything as JSON-ready data; each review with its `attempts` (every try at every part
    of an exercise, oldest first; empty for cards and for answers logged before they were
    kept). `student` names the learner, for a class report, when given."""
    with store.reading() as db:
        items = [
            dict(zip(ITEM_KEYS, (*row[:-2], bool(row[-2]), bool(row[-1])), strict=True))
            for row in db.execute(
                "SELECT deck_id, item_id, sub, family, state, step, stability, difficulty, due, "
                "last_review, suspended, archived FROM items ORDER BY id"
            )
        ]
        attempts: dict[int, list[dict[str, Any]]] = {}
        for review_id, *row in db.execute(
            "SELECT review, part, try, text, verdict, mistake FROM attempts ORDER BY review, seq"
        ):
            attempts.setdefault(review_id, []).append(dict(zip(ATTEMPT_KEYS, row, strict=True)))
        columns = ", ".join("r." + c for c in (*LOG, "hints", *PREV))
        reviews = [
            {**dict(zip(REVIEW_KEYS, row, strict=True)), "attempts": attempts.get(review_id, [])}
            for review_id, *row in db.execute(
                f"SELECT r.id, i.deck_id, i.item_id, i.sub, {columns} "
                "FROM reviews r JOIN items i ON i.id = r.item ORDER BY r.time, r.id"
            )
        ]
        settings = dict(db.execute("SELECT key, value FROM settings ORDER BY key"))
    named = {} if student is None else {"student": student}
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema.VERSION,
        "exported": exported.isoformat(),
        **named,
        "settings": settings,
        "presets": presets.export(store),
        "items": items,
        "reviews": reviews,
    }


def _row_problems(row: Any, path: str, fields: dict[str, Field], prefix: str) -> list[str]:
    if not isinstance(row, dict):
        return [f"{path}: must be an object"]
    out = []
    for name, field in fields.items():
        if name not in row:
            if name not in OPTIONAL:
                out.append(f"{path}.{name}: is missing")
        elif why := field.problem(row[name]):
            out.append(f"{path}.{name}: {why}")
    if fields is REVIEW and "attempts" in row:
        out += _attempt_problems(row["attempts"], f"{path}.attempts")
    sched = [f"{path}.{prefix}{name}: is missing" for name in SCHED if prefix + name not in row]
    if not sched:  # the schedule's fields are checked together: which may be null hangs on state
        sched = [f"{path}.{name}: {why}" for name, why in bounds.sched_problems(row, prefix)]
    return out + sched


def _attempt_problems(attempts: Any, path: str) -> list[str]:
    if not isinstance(attempts, list) or len(attempts) > MAX_ATTEMPTS:
        return [f"{path}: must be a list of at most {MAX_ATTEMPTS} attempts"]
    out = []
    for n, attempt in enumerate(attempts):
        if not isinstance(attempt, dict):
            out.append(f"{path}[{n}]: must be an object")
            continue
        for name, field in ATTEMPT.items():
            if name not in attempt:
                out.append(f"{path}[{n}].{name}: is missing")
            elif why := field.problem(attempt[name]):
                out.append(f"{path}[{n}].{name}: {why}")
    return out


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return (row["deck"], row["item"], row["sub"])


def _settings_problems(settings: Any) -> list[str]:
    if not isinstance(settings, dict):
        return ["settings: must be an object of names and text values"]
    out = []
    for key, value in settings.items():
        path = f"settings.{printable(key[:40])}"
        if len(key) > MAX_SETTING or not isinstance(value, str) or len(value) > MAX_SETTING:
            out.append(f"{path}: must be a text of at most {MAX_SETTING} characters")
        elif key in SETTING_KEYS:
            try:
                parse_setting(key, value)
            except ValueError as exc:
                out.append(f"{path}: {exc}")
    return out


def problems(data: dict[str, Any]) -> list[str]:
    """Every way a progress file's content breaks the format, each as `json.path: why`."""
    out = _settings_problems(data.get("settings", {}))
    out += presets.problems(data.get("presets", {}))  # files before schema 7 have none
    seen: dict[tuple[str, str, str], int] = {}
    for what, fields, prefix in (("items", ITEM, ""), ("reviews", REVIEW, "prev_")):
        rows = data.get(what)
        if not isinstance(rows, list):
            out.append(f"{what}: must be a list")
            continue
        for n, row in enumerate(rows):
            path = f"{what}[{n}]"
            found = _row_problems(row, path, fields, prefix)
            out += found
            named = isinstance(row, dict) and not any(
                line.startswith((f"{path}.deck:", f"{path}.item:", f"{path}.sub:"))
                for line in found
            )
            if not named:
                continue
            if what == "items" and _key(row) in seen:
                out.append(f"{path}: the same deck, item and sub as items[{seen[_key(row)]}]")
            elif what == "items":
                seen[_key(row)] = n
            elif isinstance(data.get("items"), list) and _key(row) not in seen:
                out.append(f"{path}: names an item that is not in 'items'")
    return out


def validate(data: Any) -> None:
    """Refuse anything that is not a progress file this gradeck can read, listing every
    problem found with its place in the file."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise GradeckError("not a gradeck progress file (made by `gradeck progress export`)")
    if data.get("version") != VERSION:
        version = printable(repr(data.get("version"))[:40])
        raise GradeckError(
            f"progress file version {version} is not one this gradeck reads ({VERSION}); "
            "upgrade gradeck"
        )
    found = problems(data)
    if not found:
        return
    shown = found[:SHOWN]
    if len(found) > SHOWN:
        shown.append(f"... and {len(found) - SHOWN} more")
    count = "1 problem" if len(found) == 1 else f"{len(found)} problems"
    raise GradeckError(f"{count}, so nothing was imported:\n  " + "\n  ".join(shown))


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
    counts = {
        "items_added": 0,
        "items_updated": 0,
        "reviews_added": 0,
        "settings_added": 0,
        "presets_added": 0,
    }

    def work() -> None:
        db = store.conn
        for key, value in data.get("settings", {}).items():
            cur = db.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (key, value)
            )
            counts["settings_added"] += cur.rowcount
        counts["presets_added"] = presets.merge(db, data.get("presets", {}))
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
            pk = ids[_key(review)]  # validate made sure the file has the item
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
            names = (*LOG, "hints", *PREV)
            cursor = db.execute(
                f"INSERT INTO reviews (item, {', '.join(names)}) "
                f"VALUES (?, {', '.join('?' * len(names))})",
                (pk, *(review.get(c) for c in names)),
            )
            attempts = [
                AttemptRow(*(a[k] for k in ATTEMPT_KEYS)) for a in review.get("attempts", [])
            ]
            add_attempts(db, int(cursor.lastrowid or 0), attempts)
            counts["reviews_added"] += 1

    store.write(work)
    return counts
