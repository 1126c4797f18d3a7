"""`gradeck` with no command, and `gradeck study [DECK]`: open the Textual study app.

Textual is imported here, inside the functions, so that `gradeck --help` and the plain
commands start without it.
"""

from __future__ import annotations

import argparse
import gc
from pathlib import Path


def _run(args: argparse.Namespace, study_deck: str | None) -> int:
    # Python's cyclic garbage collector waits until the home screen is usable: importing
    # Textual and drawing the first screen make some 90 000 objects, and the collector walked
    # the survivors again and again (some 50 ms of CPU time, benchmarks/README.md). What is
    # garbage among them is collected as soon as the collector is back on.
    gc.disable()
    try:
        from gradeck.tui.app import GradeckApp

        data_dir = Path(args.data_dir) if args.data_dir else None
        app = GradeckApp(
            data_dir=data_dir,
            deck_args=args.deck_args,
            study_deck=study_deck,
            when_usable=gc.enable,
        )
        app.run()
    finally:
        gc.enable()
    if app.error is not None:
        raise app.error  # printed by the command line as `gradeck: ...`
    return int(app.return_code or 0)


def run_home(args: argparse.Namespace) -> int:
    """The home screen: decks, today's counts, and everything else one key away."""
    return _run(args, None)


def run_study(args: argparse.Namespace) -> int:
    """Straight into a review of one deck, or of everything due when no deck is named."""
    return _run(args, args.deck_id or "")
