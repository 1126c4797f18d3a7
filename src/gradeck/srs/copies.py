"""Bringing a backup back: `gradeck backup --restore FILE`.

A file is checked before anything changes: it must be a sound SQLite database (SQLite's own
integrity check), hold gradeck's tables, and have a schema version this gradeck reads. The current
database is then copied aside under a dated name (or, when it cannot be read, moved aside), and
the backup is copied in through SQLite's online backup, so that a gradeck still open on the
profile sees the restored progress rather than keeping a file of its own. The restored copy is
migrated to this gradeck's schema like any older database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gradeck.srs import schema
from gradeck.srs.dbfile import StoreError, aside_name, connect_read_only, is_empty, set_aside
from gradeck.srs.store import Store

TABLES = {"items", "reviews", "settings"}  # what every gradeck database has had since version 1


def check_copy(path: Path) -> int:
    """The schema version of the gradeck database at `path`, or StoreError saying why it cannot
    be brought back."""
    if not path.is_file():
        raise StoreError(f"{path} is not a file" if path.exists() else f"there is no {path}")
    if is_empty(path):
        raise StoreError(f"{path} is empty (0 bytes): it holds no progress")
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be read as a database ({exc})") from None
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        found = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged or not a database ({exc})") from None
    finally:
        conn.close()
    if not tables >= TABLES or version < 1:
        raise StoreError(f"{path} is a database, but not one of gradeck's progress")
    if version > schema.VERSION:
        raise StoreError(
            f"{path} was written by a newer gradeck (schema version {version}; this gradeck "
            f"reads up to {schema.VERSION}). Upgrade gradeck to bring it back."
        )
    if found != ["ok"]:
        raise StoreError(f"{path} is damaged ({found[0]}); it was not brought back")
    return version


def restore(source: Path, path: Path) -> Path | None:
    """Replace the database at `path` by the backup `source`, after check_copy; returns where
    the database it replaced was kept (None when there was none)."""
    check_copy(source)
    if path.is_dir():
        raise StoreError(f"{path} is a folder; move it away before restoring into it")
    kept = _keep(path) if path.exists() else None
    try:
        reader = connect_read_only(source)
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            reader.backup(writer)
        finally:
            writer.close()
            reader.close()
    except sqlite3.Error as exc:
        raise StoreError(
            f"cannot copy {source} into {path} ({exc}); the database it was to replace is kept "
            f"as {kept}"
        ) from None
    Store.open(path).close()  # migrates an older backup to this gradeck's schema
    return kept


def _keep(path: Path) -> Path:
    """A consistent copy of the current database beside it; moved aside when unreadable."""
    kept = aside_name(path, "before-restore")
    try:
        current = connect_read_only(path)
        try:
            if [row[0] for row in current.execute("PRAGMA quick_check(1)")] != ["ok"]:
                raise sqlite3.DatabaseError("damaged")
            target = sqlite3.connect(kept)
            try:
                current.backup(target)
            finally:
                target.close()
        finally:
            current.close()
    except sqlite3.DatabaseError:
        kept.unlink(missing_ok=True)
        return set_aside(path)
    return kept
