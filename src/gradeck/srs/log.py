"""The review log: answers recorded and undone in one transaction with the item's state, and
read back with their attempts."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence

from gradeck.srs.connected import Connected
from gradeck.srs.rows import ATTEMPT_KEYS, AttemptRow, LogEntry
from gradeck.srs.scheduler import Sched


class Log(Connected):
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


def _sched_values(sched: Sched) -> tuple:
    return (
        sched.state,
        sched.step,
        sched.stability,
        sched.difficulty,
        sched.due,
        sched.last_review,
    )
