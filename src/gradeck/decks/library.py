"""All the decks a learner has: built-in, in the profile's `decks/` folder (and its course
subfolders, see `folders`), and from --deck."""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property, partial
from operator import attrgetter
from pathlib import Path

from gradeck import paths
from gradeck.decks.cache import FILE_NAME, DeckCache
from gradeck.decks.cache_rows import Head, Stamp
from gradeck.decks.cards import hole_ids
from gradeck.decks.folders import course_files
from gradeck.decks.model import Card, Deck, ExerciseItem, ReviewItem
from gradeck.errors import GradeckError
from gradeck.problems import Problem, ProblemsError
from gradeck.text import did_you_mean

DECK_SUFFIXES = (".yaml", ".yml")


def deck_files(folder: Path) -> list[Path]:
    """The deck files directly inside `folder`, in a stable order."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in DECK_SUFFIXES and p.is_file())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise GradeckError(f"cannot read folder {folder}: {exc.strerror}") from None


def load_deck(path: Path, builtin: bool = False) -> Deck:
    """The loader, imported on first use: opening an unchanged library needs no YAML."""
    from gradeck.decks import loader

    return loader.load_deck(path, builtin=builtin)


def builtin_files() -> list[Path]:
    return deck_files(paths.builtin_dir("cards")) + deck_files(paths.builtin_dir("quizzes"))


class CachedDeck(Deck):
    """A Deck made from its cached header: its cards and exercises are read (from the cache, or
    the file for a deck with templates) the first time something asks for them."""

    def __init__(self, head: Head, path: Path, builtin: bool, body: Callable[[], Deck]) -> None:
        values = {"id": head.id, "title": head.title, "path": path}
        values |= {"description": head.description, "tags": head.tags, "builtin": builtin}
        for name, value in values.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "head", head)
        object.__setattr__(self, "_body", body)

    @cached_property
    def _full(self) -> Deck:
        return self._body()  # type: ignore[attr-defined]

    @cached_property
    def cards(self) -> tuple[Card, ...]:  # type: ignore[override]
        return self._full.cards

    @cached_property
    def exercises(self) -> tuple[ExerciseItem, ...]:  # type: ignore[override]
        return self._full.exercises

    @property
    def size(self) -> int:
        return self.head.cards + self.head.exercises  # type: ignore[attr-defined]


class Library:
    """The loaded decks, read through the deck cache: headers in memory, cards on demand."""

    def __init__(
        self,
        decks: Sequence[CachedDeck],
        problems: Sequence[Problem],
        cache: DeckCache,
        keys: dict[str, str],
    ) -> None:
        self.decks: tuple[Deck, ...] = tuple(decks)
        self.problems = tuple(problems)  # decks that could not be loaded, with why
        self.selected: tuple[str, ...] = ()  # deck ids named with --deck; empty means all
        self.cache = cache
        self._keys = keys  # deck id -> its file's key in the cache
        self._by_id: dict[str, CachedDeck] = {deck.id: deck for deck in decks}
        self._by_item: dict[str, dict[str, Card | ExerciseItem]] = {}  # decks read whole

    def deck(self, name: str) -> Deck:
        """A deck by id, or by the path of a loaded deck file."""
        if name in self._by_id:
            return self._by_id[name]
        for deck in self.decks:
            if _same_file(deck.path, name):
                return deck
        hint = did_you_mean(name, list(self._by_id))
        raise GradeckError(f"no deck {name!r}{hint} (see `gradeck decks`)")

    def _entry(self, deck: CachedDeck, item_id: str) -> Card | ExerciseItem | None:
        if deck.head.body:
            return self.cache.entry(self._keys[deck.id], item_id)
        if deck.id not in self._by_item:
            self._by_item[deck.id] = {e.id: e for e in (*deck.cards, *deck.exercises)}
        return self._by_item[deck.id].get(item_id)

    def review_item(self, key: tuple[str, str, str]) -> ReviewItem | None:
        """The review item with this (deck id, item id, sub), or None when no loaded deck has it.
        Reads one card, so a session over a huge library pays only for what it shows."""
        deck = self._by_id.get(key[0])
        if deck is None:
            return None
        entry = self._entry(deck, key[1])
        if entry is None:
            return None
        tags = _tags(tuple(dict.fromkeys(deck.tags)), entry.tags)
        if isinstance(entry, ExerciseItem):
            return None if key[2] else ReviewItem(deck.id, entry.id, "", tags, exercise=entry)
        if key[2] not in _subs(entry):
            return None
        return ReviewItem(deck.id, entry.id, key[2], tags, card=entry)

    def has(self, key: tuple[str, str, str]) -> bool:
        """Whether `review_item(key)` would find the item; for a cached deck, read from the
        cache's list of review items, so a queue over thousands of items builds no card."""
        deck = self._by_id.get(key[0])
        if deck is not None and deck.head.body:
            return self.cache.has(self._keys[deck.id], key[1], key[2])
        return self.review_item(key) is not None

    def digests(self) -> list[tuple[str, str]]:
        """(deck id, digest) of every deck: the digest changes whenever the deck's review items
        do, so the progress store re-matches only the decks whose digest it has not seen."""
        return [(deck.id, deck.head.digest) for deck in self._by_id.values()]

    def keys(self, deck_id: str) -> list[tuple[str, str, str]]:
        """(item id, sub, exercise family or "") of every review item of a deck, in deck order."""
        return self.cache.keys(self._keys[deck_id])

    def search(
        self, text: str = "", tag: str | None = None, offset: int = 0, limit: int = 100
    ) -> tuple[int, list[tuple[str, str, str, str, tuple[str, ...]]]]:
        """Review items of all decks whose "item id title" holds `text` (case folded) and that
        carry `tag`, in deck order: how many, and (deck id, item id, sub, title, tags) of
        `limit` of them from `offset`. Read from the cache, so no card is built."""
        files = [(self._keys[d.id], d.id) for d in self.decks]
        return self.cache.search(files, text, tag, offset, limit)

    def tagged(
        self, deck_ids: Collection[str] | None = None
    ) -> dict[str, dict[str, frozenset[str] | None]]:
        """Per tag, per deck id (of `deck_ids`, default all): the ids of the cards and exercises
        that carry it, or None when the deck itself carries it, so all of them do. Tags are
        about cards, not sides or holes, so this stays small where items are many."""
        out: dict[str, dict[str, frozenset[str] | None]] = {}
        for deck in self._by_id.values():
            if deck_ids is not None and deck.id not in deck_ids:
                continue
            for tag in deck.tags:
                out.setdefault(tag, {})[deck.id] = None
            for tag, ids in deck.head.tagged.items():
                if tag not in deck.tags:
                    out.setdefault(tag, {})[deck.id] = frozenset(ids)
        return out


