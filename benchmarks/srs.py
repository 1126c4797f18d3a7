"""Scale of the progress store, inside one process: a profile of 100 000 items and 1 000 000
answers on disk (benchmarks/profiles.py), opened through `gradeck.study`.

Prints, beside its goal:
  opening the profile and building today's queue (deck cache warm)   <= 300 ms
  answering an item (schedule + commit), median                      <= 5 ms
  every figure of `gradeck stats --json`                             <= 300 ms
and what opening costs after every deck changed (all items matched with the store again; rare,
no goal), the peak memory of this process and the database size. A copy of the profile's
database is used, so the cached profile is left as it was. Whole processes, as a learner waits
for them, are timed by benchmarks/scale.py.

    python benchmarks/srs.py [--items N]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from profiles import profile


def measure(home: Path) -> None:
    from gradeck.study import Profile

    Profile.open(home).close()  # fills the deck cache of this copy
    with Profile.open(home) as p:
        p.store.forget_sync()  # as after every deck was edited: every item is matched again
    t = time.perf_counter()
    Profile.open(home).close()
    rematched = time.perf_counter() - t

    started = time.perf_counter()
    profile_ = Profile.open(home)
    session = profile_.session()
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
    stats = profile_.stats()
    stats_s = time.perf_counter() - t
    profile_.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(p.stat().st_size for p in home.glob("gradeck.db*")) / 1e6
    print(f"answers in the log {stats['reviews_total']:,}")
    print(f"open profile + build today's queue: {opened * 1000:7.1f} ms   (goal <= 300 ms)")
    print(f"the same after every deck changed:  {rematched * 1000:7.1f} ms   (every item matched)")
    print(
        f"answer (schedule + commit), median: {statistics.median(timings) * 1000:7.2f} ms   "
        f"(goal <= 5 ms; {len(timings)} answers)"
    )
    print(f"stats (every figure of --json):     {stats_s * 1000:7.1f} ms   (goal <= 300 ms)")
    print(f"peak memory (max RSS):              {peak_mb:7.1f} MB")
    print(f"database size:                      {size_mb:7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    source = profile(args.items)
    with tempfile.TemporaryDirectory(prefix="gradeck-srs-") as folder:
        home = Path(folder)
        (home / "decks").symlink_to(source / "decks")
        shutil.copy(source / "gradeck.db", home / "gradeck.db")
        print(f"items {args.items:,}")
        measure(home)


if __name__ == "__main__":
    main()
