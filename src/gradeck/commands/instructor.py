"""`gradeck import`, `export`, `preview` and `worksheet`: the instructor's commands."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gradeck import paths
from gradeck.decks.library import DECK_SUFFIXES, load_library
from gradeck.decks.loader import did_you_mean, load_deck
from gradeck.decks.model import Deck, ExerciseItem
from gradeck.errors import GradeckError
from gradeck.text import printable

if TYPE_CHECKING:
    from gradeck.exercises.model import Exercise

MAX_SKIPS_SHOWN = 200  # skipped blocks listed by `import`: enough to fix the notes by


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise GradeckError(f"cannot write {path}: {exc.strerror}") from None


def find_deck(args: argparse.Namespace, name: str) -> Deck:
    """A deck file given by path (loaded even when not in the library), else a deck by id."""
    path = Path(name)
    if path.suffix in DECK_SUFFIXES and path.is_file():
        return load_deck(path)
    library = load_library(paths.data_dir(args.data_dir), args.deck_args)
    return library.deck(name)


def run_import(args: argparse.Namespace) -> int:
    from gradeck.decks.importer import import_file
    from gradeck.decks.notes import dump_deck

    source = Path(args.file)
    result = import_file(source)
    for skipped in result.skipped[:MAX_SKIPS_SHOWN]:
        print(printable(skipped.where(str(source))), file=sys.stderr)
    if len(result.skipped) > MAX_SKIPS_SHOWN:
        print(f"... and {len(result.skipped) - MAX_SKIPS_SHOWN:,} more", file=sys.stderr)
    text = dump_deck(result.deck)
    if args.output:
        _write(Path(args.output), text)
    else:
        sys.stdout.write(text)
    where = f"; wrote {args.output}" if args.output else ""
    print(
        printable(
            f"imported {len(result.cards)} card(s) from {source}; "
            f"skipped {len(result.skipped)} block(s){where}"
        ),
        file=sys.stderr,
    )
    return 0


EXTENSIONS = {"apkg": ".apkg", "csv": ".csv", "moodle": ".xml"}


def run_export(args: argparse.Namespace) -> int:
    """One deck to the file -o names; several decks (or --all) each to a file of its own in
    the folder -o names, all in this one process (the decks are read and the exporters
    imported once)."""
    names = list(args.deck_ids)
    if args.all == bool(names):
        raise GradeckError("name the decks to export, or give --all (not both)", 2)
    decks = _export_decks(args, names)
    output = Path(args.output)
    if len(names) == 1:
        return _export_one(decks[0], output, args.format, args.variants)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GradeckError(f"cannot use {output} as the export folder: {exc.strerror}") from None
    used: set[str] = set()
    for deck in decks:
        _export_one(
            deck, output / _file_name(deck.id, args.format, used), args.format, args.variants
        )
    print(f"exported {len(decks)} deck(s) to {output}", file=sys.stderr)
    return 0


def _export_decks(args: argparse.Namespace, names: list[str]) -> list[Deck]:
    """The decks named (deck files by path, else ids), or every loaded deck; the library is
    read once, and only when a name needs it."""
    files = {n: Path(n) for n in names if Path(n).suffix in DECK_SUFFIXES and Path(n).is_file()}
    library = None
    if args.all or len(files) < len(names):
        library = load_library(paths.data_dir(args.data_dir), args.deck_args)
    if args.all:
        assert library is not None
        return list(library.decks)
    return [load_deck(files[n]) if n in files else library.deck(n) for n in names]  # type: ignore[union-attr]


def _file_name(deck_id: str, fmt: str, used: set[str]) -> str:
    """A file name for a deck in the export folder: its id with "/" made "_", numbered when
    two ids come out the same."""
    stem = deck_id.replace("/", "_")
    name, n = stem + EXTENSIONS[fmt], 1
    while name in used:
        n += 1
        name = f"{stem}-{n}{EXTENSIONS[fmt]}"
    used.add(name)
    return name


def _export_one(deck: Deck, output: Path, fmt: str, variants: int) -> int:
    from gradeck.decks.export import write_apkg, write_csv

    if fmt == "moodle":
        return _export_moodle(deck, output, variants)
    write = write_apkg if fmt == "apkg" else write_csv
    count = write(deck, output, variants)
    print(printable(f"wrote {count} note(s) of deck {deck.id!r} to {output}"), file=sys.stderr)
    return 0


def _export_moodle(deck: Deck, output: Path, variants: int) -> int:
    from gradeck.decks.moodle import write_moodle

    export = write_moodle(deck, output, variants)
    for reason, count in sorted(export.skipped.items()):
        print(f"left out {count}: {reason}", file=sys.stderr)
    print(f"wrote {export.questions} question(s) of deck {deck.id!r} to {output}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- exercises by name


@dataclass(frozen=True)
class ExerciseSource:
    """Something that makes exercises from seeds: a deck's exercise item, or a family."""

    name: str  # how to name it again on the command line
    item: ExerciseItem | None = None
    family: str = ""

    def exercise(self, seed: int) -> Exercise:
        from gradeck.exercises.template import make_exercise

        if self.item is not None:
            item = self.item
            return make_exercise(item.family, seed, item.difficulty, item.params, item.template)
        from gradeck.exercises.registry import FAMILIES

        return make_exercise(self.family, seed, min(FAMILIES[self.family].difficulties))


