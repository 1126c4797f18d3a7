"""`gradeck decks [add PATH | path | options DECK]`: list the decks, add a deck file or course
folder to the profile (validated first, then linked, or copied with --copy), print where decks
live, or a deck's scheduling options (commands/presets.py)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from gradeck import paths
from gradeck.decks.folders import DECK_SUFFIXES, course_files
from gradeck.decks.library import load_library
from gradeck.decks.loader import load_deck
from gradeck.errors import GradeckError
from gradeck.problems import Problem, ProblemsError


def run_decks(args: argparse.Namespace) -> int:
    if args.action == "path":
        print(paths.user_decks_dir(paths.data_dir(args.data_dir)))
        return 0
    if args.action == "options":
        from gradeck.commands.presets import run_options

        return run_options(args)
    if any(getattr(args, name) is not None for name in ("preset", "retention", "parameters")):
        raise GradeckError("--preset, --retention and --parameters go with `gradeck decks options`")
    if args.action == "add":
        if not args.target:
            raise GradeckError("give the deck file or course folder to add: gradeck decks add PATH")
        return add(args, Path(args.target))
    if args.target:
        raise GradeckError(f"unexpected {args.target!r} (did you mean `gradeck decks add`?)")
    from gradeck.commands.decks import run_decks as list_decks

    return list_decks(args)


def _deck_ids(source: Path) -> dict[str, Path]:
    """The decks `source` holds, by id, once every one of them loads cleanly."""
    if source.is_dir():
        files = course_files(source, top_level=False)
        if not files:
            raise GradeckError(f"{source} holds no deck files (.yaml or .yml with 'format:')")
    elif source.suffix in DECK_SUFFIXES and source.is_file():
        files = [source]
    elif source.exists():
        raise GradeckError(f"{source} is not a deck file (.yaml or .yml) or a folder")
    else:
        raise GradeckError(f"no such file or folder: {source}")
    problems: list[Problem] = []
    ids: dict[str, Path] = {}
    for path in files:
        try:
            deck = load_deck(path)
        except ProblemsError as exc:
            problems.extend(exc.problems)
            continue
        if deck.id in ids:
            problems.append(
                Problem(str(path), 1, 1, f"deck id {deck.id!r} is also in {ids[deck.id]}")
            )
            continue
        ids[deck.id] = path
    if problems:
        raise ProblemsError(problems)
    return ids


def add(args: argparse.Namespace, source: Path) -> int:
    home = paths.data_dir(args.data_dir)
    folder = paths.user_decks_dir(home)
    ids = _deck_ids(source)
    library = load_library(home)
    for deck_id, path in ids.items():
        if any(d.id == deck_id for d in library.decks):
            used = next(d for d in library.decks if d.id == deck_id)
            where = "a built-in deck" if used.builtin else str(used.path)
            raise GradeckError(f"{path}: deck id {deck_id!r} is already used by {where}")
    target = folder / source.resolve().name
    if target.exists() or target.is_symlink():
        raise GradeckError(f"{target} already exists; remove it or rename what you add")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if args.copy:
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*"))
            else:
                shutil.copy2(source, target)
        else:
            os.symlink(source.resolve(), target, target_is_directory=source.is_dir())
    except OSError as exc:
        how = "copy" if args.copy else "link (try --copy)"
        raise GradeckError(f"cannot {how} {source} to {target}: {exc.strerror}") from None
    how = "copied" if args.copy else "linked"
    print(f"{how} {len(ids)} deck(s) ({', '.join(sorted(ids))}) as {target}", file=sys.stderr)
    return 0
