"""What sessions ask of the items: queues, counts of the day, burying siblings."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gradeck.srs import bounds
from gradeck.srs.connected import Connected
from gradeck.srs.rows import QUEUE_COLUMNS, QueueRow, TodayCounts


class Queues(Connected):
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

    def due_count(self, before: int) -> int:
        """Items in learning or review due before `before` (ms), not suspended or archived."""
        with self.reading() as db:
            return db.execute(
                "SELECT count(*) FROM items WHERE state > 0 AND due < ? AND suspended = 0 "
                "AND archived = 0",
                (before,),
            ).fetchone()[0]