def _deck_sources(deck: Deck, label: str, item_id: str | None) -> list[ExerciseSource]:
    if item_id is not None:
        for item in deck.exercises:
            if item.id == item_id:
                return [ExerciseSource(f"{label}:{item.id}", item)]
        ids = [item.id for item in deck.exercises]
        hint = did_you_mean(item_id, ids) or f" (its exercises: {', '.join(ids) or 'none'})"
        raise GradeckError(f"deck {deck.id!r} has no exercise {item_id!r}{hint}")
    if not deck.exercises:
        raise GradeckError(f"deck {deck.id!r} has no exercises")
    return [ExerciseSource(f"{label}:{item.id}", item) for item in deck.exercises]


def resolve(args: argparse.Namespace, name: str) -> list[ExerciseSource]:
    """What `name` stands for: `FILE.yaml` or `DECK` (all its exercises), `FILE.yaml:ITEM` or
    `DECK:ITEM` (one), or an exercise family."""
    from gradeck.exercises.registry import FAMILIES

    if Path(name).suffix in DECK_SUFFIXES and Path(name).is_file():
        return _deck_sources(load_deck(Path(name)), name, None)
    deck_name, colon, item_id = name.rpartition(":")
    if colon:
        return _deck_sources(find_deck(args, deck_name), deck_name, item_id)
    if name in FAMILIES:
        return [ExerciseSource(name, family=name)]
    library = load_library(paths.data_dir(args.data_dir), args.deck_args)
    deck_ids = [deck.id for deck in library.decks]
    if name in deck_ids:
        return _deck_sources(library.deck(name), name, None)
    hint = did_you_mean(name, [*FAMILIES, *deck_ids])
    raise GradeckError(
        f"{name!r} is neither an exercise family nor a deck{hint} "
        "(give FAMILY, DECK, DECK:ITEM, FILE.yaml or FILE.yaml:ITEM)"
    )


def _seed(seed: int | None) -> int:
    from gradeck.commands.exercises import fresh_seed

    return fresh_seed() if seed is None else seed


def run_preview(args: argparse.Namespace) -> int:
    from gradeck.exercises.render import render_exercise

    sources = resolve(args, args.template)
    source = sources[0]
    if len(sources) > 1:
        others = ", ".join(s.name for s in sources[1:])
        note = f"(previewing the first of {len(sources)} exercises; the others: {others})"
        print(printable(note), file=sys.stderr)
    seed = _seed(args.seed)
    exercise = source.exercise(seed)
    print(printable(f"{source.name} · seed {seed}"))
    if args.seed is None:
        print(printable(f"(again with: gradeck preview {source.name} --seed {seed})"))
    print()
    print(printable(render_exercise(exercise, answers=True, solution=True)))
    extras = _hints_and_mistakes(exercise)
    if extras:
        print()
        print(printable(extras))
    return 0


def _hints_and_mistakes(exercise: Exercise) -> str:
    """What an author wants to check besides the answers: the hints and the listed mistakes."""
    from gradeck.exercises.render import format_value, render_hint, wrap

    blocks = []
    if exercise.hints:
        blocks.append("\n".join(render_hint(exercise, i) for i in range(len(exercise.hints))))
    lines = [
        wrap(f"({part.label}) {format_value(m.value)}: {m.feedback}", indent="  ", hang="  ")
        for part in exercise.parts
        for m in part.mistakes
    ]
    if lines:
        blocks.append("\n".join(["Known mistakes", *lines]))
    return "\n\n".join(blocks)
