"""`gradeck decks`, `gradeck validate` and `gradeck show`: light commands, no numpy or sympy.

Everything printed goes through `printable`: a deck file's name, or a deck that has not been
validated, may hold control characters.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gradeck import paths
from gradeck.decks.cards import cloze_answer, hole_ids
from gradeck.decks.library import DECK_SUFFIXES, builtin_files, load_library
from gradeck.decks.loader import load_deck
from gradeck.decks.model import Card, Deck
from gradeck.problems import Problem, ProblemsError
from gradeck.text import counted, printable


def _library(args: argparse.Namespace):
    return load_library(paths.data_dir(args.data_dir), args.deck_args)


def _warn(problems) -> None:
    import sys

    for problem in problems:
        print(printable(str(problem)), file=sys.stderr)


def run_decks(args: argparse.Namespace) -> int:
    library = _library(args)
    _warn(library.problems)
    rows = [
        {
            "id": d.id,
            "title": d.title,
            "cards": len(d.cards),
            "exercises": len(d.exercises),
            "items": len(library.keys(d.id)),  # what is scheduled: each cloze hole, each side
            "builtin": d.builtin,
            "path": str(d.path),
        }
        for d in library.decks
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No decks found.")
        return 0
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        sizes = [counted(r[k], k[:-1]) for k in ("cards", "exercises") if r[k]]
        if r["items"] != r["cards"] + r["exercises"]:
            sizes.append(counted(r["items"], "item"))
        counts = f"{', '.join(sizes) or '0 items':<24}"
        origin = "" if r["builtin"] else f"  ({r['path']})"
        print(printable(f"{r['id']:<{width}}  {counts}  {r['title']}{origin}"))
    return 0


def _expand(targets: list[str]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in DECK_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(target, 1, 1, "folder holds no .yaml or .yml files"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(target, 1, 1, "no such file or folder"))
    return files, problems


def run_validate(args: argparse.Namespace) -> int:
    # A file given by name may set family params a family does not take: those are tried (which
    # loads numpy); the built-in decks, tested with the code, are checked light.
    if args.paths:
        files, problems = _expand(args.paths)
    else:
        files, problems = builtin_files(), []
    seen: dict[str, Path] = {}
    clean = 0
    for path in files:
        try:
            deck = load_deck(path, deep=bool(args.paths))
        except ProblemsError as exc:
            problems.extend(exc.problems)
            continue
        if deck.id in seen:
            problems.append(
                Problem(str(path), 1, 1, f"deck id {deck.id!r} is already used by {seen[deck.id]}")
            )
            continue
        seen[deck.id] = path
        clean += 1
    for problem in problems:
        print(printable(str(problem)))
    bad_files = len({p.path for p in problems})
    if problems:
        print(f"{len(problems)} problem(s) in {bad_files} file(s); {clean} deck(s) clean.")
        return 1
    print(f"{clean} deck(s) checked, no problems.")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """The deck named by id, or read from the file given (as `validate` reads it)."""
    path = Path(args.deck_id)
    if path.suffix in DECK_SUFFIXES and path.is_file():
        deck = load_deck(path)
    else:
        library = _library(args)
        _warn(library.problems)
        deck = library.deck(args.deck_id)
    print(printable(format_deck(deck)))
    return 0


def format_deck(deck: Deck) -> str:
    """A deck as plain text, for reading or piping."""
    lines = [f"{deck.title} ({deck.id})"]
    if deck.description:
        lines.append(deck.description)
    sizes = f"{counted(len(deck.cards), 'card')}, {counted(len(deck.exercises), 'exercise')}"
    lines.append(f"{sizes} · {deck.path}")
    for card in deck.cards:
        lines += ["", *_card_lines(card)]
    for ex in deck.exercises:
        title = f": {ex.title}" if ex.title else ""
        lines += ["", f"[{ex.id}] exercise {ex.family}, difficulty {ex.difficulty}{title}"]
        if ex.tags:
            lines.append(f"  tags: {', '.join(ex.tags)}")
    return "\n".join(lines)


def _card_lines(card: Card) -> list[str]:
    lines = [f"[{card.id}] {card.type}"]
    if card.type in ("basic", "reversible"):
        lines += [f"  Q: {card.front}", f"  A: {card.back}"]
    elif card.type == "cloze":
        lines += [f"  {h}: {cloze_answer(card.text, h)}" for h in hole_ids(card.text)]
    elif card.type == "choice":
        lines.append(f"  Q: {card.question}")
        lines += [f"  [x] {o}" for o in card.correct] + [f"  [ ] {o}" for o in card.wrong]
    else:
        lines += [f"  Q: {card.question}", f"  A: {' | '.join(card.answers)}"]
    if card.note:
        lines.append(f"  note: {card.note}")
    if card.tags:
        lines.append(f"  tags: {', '.join(card.tags)}")
    return lines
