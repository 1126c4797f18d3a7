"""The progress store: one SQLite database per profile, `<data dir>/gradeck.db`.

Why it is built this way:
- WAL mode, so a reader (the stats screen, a second gradeck) never blocks the one answering.
- Every answer is one `BEGIN IMMEDIATE` transaction, committed (synchronous=FULL, so it survives
  a power cut too) before the next item is shown; a busy timeout and a few retries let two
  gradeck processes share a profile and lose nothing.
- The schema is versioned (`PRAGMA user_version`) and migrated forward; a database written by a
  newer gradeck is refused rather than damaged.
- A database that is not readable as SQLite is moved aside under a dated name, which the error
  names, and a fresh one is started; nothing is ever deleted.
"""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from gradeck.srs import schema
from gradeck.srs.dbfile import (
    BUSY_TIMEOUT_S,
    ReadOnlyError,
    StoreError,
    connect_read_only,
    is_empty,
    read_only_error,
    set_aside,
    translate,
)
from gradeck.srs.log import Log
from gradeck.srs.queues import Queues
from gradeck.srs.rows import ITEM_COLUMNS, PRACTICE_DECK, ItemRow, Key, item_row

_MATCHED = "library:"  # meta key prefix: the digest a deck's items were last matched with


class Store(Queues, Log):
    """A profile's progress: its items with their schedules, and the log of every answer.
    The queues' reads are in `Queues`, the log's in `Log`, the transactions in `Connected`."""

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Store:
        """Open (creating or migrating) the database at `path`. `read_only` says the caller only
        reads (statistics, a backup): a database or folder that cannot be written is then
        opened for reading rather than refused, and the store writes nothing.

        Raises StoreError for a newer, locked, read-only or damaged database; a damaged or
        empty one is first moved aside and replaced by a fresh one, and the message names the
        copy. A folder in the database's place is named as such and left alone.
        """
        if path.is_dir():
            raise StoreError(
                f"{path} is a folder, but gradeck keeps its progress database in a file of that "
                "name. Move the folder away, or point --data-dir at another profile folder."
            )
        if read_only:
            try:
                return cls.open(path)
            except ReadOnlyError:
                return cls._reader(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the profile folder {path.parent}: {exc.strerror}"
            ) from None
        if path.exists() and not os.access(path, os.W_OK):
            raise read_only_error(path)
        if is_empty(path):
            kept = set_aside(path)
            cls._connect(path).close()
            raise StoreError(
                f"the progress database {path} was empty (0 bytes), so it held no progress; it "
                f"was kept as {kept} and a fresh one was started. Run the command again to use "
                "the fresh one, or bring back a backup with `gradeck backup --restore FILE`."
            )
        try:
            store = cls._connect(path)
        except sqlite3.OperationalError as exc:
            raise translate(exc, path) from None
        except sqlite3.DatabaseError as exc:
            kept = set_aside(path)
            cls._connect(path).close()
            raise StoreError(
                f"the progress database {path} is damaged ({exc}); it was kept as {kept} and "
                "a fresh one was started. Run the command again to use the fresh one, or "
                "bring back a backup with `gradeck backup --restore FILE`."
            ) from None
        return store

    @classmethod
    def _reader(cls, path: Path) -> Store:
        if not path.exists() or is_empty(path):
            raise StoreError(f"there is no progress in {path.parent} yet: nothing to read")
        try:
            conn = connect_read_only(path)
        except sqlite3.Error as exc:
            raise translate(exc, path) from None
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != schema.VERSION:
                raise StoreError(
                    f"the progress database {path} has schema version {version}, and this "
                    f"gradeck reads {schema.VERSION}: run a command that writes (say `gradeck "
                    "review`) on a writable profile to bring it up to date"
                )
            _ensure_pow(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise translate(exc, path) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, read_only=True)

    @classmethod
    def _connect(cls, path: Path) -> Store:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > schema.VERSION:
                raise StoreError(
                    f"the progress database {path} was written by a newer gradeck (schema "
                    f"version {version}; this gradeck knows up to {schema.VERSION}). Upgrade "
                    "gradeck to use it; the file was not changed."
                )
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            _ensure_pow(conn)
            store = cls(conn, path)
            store._migrate(version)
        except BaseException:
            conn.close()
            raise
        return store

    def _migrate(self, version: int) -> None:
        for number in range(version + 1, schema.VERSION + 1):
            script = schema.STEPS[number - 1]

            def step(script: str = script, number: int = number) -> None:
                if self.conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                    return  # another process migrated while we waited
                for statement in schema.statements(script):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

            self.write(step)

    # -- settings -----------------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        with self.reading() as db:
            return dict(db.execute("SELECT key, value FROM settings"))

    def set_settings(self, values: dict[str, str]) -> None:
        self.write(
            lambda: self.conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                values.items(),
            )
        )

    # -- items --------------------------------------------------------------------------------

    def items(self) -> list[ItemRow]:
        with self.reading() as db:
            return [item_row(r) for r in db.execute(f"SELECT {ITEM_COLUMNS} FROM items")]

    def item(self, pk: int) -> ItemRow:
        with self.reading() as db:
            return item_row(
                db.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (pk,)).fetchone()
            )

    def rows(self, keys: Iterable[Key]) -> dict[Key, ItemRow]:
        """The rows of the items with these keys (those in the store), each found by the index:
        a page of a list costs what it shows."""
        sql = f"SELECT {ITEM_COLUMNS} FROM items WHERE deck_id = ? AND item_id = ? AND sub = ?"
        with self.reading() as db:
            found = (db.execute(sql, key).fetchone() for key in keys)
            return {row.key: row for row in map(item_row, filter(None, found))}

    def sync(
        self,
        decks: Sequence[tuple[str, str]],
        present: Callable[[str], Iterable[tuple[str, str, str]]],
    ) -> None:
        """Make the items table match the loaded decks: add new items (with their exercise
        family), archive items that left their deck, bring back returning ones. Decks that are
        not loaded this time are left alone. `decks` holds (deck id, digest), the digest a text
        that changes whenever the deck's items do; `present(deck id)` gives (item id, sub,
        family) of each of its items.

        The digest each deck was last matched with is kept, so only a deck whose digest changed
        is matched again: opening an unchanged library costs one query, and editing one deck
        file re-matches that deck alone. A missing or odd digest (an older or damaged `meta`
        table) just means matching again."""
        if self.read_only:
            return  # shows what it holds
        kept = self.matched()
        changed = [(deck, digest) for deck, digest in decks if kept.get(deck) != digest]
        if not changed:
            return
        missing: list[tuple[str, str, str, str]] = []
        refamily: list[tuple[str, int]] = []
        flags: list[tuple[int, int]] = []
        for deck, _digest in changed:
            with self.reading() as db:
                rows = db.execute(
                    "SELECT id, item_id, sub, family, archived FROM items WHERE deck_id = ?",
                    (deck,),
                )
                known = {(i, s): (pk, fam, arch) for pk, i, s, fam, arch in rows}
            families = {(i, s): fam for i, s, fam in present(deck)}
            missing += [(deck, *k, fam) for k, fam in families.items() if k not in known]
            refamily += [
                (fam, known[k][0])
                for k, fam in families.items()
                if k in known and known[k][1] != fam
            ]
            flags += [
                (int(key not in families), pk)
                for key, (pk, _fam, archived) in known.items()
                if bool(archived) != (key not in families)
            ]

        def work() -> None:
            self.conn.executemany(
                "INSERT OR IGNORE INTO items (deck_id, item_id, sub, family) VALUES (?, ?, ?, ?)",
                missing,
            )
            self.conn.executemany("UPDATE items SET family = ? WHERE id = ?", refamily)
            self.conn.executemany("UPDATE items SET archived = ? WHERE id = ?", flags)
            self.conn.execute(  # an older gradeck's digests
                "DELETE FROM meta WHERE key LIKE 'library%' AND key NOT LIKE 'library:%'"
            )
            self.conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [(_MATCHED + deck, digest) for deck, digest in changed],
            )

        self.write(work)

    def matched(self) -> dict[str, str]:
        """Per deck id, the digest its items were last matched with (`sync`): while it is the
        loaded deck's, the deck's items that are not archived are exactly the loaded ones."""
        with self.reading() as db:
            rows = db.execute("SELECT key, value FROM meta WHERE key LIKE 'library:%'")
            return {key.removeprefix(_MATCHED): value for key, value in rows}

    def forget_sync(self) -> None:
        """Make the next sync look at every item (after items arrived from elsewhere)."""
        self.write(lambda: self.conn.execute("DELETE FROM meta WHERE key LIKE 'library%'"))

    def family_item(self, family: str) -> int:
        """The row id of the item that practice of exercise family `family` is logged under."""

        def work() -> int:
            self.conn.execute(
                "INSERT OR IGNORE INTO items (deck_id, item_id, sub, family, archived) "
                "VALUES (?, ?, '', ?, 1)",
                (PRACTICE_DECK, family, family),
            )
            return self.conn.execute(
                "SELECT id FROM items WHERE deck_id = ? AND item_id = ? AND sub = ''",
                (PRACTICE_DECK, family),
            ).fetchone()[0]

        return self.write(work)

    def pk(self, key: Key) -> int | None:
        with self.reading() as db:
            row = db.execute(
                "SELECT id FROM items WHERE deck_id = ? AND item_id = ? AND sub = ?", key
            ).fetchone()
            return None if row is None else row[0]

    def set_suspended(self, pk: int, on: bool) -> None:
        self.write(
            lambda: self.conn.execute("UPDATE items SET suspended = ? WHERE id = ?", (int(on), pk))
        )

    # -- health -------------------------------------------------------------------------------

    def damage(self, *, quick: bool = False) -> list[str]:
        """What SQLite's own check finds wrong with the file ([] when it is sound); `quick`
        skips comparing the indexes with their tables."""
        pragma = "quick_check" if quick else "integrity_check"
        try:
            found = [row[0] for row in self.conn.execute(f"PRAGMA {pragma}(20)")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        return [] if found == ["ok"] else found

    # -- copies -------------------------------------------------------------------------------

    def backup(self, dest: Path) -> None:
        """A consistent copy through SQLite's online backup, safe while others write; a damaged
        database is refused, so that no backup is ever a copy of damage."""
        damage = self.damage(quick=True)
        if damage:
            raise StoreError(
                f"the progress database {self.path} is damaged ({damage[0]}), so a backup of it "
                "would be damaged too; none was written. Bring back an earlier backup with "
                "`gradeck backup --restore FILE`, or see what `gradeck check` says."
            )
        try:
            target = sqlite3.connect(dest)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the backup {dest}: {exc}") from None
        try:
            self.conn.backup(target)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the backup {dest}: {exc}") from None
        finally:
            target.close()


def _pow(base: float, exponent: float) -> float | None:
    """pow() as SQLite's own computes it: NULL for a result that is not a real number (the
    statistics meet one in an item whose stored stability is out of bounds), inf past range."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return math.inf
    except ValueError:
        return None if base < 0 else math.inf


def _ensure_pow(conn: sqlite3.Connection) -> None:
    """Statistics use pow(); SQLite builds without its math functions get Python's."""
    try:
        conn.execute("SELECT pow(2, 0.5)")
    except sqlite3.OperationalError:
        conn.create_function("pow", 2, _pow, deterministic=True)
