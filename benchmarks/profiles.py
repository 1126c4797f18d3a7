"""Synthetic learner profiles on disk, the size of a real collection, for benchmarks/scale.py.

A profile of N items is a data folder as a learner would have it: deck files in `decks/` (cards
of every kind, about 1% exercise items, deck tags and some card tags) and a progress database
holding those items with ten answers per item in the review log, most items seen, a fifth still
new, some due today, and a few dozen in learning steps (they last minutes, so a learner has tens
of them whatever the collection's size). The database is filled by direct SQL into the
current schema (what a year of study would have written, in seconds instead of a year).

Built profiles are kept under /tmp/gradeck-bench/<N>/ and reused while BUILD (the recipe's
version) and the schema version are unchanged, so reruns start measuring at once.

    python benchmarks/profiles.py 100000      # build (or find) one profile, print its folder
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path("/tmp/gradeck-bench")
BUILD = 3  # change when the recipe changes, so cached profiles are rebuilt
DECK_ITEMS = 2_000  # review items per deck file (a real collection has decks of thousands)
ANSWERS_PER_ITEM = 10
DAY_MS = 86_400_000
LEARNING = 60  # items in learning steps, due now
TAGS = [f"topic-{n}" for n in range(20)]
EXERCISES = [  # (family, difficulty) drawn in turn by the exercise decks
    ("update-rule", 1),
    ("quadratic-learning-rate", 1),
    ("neuron-forward", 1),
    ("dense-param-count", 1),
]


def _card(n: int, rng: random.Random) -> tuple[str, str]:
    """The YAML of card `n` and its sub ("" or the cloze hole): one review item each."""
    kind = n % 20
    tags = f"\n    tags: [{rng.choice(TAGS)}]" if rng.random() < 0.1 else ""
    if kind == 0:
        body = f"    type: cloze\n    text: Fact {n} says {{{{c1::answer {n}}}}} holds here."
        sub = "c1"
    elif kind == 1:
        body = f"    type: typed\n    question: Which word names item {n}?\n    answer: word{n}"
        sub = ""
    elif kind == 2:
        body = (
            f"    type: choice\n    question: Which option fits item {n}?\n"
            f"    correct: [right {n}]\n    wrong: [wrong {n}, other {n}]"
        )
        sub = ""
    else:
        body = (
            f"    front: What does term number {n} of this deck mean in a network?\n"
            f"    back: It is the definition of term {n}, written out in a short sentence."
        )
        sub = ""
    return f"  - id: c{n:06d}\n{body}{tags}\n", sub


def _exercise(n: int) -> tuple[str, str]:
    family, difficulty = EXERCISES[n % len(EXERCISES)]
    return f"  - id: e{n:06d}\n    family: {family}\n    difficulty: {difficulty}\n", family


def write_decks(folder: Path, items: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """Write the deck files; returns (deck id, item id, sub, family) of every item, in the
    order the library lists them (files by name, cards then exercises)."""
    folder.mkdir(parents=True, exist_ok=True)
    n_exercises = max(1, items // 100)
    n_cards = items - n_exercises
    keys: list[tuple[str, str, str, str]] = []
    for number, start in enumerate(range(0, n_cards, DECK_ITEMS)):
        deck = f"bench-{number:04d}"
        lines = [
            f"format: 1\nid: {deck}\ntitle: Bench deck {number:04d}\n",
            f"tags: [bench, {TAGS[number % len(TAGS)]}]\ncards:\n",
        ]
        for n in range(start, min(n_cards, start + DECK_ITEMS)):
            text, sub = _card(n, rng)
            lines.append(text)
            keys.append((deck, f"c{n:06d}", sub, ""))
        (folder / f"{deck}.yaml").write_text("".join(lines), encoding="utf-8")
    for number, start in enumerate(range(0, n_exercises, DECK_ITEMS)):
        deck = f"bench-ex-{number:04d}"
        lines = [f"format: 1\nid: {deck}\ntitle: Bench exercises {number:04d}\nexercises:\n"]
        for n in range(start, min(n_exercises, start + DECK_ITEMS)):
            text, family = _exercise(n)
            lines.append(text)
            keys.append((deck, f"e{n:06d}", "", family))
        (folder / f"{deck}.yaml").write_text("".join(lines), encoding="utf-8")
    keys.sort(key=lambda k: k[0])  # bench-0000... before bench-ex-...: the files' order
    return keys


def fill_database(path: Path, keys: list[tuple[str, str, str, str]], now_ms: int) -> None:
    """Items in the library's order with their schedules, and the review log."""
    from gradeck.srs.store import Store

    Store.open(path).close()  # the current schema, through the real migrations
    rng = random.Random(2)
    conn = sqlite3.connect(path)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -200000"):
        conn.execute(f"PRAGMA {pragma}")  # a bulk load into a file nobody else has open
    rows, seen = [], []
    learners = set(rng.sample(range(1, len(keys) + 1), min(LEARNING, len(keys) // 2)))
    for pk, (deck, item, sub, family) in enumerate(keys, 1):
        kind = rng.random()
        learning = pk in learners
        if kind < 0.2 and not learning:
            rows.append((deck, item, sub, family, 0, None, None, None, None, None))
            continue
        stability = rng.uniform(0.3, 2) if learning else rng.uniform(1, 300)
        last = now_ms - rng.randrange(1, 90) * DAY_MS
        due = now_ms - 600_000 if learning else last + int(stability * DAY_MS)
        state, step = (1, 0) if learning else (2, None)
        rows.append((deck, item, sub, family, state, step, stability, 5.0, due, last))
        seen.append(pk)
    conn.executemany(
        "INSERT INTO items (deck_id, item_id, sub, family, state, step, stability, difficulty, "
        "due, last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    mistakes = ("sign flipped", "forgot the learning rate", None, None, None)

    def log():
        for n in range(ANSWERS_PER_ITEM * len(keys)):
            item = seen[n % len(seen)]
            t = now_ms - rng.randrange(1, 366) * DAY_MS + rng.randrange(3 * 3_600_000)
            stability = rng.uniform(1, 100)
            exercise = bool(keys[item - 1][3])
            yield (
                item,
                t,
                rng.choice((1, 3, 3, 3, 3, 2, 4)),
                rng.randrange(2000, 20000),
                2 if rng.random() < 0.8 else 0,
                stability,
                t,
                t - int(stability * DAY_MS),
                ("1" if rng.random() < 0.7 else "0") if exercise else None,
                rng.choice(mistakes) if exercise else None,
            )

    conn.executemany(
        "INSERT INTO reviews (item, time, rating, duration_ms, prev_state, prev_stability, "
        "prev_due, prev_last_review, parts_right, mistake) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        log(),
    )
    conn.commit()
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def profile(items: int, *, quiet: bool = False) -> Path:
    """The data folder of a profile of `items` items, built unless a matching one is cached."""
    from gradeck.srs import schema

    home = ROOT / str(items)
    recipe = {"build": BUILD, "schema": schema.VERSION, "items": items}
    marker = home / "built.json"
    try:
        if json.loads(marker.read_text()) == recipe:
            return home
    except (OSError, ValueError):
        pass
    if home.exists():
        shutil.rmtree(home)
    started = time.perf_counter()
    if not quiet:
        print(f"(building a profile of {items:,} items in {home} ...)", flush=True)
    rng = random.Random(1)
    keys = write_decks(home / "decks", items, rng)
    fill_database(home / "gradeck.db", keys, int(time.time() * 1000))
    marker.write_text(json.dumps(recipe))
    if not quiet:
        print(f"(built in {time.perf_counter() - started:.0f} s)", flush=True)
    return home


if __name__ == "__main__":
    print(profile(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