def _subs(card: Card) -> list[str]:
    """A card's review items: two sides of a reversible card, one per cloze hole, else one."""
    if card.type == "reversible":
        return ["", "reverse"]
    if card.type == "cloze":
        return hole_ids(card.text)
    return [""]


def _tags(deck_tags: tuple[str, ...], own: tuple[str, ...]) -> tuple[str, ...]:
    """The deck's tags (already each once) plus the item's own, each once; the deck's tuple
    itself when the item has none, so that expanding a large deck makes few new tuples."""
    return tuple(dict.fromkeys(deck_tags + own)) if own else deck_tags


def _same_file(path: Path, name: str) -> bool:
    try:
        return Path(name).exists() and Path(name).resolve() == path.resolve()
    except OSError:
        return False


def review_items(deck: Deck) -> Iterable[ReviewItem]:
    """Expand cards into what the scheduler tracks: a reversible card is two items, a cloze one
    per hole. Tags are the deck's plus the card's, so filtering by a deck tag works."""
    deck_tags = tuple(dict.fromkeys(deck.tags))
    for card in deck.cards:
        tags = _tags(deck_tags, card.tags)
        for sub in _subs(card):
            yield ReviewItem(deck.id, card.id, sub, tags, card=card)
    for exercise in deck.exercises:
        tags = _tags(deck_tags, exercise.tags)
        yield ReviewItem(deck.id, exercise.id, "", tags, exercise=exercise)


