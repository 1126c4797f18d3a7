"""The store's connection and transactions, which every part of the store builds on."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gradeck.srs.dbfile import busy, translate
from gradeck.srs.rows import TodayCounts

RETRIES = 3


class Connected:
    """A profile's open database: one immediate transaction per write, retried while another
    process writes, and consistent snapshots for reads."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        # Items a queue left out because their stored schedule is out of bounds (see bounds.py).
        self.unschedulable: set[int] = set()
        # Today's counts with the study day's start and the log's change count they were read
        # at: the home screen asks for them once per deck, and they change only with the log.
        self._today: tuple[tuple[int, int], TodayCounts] | None = None

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
