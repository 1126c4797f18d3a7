"""The progress database's schema and its forward migrations.

`PRAGMA user_version` holds the schema version. A new database is built by running version 1 and
then every migration in turn, so the migrations run on every fresh profile, not only on old ones.
Never edit a released step: add a new one. tests/srs/fixtures/v1.sql keeps a version-1 database.
"""

from __future__ import annotations

import sqlite3

# Times are integers, ms since the epoch (UTC). Items are never deleted: an item that leaves its
# deck is archived and keeps its reviews. Each review keeps the item's state before it (prev_*),
# so that an answer can be undone exactly.
V1 = """
CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    deck_id     TEXT    NOT NULL,
    item_id     TEXT    NOT NULL,
    sub         TEXT    NOT NULL DEFAULT '',
    state       INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
    step        INTEGER,
    stability   REAL,
    difficulty  REAL,
    due         INTEGER,
    last_review INTEGER,
    suspended   INTEGER NOT NULL DEFAULT 0,
    archived    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (deck_id, item_id, sub)
);
CREATE TABLE reviews (
    id               INTEGER PRIMARY KEY,
    item             INTEGER NOT NULL REFERENCES items (id),
    time             INTEGER NOT NULL,
    rating           INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    duration_ms      INTEGER NOT NULL DEFAULT 0,
    mode             TEXT    NOT NULL DEFAULT 'scheduled' CHECK (mode IN ('scheduled', 'practice')),
    seed             INTEGER,
    answer           TEXT,
    parts_right      TEXT,
    mistake          TEXT,
    prev_state       INTEGER NOT NULL,
    prev_step        INTEGER,
    prev_stability   REAL,
    prev_difficulty  REAL,
    prev_due         INTEGER,
    prev_last_review INTEGER
);
CREATE INDEX reviews_item ON reviews (item, time);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Version 2: the statistics, and a quick open. Exercise families on items, so accuracy per family
# needs no decks; a `meta` table remembering which decks the items were last matched with;
# indexes for the per-day queries; and answers counted per hour and deck by triggers, so that
# `gradeck stats` reads a few thousand rows instead of the whole log (a year of heavy use is a
# million answers). Young/mature as Anki: the interval before the answer under or over 21 days.
_REVIEW = "{r}.mode = 'scheduled' AND {r}.prev_state = 2"
_YOUNG = f"{{r}}.prev_due - {{r}}.prev_last_review < {21 * 86_400_000}"  # 21 days in ms
_FLAGS = {
    "young_passed": f"{_REVIEW} AND {_YOUNG} AND {{r}}.rating > 1",
    "young_failed": f"{_REVIEW} AND {_YOUNG} AND {{r}}.rating = 1",
    "mature_passed": f"{_REVIEW} AND NOT {_YOUNG} AND {{r}}.rating > 1",
    "mature_failed": f"{_REVIEW} AND NOT {_YOUNG} AND {{r}}.rating = 1",
}


def _flags(r: str) -> str:
    return ", ".join(f"coalesce({expr.format(r=r)}, 0)" for expr in _FLAGS.values())


def _sums(r: str) -> str:
    return ", ".join(f"sum(coalesce({expr.format(r=r)}, 0))" for expr in _FLAGS.values())


_COUNTS = ", ".join(_FLAGS)
_SUMS = _sums("r")
_NEW = _flags("NEW")
_ADD = ", ".join(f"{c} = {c} + excluded.{c}" for c in _FLAGS)
_TAKE = ", ".join(f"{c} = {c} - coalesce({e.format(r='OLD')}, 0)" for c, e in _FLAGS.items())
V2 = f"""
ALTER TABLE items ADD COLUMN family TEXT NOT NULL DEFAULT '';
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX reviews_time ON reviews (time);
CREATE INDEX items_due ON items (state, due);
CREATE TABLE review_hours (
    hour          INTEGER NOT NULL,
    deck_id       TEXT    NOT NULL,
    mode          TEXT    NOT NULL,
    answers       INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL,
    young_passed  INTEGER NOT NULL,
    young_failed  INTEGER NOT NULL,
    mature_passed INTEGER NOT NULL,
    mature_failed INTEGER NOT NULL,
    PRIMARY KEY (hour, deck_id, mode)
) WITHOUT ROWID;
INSERT INTO review_hours
    SELECT r.time / 3600000, i.deck_id, r.mode, count(*), sum(r.duration_ms), {_SUMS}
    FROM reviews r JOIN items i ON i.id = r.item GROUP BY 1, 2, 3;
