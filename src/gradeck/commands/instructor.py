"""`gradeck import`, `export`, `preview` and `worksheet`: the instructor's commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gradeck import paths
from gradeck.decks.library import DECK_SUFFIXES, load_library
from gradeck.decks.loader import load_deck
from gradeck.decks.model import Deck
from gradeck.errors import GradeckError


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
    from gradeck.decks.importer import dump_deck, import_file

    source = Path(args.file)
    result = import_file(source)
    for skipped in result.skipped:
        print(skipped.where(str(source)), file=sys.stderr)
    text = dump_deck(result.deck)
    if args.output:
        _write(Path(args.output), text)
    else:
        sys.stdout.write(text)
    where = f"; wrote {args.output}" if args.output else ""
    print(
        f"imported {len(result.cards)} card(s) from {source}; "
        f"skipped {len(result.skipped)} block(s){where}",
        file=sys.stderr,
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    from gradeck.decks.export import write_apkg, write_csv

    deck = find_deck(args, args.deck_id)
    output = Path(args.output)
    write = write_apkg if args.format == "apkg" else write_csv
    count = write(deck, output, args.variants)
    print(f"wrote {count} note(s) of deck {deck.id!r} to {output}", file=sys.stderr)
    return 0
