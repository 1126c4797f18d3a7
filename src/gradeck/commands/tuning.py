"""`gradeck optimize [--json]` and `gradeck simulate [--json]`: FSRS fitted to your answers, and
what each desired retention would cost you (docs/scheduling.md)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from gradeck.study import Profile
from gradeck.study.tuning import optimize, simulate


def _score(label: str, score: dict[str, Any]) -> str:
    return f"  {label:<22} {score['log_loss']:8.4f}  {score['rmse']:7.2%}"


def run_optimize(args: argparse.Namespace) -> int:
    with Profile.open(args.data_dir, args.deck_args) as profile:
        result = optimize(profile)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    in_use = "in use (default)" if result["current"]["default"] else "in use (fitted before)"
    print(
        f"Fitted FSRS to {result['answers']} scheduled answers of {result['items']} items "
        f"({result['predicted']} of them predicted)."
    )
    print(f"  {'':<22} {'log loss':>8}  {'RMSE':>7}")
    print(_score(in_use, result["current"]))
    print(_score("fitted", result["fitted"]))
    if result["saved"]:
        print("Saved: the fitted weights schedule every answer from now on.")
    else:
        print("Kept the weights in use: the fitted ones predict your answers no better.")
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    with Profile.open(args.data_dir, args.deck_args) as profile:
        settings = profile.settings()
        result = simulate(profile)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    if not result["outcomes"]:
        print("No items to simulate: add a deck first.")
        return 0
    print(
        f"A year of study at each desired retention, for {result['items']} items, at most "
        f"{settings.new_per_day} new and {settings.reviews_per_day} reviews a day:"
    )
    print("  retention  answers/day  remembered  answers per item remembered")
    for row in result["outcomes"]:
        mark = " *" if row["retention"] == result["cheapest"] else ""
        mark += "  (yours)" if row["retention"] == result["desired_retention"] else ""
        print(
            f"  {row['retention']:9.2f}  {row['answers_per_day']:11.1f}  "
            f"{row['remembered']:10.0f}  {row['answers_per_item']:27.1f}{mark}"
        )
    print(
        f"* the fewest answers per item remembered. Your desired retention is "
        f"{result['desired_retention']:.2f} (`gradeck config set retention R` changes it)."
    )
    return 0