CREATE TRIGGER reviews_counted AFTER INSERT ON reviews BEGIN
    INSERT INTO review_hours (hour, deck_id, mode, answers, duration_ms, {_COUNTS})
    VALUES (NEW.time / 3600000, (SELECT deck_id FROM items WHERE id = NEW.item), NEW.mode, 1,
            NEW.duration_ms, {_NEW})
    ON CONFLICT (hour, deck_id, mode) DO UPDATE SET
        answers = answers + 1,
        duration_ms = duration_ms + excluded.duration_ms,
        {_ADD};
END;
CREATE TRIGGER reviews_uncounted AFTER DELETE ON reviews BEGIN
    UPDATE review_hours SET
        answers = answers - 1,
        duration_ms = duration_ms - OLD.duration_ms,
        {_TAKE}
    WHERE hour = OLD.time / 3600000 AND mode = OLD.mode
      AND deck_id = (SELECT deck_id FROM items WHERE id = OLD.item);
END;
"""

# Version 3: a quick queue. New items are read deck by deck, cards and exercises apart, in the
# order they entered the profile; this index hands them over in that order (the row id ends
# every index), so today's few new items are found without sorting a deck's thousands.
V3 = """
CREATE INDEX items_new ON items (deck_id, state, family);
"""

# Version 4: every attempt at an exercise, not only the last answer. One row per answer typed
# (or part given up or revealed), in order: `part` (0 first), `try` (the try it belongs to, 1
# first; an unreadable answer shares the number of the try after it), the text, the verdict and
# the named mistake. `hints` on the review counts the hints taken (NULL for cards and for answers
# logged before version 4, whose attempts were not kept: their review rows stay as they were).
# Attempts go with their review (undo deletes both).
V4 = """
CREATE TABLE attempts (
    review  INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    part    INTEGER NOT NULL CHECK (part >= 0),
    try     INTEGER NOT NULL CHECK (try >= 1),
    text    TEXT    NOT NULL,
    verdict TEXT    NOT NULL CHECK (verdict IN ('right', 'carried', 'close', 'wrong', 'unreadable',
                                                'given_up', 'revealed')),
    mistake TEXT,
    PRIMARY KEY (review, seq)
) WITHOUT ROWID;
ALTER TABLE reviews ADD COLUMN hints INTEGER;
"""

# Version 5: burying. An item put aside until the next study day (with its siblings, as Anki's
# "bury") keeps the moment it wakes up; 0 is "not buried". Kept apart from `suspended`, which
# lasts until undone.
V5 = """
ALTER TABLE items ADD COLUMN buried_until INTEGER NOT NULL DEFAULT 0;
"""

# Version 6: deck presets, as Anki's deck option presets. A preset holds a desired retention and
# FSRS weights (text, as the `parameters` setting keeps them); NULL in either means "the
# profile's". A deck with no row here uses the profile's settings. Rows name deck ids, not
# loaded decks, so a deck that is away for a while keeps its preset.
V6 = """
CREATE TABLE presets (
    name       TEXT PRIMARY KEY,
    retention  REAL,
    parameters TEXT
);
CREATE TABLE deck_presets (
    deck_id TEXT PRIMARY KEY,
    preset  TEXT NOT NULL REFERENCES presets (name)
) WITHOUT ROWID;
"""

# Version 7: figures worked out from the whole log, kept until the log changes. The health
# check's prediction scores need every answer (seconds at a million); `log_changes` is raised by
# every insert, delete and update of a review, so a result saved beside the count it was worked
# out at is known to be current without reading the log (srs/derived.py). And the archived items
# indexed apart (a partial index, which only a query for archived items can use), so a deck's
# size is read from indexes alone: all its items less its archived ones.
V7 = """
CREATE INDEX items_archived ON items (deck_id) WHERE archived = 1;
CREATE TABLE log_changes (n INTEGER NOT NULL);
INSERT INTO log_changes (n) VALUES (0);
CREATE TRIGGER log_inserted AFTER INSERT ON reviews BEGIN UPDATE log_changes SET n = n + 1; END;
CREATE TRIGGER log_deleted AFTER DELETE ON reviews BEGIN UPDATE log_changes SET n = n + 1; END;
CREATE TRIGGER log_updated AFTER UPDATE ON reviews BEGIN UPDATE log_changes SET n = n + 1; END;
CREATE TABLE derived (
    key    TEXT    PRIMARY KEY,
    log    INTEGER NOT NULL,
    inputs TEXT    NOT NULL,
    value  TEXT    NOT NULL
);
"""

# Version 8: counts that `gradeck stats` and the home screen read instead of every item. Items
# by deck, state and suspension (archived ones left out), kept by triggers on the items as
# `review_hours` keeps the log's: a deck's size and its items by state cost a few rows at any
# size. The log's hourly counts again without the deck (a year is at most 17 520 rows, however
# many decks), for the history of the whole profile and the streak. Partial indexes of the
# items a session may serve (not suspended or archived): by deck, state and due time (then row
# id, the queue's own order), so a deck's queue reads its own due items instead of every
# deck's; and of those in learning or review, holding what the statistics read of them
# (SQLite reads a partial index alone only when it holds the columns of its condition too): by
# deck, so a deck's due count and mean recall read no item, and by due time, for the forecast.
# The exercise items indexed apart (about 1% of most collections), so the per-family figures
# skip the cards. And the hourly counts by deck, so a year's true retention per deck is summed
# deck by deck in index order rather than sorted.
_SERVED = "suspended = 0 AND archived = 0"
_COUNTED = "deck_id = {r}.deck_id AND state = {r}.state AND suspended = {r}.suspended"
V8 = f"""
CREATE TABLE deck_counts (
    deck_id   TEXT    NOT NULL,
    state     INTEGER NOT NULL,
    suspended INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (deck_id, state, suspended)
) WITHOUT ROWID;
INSERT INTO deck_counts
    SELECT deck_id, state, suspended, count(*) FROM items WHERE archived = 0 GROUP BY 1, 2, 3;
