"""All the decks a learner has: built-in, in the profile's `decks/` folder (and its course
subfolders, see `folders`), and from --deck."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from gradeck import paths
from gradeck.decks.cards import hole_ids
from gradeck.decks.folders import course_files
from gradeck.decks.loader import did_you_mean, load_deck
from gradeck.decks.model import Card, Deck, ExerciseItem, ReviewItem
from gradeck.errors import GradeckError
from gradeck.problems import Problem, ProblemsError

DECK_SUFFIXES = (".yaml", ".yml")


def deck_files(folder: Path) -> list[Path]:
    """The deck files directly inside `folder`, in a stable order."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in DECK_SUFFIXES and p.is_file())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise GradeckError(f"cannot read folder {folder}: {exc.strerror}") from None


def builtin_files() -> list[Path]:
    return deck_files(paths.builtin_dir("cards")) + deck_files(paths.builtin_dir("quizzes"))


@dataclass
class Library:
    decks: tuple[Deck, ...] = ()
    problems: tuple[Problem, ...] = ()  # decks that could not be loaded, with why
    selected: tuple[str, ...] = ()  # deck ids named with --deck; empty means all
    _by_id: dict[str, Deck] = field(default_factory=dict, repr=False)
    # Per deck id, built on first use: its tags (each once) and its cards and exercises by id.
    _entries: dict[str, tuple[tuple[str, ...], dict[str, Card | ExerciseItem]]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        self._by_id = {deck.id: deck for deck in self.decks}

    def deck(self, name: str) -> Deck:
        """A deck by id, or by the path of a loaded deck file."""
        if name in self._by_id:
            return self._by_id[name]
        for deck in self.decks:
            if _same_file(deck.path, name):
                return deck
        hint = did_you_mean(name, list(self._by_id))
        raise GradeckError(f"no deck {name!r}{hint} (see `gradeck decks`)")

    def items(self, deck_ids: Collection[str] | None = None, tag: str | None = None):
        """Every review item of the chosen decks (default: the selected ones, else all)."""
        chosen = deck_ids if deck_ids is not None else self.selected
        decks = [self.deck(d) for d in chosen] if chosen else list(self.decks)
        items: list[ReviewItem] = []
        for deck in decks:
            items.extend(i for i in review_items(deck) if tag is None or tag in i.tags)
        return items

    def review_item(self, key: tuple[str, str, str]) -> ReviewItem | None:
        """The review item with this (deck id, item id, sub), or None when no loaded deck has it.
        Builds one object, so a session over a huge library pays only for what it shows."""
        deck = self._by_id.get(key[0])
        if deck is None:
            return None
        if deck.id not in self._entries:
            by_id = {e.id: e for e in (*deck.cards, *deck.exercises)}
            self._entries[deck.id] = (tuple(dict.fromkeys(deck.tags)), by_id)
        deck_tags, by_id = self._entries[deck.id]
        entry = by_id.get(key[1])
        if entry is None:
            return None
        tags = _tags(deck_tags, entry.tags)
        if isinstance(entry, ExerciseItem):
            return None if key[2] else ReviewItem(deck.id, entry.id, "", tags, exercise=entry)
        if key[2] not in _subs(entry):
            return None
        return ReviewItem(deck.id, entry.id, key[2], tags, card=entry)

    def keys(self) -> Iterator[tuple[str, str, str, str]]:
        """(deck id, item id, sub, exercise family or "") of every item, in deck order."""
        for deck in self.decks:
            for card in deck.cards:
                for sub in _subs(card):
                    yield (deck.id, card.id, sub, "")
            for exercise in deck.exercises:
                yield (deck.id, exercise.id, "", exercise.family)

    def signature(self) -> str:
        """A text that changes whenever `keys()` would: the progress store re-matches its items
        only then. Built from whole columns at once, so it costs little even for 100 000 cards."""
        parts = []
        for deck in self.decks:
            clozes = [c for c in deck.cards if c.type == "cloze"]
            parts += [
                deck.id,
                "\t".join(map(_ID, deck.cards)),
                "\t".join(map(_TYPE, deck.cards)),
                "\t".join(f"{c.id}:{','.join(hole_ids(c.text))}" for c in clozes),
                "\t".join(f"{e.id}:{e.family}" for e in deck.exercises),
            ]
        return "\n".join(parts)

    def tagged(
        self, deck_ids: Collection[str] | None = None
    ) -> dict[str, dict[str, frozenset[str] | None]]:
        """Per tag, per deck id (of `deck_ids`, default all): the ids of the cards and exercises
        that carry it, or None when the deck itself carries it, so all of them do. Tags are
        about cards, not sides or holes, so this stays small where items are many."""
        out: dict[str, dict[str, frozenset[str] | None]] = {}
        for deck in self.decks:
            if deck_ids is not None and deck.id not in deck_ids:
                continue
            own: dict[str, set[str]] = {}
            for entry in (*deck.cards, *deck.exercises):
                for tag in entry.tags:
                    own.setdefault(tag, set()).add(entry.id)
            for tag in deck.tags:
                out.setdefault(tag, {})[deck.id] = None
            for tag, ids in own.items():
                if tag not in deck.tags:
                    out.setdefault(tag, {})[deck.id] = frozenset(ids)
        return out


_ID = attrgetter("id")
_TYPE = attrgetter("type")


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
    """Load every deck; a broken or clashing deck is reported and skipped, never fatal here."""
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
    decks: list[Deck] = []
    problems: list[Problem] = []
    by_id: dict[str, Deck] = {}
    loaded_paths: dict[Path, Deck] = {}
    for path, builtin in sources:
        resolved = path.resolve()
        if resolved in loaded_paths:
            continue
        try:
            deck = load_deck(path, builtin=builtin)
        except ProblemsError as exc:
            problems.extend(exc.problems)
            continue
        if deck.id in by_id:
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    f"deck id {deck.id!r} is already used by {by_id[deck.id].path}; "
                    "this deck was not loaded (give it another id)",
                )
            )
            continue
        by_id[deck.id] = deck
        loaded_paths[resolved] = deck
        decks.append(deck)
    library = Library(tuple(decks), tuple(problems))
    selected: list[str] = []
    for name in wanted:
        path = Path(name)
        if path.suffix in DECK_SUFFIXES and path.resolve() not in loaded_paths:
            continue  # its problems are already reported
        selected.append(library.deck(name).id)
    library.selected = tuple(dict.fromkeys(selected))
    return library
