"""The deck cache's rows: decks, cards and exercises as plain JSON data and back, never code."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from gradeck.decks import cards as card_logic
from gradeck.decks.model import Card, Deck, ExerciseItem, ReviewItem
from gradeck.problems import Problem

_TUPLES = {"tags", "correct", "wrong", "answers"}


@dataclass(frozen=True, slots=True)
class Stamp:
    """What identifies a file's content: size and modification time, then its hash."""

    size: int
    mtime_ns: int
    digest: str


@dataclass(frozen=True, slots=True)
class Head:
    """A deck without its cards: what opening a profile needs of it."""

    id: str
    title: str
    description: str
    tags: tuple[str, ...]
    cards: int
    exercises: int
    digest: str  # changes whenever the deck's review items (ids, subs, families) do
    tagged: dict[str, tuple[str, ...]]  # own tag -> ids of the cards and exercises carrying it
    body: bool  # its cards and exercises are in `entries` (False: read the file for them)


def entry_json(entry: Card | ExerciseItem) -> str:
    data = {f.name: getattr(entry, f.name) for f in fields(entry)}
    data = {k: v for k, v in data.items() if k == "id" or v != _DEFAULTS[type(entry)][k]}
    data.pop("template", None)
    return json.dumps({"kind": "card" if isinstance(entry, Card) else "exercise", **data})


def entry_from_json(text: str) -> Card | ExerciseItem:
    data = json.loads(text)
    kind = data.pop("kind")
    for key in _TUPLES & data.keys():
        data[key] = tuple(data[key])
    return Card(**data) if kind == "card" else ExerciseItem(**data)


_DEFAULTS = {
    cls: {f.name: f.default for f in fields(cls)} | {"params": {}} for cls in (Card, ExerciseItem)
}


def head_of(deck: Deck, digest: str) -> Head:
    own: dict[str, list[str]] = {}
    entries: tuple[Card | ExerciseItem, ...] = (*deck.cards, *deck.exercises)
    for entry in entries:
        for tag in dict.fromkeys(entry.tags):
            own.setdefault(tag, []).append(entry.id)
    return Head(
        deck.id,
        deck.title,
        deck.description,
        deck.tags,
        len(deck.cards),
        len(deck.exercises),
        digest,
        {tag: tuple(ids) for tag, ids in own.items()},
        all(e.template is None for e in deck.exercises),
    )


def head_json(head: Head) -> str:
    return json.dumps({f.name: getattr(head, f.name) for f in fields(Head)})


def head_from_json(text: str) -> Head:
    data = json.loads(text)
    data["tags"] = tuple(data["tags"])
    data["tagged"] = {tag: tuple(ids) for tag, ids in data["tagged"].items()}
    head = Head(**data)
    if not all(isinstance(getattr(head, k), int) for k in ("cards", "exercises")):
        raise ValueError("odd counts")
    return head


def item_row(key: str, n: int, item: ReviewItem) -> tuple:
    entry = item.card or item.exercise
    assert entry is not None
    name = card_logic.title(entry, item.sub)
    family = item.exercise.family if item.exercise is not None else ""
    tags = "\t" + "".join(f"{t}\t" for t in item.tags)
    return (key, n, item.item_id, item.sub, family, name, f"{item.item_id} {name}".casefold(), tags)


def split_tags(tags: str) -> tuple[str, ...]:
    return tuple(tags.strip("\t").split("\t")) if tags != "\t" else ()


def problems_from_json(text: str, name: str) -> list[Problem]:
    return [
        Problem(path if path is not None else name, int(line), int(col), str(message), str(sev))
        for path, line, col, message, sev in json.loads(text)
    ]
