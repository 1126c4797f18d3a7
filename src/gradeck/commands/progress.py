"""`gradeck backup [FILE] | --restore FILE` and `gradeck progress export|import FILE.json`.

A backup is SQLite's online backup: a consistent copy even while another gradeck answers, and
one of a damaged database is refused. A restore checks the backup first and keeps the database
it replaces. The JSON export moves progress between machines; importing it twice adds nothing
the second time, and a file with any problem imports nothing (srs/transfer.py checks it).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from gradeck.errors import GradeckError
from gradeck.study import Profile, restore_backup

MAX_DIGITS = 30  # no number in a progress file is longer; Python refuses 4300 on its own


class _LongNumber(ValueError):
    pass


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _LongNumber(len(text.lstrip("-")))
    return int(text)


def read_json(path: Path) -> Any:
    """A JSON file's data, or a GradeckError that says what is wrong with it and where."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GradeckError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise GradeckError(f"{path} is not JSON: byte {exc.start} is not UTF-8") from None
    try:
        return json.loads(text, parse_int=_integer)
    except RecursionError:
        raise GradeckError(f"{path} is nested too deeply to be a progress file") from None
    except _LongNumber as exc:
        raise GradeckError(
            f"{path} holds a number of {exc.args[0]} digits; a progress file has none longer "
            f"than {MAX_DIGITS}"
        ) from None
    except json.JSONDecodeError as exc:
        raise GradeckError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None


def run_backup(args: argparse.Namespace) -> int:
    if args.restore:
        if args.file:
            raise GradeckError("give either a FILE to back up to or --restore FILE, not both", 2)
        kept = restore_backup(args.data_dir, Path(args.restore))
        print(f"Restored progress from {args.restore}.")
        if kept is not None:
            print(f"The database it replaced is kept as {kept}.")
        return 0
    with Profile.open(args.data_dir, (), read_only=True) as profile:
        if args.file:
            dest = Path(args.file)
        else:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            dest = profile.db_path.with_name(f"gradeck-backup-{stamp}.db")
        if dest.exists():
            raise GradeckError(f"{dest} already exists; name another file")
        profile.backup(dest)
    print(f"Backed up progress to {dest}")
    return 0


def run_progress(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if args.student is not None and (args.action != "export" or not args.student.strip()):
        raise GradeckError("--student NAME goes with export, and names someone", 2)
    if args.action == "export":
        if path.exists() and not args.force:
            raise GradeckError(f"{path} already exists; add --force to overwrite it")
        with Profile.open(args.data_dir, (), read_only=True) as profile:
            data = profile.export_progress(student=args.student)
            text = json.dumps(data, indent=1, ensure_ascii=False)
        try:
            path.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise GradeckError(f"cannot write {path}: {exc.strerror}") from None
        print(f"Exported progress to {path}")
        return 0
    data = read_json(path)
    with Profile.open(args.data_dir, ()) as profile:
        try:
            counts = profile.import_progress(data)
        except GradeckError as exc:
            raise GradeckError(f"{path}: {exc}") from None
    print(
        f"Imported {path}: {counts['reviews_added']} answer(s), {counts['items_added']} new "
        f"item(s), {counts['items_updated']} item(s) updated, "
        f"{counts['settings_added']} setting(s)"
        + (f", {counts['presets_added']} deck preset entries." if counts["presets_added"] else ".")
    )
    return 0
