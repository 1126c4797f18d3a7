"""A learner's profile: the loaded decks and the progress store, and what is asked of both."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradeck import paths
from gradeck.decks.library import Library, load_library
from gradeck.errors import GradeckError
from gradeck.problems import ProblemsError
from gradeck.srs import stats as srs_stats
from gradeck.srs.days import from_ms, study_date, to_ms, today_bounds
from gradeck.srs.dbfile import StoreError
from gradeck.srs.rows import Key
from gradeck.srs.scheduler import (
    SETTING_KEYS,
    STATE_NAMES,
    Scheduler,
    Settings,
    format_setting,
    parse_setting,
)
from gradeck.srs.store import Store
from gradeck.study.clock import Clock, utc_now
from gradeck.study.items import SEED_RANGE, DeckCounts, ItemInfo, Today, draw
from gradeck.text import did_you_mean

if TYPE_CHECKING:
    from gradeck.exercises.model import Exercise
    from gradeck.srs.repair import Health
    from gradeck.study.limits import Nothing
    from gradeck.study.session import FamilySession, Session

# Sessions, copies and repairs are imported where they are used: `gradeck stats` opens a profile
# to read figures and needs none of them.


def _require_named(library: Library, deck_args: Sequence[str]) -> None:
    """Refuse a deck file named with --deck that failed to load, with its problems: the library
    skips it, and a selection left empty would mean every deck. (An unknown deck id is already
    refused by the library.)"""
    for arg in deck_args:
        try:
            library.deck(arg)
        except GradeckError:
            where = Path(arg).resolve()
            own = [p for p in library.problems if Path(p.path).resolve() == where]
            if own:
                raise ProblemsError(own) from None
            raise GradeckError(f"deck file {arg} could not be loaded") from None


def restore_backup(data_dir: Path | str | None, source: Path) -> Path | None:
    """Bring the backup `source` back as the profile's database, after checking it; returns
    where the database it replaced was kept. Needs no decks, and works on a damaged profile."""
    home = paths.data_dir(data_dir)
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the profile folder {home}: {exc.strerror}") from None
    from gradeck.srs import copies

    return copies.restore(source, paths.database_path(home))


class Profile:
    """A learner's decks and progress store."""

    def __init__(
        self,
        library: Library,
        store: Store,
        *,
        now: Clock | None = None,
        tz: tzinfo | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.library = library
        self.store = store
        self.clock = now or utc_now
        self.tz = tz
        self.rng = rng or random.Random(random.SystemRandom().randrange(2**63))
        self._sync()

    def _sync(self) -> None:
        self.store.sync(self.library.digests(), self.library.keys)

    @classmethod
    def open(
        cls,
        data_dir: Path | str | None,
        deck_args: Sequence[str] = (),
        *,
        now: Clock | None = None,
        tz: tzinfo | None = None,
        rng: random.Random | None = None,
        read_only: bool = False,
    ) -> Profile:
        home = paths.data_dir(data_dir)
        library = load_library(home, deck_args)
        _require_named(library, deck_args)
        store = Store.open(paths.database_path(home), read_only=read_only)
        try:
            return cls(library, store, now=now, tz=tz, rng=rng)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def problems(self):
        return self.library.problems

    @property
    def db_path(self) -> Path:
        return self.store.path

    # -- settings -----------------------------------------------------------------------------

    def settings(self) -> Settings:
        return Settings.from_strings(self.store.settings())

    def set_setting(self, key: str, text: str) -> None:
        """Validate and save one setting; ValueError (with what is accepted) when wrong."""
        if key not in SETTING_KEYS:
            raise ValueError(f"unknown setting {key!r}; settings are {', '.join(SETTING_KEYS)}")
        value = parse_setting(key, text)
        self.store.set_settings({key: format_setting(key, value)})

    # -- time ---------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _bounds(self, settings: Settings) -> tuple[int, int]:
        return today_bounds(self._now(), settings.day_start_hour, self.tz)

    # -- queues -------------------------------------------------------------------------------

    def session(
        self,
        deck_ids: Sequence[str] = (),
        tag: str | None = None,
        limit: int | None = None,
        practice: bool = False,
        extra_new: int = 0,
    ) -> Session:
        from gradeck.study.session import Session

        if limit is not None and limit < 1:
            raise GradeckError("the limit must be at least 1", 2)
        # An unknown deck is an error, not an empty session.
        chosen = {self.library.deck(d).id for d in deck_ids or self.library.selected}
        decks = [d.id for d in self.library.decks if not chosen or d.id in chosen]
        settings = self.settings()
        return Session(
            self, decks, tag, settings, limit=limit, practice=practice, extra_new=extra_new
        )

    def nothing(self, session: Session) -> Nothing:
        """Why `session` has nothing to serve now, and how many more new items it could serve
        with today's limits raised (see limits.Nothing)."""
        from gradeck.study import limits
        from gradeck.study.session import Session

        more = None
        if not session.practice:
            settings = self.settings()
            more = Session(
                self,
                session.decks,
                session.tag,
                settings,
                limit=None,
                practice=False,
                extra_new=limits.STUDY_MORE,
            )
        return limits.nothing(session, more)

    def deck_overview(self) -> list[DeckCounts]:
        """Per deck, what a session over that deck alone would serve today (new within the
        deck's and the overall limit, learning due today, reviews within the daily limit),
        and its number of items. Each deck is capped alone, so the rows may add up to more
        than a session over every deck serves (`today().waiting`)."""
        from gradeck.study.session import Session

        settings = self.settings()
        sizes = self.store.deck_sizes()
        out = []
        for deck in self.library.decks:
            session = Session(self, [deck.id], None, settings, limit=None, practice=False)
            new, learning, due = session.counts()
            out.append(DeckCounts(deck.id, deck.title, new, learning, due, sizes.get(deck.id, 0)))
        return out

    def today(self) -> Today:
        """Scheduled answers and new items so far today; learning and review items still due
        today (reviews within the daily limit); the streak; and `waiting`, the items a session
        over the selected decks (all when none) would serve now: learning due today, reviews
        within the daily limit and new items within the daily new limit, which all decks share
        (so it is less than the sum of the decks' counts). It is that session's own count, so
        siblings held back for today are left out as the session leaves them out."""
        settings = self.settings()
        start, _end = self._bounds(settings)
        done = self.store.today_counts(start)
        everything = self.session()
        new, learning, reviews = everything.counts()
        return Today(
            done.answered,
            done.new,
            learning + reviews,
            srs_stats.streak(self.store, start),
            waiting=everything.total,
            new_waiting=new,
        )

    # -- information --------------------------------------------------------------------------

    def stats(self, deck_id: str | None = None) -> dict[str, Any]:
        settings = self.settings()
        decks = [self.library.deck(deck_id)] if deck_id else list(self.library.decks)
        start, _end = self._bounds(settings)
        return srs_stats.collect(
            self.store,
            now_ms=to_ms(self._now()),
            day_start_ms=start,
            today=study_date(self._now(), settings.day_start_hour, self.tz),
            scheduler=Scheduler(settings),
            decks={d.id: d.title for d in decks},
            tagged=self.library.tagged([d.id for d in decks]),
            only=deck_id,
        )

    def browse(self, text: str = "", tag: str | None = None) -> list[ItemInfo]:
        """Every item of the loaded decks whose id or title holds `text` and that carry `tag`."""
        return self.browse_page(text, tag)[1]

    def browse_page(
        self, text: str = "", tag: str | None = None, offset: int = 0, limit: int | None = None
    ) -> tuple[int, list[ItemInfo]]:
        """How many items `browse` finds, and `limit` of them from `offset` (all when None): a
        page is found in the deck cache and the store by index, so it costs what it shows."""
        total, found = self.library.search(
            text.strip(), tag, offset, -1 if limit is None else limit
        )
        rows = self.store.rows((d, i, s) for d, i, s, _title, _tags in found)
        now = to_ms(self._now())
        out = []
        for deck_id, item_id, sub, title, tags in found:
            row = rows.get((deck_id, item_id, sub))
            if row is None:  # not in the store (a read-only open does not sync)
                continue
            sched = row.sched
            known = row.schedulable  # else its due time and stability may not even be dates
            out.append(
                ItemInfo(
                    row.key,
                    deck_id,
                    item_id,
                    sub,
                    title,
                    tags,
                    STATE_NAMES[sched.state],
                    from_ms(sched.due) if known and sched.due is not None else None,
                    sched.stability if known else None,
                    row.suspended,
                    from_ms(row.buried_until) if row.buried_until > now else None,
                )
            )
        return total, out

    def _item_pk(self, key: Key) -> int:
        pk = self.store.pk(key)
        if pk is None:
            raise GradeckError(f"no item {'/'.join(k for k in key if k)} in the progress store")
        return pk

    def history(self, key: Key) -> list[dict]:
        return self.store.history(self._item_pk(key))

    def preview(self, key: Key, seed: int | None = None) -> Exercise:
        """A variant of exercise item `key` (from `seed`, else a fresh one) to look at; nothing
        is logged. GradeckError when `key` is no exercise of a loaded deck or its template
        cannot give one."""
        item = self.library.review_item(key)
        if item is None or item.exercise is None:
            name = "/".join(k for k in key if k)
            raise GradeckError(f"{name} is not an exercise of a loaded deck")
        return draw(item, self.rng.randrange(SEED_RANGE) if seed is None else seed)

    def family_session(self, family: str, difficulty: int | None = None) -> FamilySession:
        """Practice of one exercise family without end (see FamilySession). GradeckError for
        an unknown family or a difficulty it does not have."""
        from gradeck.exercises.registry import FAMILIES
        from gradeck.study.session import FamilySession

        info = FAMILIES.get(family)
        if info is None:
            hint = did_you_mean(family, list(FAMILIES))
            raise GradeckError(f"no exercise family {family!r}{hint} (see `gradeck families`)", 2)
        if difficulty is not None and difficulty not in info.difficulties:
            levels = ", ".join(map(str, info.difficulties))
            raise GradeckError(f"{family} has difficulties {levels}, not {difficulty}", 2)
        levels = info.difficulties if difficulty is None else (difficulty,)
        return FamilySession(self, family, levels)

    def suspend(self, key: Key, on: bool = True) -> None:
        self.store.set_suspended(self._item_pk(key), on)

    # -- copies -------------------------------------------------------------------------------

    def backup(self, dest: Path) -> None:
        self.store.backup(dest)

    def check(self) -> Health:
        from gradeck.srs import repair

        return repair.check(self.store)

    def repair(self, health: Health) -> int:
        """Make the items `health` found out of bounds new again, their answers kept."""
        from gradeck.srs import repair

        return repair.repair(self.store, health.items)

    def export_progress(self, student: str | None = None) -> dict[str, Any]:
        from gradeck.srs import transfer

        return transfer.export(self.store, exported=self._now(), student=student)

    def import_progress(self, data: Any) -> dict[str, int]:
        from gradeck.srs import transfer

        counts = transfer.import_(self.store, data)
        self.store.forget_sync()  # imported items may belong to decks loaded here
        self._sync()
        return counts
