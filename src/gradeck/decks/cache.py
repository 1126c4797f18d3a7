"""What the validator made of each deck file, kept beside the profile so that an unchanged file is
never parsed twice.

The cache is an SQLite file (`deck-cache.db` in the data folder) holding plain data only: per
file its size, modification time and content hash, the deck's header and counts as JSON (or the
problems that kept it from loading), one JSON row per card or exercise, and one row per review
item with its title and tags (indexed by item id too, so a queue asks whether a deck has an item
without reading its card), so that a profile opens, queues and searches without building an
object per card. Nothing in it is ever executed or unpickled.

A file is taken from the cache when its size and modification time match, or, when they do not,
its content hash does; anything else means reading and validating it again. The key holds the
cache's format and gradeck's version, so a newer validator re-validates everything. A decks
file that uses instructor templates is cached for opening and searching, but its exercises are
read from the file when one is needed (a validated template is code-like, not plain data).

The cache is only ever a copy: a damaged or foreign file is replaced; one that cannot be written
(read-only, full, busy) is not updated, and the library then reads without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gradeck import __version__
from gradeck.decks.cache_rows import (
    Head,
    Stamp,
    entry_from_json,
    entry_json,
    head_from_json,
    head_json,
    head_of,
    item_row,
    problems_from_json,
    split_tags,
)
from gradeck.decks.model import Card, Deck, ExerciseItem, ReviewItem
from gradeck.problems import Problem

FILE_NAME = "deck-cache.db"
FORMAT = 1
APPLICATION_ID = 0x67646B63  # "gdkc": marks the file as gradeck's deck cache
VERSION = f"{FORMAT}/{__version__}"

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path     TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hash     TEXT    NOT NULL,
    version  TEXT    NOT NULL,
    deck     TEXT,  -- the deck's header as JSON, or NULL when it did not load
    problems TEXT   -- JSON list of [path, line, col, message, severity], or NULL
);
CREATE TABLE IF NOT EXISTS entries (
    path TEXT NOT NULL,
    id   TEXT NOT NULL,
    data TEXT NOT NULL,  -- a card or a (family) exercise as JSON
    PRIMARY KEY (path, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (
    path    TEXT    NOT NULL,
    n       INTEGER NOT NULL,  -- the review item's place in its deck
    item_id TEXT    NOT NULL,
    sub     TEXT    NOT NULL,
    family  TEXT    NOT NULL,
    title   TEXT    NOT NULL,
    search  TEXT    NOT NULL,  -- casefolded "item_id title", what Browse's search looks in
    tags    TEXT    NOT NULL,  -- "\ttag\ttag\t": the deck's tags and the card's own
    PRIMARY KEY (path, n)
) WITHOUT ROWID;
"""
# Made on every open, so a cache written before it gets it too (once, in well under a second).
INDEXES = "CREATE INDEX IF NOT EXISTS items_by_id ON items (path, item_id, sub)"


@dataclass(slots=True)
class Found:
    """What the cache knows of a file: its deck's header, or its problems, or nothing (then
    `stamp` is what to store the freshly validated result under)."""

    stamp: Stamp | None
    head: Head | None = None
    problems: list[Problem] | None = None


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _hash(path: Path) -> str | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