CREATE TRIGGER items_counted AFTER INSERT ON items WHEN NEW.archived = 0 BEGIN
    INSERT INTO deck_counts (deck_id, state, suspended, n)
    VALUES (NEW.deck_id, NEW.state, NEW.suspended, 1)
    ON CONFLICT (deck_id, state, suspended) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_uncounted AFTER DELETE ON items WHEN OLD.archived = 0 BEGIN
    UPDATE deck_counts SET n = n - 1 WHERE {_COUNTED.format(r="OLD")};
END;
CREATE TRIGGER items_recounted AFTER UPDATE OF deck_id, state, suspended, archived ON items
WHEN OLD.deck_id IS NOT NEW.deck_id OR OLD.state IS NOT NEW.state
    OR OLD.suspended IS NOT NEW.suspended OR OLD.archived IS NOT NEW.archived BEGIN
    UPDATE deck_counts SET n = n - 1 WHERE OLD.archived = 0 AND {_COUNTED.format(r="OLD")};
    INSERT INTO deck_counts (deck_id, state, suspended, n)
    SELECT NEW.deck_id, NEW.state, NEW.suspended, 1 WHERE NEW.archived = 0
    ON CONFLICT (deck_id, state, suspended) DO UPDATE SET n = n + 1;
END;
CREATE TABLE log_hours (
    hour          INTEGER NOT NULL,
    mode          TEXT    NOT NULL,
    answers       INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL,
    young_passed  INTEGER NOT NULL,
    young_failed  INTEGER NOT NULL,
    mature_passed INTEGER NOT NULL,
    mature_failed INTEGER NOT NULL,
    PRIMARY KEY (hour, mode)
) WITHOUT ROWID;
INSERT INTO log_hours
    SELECT hour, mode, sum(answers), sum(duration_ms), {", ".join(f"sum({c})" for c in _FLAGS)}
    FROM review_hours GROUP BY 1, 2 HAVING sum(answers) > 0;
CREATE TRIGGER reviews_counted_hourly AFTER INSERT ON reviews BEGIN
    INSERT INTO log_hours (hour, mode, answers, duration_ms, {_COUNTS})
    VALUES (NEW.time / 3600000, NEW.mode, 1, NEW.duration_ms, {_NEW})
    ON CONFLICT (hour, mode) DO UPDATE SET
        answers = answers + 1,
        duration_ms = duration_ms + excluded.duration_ms,
        {_ADD};
END;
CREATE TRIGGER reviews_uncounted_hourly AFTER DELETE ON reviews BEGIN
    UPDATE log_hours SET
        answers = answers - 1,
        duration_ms = duration_ms - OLD.duration_ms,
        {_TAKE}
    WHERE hour = OLD.time / 3600000 AND mode = OLD.mode;
END;
CREATE INDEX items_queued ON items (deck_id, state, due) WHERE {_SERVED};
CREATE INDEX items_studied ON items (deck_id, due, last_review, stability, state, suspended,
    archived) WHERE state > 0 AND {_SERVED};
CREATE INDEX items_waiting ON items (due, deck_id, state, suspended, archived)
    WHERE state > 0 AND {_SERVED};
CREATE INDEX items_exercises ON items (family, deck_id, item_id) WHERE family != '';
CREATE INDEX review_hours_by_deck ON review_hours (mode, deck_id, hour, {_COUNTS});
"""

STEPS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6, V7, V8)
VERSION = len(STEPS)


def statements(script: str) -> list[str]:
    """A script cut into whole statements (a trigger's body holds semicolons of its own)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return [s for s in out if s]
