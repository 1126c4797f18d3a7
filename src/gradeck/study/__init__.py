"""Studying: the one place that joins decks, exercises and the progress store.

The package holds one job per module: `profile` (decks + store), `queue` (today's queue and
limits), `session` (a sitting), `items` (what front ends see), `outcome` (answers to ratings and
log entries), `clock`.

Both front ends (the Textual app and `gradeck review`) talk to this module alone, so they queue,
grade and record alike. Public API:

    Profile.open(data_dir, deck_args=(), *, now=None, tz=None, rng=None, read_only=False)
        A learner's decks and progress. A context manager; `.close()` when done. `now` is a
        clock (a callable returning an aware datetime; tests pass a fake one), `tz` the local
        zone that decides when a study day begins (None: the machine's), `rng` the source of
        exercise seeds and choice orders. Use a Profile from one thread (sqlite3's rule).
        A deck id that names no deck, or a deck file that fails to load, given in `deck_args`
        is an error (GradeckError, ProblemsError), not a profile over every deck.
        .library, .problems (decks that failed to load), .db_path
        .settings() -> Settings ; .set_setting(key, text) (validated, ValueError says why)
        .deck_overview() -> list[DeckCounts(deck_id, title, new, learning, due, total)]
        .today() -> Today(reviewed, new, due, streak, waiting)   waiting: what `a` (a session
                                       over everything) would serve now, see today()
        .session(deck_ids=(), tag=None, limit=None, practice=False) -> Session   GradeckError
                                       for an unknown deck or a tag no item of the decks has
        .stats(deck_id=None) -> dict   (the JSON of `gradeck stats --json`, see docs/scheduling.md;
                                        `tags` holds per tag what `decks` holds per deck, but
                                        for the title: counts by state, due, mean_retrievability)
        .browse(text="", tag=None) -> list[ItemInfo]
        .browse_page(text="", tag=None, offset=0, limit=None) -> (total, list[ItemInfo])
                                       a page of browse, found by index (Browse reads pages)
        .history(key) -> list[dict]    (log rows, oldest first)
        .suspend(key, on)
        .preview(key, seed=None) -> Exercise   a variant of exercise item `key` (a fresh seed
                                       unless given), logging nothing; GradeckError with a
                                       clear message for a card or a template that fails
        .family_session(family, difficulty=None) -> FamilySession   (GradeckError when unknown)
        .backup(dest) ; .export_progress(student=None) -> dict (every review with its attempts;
            `student` names the learner) ; .import_progress(data) -> dict of counts
        .check() -> Health(damage, items) ; .repair(health) -> int   `gradeck check`: damage to
                                       the file, items whose stored schedule is out of bounds
        `read_only` reads without writing (stats, backup, check on a read-only profile); the
        decks are then not matched with the store, so items never stored are not counted.

    study.options: deck_options(profile) -> list[DeckOptions], set_deck_options(profile, deck,
        preset=, retention=, parameters=) (checked, GradeckError says why): a deck's preset,
        whose retention and weights schedule its items (srs/presets.py)
    study.tuning: optimize(profile), health(profile), simulate(profile); simulation_plan(profile)
        (reads the store) then simulate_one(plan, retention) (reads nothing, so a front end may
        run it on a thread of its own) and simulation_result(plan, outcomes); marks(result, r)

    restore_backup(data_dir, file) -> Path | None   brings a checked backup back, keeping the
        database it replaces aside (the path returned); needs no decks

    Session
        .next() -> Shown | None       the item to show (the same one until it is answered)
        .answer(shown, rating, *, duration_ms=0, outcome=None) -> Answered   one transaction,
            committed before returning. `outcome`: an exercise's `exercises.attempt.Outcome`
            (every attempt is kept), a choice or typed card's CardAnswer(text, right), or None
            for a flashcard
        .undo() -> Shown | None       takes back the last answer and returns that item again
        .suspend(shown)
        .unschedulable   how many items the queue left out because their stored schedule is
            out of bounds (`gradeck check --repair` mends them); a front end says so once
        .remaining, .answered, .total (answered + remaining), .practice   the total holds for
            the sitting: it grows only when an answer sends an item into a learning step that
            comes back today, shrinks only by a suspension, and undo puts it back as it was
        .next_learning_due -> datetime | None   when a learning step left today comes back

    FamilySession: practice of one exercise family without end, at `difficulty` or any of the
        family's levels. .next() -> Shown (never None), .answer(...) as Session's (logged as
        practice under the family, so stats' `exercises` figures include it; no schedule, no
        deck count), .undo() -> Shown | None, .answered, .family, .practice (True)

    Shown: item (ReviewItem), key, kind ("flashcard" | "choice" | "typed" | "exercise"),
        state ("new" | "learning" | "review" | "relearning"), exercise (Exercise | None, drawn
        from `seed`, which the log keeps), seed, intervals ({1: "1m", 2: "6m", 3: "10m",
        4: "8d"}), options (a choice card's (text, correct) pairs in the order shown),
        question, answer (the back / expected text), note; .check(text) -> bool for choice and
        typed cards (a choice is answered with option numbers, e.g. "1 3"); .marks(text) how
        each option fared: "picked", "missed", "wrong" or "" (drawn as OPTION_MARKS, with
        OPTION_WORDS), so both front ends show a right option missed apart from those chosen.

    suggest_rating(outcome) -> Rating    an exercise's suggested rating: the one rating rule
                                         (study/outcome.py, docs/scheduling.md)
    card_rating(right) -> Rating         a choice or typed card's suggested rating
    Rating (IntEnum AGAIN=1 .. EASY=4, .label), State (IntEnum NEW=0 .. RELEARNING=3)
    RATINGS = {Rating.AGAIN: "Again", ...}; SETTING_KEYS, SETTING_HELP

Queue: learning items that are due, then due reviews, then new items up to the daily limits,
flashcards and exercises interleaved; siblings (sides of a reversible card, holes of a cloze) are
not shown on the same study day, nor while one is in learning steps. New items come deck by
deck, each deck's in the order they entered the profile (deck order, for cards added together).
Practice sessions go through every matching item, change no schedule and log their answers as
practice.

The queue is read from the store in order and only as far as today's limits reach, each deck's
from an index of its own items, and a ReviewItem is made only when an item is shown, so opening
a profile of 100 000 items and counting every deck's queue for the home screen stays quick
(benchmarks/srs.py, benchmarks/scale.py). Decks come through the deck cache (decks.cache):
headers in memory, a card read when it is shown or searched. The names below are imported from
their modules when first used, so a command that only reads figures starts quickly.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradeck.srs.scheduler import RATINGS, SETTING_HELP, SETTING_KEYS, Rating, Settings, State
    from gradeck.study.items import Answered, DeckCounts, ItemInfo, Shown, Today
    from gradeck.study.outcome import (
        OPTION_MARKS,
        OPTION_WORDS,
        CardAnswer,
        card_rating,
        suggest_rating,
    )
    from gradeck.study.profile import Profile, restore_backup
    from gradeck.study.session import FamilySession, Session

# Each name is imported from its module when first asked for, so a command that needs the
# profile alone (`gradeck stats`) does not import sessions, queues and grading at its start.
_HOMES = {
    "gradeck.srs.scheduler": (
        "RATINGS",
        "SETTING_HELP",
        "SETTING_KEYS",
        "Rating",
        "Settings",
        "State",
    ),
    "gradeck.study.items": ("Answered", "DeckCounts", "ItemInfo", "Shown", "Today"),
    "gradeck.study.outcome": (
        "OPTION_MARKS",
        "OPTION_WORDS",
        "CardAnswer",
        "card_rating",
        "suggest_rating",
    ),
    "gradeck.study.profile": ("Profile", "restore_backup"),
    "gradeck.study.session": ("FamilySession", "Session"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_HOME[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "OPTION_MARKS",
    "OPTION_WORDS",
    "RATINGS",
    "SETTING_HELP",
    "SETTING_KEYS",
    "Answered",
    "CardAnswer",
    "DeckCounts",
    "FamilySession",
    "ItemInfo",
    "Profile",
    "Rating",
    "Session",
    "Settings",
    "Shown",
    "State",
    "Today",
    "card_rating",
    "restore_backup",
    "suggest_rating",
]
