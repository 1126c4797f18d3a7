"""All the decks a learner has: built-in, in the profile's `decks/` folder, and from --deck."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gradeck import paths
from gradeck.decks.cards import hole_ids
from gradeck.decks.loader import did_you_mean, load_deck
from gradeck.decks.model import Deck, ReviewItem
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


def _same_file(path: Path, name: str) -> bool:
    try:
        return Path(name).exists() and Path(name).resolve() == path.resolve()
    except OSError:
        return False


def review_items(deck: Deck) -> Iterable[ReviewItem]:
    """Expand cards into what the scheduler tracks: a reversible card is two items, a cloze one
    per hole. Tags are the deck's plus the card's, so filtering by a deck tag works."""
    for card in deck.cards:
        tags = tuple(dict.fromkeys(deck.tags + card.tags))
        if card.type == "reversible":
            subs = ["", "reverse"]
        elif card.type == "cloze":
            subs = hole_ids(card.text)
        else:
            subs = [""]
        for sub in subs:
            yield ReviewItem(deck.id, card.id, sub, tags, card=card)
    for exercise in deck.exercises:
        tags = tuple(dict.fromkeys(deck.tags + exercise.tags))
        yield ReviewItem(deck.id, exercise.id, "", tags, exercise=exercise)


def load_library(data_dir: Path | None, deck_args: Sequence[str] = ()) -> Library:
    """Load every deck; a broken or clashing deck is reported and skipped, never fatal here."""
    sources: list[tuple[Path, bool]] = [(p, True) for p in builtin_files()]
    if data_dir is not None:
        sources += [(p, False) for p in deck_files(paths.user_decks_dir(data_dir))]
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
