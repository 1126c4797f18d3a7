"""`gradeck stats [--deck ID] [--json]`: what has been studied and what is coming.

The JSON keys are listed in docs/scheduling.md; the plain text is a short readable summary.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from gradeck.errors import GradeckError
from gradeck.study import Profile
from gradeck.study.tuning import health


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def _retention_line(label: str, cell: dict[str, Any]) -> str:
    return f"{label} {_percent(cell['rate'])} ({cell['passed']}/{cell['passed'] + cell['failed']})"


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h {rest // 60:02d}m" if hours else f"{rest // 60}m {rest % 60:02d}s"


def summary(stats: dict[str, Any]) -> str:
    """The plain-text report."""
    today, states = stats["today"], stats["states"]
    days = "day" if stats["streak"] == 1 else "days"
    month = stats["retention"]["month"]
    lines = [
        f"Today ({stats['date']}): {today['reviewed']} answered, {today['new']} new, "
        f"{today['due']} due in all (daily limits aside). Streak: {stats['streak']} {days}.",
        f"All time: {stats['reviews_total']} answers ({stats['practice_total']} in practice), "
        f"{_duration(stats['time_spent_s'])} spent.",
        "Items: " + " · ".join(f"{n} {name}" for name, n in states.items()),
        "Due in the next 7 days: " + " ".join(str(n) for n in stats["forecast"][:7]),
        "True retention, last 30 days: "
        + ", ".join(_retention_line(k, month[k]) for k in ("young", "mature", "total")),
        f"Answers in the last 365 days: {sum(stats['daily'])}",
    ]
    if stats["decks"]:
        lines.append("Decks:")
        width = max(len(d) for d in stats["decks"])
        for deck_id, d in stats["decks"].items():
            lines.append(
                f"  {deck_id:<{width}}  {d['total']} items: {d['new']} new, {d['learning']} "
                f"learning, {d['review']} review; {d['due']} due; mean recall "
                f"{_percent(d['mean_retrievability'])}"
            )
    families = stats["exercises"]["families"]
    if families:
        lines.append("Exercises (right at the first try):")
        for name, f in families.items():
            lines.append(f"  {name}: {_percent(f['accuracy'])} of {f['answers']}")
    mistakes = stats["exercises"]["mistakes"]
    if mistakes:
        lines.append("Most frequent mistakes (every try counted):")
        lines += [f"  {m['family']}: {m['mistake']} ({m['count']}×)" for m in mistakes]
    return "\n".join(lines)


def _rates(rates: dict[str, dict[str, Any]], desired: float | None = None) -> str:
    """Pass rates; a deck whose preset asks for another retention than `desired` says which."""
    return ", ".join(
        f"{key} {_percent(r['rate'])} ({r['passed']}/{r['total']}"
        + (f", desired {r['desired']:.0%})" if r.get("desired", desired) != desired else ")")
        for key, r in rates.items()
    )


def health_summary(health: dict[str, Any]) -> str:
    """The health check in a few lines: how well the weights predict, true retention."""
    if not health["predicted"]:
        lines = ["Health: no answers a day or more apart to predict yet."]
    else:
        advice = "" if health["weights"] == "fitted" else "; `gradeck optimize` fits them to you"
        lines = [
            f"Health: the {health['weights']} FSRS weights predict your recall with log loss "
            f"{health['log_loss']:.4f} and RMSE {health['rmse']:.1%} "
            f"({health['predicted']} answers){advice}."
        ]
    if not health["current"]:
        lines.append(_NOT_CURRENT)
    true = health["true_retention"]
    lines.append(
        f"True retention, last 365 days, beside the desired {health['desired_retention']:.0%}:"
    )
    lines.append(
        "  decks: " + (_rates(true["decks"], health["desired_retention"]) or "no reviews yet")
    )
    if true["families"]:
        lines.append("  exercise families: " + _rates(true["families"]))
    for p in health.get("presets", []):
        scores = (
            f"log loss {p['log_loss']:.4f}, RMSE {p['rmse']:.1%} ({p['predicted']} answers)"
            if p["predicted"]
            else "no answers to predict yet"
        )
        lines.append(
            f"Preset {p['preset']} ({', '.join(p['decks'])}): its fitted weights, {scores}."
        )
        if not p["current"]:
            lines.append(_NOT_CURRENT)
    return "\n".join(lines)


_NOT_CURRENT = (
    "  (scored before your latest answers, which a log this large does not rescore at every "
    "`stats`: `gradeck stats --rescore` or `gradeck optimize` brings the scores up to date)"
)


def run_stats(args: argparse.Namespace) -> int:
    decks = list(args.deck_args)
    if len(decks) > 1:
        raise GradeckError("stats takes at most one --deck", 2)
    with Profile.open(args.data_dir, decks, read_only=True) as profile:
        stats = profile.stats(profile.library.selected[0] if decks else None)
        stats["health"] = health(profile, rescore=args.rescore)
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
    else:
        print(summary(stats))
        print(health_summary(stats["health"]))
    return 0