class DeckCache:
    """The cache file of one data folder (or an in-memory one, which keeps nothing)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.writable = True

    @classmethod
    def open(cls, path: Path | None) -> DeckCache:
        """The cache at `path`; a damaged or foreign file there is replaced by a fresh one, and
        an unusable place gives an in-memory cache. None: in memory."""
        if path is None or not path.parent.is_dir():
            return cls(_connect(":memory:"))
        try:
            return cls(_connect(path))
        except sqlite3.OperationalError:
            return cls(_connect(":memory:"))  # busy or read-only: this time without it
        except sqlite3.DatabaseError:
            pass  # damaged or foreign: start afresh
        try:
            for extra in ("", "-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
            return cls(_connect(path))
        except (OSError, sqlite3.Error):
            return cls(_connect(":memory:"))

    def close(self) -> None:
        self.conn.close()

    def _write(self, work: Callable[[], None]) -> None:
        """Run `work` in one transaction; a cache that cannot be written stays as it was."""
        if not self.writable:
            return
        try:
            with self.conn:
                work()
        except sqlite3.Error:
            self.writable = False  # read-only, full or busy: opening still works, from files

    # -- looking up ---------------------------------------------------------------------------

    def find(self, path: Path) -> Found:
        """The cached result for the file at `path` if its content is unchanged."""
        key = str(path.resolve())
        stat = _stat(path)
        if stat is None:
            return Found(None)
        row = self.conn.execute(
            "SELECT size, mtime_ns, hash, deck, problems FROM files WHERE path = ? AND version = ?",
            (key, VERSION),
        ).fetchone()
        if row is not None and (row[0], row[1]) == stat:
            digest = row[2]
        else:
            digest = _hash(path)
            if digest is None:
                return Found(None)
        stamp = Stamp(*stat, digest)
        if row is None or row[2] != digest:
            return Found(stamp)
        try:
            found = Found(
                stamp,
                head=head_from_json(row[3]) if row[3] is not None else None,
                problems=problems_from_json(row[4], str(path)) if row[4] is not None else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return Found(stamp)  # an odd row: validate again
        if found.head is None and found.problems is None:
            return Found(stamp)
        if (row[0], row[1]) != stat:
            self._write(
                lambda: self.conn.execute(
                    "UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (*stat, key)
                )
            )
        return found

    # -- storing ------------------------------------------------------------------------------

    def put_deck(self, key: str, stamp: Stamp, deck: Deck, items: Sequence[ReviewItem]) -> Head:
        """Keep a validated deck under `key` (its file's resolved path); returns its header."""
        rows = [item_row(key, n, item) for n, item in enumerate(items)]
        digest = hashlib.blake2b(
            "\n".join(f"{r[2]}\t{r[3]}\t{r[4]}" for r in rows).encode(), digest_size=16
        ).hexdigest()
        head = head_of(deck, digest)

        def work() -> None:
            self._forget(key)
            self._file_row(key, stamp, head_json(head), None)
            if head.body:
                self.conn.executemany(
                    "INSERT OR REPLACE INTO entries (path, id, data) VALUES (?, ?, ?)",
                    ((key, e.id, entry_json(e)) for e in (*deck.cards, *deck.exercises)),
                )
            self.conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

        self._write(work)
        return head

    def put_problems(self, key: str, stamp: Stamp, problems: Sequence[Problem], name: str) -> None:
        """Keep why a file (named `name` in its problems) did not load, so that an unchanged
        broken file is not read again."""
        data = json.dumps(
            [
                [None if p.path == name else p.path, p.line, p.col, p.message, p.severity]
                for p in problems
            ]
        )

        def work() -> None:
            self._forget(key)
            self._file_row(key, stamp, None, data)

        self._write(work)

    def _file_row(self, key: str, stamp: Stamp, deck: str | None, problems: str | None) -> None:
        self.conn.execute(
            "INSERT INTO files (path, size, mtime_ns, hash, version, deck, problems) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, stamp.size, stamp.mtime_ns, stamp.digest, VERSION, deck, problems),
        )

    def _forget(self, key: str) -> None:
        for table in ("files", "entries", "items"):
            self.conn.execute(f"DELETE FROM {table} WHERE path = ?", (key,))

    def prune(self, keep: set[str]) -> None:
        """Drop what is kept of files that no longer exist (other files stay: another command
        may load them with --deck)."""
        cached = [p for (p,) in self.conn.execute("SELECT path FROM files") if p not in keep]
        gone = [p for p in cached if not os.path.exists(p)]

        def work() -> None:
            for key in gone:
                self._forget(key)

        if gone:
            self._write(work)

    # -- reading ------------------------------------------------------------------------------

    def entry(self, key: str, item_id: str) -> Card | ExerciseItem | None:
        row = self.conn.execute(
            "SELECT data FROM entries WHERE path = ? AND id = ?", (key, item_id)
        ).fetchone()
        return None if row is None else entry_from_json(row[0])

    def has(self, key: str, item_id: str, sub: str) -> bool:
        """Whether the cached deck `key` has this review item: one index lookup, no card read."""
        row = self.conn.execute(
            "SELECT 1 FROM items WHERE path = ? AND item_id = ? AND sub = ?", (key, item_id, sub)
        ).fetchone()
        return row is not None

    def entries(self, key: str) -> Iterator[Card | ExerciseItem]:
        """Every card and exercise of a cached deck, in no promised order."""
        rows = self.conn.execute("SELECT data FROM entries WHERE path = ?", (key,))
        return (entry_from_json(data) for (data,) in rows)

    def keys(self, key: str) -> list[tuple[str, str, str]]:
        """(item id, sub, family) of every review item of a cached deck, in deck order."""
        return self.conn.execute(
            "SELECT item_id, sub, family FROM items WHERE path = ? ORDER BY n", (key,)
        ).fetchall()

    def search(
        self, files: Sequence[tuple[str, str]], text: str, tag: str | None, offset: int, limit: int
    ) -> tuple[int, list[tuple[str, str, str, str, tuple[str, ...]]]]:
        """Library.search over the decks in `files` ((key, deck id), in library order)."""
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS shown (path TEXT PRIMARY KEY, rank INTEGER, deck TEXT)"
        )
        self.conn.execute("DELETE FROM temp.shown")
        self.conn.executemany(
            "INSERT OR IGNORE INTO temp.shown VALUES (?, ?, ?)",
            ((key, n, deck) for n, (key, deck) in enumerate(files)),
        )
        where = "instr(i.search, :text) > 0 AND (:tag IS NULL OR instr(i.tags, :tag) > 0)"
        args = {"text": text.casefold(), "tag": None if tag is None else f"\t{tag}\t"}
        join = f"FROM temp.shown s JOIN items i ON i.path = s.path WHERE {where}"
        total = self.conn.execute(f"SELECT count(*) {join}", args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT s.deck, i.item_id, i.sub, i.title, i.tags {join} "
            "ORDER BY s.rank, i.n LIMIT :limit OFFSET :offset",
            {**args, "limit": limit, "offset": offset},
        )
        return total, [(d, i, s, t, split_tags(tags)) for d, i, s, t, tags in rows]


def _connect(path: Path | str) -> sqlite3.Connection:
    """A connection to a cache of this format, created when the file is new. DatabaseError for
    a file that is damaged or not a cache of this format."""
    conn = sqlite3.connect(path, timeout=5.0, check_same_thread=False)
    try:
        app, version = (
            conn.execute("PRAGMA application_id").fetchone()[0],
            conn.execute("PRAGMA user_version").fetchone()[0],
        )
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables and (app, version) != (APPLICATION_ID, FORMAT):
            raise sqlite3.DatabaseError("not a gradeck deck cache of this format")
        if not tables:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {FORMAT}")
        conn.execute("SELECT count(*) FROM files").fetchone()
        with contextlib.suppress(sqlite3.OperationalError):  # read-only or busy: next time
            conn.execute(INDEXES)
    except BaseException:
        conn.close()
        raise
    return conn
