"""`gradeck decks options [DECK] [--preset NAME] [--retention R] [--parameters default]`: the
preset a deck is on, and the desired retention and FSRS weights that schedule it
(docs/scheduling.md)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from gradeck.errors import GradeckError
from gradeck.study import Profile
from gradeck.study.options import DeckOptions, deck_options, set_deck_options
from gradeck.text import printable

_WEIGHTS = {
    "preset": "fitted for the preset",
    "profile": "fitted for the profile",
    "default": "fsrs's defaults",
}


def _line(row: DeckOptions, width: int) -> str:
    source = "preset" if row.own_retention else "profile"
    return printable(
        f"{row.deck_id:<{width}}  preset {row.preset:<12}  retention {row.retention:.2f} "
        f"({source})  weights {_WEIGHTS[row.weights]}"
    )


def _sharing(row: DeckOptions) -> str:
    return printable(f"  (the preset is shared with {', '.join(row.sharing)})")


def run_options(args: argparse.Namespace) -> int:
    changes = {"preset": args.preset, "retention": args.retention, "parameters": args.parameters}
    with Profile.open(args.data_dir, ()) as profile:
        if args.target is not None:
            rows = [set_deck_options(profile, args.target, **changes)]
        else:
            if any(v is not None for v in changes.values()):
                raise GradeckError("name the deck to change: gradeck decks options DECK ...", 2)
            rows = deck_options(profile)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False))
        return 0
    width = max((len(r.deck_id) for r in rows), default=0)
    for row in rows:
        print(_line(row, width))
    if args.target is not None and rows[0].sharing:
        print(_sharing(rows[0]))
    return 0
