"""`gradeck check [--repair]`: is the progress database sound, and can every item be scheduled?

Damage to the file is reported with what SQLite's integrity check found, and the way back (a
backup); an item whose stored schedule is out of bounds is named with each field that is wrong,
and `--repair` makes it new again with its answers kept. Exits 1 while anything is wrong.
"""

from __future__ import annotations

import argparse

from gradeck.study import Profile
from gradeck.text import printable


def run_check(args: argparse.Namespace) -> int:
    with Profile.open(args.data_dir, (), read_only=not args.repair) as profile:
        health = profile.check()
        path = profile.db_path
        if health.damage:
            print(f"{path} is damaged; SQLite's integrity check says:")
            for line in health.damage:
                print(f"  {printable(line)}")
            print("Bring back a backup with `gradeck backup --restore FILE`.")
            return 1
        for item in health.items:
            name = "/".join(printable(part) for part in item.key if part)
            for field, why in item.problems:
                print(f"{name}: {field} {why}")
        if not health.items:
            print(f"{path} is sound: every item can be scheduled.")
            return 0
        count = f"{len(health.items)} item(s)"
        if not args.repair:
            print(
                f"{count} cannot be scheduled and are left out of reviews. "
                "`gradeck check --repair` makes them new again, keeping their answers."
            )
            return 1
        fixed = profile.repair(health)
    print(f"Repaired {fixed} item(s): they are new again, and their answers are kept.")
    return 0
