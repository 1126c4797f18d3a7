"""`gradeck backup [FILE]` and `gradeck progress export|import FILE.json`.

A backup is SQLite's online backup: a consistent copy even while another gradeck answers. The
JSON export moves progress between machines; importing it twice adds nothing the second time.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

from gradeck.errors import GradeckError
from gradeck.study import Profile


def run_backup(args: argparse.Namespace) -> int:
    with Profile.open(args.data_dir, ()) as profile:
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
    with Profile.open(args.data_dir, ()) as profile:
        if args.action == "export":
            text = json.dumps(profile.export_progress(), indent=1, ensure_ascii=False)
            try:
                path.write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise GradeckError(f"cannot write {path}: {exc.strerror}") from None
            print(f"Exported progress to {path}")
            return 0
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise GradeckError(f"cannot read {path}: {exc.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GradeckError(f"{path} is not JSON: {exc}") from None
        try:
            counts = profile.import_progress(data)
        except GradeckError as exc:
            raise GradeckError(f"{path}: {exc}") from None
    print(
        f"Imported {path}: {counts['reviews_added']} answer(s), {counts['items_added']} new "
        f"item(s), {counts['items_updated']} item(s) updated, "
        f"{counts['settings_added']} setting(s)."
    )
    return 0
