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
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

from gradeck.srs import bounds, schema
from gradeck.srs.dbfile import (
    BUSY_TIMEOUT_S,
    ReadOnlyError,
    StoreError,
    busy,
    connect_read_only,
    is_empty,
    read_only_error,
    set_aside,
    translate,
)
from gradeck.srs.scheduler import Sched

RETRIES = 3

Key = tuple[str, str, str]  # (deck id, item id, sub)
# The deck of family practice's items, one per exercise family, so that its answers are logged
# like any other; no deck id can start with "@", and the items are archived, so no deck count
# or queue ever sees them, while the log and the per-family figures do.
PRACTICE_DECK = "@practice"

ITEM_COLUMNS = (
    "id, deck_id, item_id, sub, family, state, step, stability, difficulty, due, last_review, "
    "suspended, archived, buried_until"
)


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    deck_id: str
    item_id: str
    sub: str
    family: str
    sched: Sched
    suspended: bool
    archived: bool
    buried_until: int  # ms; in the past unless the item is buried (Anki's bury, till tomorrow)

    @property
    def key(self) -> Key:
        return (self.deck_id, self.item_id, self.sub)

    @property
    def schedulable(self) -> bool:
        """Whether the stored schedule is within bounds (bounds.py): one that is not is left
        out of sessions until `gradeck check --repair` mends it."""
        return bounds.fits(asdict(self.sched))


@dataclass(frozen=True)
class LogEntry:
    """What an answer adds to the review log, besides the item and its state before."""

    time: int
    rating: int
    duration_ms: int = 0
    mode: str = "scheduled"  # or "practice"
    seed: int | None = None
    answer: str | None = None
    parts_right: str | None = None  # one 1/0 per part, e.g. "110"
    mistake: str | None = None
    hints: int | None = None  # hints taken (exercises only)
    attempts: tuple[AttemptRow, ...] = ()  # an exercise's every attempt, in order


class AttemptRow(NamedTuple):
    """One attempt at a part of an exercise, as the `attempts` table keeps it."""

    part: int  # 0 first
    try_: int  # the try it belongs to, 1 first
    text: str
    verdict: str  # right, carried, close, wrong, unreadable, given_up, revealed
    mistake: str | None = None


ATTEMPT_KEYS = ("part", "try", "text", "verdict", "mistake")  # as history and exports name them


_MATCHED = "library:"  # meta key prefix: the digest a deck's items were last matched with
QUEUE_COLUMNS = "id, deck_id, item_id, sub, family, state, due"


class QueueRow(NamedTuple):
    """What a session needs of an item to queue it; the rest is read when it is shown."""

    id: int
    deck_id: str
    item_id: str
    sub: str
    family: str
    state: int
    due: int | None

    @property
    def group(self) -> tuple[str, str]:
        """(deck id, item id): items sharing it are siblings."""
        return (self.deck_id, self.item_id)


def _item(row: tuple) -> ItemRow:
    return ItemRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        Sched(*row[5:11]),
        bool(row[11]),
        bool(row[12]),
        row[13],
    )


