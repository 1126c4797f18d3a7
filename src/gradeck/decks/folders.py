"""Course folders: decks in subfolders of the profile's `decks/` folder.

A course is often a git repository cloned (or linked) into `decks/`; besides its decks it holds
CI settings, docs and other YAML. So below the top level only files that declare a deck format
(a top-level `format:` line, which every deck needs) are decks; hidden folders (`.git`,
`.github`) are skipped; linked folders are followed once each (a link back up the tree is not
a loop); and the walk is bounded in depth and in files.
"""

from __future__ import annotations

import os
from pathlib import Path

from gradeck.errors import GradeckError

DECK_SUFFIXES = (".yaml", ".yml")
MAX_DEPTH = 8
MAX_FILES = 20_000
SNIFF_BYTES = 64 * 1024


def declares_deck(path: Path) -> bool:
    """Whether the file has a top-level `format:` line near its start (read in one pass)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return True  # let the loader say what is wrong with it
    return any(line.startswith(b"format:") or line.startswith(b"format :")
               for line in head.splitlines())  # fmt: skip


def course_files(folder: Path, *, top_level: bool = True) -> list[Path]:
    """The deck files of `folder`: every YAML file at its top level (as before course folders;
    with `top_level=False` the top level is sniffed too, as for a course folder about to go
    inside `decks/`), and the ones that declare a deck format in its subfolders."""
    first = 0 if top_level else -1
    found: list[Path] = []
    seen: set[Path] = set()

    def walk(current: Path, depth: int) -> None:
        try:
            real = current.resolve()
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise GradeckError(f"cannot read folder {current}: {exc.strerror}") from None
        if real in seen:
            return
        seen.add(real)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:
                continue
            if is_dir and depth < MAX_DEPTH:
                walk(path, depth + 1)
            elif (
                is_file and path.suffix in DECK_SUFFIXES and (depth == first or declares_deck(path))
            ):
                found.append(path)
                if len(found) > MAX_FILES:
                    raise GradeckError(f"{folder} holds more than {MAX_FILES} deck files")

    walk(folder, 0)
    return found
