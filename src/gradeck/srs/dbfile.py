"""The database file on disk: reading it without writing, telling its faults apart (busy,
read-only, a full disk, damaged, empty), and setting a damaged one aside.

Each fault gets a message that says what happened to the learner's progress and what to do, so
that no sqlite error reaches the learner as it is.
"""

from __future__ import annotations

import shutil
import sqlite3
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from gradeck.errors import GradeckError

BUSY_TIMEOUT_S = 5.0
FULL_BELOW = 64 * 2**20  # free bytes under which a disk I/O error means a full disk


class StoreError(GradeckError):
    """The database cannot be used; the message says why and what to do."""


def busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class ReadOnlyError(StoreError):
    """The database or its folder cannot be written."""


def read_only_error(path: Path) -> StoreError:
    return ReadOnlyError(
        f"cannot write to the progress database {path}: it or its folder is read-only. "
        "Check the permissions, or point --data-dir at a writable folder."
    )


def translate(exc: sqlite3.Error, path: Path) -> StoreError:
    """A readable StoreError for an sqlite error met while using the database at `path`."""
    text = str(exc).lower()
    if busy(exc):
        return StoreError(
            f"the progress database {path} is busy: another gradeck has held it for more than "
            f"{BUSY_TIMEOUT_S:g} s. Close it or try again; everything answered so far is saved."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return read_only_error(path)
    if ("disk" in text and "full" in text) or ("disk i/o" in text and _disk_full(path)):
        return StoreError(
            f"the disk holding {path} is full, so the last change was not saved; the database "
            "itself is fine. Free some space and run the command again."
        )
    return StoreError(
        f"the progress database {path} cannot be used ({exc}). Bring back a backup with "
        "`gradeck backup --restore FILE`, or move the file away to start afresh."
    )


def _disk_full(path: Path) -> bool:
    """Whether the disk of `path` is (all but) full: SQLite reports a write that found no room
    as a plain "disk I/O error"."""
    try:
        return shutil.disk_usage(path.parent).free < FULL_BELOW
    except OSError:
        return False


def is_empty(path: Path) -> bool:
    """A 0-byte database with no write-ahead log to bring it back: SQLite would take it for
    a new one, which would pass a truncated profile off as a fresh start."""
    wal = path.with_name(path.name + "-wal")
    try:
        return path.stat().st_size == 0 and (not wal.exists() or wal.stat().st_size == 0)
    except OSError:
        return False


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes to `path`. Where SQLite cannot open its shared-memory
    file (a read-only folder that has none), no gradeck can be writing to the database, so it
    is read as immutable."""
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    for extra in ("", "&immutable=1"):
        conn = sqlite3.connect(uri + extra, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if extra:
                raise
    raise AssertionError("unreachable")


def aside_name(path: Path, label: str) -> Path:
    """A free name beside `path` that says why and when it was put there."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    return kept


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL files) to a dated name next to it."""
    kept = aside_name(path, "damaged")
    path.rename(kept)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(kept.with_name(kept.name + suffix))
    return kept