@dataclass(frozen=True)
class TodayCounts:
    """Scheduled answers since the study day began: in all, of new items, of review items."""

    answered: int
    new: int
    reviews: int
    groups: frozenset[tuple[str, str]]  # (deck id, item id) answered: their siblings wait


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        # Items a queue left out because their stored schedule is out of bounds (see bounds.py).
        self.unschedulable: set[int] = set()
        # Today's counts with the study day's start and the log's change count they were read
        # at: the home screen asks for them once per deck, and they change only with the log.
        self._today: tuple[tuple[int, int], TodayCounts] | None = None

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

    def close(self) -> None:
        self.conn.close()

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- transactions -------------------------------------------------------------------------

    def write(self, work: Callable[[], object]):
        """Run `work` in one immediate transaction, retrying while another process writes."""
        for attempt in range(RETRIES):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if busy(exc) and attempt + 1 < RETRIES:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise translate(exc, self.path) from None
            try:
                result = work()
                self.conn.execute("COMMIT")
                return result
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise translate(exc, self.path) from None
                raise
        raise AssertionError("unreachable")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several queries, with sqlite errors made readable."""
        try:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None

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
            return [_item(r) for r in db.execute(f"SELECT {ITEM_COLUMNS} FROM items")]

    def item(self, pk: int) -> ItemRow:
        with self.reading() as db:
            return _item(
                db.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (pk,)).fetchone()
            )

    def rows(self, keys: Iterable[Key]) -> dict[Key, ItemRow]:
        """The rows of the items with these keys (those in the store), each found by the index:
        a page of a list costs what it shows."""
        sql = f"SELECT {ITEM_COLUMNS} FROM items WHERE deck_id = ? AND item_id = ? AND sub = ?"
        with self.reading() as db:
            found = (db.execute(sql, key).fetchone() for key in keys)
            return {row.key: row for row in map(_item, filter(None, found))}

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

    def queue_rows(
        self,
        decks: Sequence[str],
        states: Sequence[int],
        *,
        before: int | None = None,
        exercises: bool | None = None,
        keep: Callable[[QueueRow], bool] | None = None,
        limit: int | None = None,
        awake: int | None = None,
    ) -> list[QueueRow]:
        """Items of `decks` in `states` that a session may show (not suspended or archived),
        due before `before` when given, exercises only or cards only when `exercises` says so.

        New items come deck by deck in the order of `decks`, each deck's in the order they
        entered the profile (deck order for the items of one sync); others by due time. Rows
        are read in that order and only while fewer than `limit` have passed `keep`, so a
        short queue over a large profile reads little more than it keeps. An item whose stored
        schedule the scheduler cannot work with is left out and noted in `unschedulable`. With
        `awake` (a time in ms), items buried until after it are left out too."""
        where = ["suspended = 0", "archived = 0"]
        where.append(f"state IN ({', '.join(str(int(n)) for n in states)})")
        args: list[object] = []
        if awake is not None:
            where.append("buried_until <= ?")
            args.append(awake)
        if before is not None:
            where.append("due < ?")
            args.append(before)
        if exercises is not None:
            where.append("family > ''" if exercises else "family = ''")  # index ranges
        sql = (
            f"SELECT {QUEUE_COLUMNS}, {bounds.FITS_SQL} FROM items "
            f"WHERE {' AND '.join(where)} AND deck_id "
        )
        if tuple(states) == (0,):
            queries = [(sql + "= ? ORDER BY id", [*args, deck]) for deck in decks]
        else:
            marks = ", ".join("?" * len(decks))
            queries = [(sql + f"IN ({marks}) ORDER BY due, id", [*args, *decks])]
        out: list[QueueRow] = []
        if limit is not None and limit <= 0:
            return out
        with self.reading() as db:
            for query, values in queries:
                cursor = db.execute(query, values)
                try:
                    for values in cursor:
                        if not values[7]:  # its schedule is out of bounds (bounds.fits)
                            self.unschedulable.add(values[0])
                            continue
                        row = QueueRow._make(values[:7])
                        if keep is None or keep(row):
                            out.append(row)
                            if len(out) == limit:
                                return out
                finally:
                    cursor.close()
        return out

    def new_groups(self, decks: Sequence[str], awake: int = 0) -> tuple[int, int]:
        """How many sibling groups of new flashcards and of new exercises `decks` hold (not
        suspended, archived or buried after `awake`): the proportion in which a session mixes
        the two kinds."""
        marks = ", ".join("?" * len(decks))
        with self.reading() as db:
            counts = dict(
                db.execute(
                    "SELECT family != '', count(*) FROM (SELECT DISTINCT deck_id, item_id, family "
                    "FROM items WHERE state = 0 AND suspended = 0 AND archived = 0 "
                    f"AND buried_until <= ? AND deck_id IN ({marks})) GROUP BY 1",
                    [awake, *decks],
                )
            )
        return counts.get(0, 0), counts.get(1, 0)

    def deck_sizes(self) -> dict[str, int]:
        """Per deck id, its items, archived ones left out; read from `deck_counts`, which
        triggers keep (schema version 8), not from the items themselves."""
        with self.reading() as db:
            sizes = db.execute("SELECT deck_id, sum(n) FROM deck_counts GROUP BY deck_id")
            return {deck_id: n for deck_id, n in sizes if n}

    def today_counts(self, start: int) -> TodayCounts:
        """Today's counts; read again only when the log has changed since the last read (any
        process's answer, undo or import raises `log_changes`, schema version 7)."""
        with self.reading() as db:
            key = (start, db.execute("SELECT n FROM log_changes").fetchone()[0])
            if self._today is not None and self._today[0] == key:
                return self._today[1]
            answered, new, reviews = db.execute(
                "SELECT count(*), coalesce(sum(prev_state = 0), 0), "
                "coalesce(sum(prev_state = 2), 0) FROM reviews "
                "WHERE time >= ? AND mode = 'scheduled'",
                (start,),
            ).fetchone()
            groups = db.execute(
                "SELECT DISTINCT i.deck_id, i.item_id FROM reviews r JOIN items i ON i.id = r.item "
                "WHERE r.time >= ? AND r.mode = 'scheduled'",
                (start,),
            )
            counts = TodayCounts(answered, new, reviews, frozenset(groups))
        self._today = (key, counts)
        return counts

    def new_today(self, start: int) -> dict[str, int]:
        """Per deck id: new items answered (scheduled) since `start`, for per-deck limits."""
        with self.reading() as db:
            rows = db.execute(
                "SELECT i.deck_id, count(*) FROM reviews r JOIN items i ON i.id = r.item "
                "WHERE r.time >= ? AND r.mode = 'scheduled' AND r.prev_state = 0 "
                "GROUP BY i.deck_id",
                (start,),
            )
            return dict(rows)

    def bury(self, group: tuple[str, str], until: int) -> list[tuple[int, int]]:
        """Put every item of a sibling group (deck id, item id) aside until `until` (ms);
        returns each item's previous (id, buried_until), for `unbury`."""

        def work() -> list[tuple[int, int]]:
            before = self.conn.execute(
                "SELECT id, buried_until FROM items WHERE deck_id = ? AND item_id = ?", group
            ).fetchall()
            self.conn.execute(
                "UPDATE items SET buried_until = ? WHERE deck_id = ? AND item_id = ?",
                (until, *group),
            )
            return [(pk, was) for pk, was in before]

        return self.write(work)

    def unbury(self, before: Sequence[tuple[int, int]]) -> None:
        """Put back what `bury` changed."""
        self.write(
            lambda: self.conn.executemany(
                "UPDATE items SET buried_until = ? WHERE id = ?", [(was, pk) for pk, was in before]
            )
        )

    def set_suspended(self, pk: int, on: bool) -> None:
        self.write(
            lambda: self.conn.execute("UPDATE items SET suspended = ? WHERE id = ?", (int(on), pk))
        )

    # -- answers ------------------------------------------------------------------------------

    def record(
        self, pk: int, entry: LogEntry, schedule: Callable[[Sched], Sched] | None
    ) -> tuple[int, Sched]:
        """Log one answer and store the item's new state, in one transaction.

        `schedule` gets the item's state as stored now (another process may have moved it) and
        returns the new one; None (practice) leaves the item as it is. Returns the review's id
        and the item's state afterwards.
        """

        def work() -> tuple[int, Sched]:
            row = self.conn.execute(
                "SELECT state, step, stability, difficulty, due, last_review FROM items "
                "WHERE id = ?",
                (pk,),
            ).fetchone()
            before = Sched(*row)
            after = before if schedule is None else schedule(before)
            cursor = self.conn.execute(
                "INSERT INTO reviews (item, time, rating, duration_ms, mode, seed, answer, "
                "parts_right, mistake, hints, prev_state, prev_step, prev_stability, "
                "prev_difficulty, prev_due, prev_last_review) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pk,
                    entry.time,
                    entry.rating,
                    entry.duration_ms,
                    entry.mode,
                    entry.seed,
                    entry.answer,
                    entry.parts_right,
                    entry.mistake,
                    entry.hints,
                    *_sched_values(before),
                ),
            )
            review_id = int(cursor.lastrowid or 0)
            add_attempts(self.conn, review_id, entry.attempts)
            self._set_sched(pk, after)
            return review_id, after

        return self.write(work)

    def undo(self, review_id: int) -> bool:
        """Remove one logged answer and put its item back as it was; False if already gone."""

        def work() -> bool:
            row = self.conn.execute(
                "SELECT item, prev_state, prev_step, prev_stability, prev_difficulty, prev_due, "
                "prev_last_review FROM reviews WHERE id = ?",
                (review_id,),
            ).fetchone()
            if row is None:
                return False
            self._set_sched(row[0], Sched(*row[1:]))
            self.conn.execute("DELETE FROM attempts WHERE review = ?", (review_id,))
            self.conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            return True

        return self.write(work)

    def _set_sched(self, pk: int, sched: Sched) -> None:
        self.conn.execute(
            "UPDATE items SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
            "last_review = ? WHERE id = ?",
            (*_sched_values(sched), pk),
        )

    def history(self, pk: int) -> list[dict]:
        """Every logged answer of an item, oldest first, each with its `attempts` (dicts with
        ATTEMPT_KEYS; none for cards and for answers logged before attempts were kept)."""
        with self.reading() as db:
            cursor = db.execute(
                "SELECT id, time, rating, duration_ms, mode, seed, answer, parts_right, mistake, "
                "hints, prev_state FROM reviews WHERE item = ? ORDER BY time, id",
                (pk,),
            )
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, r, strict=True)) for r in cursor]
            for row in rows:
                row["attempts"] = [
                    dict(zip(ATTEMPT_KEYS, a, strict=True)) for a in attempts_of(db, row["id"])
                ]
            return rows

    def reviews(self, ids: Sequence[int]) -> list[dict]:
        """The logged answers with these review ids (item, rating, duration, mistake,
        `first_try`: for an exercise, whether it was right at the first try (first_try_sql), and
        `mistakes`: the named mistake of every attempt), in the order answered; ids no longer
        logged (undone) are left out."""
        out: list[dict] = []
        with self.reading() as db:
            for at in range(0, len(ids), 500):
                chunk = list(ids[at : at + 500])
                cursor = db.execute(
                    "SELECT id, item, time, rating, duration_ms, mistake, "
                    f"{first_try_sql('r', _KEPT)} AS first_try FROM reviews r "
                    f"WHERE id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
                names = [d[0] for d in cursor.description]
                out += [dict(zip(names, r, strict=True)) for r in cursor]
            for row in out:
                row["mistakes"] = [a.mistake for a in attempts_of(db, row["id"]) if a.mistake]
        return sorted(out, key=lambda r: (r["time"], r["id"]))

    def due_count(self, before: int) -> int:
        """Items in learning or review due before `before` (ms), not suspended or archived."""
        with self.reading() as db:
            return db.execute(
                "SELECT count(*) FROM items WHERE state > 0 AND due < ? AND suspended = 0 "
                "AND archived = 0",
                (before,),
            ).fetchone()[0]

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


_KEPT = "EXISTS (SELECT 1 FROM attempts a WHERE a.review = r.id)"


def first_try_sql(review: str, kept: str) -> str:
    """SQL for "this exercise answer was right at the first try", for the review row `review`,
    where `kept` says whether its attempts were kept: no part's first try came to anything but
    right (an unreadable answer costs no try). An answer logged before attempts were kept counts
    when every part ended right and it was rated Good or Easy (gradeck suggests Good only for
    right at every first try), as in the class report (study.classreport). The one rule of the
    statistics and the session summary."""
    return (
        f"CASE WHEN {kept} THEN NOT EXISTS (SELECT 1 FROM attempts a WHERE a.review = {review}.id "
        "AND a.try = 1 AND a.verdict NOT IN ('right', 'unreadable')) "
        f"ELSE coalesce({review}.parts_right != '' AND {review}.parts_right NOT LIKE '%0%' "
        f"AND {review}.rating >= 3, 0) END"
    )


def add_attempts(conn: sqlite3.Connection, review_id: int, rows: Iterable[AttemptRow]) -> None:
    """Keep a review's attempts, in the order given (inside the caller's transaction)."""
    conn.executemany(
        "INSERT INTO attempts (review, seq, part, try, text, verdict, mistake) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(review_id, seq, *row) for seq, row in enumerate(rows)],
    )


def attempts_of(conn: sqlite3.Connection, review_id: int) -> list[AttemptRow]:
    return [
        AttemptRow(*row)
        for row in conn.execute(
            "SELECT part, try, text, verdict, mistake FROM attempts WHERE review = ? ORDER BY seq",
            (review_id,),
        )
    ]


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


def _sched_values(sched: Sched) -> tuple:
    return (
        sched.state,
        sched.step,
        sched.stability,
        sched.difficulty,
        sched.due,
        sched.last_review,
    )
