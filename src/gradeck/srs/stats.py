"""Statistics over the progress store: the data behind `gradeck stats` and the stats screen.

History figures (reviews, daily, retention, streak, time) come from the hourly counts that
triggers keep up to date as answers are logged or undone (`log_hours` for the whole profile,
`review_hours` per deck), so they cost the same after a million answers as after ten; item
counts come from `deck_counts`, kept the same way, and from indexes (schema version 8). Days are
study days counted back from the start of today in steps of 24 hours; where the day does not
start on a whole UTC hour (time zones at :30 or :45) or across a daylight-saving change, older
days are placed to the hour. Today's own counts are exact. Archived items keep counting in the
history figures but not in the item counts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gradeck.srs.days import DAY_MS
from gradeck.srs.log import first_try_sql
from gradeck.srs.scheduler import Scheduler, State
from gradeck.srs.store import Store

FORECAST_DAYS = 30
HISTORY_DAYS = 365
PERIODS = {"today": 1, "week": 7, "month": 30, "year": 365}
STATES = tuple(s.label for s in State)  # by state number
HOUR_MS = 3_600_000
TOP_MISTAKES = 10

Tagged = dict[str, dict[str, frozenset[str] | None]]  # tag -> deck id -> item ids (None: all)


def _rate(passed: int, failed: int) -> dict[str, Any]:
    total = passed + failed
    return {"passed": passed, "failed": failed, "rate": round(passed / total, 4) if total else None}


def collect(
    store: Store,
    *,
    now_ms: int,
    day_start_ms: int,
    today: date,
    scheduler: Scheduler,
    decks: dict[str, str],
    tagged: Tagged | None = None,
    only: str | None = None,
) -> dict[str, Any]:
    """Every figure of `gradeck stats --json`; `only` keeps to one deck (and `tagged`, which
    cards carry which tag, should then hold that deck's alone)."""
    deck = "deck_id = :deck" if only else "1"
    decay = -scheduler.parameters[20]
    args = {
        "deck": only,
        "start": day_start_ms,
        "end": day_start_ms + DAY_MS,
        "day": DAY_MS,
        "now": now_ms,
        "decay": decay,
        "factor": 0.9 ** (1 / decay) - 1,
    }
    with store.reading() as db:
        days = [
            (offset, tuple(row))
            for offset, *row in db.execute(
                f"SELECT {_DAY} AS d, mode, sum(answers), sum(duration_ms), sum(young_passed), "
                "sum(young_failed), sum(mature_passed), sum(mature_failed) "
                f"FROM {'review_hours' if only else 'log_hours'} "
                f"WHERE answers > 0 AND {deck} GROUP BY d, mode",
                args,
            )
        ]
        reviewed, new = db.execute(
            "SELECT count(*), coalesce(sum(prev_state = 0), 0) FROM reviews r "
            "WHERE time >= :start AND mode = 'scheduled' AND "
            + ("item IN (SELECT id FROM items WHERE deck_id = :deck)" if only else "1"),
            args,
        ).fetchone()
        raw = _raw_decks(db, deck, args)
        per_deck = _decks(raw, decks)
        per_tag = _tags(db, tagged or {}, args, raw)
        forecast = [0] * FORECAST_DAYS
        for offset, n in db.execute(
            "SELECT (due - :start) / :day AS d, count(*) FROM items WHERE state > 0 "
            f"AND due < :start + {FORECAST_DAYS} * :day AND suspended = 0 AND archived = 0 "
            f"AND {deck} GROUP BY d",
            args,
        ):
            forecast[max(0, offset)] += n
        exercises = _exercises(db, deck, args)
    daily = [0] * HISTORY_DAYS
    for offset, (_mode, answers, *_rest) in days:
        if -HISTORY_DAYS < offset <= 0:
            daily[HISTORY_DAYS - 1 + offset] += answers
    states = {name: 0 for name in (*STATES, "suspended")}
    for counts in per_deck.values():
        for name in states:
            states[name] += counts[name]
    return {
        "date": today.isoformat(),
        "reviews_total": sum(row[1] for _, row in days),
        "practice_total": sum(row[1] for _, row in days if row[0] == "practice"),
        "today": {
            "reviewed": reviewed,
            "new": new,
            "due": sum(c["due"] for c in per_deck.values()),
        },
        "forecast": forecast,
        "daily": daily,
        "retention": _retention(days),
        "states": states,
        "streak": _streak({offset for offset, _row in days}),
        "time_spent_s": round(sum(row[2] for _, row in days) / 1000),
        "decks": {d: c for d, c in per_deck.items() if d in decks},
        "tags": per_tag,
        "exercises": exercises,
    }


# The study day (0 today, -1 yesterday...) of an hour of review_hours, rounded down as Python's
# // would (SQLite's / rounds toward zero): counted in SQL, a few hundred rows come back however
# many decks and hours the log holds.
_FROM_START = "(hour * 3600000 - :start)"
_DAY = f"({_FROM_START} - (({_FROM_START} % :day) + :day) % :day) / :day"

# Items by state, due today, and retrievability (FSRS's forgetting curve, whole elapsed days, as
# `fsrs` computes it) of the items studied, summed so that decks add up to tags: the columns of
# every mastery figure.
_STUDIED = "suspended = 0 AND state > 0"
_RECALL = "pow(1 + :factor * max(0, (:now - last_review) / :day) / stability, :decay)"
# The recall is summed, and the items it is defined for counted apart (a stored stability of 0
# or less, out of bounds, has none): the forgetting curve once per item, not twice.
_MASTERY = (
    f"count(*), sum(suspended), sum({_STUDIED} AND due < :end), "
    f"total(CASE WHEN {_STUDIED} THEN {_RECALL} END), sum({_STUDIED} AND stability > 0), "
    + ", ".join(f"sum(suspended = 0 AND state = {n})" for n in range(len(STATES)))
)
_NONE = (0,) * (5 + len(STATES))


def _mastery(total=0, suspended=0, due=0, recall=0.0, recalled=0, *by_state: int):
    return {
        "total": total,
        **dict(zip(STATES, by_state or (0,) * len(STATES), strict=True)),
        "suspended": suspended,
        "due": due,
        "mean_retrievability": round(recall / recalled, 4) if recalled else None,
    }


def _add(a: tuple, b: tuple) -> tuple:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _raw_decks(db, deck: str, args: dict) -> dict[str, tuple]:
    """The mastery columns per deck id, archived items left out: the counts by state from
    `deck_counts`, which triggers keep; what is due and the recall from the index of the items
    being studied (schema version 8), so neither reads the items themselves."""
    counts: dict[str, list] = {}
    for deck_id, state, suspended, n in db.execute(
        f"SELECT deck_id, state, suspended, n FROM deck_counts WHERE n != 0 AND {deck}", args
    ):
        row = counts.setdefault(deck_id, [0, 0, 0, 0.0, 0] + [0] * len(STATES))
        row[0] += n
        row[1] += suspended * n
        if suspended == 0:
            row[5 + state] += n
    for deck_id, due, recall, recalled in db.execute(
        f"SELECT deck_id, coalesce(sum(due < :end), 0), total({_RECALL}), sum(stability > 0) "
        f"FROM items WHERE state > 0 AND suspended = 0 AND archived = 0 AND {deck} "
        "GROUP BY deck_id",
        args,
    ):
        if deck_id in counts:
            counts[deck_id][2:5] = [due, recall, recalled]
    return {deck_id: tuple(row) for deck_id, row in counts.items()}


def _decks(raw: dict[str, tuple], titles: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Mastery per deck: every deck with items, and every deck in `titles`."""
    out = {d: {"title": titles.get(d, d), **_mastery(*row)} for d, row in raw.items()}
    for deck_id, title in titles.items():
        out.setdefault(deck_id, {"title": title, **_mastery()})
    return out


def _tags(db, tagged: Tagged, args: dict, raw: dict[str, tuple]) -> dict[str, dict[str, Any]]:
    """Mastery per tag, archived items left out. `tagged` says which cards carry which tag
    (see Library.tagged): a tag a whole deck carries adds that deck's figures; the cards that
    carry a tag of their own go to a temporary table that one query joins with the items."""
    sums: dict[str, tuple] = {}
    for tag, decks in tagged.items():
        for deck_id, ids in decks.items():
            if ids is None and deck_id in raw:
                sums[tag] = _add(sums.get(tag, _NONE), raw[deck_id])
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS tagged (tag TEXT NOT NULL, deck_id TEXT NOT NULL, "
        "item_id TEXT NOT NULL)"
    )
    db.execute("DELETE FROM temp.tagged")
    rows = [
        (tag, deck_id, item_id)
        for tag, decks in tagged.items()
        for deck_id, ids in decks.items()
        for item_id in ids or ()
    ]
    rows.sort(key=lambda row: row[1:])  # the items' index order, which the join reads in turn
    db.executemany("INSERT INTO temp.tagged (tag, deck_id, item_id) VALUES (?, ?, ?)", rows)
    for tag, *row in db.execute(
        f"SELECT tag, {_MASTERY} FROM (SELECT t.tag, i.* FROM temp.tagged t JOIN items i "
        "ON i.deck_id = t.deck_id AND i.item_id = t.item_id) WHERE archived = 0 GROUP BY tag",
        args,
    ):
        sums[tag] = _add(sums.get(tag, _NONE), tuple(row))
    return {tag: _mastery(*sums.get(tag, _NONE)) for tag in sorted(tagged)}


def _retention(days: list[tuple[int, tuple]]) -> dict[str, Any]:
    """True retention as Anki's table: pass rate of scheduled answers to review-state items,
    young and mature, over the last day, week, month, year and all time."""
    out: dict[str, Any] = {}
    for period, length in (*PERIODS.items(), ("all", None)):
        yp = yf = mp = mf = 0
        for offset, (_mode, _n, _ms, a, b, c, d) in days:
            if length is None or -length < offset <= 0:
                yp, yf, mp, mf = yp + a, yf + b, mp + c, mf + d
        out[period] = {
            "young": _rate(yp, yf),
            "mature": _rate(mp, mf),
            "total": _rate(yp + mp, yf + mf),
        }
    return out


def _streak(active: set[int]) -> int:
    """Study days in a row with at least one answer, ending today (or yesterday, when today
    has none yet). `active` holds day offsets from today (0 today, -1 yesterday...)."""
    day = 0 if 0 in active else -1
    run = 0
    while day in active:
        run += 1
        day -= 1
    return run


def streak(store: Store, day_start_ms: int) -> int:
    """The current streak alone, for screens that show it without the other figures."""
    with store.reading() as db:
        hours = db.execute("SELECT DISTINCT hour FROM log_hours WHERE answers > 0")
        return _streak({(h * HOUR_MS - day_start_ms) // DAY_MS for (h,) in hours})


# An exercise review's family, or for a deck's own template, "deck/item": two templates of one
# deck are different exercises, so their figures are kept apart.
_FAMILY = "CASE WHEN i.family = 'template' THEN i.deck_id || '/' || i.item_id ELSE i.family END"
_FIRST_TRY = first_try_sql("ex", "kept")


def _exercises(db, where_item: str, args: dict) -> dict[str, Any]:
    """Per exercise family (or template item), how many reviews and the share right at the
    first try; and the mistakes diagnosed most often, counting every attempt. Read from the
    exercise items to their reviews (CROSS JOIN fixes that order in SQLite): exercises are a
    small part of most logs, and the other way round reads every answer."""
    # The exercise answers, read once into a temporary table that both queries below read.
    db.execute("DROP TABLE IF EXISTS temp.ex")
    db.execute(
        f"CREATE TEMP TABLE ex AS SELECT r.id, r.parts_right, r.rating, r.mistake, "
        f"{_FAMILY} AS family, "
        "EXISTS (SELECT 1 FROM attempts a WHERE a.review = r.id) AS kept "
        "FROM items i CROSS JOIN reviews r ON r.item = i.id "
        f"WHERE i.family != '' AND {where_item.replace('deck_id', 'i.deck_id')}",
        args,
    )
    families = {}
    for family, answers, right in db.execute(
        f"SELECT family, count(*), coalesce(sum({_FIRST_TRY}), 0) FROM temp.ex ex "
        "GROUP BY family ORDER BY family",
        args,
    ):
        families[family] = {
            "answers": answers,
            "right_first_try": right,
            "accuracy": round(right / answers, 4),
        }
    mistakes = [
        {"family": family, "mistake": mistake, "count": count}
        for family, mistake, count in db.execute(
            "SELECT family, mistake, count(*) AS n FROM ("
            "SELECT ex.family, a.mistake FROM temp.ex ex JOIN attempts a ON a.review = ex.id "
            "WHERE a.mistake IS NOT NULL UNION ALL "
            "SELECT family, mistake FROM temp.ex WHERE NOT kept AND mistake IS NOT NULL) "
            f"GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT {TOP_MISTAKES}",
            args,
        )
    ]
    return {"families": families, "mistakes": mistakes}
