"""Scale of the progress store: a synthetic profile of 100 000 items and 1 000 000 answers.

Prints the figures the spaced-repetition issue sets goals for:
  opening the profile and building today's queue  < 300 ms
  answering an item (schedule + commit), median    < 5 ms
  `gradeck stats --json` figures                   < 1 s
  peak memory                                      < 200 MB
and the database size; also what opening costs after a deck changed, when every item is
matched with the store again (rare, and not under the goal). The decks are built in memory
(reading 100 000 cards of YAML is the deck loader's cost, measured elsewhere); the database is
filled in a child process so that its memory does not count.

    python benchmarks/srs.py [--items N] [--reviews N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DECK_SIZE = 10_000
DAY_MS = 86_400_000


def build(path: Path, items: int, reviews: int, now_ms: int) -> None:
    """Fill a database the way a year of heavy study would: mostly review items, some new,
    and about 2 700 answers a day, given in a three-hour sitting."""
    from gradeck.srs.store import Store

    Store.open(path).close()  # the current schema
    rng = random.Random(1)
    conn = sqlite3.connect(path)
    rows = []
    for n in range(items):
        deck, card = divmod(n, DECK_SIZE)
        kind = rng.random()
        if kind < 0.3:
            rows.append((f"deck{deck}", f"c{card}", "", 0, None, None, None, None, None))
            continue
        state = 2 if kind < 0.95 else 1
        stability = rng.uniform(0.5, 200)
        last = now_ms - rng.randrange(1, 60) * DAY_MS
        due = last + int(stability * DAY_MS)
        step = None if state == 2 else 0
        rows.append((f"deck{deck}", f"c{card}", "", state, step, stability, 5.0, due, last))
    conn.executemany(
        "INSERT INTO items (deck_id, item_id, sub, state, step, stability, difficulty, due, "
        "last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    seen = [n + 1 for n, r in enumerate(rows) if r[3]]
    log = (
        (
            rng.choice(seen),
            now_ms - rng.randrange(1, 366) * DAY_MS + rng.randrange(3 * 3_600_000),
            rng.choice((1, 3, 3, 3, 3, 2, 4)),
            rng.randrange(2000, 20000),
            2 if rng.random() < 0.8 else 0,
            rng.uniform(1, 100),
        )
        for _ in range(reviews)
    )
    conn.executemany(
        "INSERT INTO reviews (item, time, rating, duration_ms, prev_state, prev_stability, "
        "prev_due, prev_last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (item, t, rating, ms, prev, stab, t, t - int(stab * DAY_MS))
            for item, t, rating, ms, prev, stab in log
        ),
    )
    conn.commit()
    conn.close()


def library(items: int):
    from gradeck.decks.library import Library
    from gradeck.decks.model import Card, Deck

    decks = []
    for start in range(0, items, DECK_SIZE):
        deck = start // DECK_SIZE
        cards = tuple(
            Card(id=f"c{n}", type="basic", front=f"front {n}", back=f"back {n}")
            for n in range(min(DECK_SIZE, items - start))
        )
        decks.append(Deck(id=f"deck{deck}", title=f"Deck {deck}", path=Path("-"), cards=cards))
    return Library(tuple(decks))


def measure(path: Path, items: int) -> None:
    from gradeck.srs.store import Store
    from gradeck.study import Profile

    lib = library(items)  # in memory, as if loaded
    store = Store.open(path)
    store.forget_sync()  # as after a deck was edited: every item is matched again
    t = time.perf_counter()
    Profile(lib, store).close()
    rematched = time.perf_counter() - t

    lib = library(items)  # a fresh copy, so nothing is cached from the first open
    t = time.perf_counter()
    lib.signature()
    signature = time.perf_counter() - t
    started = time.perf_counter()
    profile = Profile(lib, Store.open(path))
    session = profile.session()
    session.next()
    opened = time.perf_counter() - started

    timings = []
    for _ in range(200):
        shown = session.next()
        if shown is None:
            break
        t = time.perf_counter()
        session.answer(shown, 3, duration_ms=1000)
        timings.append(time.perf_counter() - t)

    t = time.perf_counter()
    stats = profile.stats()
    stats_s = time.perf_counter() - t
    profile.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    print(f"items {items:,}, answers in the log {stats['reviews_total']:,}")
    print(f"open profile + build today's queue: {opened * 1000:7.1f} ms   (goal < 300 ms)")
    print(f"  of which the library's signature: {signature * 1000:7.1f} ms   (gradeck.decks)")
    print(f"the same after the decks changed:   {rematched * 1000:7.1f} ms   (every item matched)")
    print(
        f"answer (schedule + commit), median: {statistics.median(timings) * 1000:7.2f} ms   "
        f"(goal < 5 ms; {len(timings)} answers)"
    )
    print(f"stats (every figure of --json):     {stats_s * 1000:7.1f} ms   (goal < 1000 ms)")
    print(f"peak memory (max RSS):              {peak_mb:7.1f} MB   (goal < 200 MB)")
    print(f"database size:                      {size_mb:7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--keep", metavar="DIR", help="build into DIR and keep it")
    parser.add_argument("--build-only", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    now_ms = int(time.time() * 1000)
    if args.build_only:
        build(Path(args.build_only), args.items, args.reviews, now_ms)
        return
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gradeck-bench-"))
    path = folder / "gradeck.db"
    if not path.exists():
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--build-only",
                str(path),
                "--items",
                str(args.items),
                "--reviews",
                str(args.reviews),
            ],
            check=True,
        )
        print(f"(built the synthetic profile in {time.perf_counter() - t:.0f} s)")
    measure(path, args.items)


if __name__ == "__main__":
    main()
