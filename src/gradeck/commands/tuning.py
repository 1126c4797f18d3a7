"""`gradeck optimize [--json]` and `gradeck simulate [--json]`: FSRS fitted to your answers, and
what each desired retention would cost you (docs/scheduling.md)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from gradeck.study import Profile
from gradeck.study.tuning import marks, optimize, simulate
from gradeck.text import printable


def _score(label: str, score: dict[str, Any]) -> str:
    return f"  {label:<22} {score['log_loss']:8.4f}  {score['rmse']:7.2%}"


def run_optimize(args: argparse.Namespace) -> int:
    with Profile.open(args.data_dir, args.deck_args) as profile:
        result = optimize(profile)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    fitted_before = "preset" if result["preset"] is not None else "profile"
    in_use = {
        "default": "in use (default)",
        fitted_before: "in use (fitted before)",
    }.get(result["current"]["weights"], "in use (profile's)")
    whose = "" if result["preset"] is None else f" of preset {result['preset']}"
    print(
        f"Fitted FSRS to {result['answers']} scheduled answers of {result['items']} items"
        f"{whose} ({result['predicted']} of them predicted)."
    )
    print(f"  {'':<22} {'log loss':>8}  {'RMSE':>7}")
    print(_score(in_use, result["current"]))
    print(_score("fitted", result["fitted"]))
    if result["saved"] and result["preset"] is None:
        print("Saved: from now on the fitted weights schedule every deck without weights of "
              "its own (`gradeck decks options` lists them).")  # fmt: skip
    elif result["saved"]:
        decks = ", ".join(result["decks"])
        print(f"Saved for preset {result['preset']}: the fitted weights schedule every answer "
              f"in {decks} from now on.")  # fmt: skip
    else:
        print("Kept the weights in use: the fitted ones predict your answers no better.")
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    with Profile.open(args.data_dir, args.deck_args) as profile:
        result = simulate(profile)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    if not result["outcomes"]:
        print("No items to simulate: add a deck first.")
        return 0
    print(
        f"A year of study at each desired retention, for {result['items']} items, at most "
        f"{result['new_per_day']} new and {result['reviews_per_day']} reviews a day:"
    )
    print("  retention  answers/day  remembered  answers per item remembered")
    for row in result["outcomes"]:
        print(f"  {row['retention']:9.2f}  {row['answers_per_day']:11.1f}  "
              f"{row['remembered']:10.0f}  {row['answers_per_item']:27.1f}"
              f"{printable(marks(result, row['retention']))}")  # fmt: skip
    print(
        f"* the fewest answers per item remembered. Your desired retention is "
        f"{result['desired_retention']:.2f} (`gradeck config set retention R` changes it; "
        "`gradeck decks options DECK` a deck's)."
    )
    return 0
