"""Turn a deck file into a validated Deck, reporting every problem with its line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gradeck.decks import cards as card_logic
from gradeck.decks.checker import ID_PATTERN, Checker, kind
from gradeck.decks.model import CARD_TYPES, Card, Deck, ExerciseItem
from gradeck.decks.source import LocDict, LocList, load_file
from gradeck.problems import ProblemsError
from gradeck.text import did_you_mean

FORMAT = 1
DECK_KEYS = ("format", "id", "title", "description", "tags", "cards", "exercises")
CARD_KEYS = ("id", "type", "front", "back", "text", "question", "correct", "wrong", "answer",
             "tags", "note", "alternatives")  # fmt: skip
EXERCISE_KEYS = ("id", "family", "template", "difficulty", "title", "tags", "params")

# Which text fields each card type needs; any other type-specific field is out of place.
REQUIRED: dict[str, tuple[str, ...]] = {
    "basic": ("front", "back"),
    "reversible": ("front", "back"),
    "cloze": ("text",),
    "choice": ("question", "correct"),
    "typed": ("question", "answer"),
}
_TYPE_FIELDS = {"front", "back", "text", "question", "correct", "wrong", "answer", "alternatives"}
_OPTIONAL = {"choice": {"wrong"}, "typed": {"alternatives"}}

MAX_ITEMS = 10_000


def load_deck(path: Path, builtin: bool = False, deep: bool = False) -> Deck:
    """The deck in `path`, or ProblemsError listing everything wrong with it.

    `deep` also generates each family exercise that sets params, so that a value the family
    does not take is found now rather than at a review (it loads numpy: `gradeck validate`).
    """
    data = load_file(path)
    check = Checker(str(path), deep)
    deck = _read_deck(check, data, path, builtin)
    if check.problems:
        raise ProblemsError(check.problems)
    assert deck is not None
    return deck


def _read_deck(check: Checker, data: Any, path: Path, builtin: bool) -> Deck | None:
    if not isinstance(data, LocDict):
        check.error(getattr(data, "pos", (1, 1)), f"a deck must be a mapping, not {kind(data)}")
        return None
    check.known_keys(data, DECK_KEYS, "the deck")
    if "format" not in data:
        check.error(data.pos, f"the deck is missing required field 'format' (use format: {FORMAT})")
    elif data["format"] != FORMAT or isinstance(data["format"], bool):
        check.error(
            data.at("format"),
            f"unsupported format {data['format']!r}: this gradeck reads format {FORMAT}",
        )
    deck_id = check.ident(data, "the deck")
    title = check.text(data, "title", "the deck", required=True)
    description = check.text(data, "description", "the deck") if "description" in data else ""
    tags = check.text_list(data, "tags", "the deck")
    cards = _read_list(check, data, "cards", _read_card)
    exercises = _read_list(check, data, "exercises", _read_exercise)
    if "cards" not in data and "exercises" not in data:
        check.error(data.pos, "the deck has neither 'cards' nor 'exercises'")
    _check_unique_ids(check, data)
    return Deck(
        id=deck_id,
        title=title,
        path=path,
        description=description,
        tags=tags,
        cards=tuple(c for c, _ in cards),
        exercises=tuple(e for e, _ in exercises),
        builtin=builtin,
    )


def _read_list(check: Checker, data: LocDict, key: str, read: Callable[..., Any]):
    if key not in data:
        return []
    items = data[key]
    if not isinstance(items, LocList):
        check.error(data.at(key), f"{key!r} must be a list, not {kind(items)}")
        return []
    if not items:
        check.error(data.at(key), f"{key!r} is empty")
    if len(items) > MAX_ITEMS:
        check.error(data.at(key), f"{key!r} has {len(items):,} entries; the limit is {MAX_ITEMS:,}")
        return []
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, LocDict):
            check.error(items.at(index), f"each entry of {key!r} must be a mapping")
            continue
        value = read(check, item)
        if value is not None:
            out.append((value, item))
    return out


def _read_card(check: Checker, item: LocDict) -> Card | None:
    card_id = check.ident(item, "a card")
    where = f"card {card_id!r}" if card_id else "a card"
    check.known_keys(item, CARD_KEYS, where)
    card_type = item.get("type", "basic")
    if card_type not in CARD_TYPES:
        hint = did_you_mean(str(card_type), CARD_TYPES)
        check.error(
            item.at("type"),
            f"unknown card type {card_type!r}{hint} (types: {', '.join(CARD_TYPES)})",
        )
        return None
    required = REQUIRED[card_type]
    for key in sorted(_TYPE_FIELDS - set(required) - _OPTIONAL.get(card_type, set())):
        if key in item:
            check.error(item.key_pos[key], f"{key!r} does not apply to a {card_type} card")
    fields: dict[str, Any] = {}
    for key in required:
        if key in ("correct", "answer"):
            fields[key] = check.text_list(item, key, where, required=True, single=True)
        else:
            fields[key] = check.text(item, key, where, required=True)
    if card_type == "choice":
        fields["wrong"] = check.text_list(item, "wrong", where, single=True)
        _check_choice(check, item, fields["correct"], fields["wrong"])
    if card_type == "cloze" and fields["text"]:
        _check_cloze(check, item, fields["text"])
    tags = check.text_list(item, "tags", where)
    note = check.text(item, "note", where) if "note" in item else ""
    answers = fields.pop("answer", ())
    if card_type == "typed":  # also accepted; the first `answer` stays the one shown
        answers += check.text_list(item, "alternatives", where, single=True)
    return Card(
        id=card_id,
        type=card_type,
        tags=tags,
        note=note,
        line=item.pos[0],
        answers=answers,
        **fields,
    )


def _check_choice(check: Checker, item: LocDict, correct: tuple, wrong: tuple) -> None:
    if "correct" in item and not correct and isinstance(item["correct"], LocList):
        check.error(item.at("correct"), "a choice card needs at least one correct option")
    both = set(correct) & set(wrong)
    for option in sorted(both):
        check.error(item.at("wrong"), f"option {option!r} is both correct and wrong")
    if correct and len(correct) + len(wrong) < 2:
        check.error(item.pos, "a choice card needs at least two options in all")


def _check_cloze(check: Checker, item: LocDict, text: str) -> None:
    try:
        holes = card_logic.parse_holes(text)
    except card_logic.ClozeSyntaxError as exc:
        check.error(item.at("text"), str(exc))
        return
    if not holes:
        check.error(item.at("text"), "a cloze card needs at least one hole, like {{c1::answer}}")


def _read_exercise(check: Checker, item: LocDict) -> ExerciseItem | None:
    item_id = check.ident(item, "an exercise")
    where = f"exercise {item_id!r}" if item_id else "an exercise"
    check.known_keys(item, EXERCISE_KEYS, where)
    title = check.text(item, "title", where) if "title" in item else ""
    tags = check.text_list(item, "tags", where)
    difficulty = item.get("difficulty", 1)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int):
        check.error(
            item.at("difficulty"), f"'difficulty' must be a whole number, not {difficulty!r}"
        )
        difficulty = 1
    if "template" in item:
        if "family" in item:
            check.error(
                item.key_pos["family"], "an exercise has a 'family' or a 'template', not both"
            )
        from gradeck.decks.templates import read_template

        template = read_template(item, check)
        if template is None:
            return None
        return ExerciseItem(
            id=item_id,
            family="template",
            difficulty=difficulty,
            title=title,
            tags=tags,
            line=item.pos[0],
            template=template,
        )
    return _read_family_exercise(check, item, item_id, where, title, tags, difficulty)


def _read_family_exercise(
    check: Checker,
    item: LocDict,
    item_id: str,
    where: str,
    title: str,
    tags: tuple[str, ...],
    difficulty: int,
) -> ExerciseItem | None:
    from gradeck.exercises.registry import FAMILIES

    family = check.text(item, "family", where, required=True)
    if not family:
        return None
    info = FAMILIES.get(family)
    if info is None:
        hint = did_you_mean(family, tuple(FAMILIES))
        check.error(item.at("family"), f"unknown exercise family {family!r}{hint}")
        return None
    if difficulty not in info.difficulties:
        levels = ", ".join(str(d) for d in info.difficulties)
        check.error(item.at("difficulty"), f"{family} has difficulties {levels}, not {difficulty}")
    before = len(check.problems)
    params = item.get("params", LocDict())
    if not isinstance(params, LocDict):
        check.error(item.at("params"), f"'params' must be a mapping, not {kind(params)}")
        params = LocDict()
    for key in params:
        if key not in info.params:
            allowed = ", ".join(info.params) or "none"
            hint = did_you_mean(key, info.params)
            check.error(
                params.key_pos[key],
                f"{family} has no parameter {key!r}{hint} (parameters: {allowed})",
            )
        elif isinstance(params[key], (LocDict, LocList)):
            check.error(params.at(key), f"parameter {key!r} must be a plain value")
    if check.deep and params and len(check.problems) == before:
        _try_params(check, family, difficulty, params)
    return ExerciseItem(
        id=item_id,
        family=family,
        difficulty=difficulty,
        title=title,
        tags=tags,
        params=dict(params),
        line=item.pos[0],
    )


def _try_params(check: Checker, family: str, difficulty: int, params: LocDict) -> None:
    """A family checks its parameters' values itself: generate once and place its complaint."""
    from gradeck.exercises.registry import generate

    try:
        generate(family, 0, difficulty, dict(params))
    except ValueError as exc:
        message = str(exc)
        named = next((key for key in params if message.startswith(f"{key} ")), None)
        check.error(params.at(named) if named else params.pos, f"{family}: {message}")


def _check_unique_ids(check: Checker, data: LocDict) -> None:
    """Every id once in the deck, counting items that failed other checks too."""
    seen: dict[str, int] = {}
    for key in ("cards", "exercises"):
        items = data.get(key)
        for item in items if isinstance(items, LocList) else ():
            raw = item.get("id") if isinstance(item, LocDict) else None
            if isinstance(raw, bool) or not isinstance(raw, (str, int)):
                continue
            if not ID_PATTERN.fullmatch(item_id := str(raw)):
                continue
            if item_id in seen:
                check.error(
                    item.at("id"), f"duplicate id {item_id!r} (first used on line {seen[item_id]})"
                )
            else:
                seen[item_id] = item.pos[0]
