"""Figures worked out from the whole review log, saved in the database until the log changes.

A saved figure holds the log's change count (`log_changes`, raised by triggers on every insert,
delete and update of a review) and the inputs it was worked out from (say the weights); it is
current while both still hold, which costs no read of the log. When the log has changed, the
caller decides whether the figure is worth working out again now (`redo`) or is shown as it was,
marked as not current. Saving is best effort: a read-only or busy database simply goes without,
and the figure is worked out again next time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradeck.srs.store import Store, StoreError

SAVE_TIMEOUT_S = 0.2  # a busy database is not worth waiting for: the figure is only a saving


def log_changes(store: Store) -> int:
    with store.reading() as db:
        return int(db.execute("SELECT n FROM log_changes").fetchone()[0])


@dataclass(frozen=True)
class Saved:
    value: Any
    current: bool  # worked out from the log as it is now


def _load(store: Store, key: str, inputs: str) -> tuple[int, Any] | None:
    """The saved figure `key` for `inputs`, with the log count it was worked out at."""
    with store.reading() as db:
        row = db.execute(
            "SELECT log, value FROM derived WHERE key = ? AND inputs = ?", (key, inputs)
        ).fetchone()
    if row is None:
        return None
    try:
        return int(row[0]), json.loads(row[1])
    except ValueError:  # written by hand or damaged: work it out again
        return None


def _writer(path: Path) -> sqlite3.Connection:
    """A connection of its own, for a store opened read-only (as `gradeck stats` opens it)."""
    return sqlite3.connect(path, timeout=SAVE_TIMEOUT_S, isolation_level=None)


def save(store: Store, key: str, log: int, inputs: Any, value: Any) -> None:
    """Keep `value` as the figure `key` for `inputs`, worked out at log count `log`."""
    _save(store, key, log, json.dumps(inputs, sort_keys=True), value)


def _save(store: Store, key: str, log: int, inputs: str, value: Any) -> None:
    sql = "INSERT OR REPLACE INTO derived (key, log, inputs, value) VALUES (?, ?, ?, ?)"
    row = (key, log, inputs, json.dumps(value))
    try:
        if not store.read_only:
            store.write(lambda: store.conn.execute(sql, row))
            return
        conn = _writer(store.path)
        try:
            conn.execute(sql, row)
        finally:
            conn.close()
    except (sqlite3.Error, StoreError):
        pass  # read-only file or folder, busy, full disk: the figure is worked out next time


def cached(
    store: Store,
    key: str,
    inputs: Any,
    work: Callable[[], Any],
    *,
    redo: Callable[[], bool] = lambda: True,
) -> Saved:
    """The figure `key` for these `inputs` (JSON-able): the saved one when it is current;
    otherwise `work()`, saved for next time, unless `redo()` says not now and one was saved
    before, which is then returned as not current. `work` must return JSON-able data."""
    log = log_changes(store)
    text = json.dumps(inputs, sort_keys=True)
    found = _load(store, key, text)
    if found is not None and (found[0] == log or not redo()):
        return Saved(found[1], found[0] == log)
    value = work()
    _save(store, key, log, text, value)
    return Saved(value, True)