def load_library(data_dir: Path | None, deck_args: Sequence[str] = ()) -> Library:
    """Load every deck; a broken or clashing deck is reported and skipped, never fatal here.
    Unchanged files come from the deck cache in `data_dir` (see decks.cache)."""
    sources: list[tuple[Path, bool]] = [(p, True) for p in builtin_files()]
    if data_dir is not None:
        sources += [(p, False) for p in course_files(paths.user_decks_dir(data_dir))]
    wanted: list[str] = []
    for arg in deck_args:
        path = Path(arg)
        if path.suffix in DECK_SUFFIXES or path.exists():
            if not path.is_file():
                raise GradeckError(f"deck file {arg} does not exist")
            sources.append((path, False))
            wanted.append(str(path))
        else:
            wanted.append(arg)
    cache = DeckCache.open(data_dir / FILE_NAME if data_dir is not None else None)
    library, loaded_paths = _load(sources, cache)
    if not cache.writable:  # what was read is not all in the cache: read without it
        cache.close()
        library, loaded_paths = _load(sources, DeckCache.open(None))
    selected: list[str] = []
    for name in wanted:
        path = Path(name)
        if path.suffix in DECK_SUFFIXES and path.resolve() not in loaded_paths:
            continue  # its problems are already reported
        selected.append(library.deck(name).id)
    library.selected = tuple(dict.fromkeys(selected))
    return library


def _load(sources: list[tuple[Path, bool]], cache: DeckCache) -> tuple[Library, set[Path]]:
    decks: dict[str, CachedDeck] = {}
    problems: list[Problem] = []
    keys: dict[str, str] = {}
    loaded: set[Path] = set()
    with _bulk():
        for path, builtin in sources:
            resolved = path.resolve()
            if resolved in loaded:
                continue
            found = cache.find(path)
            if found.problems is not None:
                problems.extend(found.problems)
                continue
            head = found.head or _validate(cache, path, builtin, found.stamp, problems)
            if head is None:
                continue
            if head.id in decks:
                problems.append(
                    Problem(
                        str(path),
                        1,
                        1,
                        f"deck id {head.id!r} is already used by {decks[head.id].path}; "
                        "this deck was not loaded (give it another id)",
                    )
                )
                continue
            body = partial(_body, cache, str(resolved), head, path, builtin)
            decks[head.id] = CachedDeck(head, path, builtin, body)
            keys[head.id] = str(resolved)
            loaded.add(resolved)
    cache.prune(set(keys.values()))
    return Library(list(decks.values()), problems, cache, keys), loaded


def _validate(
    cache: DeckCache, path: Path, builtin: bool, stamp: Stamp | None, problems: list[Problem]
) -> Head | None:
    """Read and validate a deck file that the cache does not hold, and keep the result."""
    stamp = stamp or Stamp(0, 0, "")  # the file could not be stamped: validated next time too
    try:
        deck = load_deck(path, builtin=builtin)
    except ProblemsError as exc:
        if stamp.digest:
            cache.put_problems(str(path.resolve()), stamp, exc.problems, str(path))
        problems.extend(exc.problems)
        return None
    return cache.put_deck(str(path.resolve()), stamp, deck, list(review_items(deck)))


@contextmanager
def _bulk() -> Iterator[None]:
    """Python's cyclic garbage collector waits while decks are read: it would walk every object
    made so far, again and again, for a bulk of objects of which hardly any is garbage (the
    cost grew faster than the library did)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _body(cache: DeckCache, key: str, head: Head, path: Path, builtin: bool) -> Deck:
    """A cached deck's cards and exercises, in file order: from the cache, or, for a deck with
    templates, from its file (then a file that changed since it was opened gives none)."""
    if not head.body:
        try:
            return load_deck(path, builtin=builtin)
        except ProblemsError:
            return Deck(head.id, head.title, path, head.description, head.tags, builtin=builtin)
    entries = list(cache.entries(key))
    cards = sorted((e for e in entries if isinstance(e, Card)), key=_LINE)
    exercises = sorted((e for e in entries if isinstance(e, ExerciseItem)), key=_LINE)
    return Deck(
        head.id,
        head.title,
        path,
        head.description,
        head.tags,
        tuple(cards),
        tuple(exercises),
        builtin,
    )


_LINE = attrgetter("line")
