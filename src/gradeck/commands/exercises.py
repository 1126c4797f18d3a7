"""`gradeck families`, `gradeck generate` and `gradeck quiz`: exercises in plain text.

The quiz reads one line per answer and never needs a terminal, so it works with stdin a pipe,
in scripts and with screen readers.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
from typing import Any

from gradeck.commands.lines import COMMANDS, Quit, ask_exercise, say, show_solution
from gradeck.errors import GradeckError
from gradeck.exercises import registry
from gradeck.exercises.model import Exercise
from gradeck.exercises.registry import FamilyInfo
from gradeck.text import printable


def _all_families() -> list[FamilyInfo]:
    return sorted(registry.FAMILIES.values(), key=lambda i: i.name)


def _family(name: str) -> FamilyInfo:
    if name in registry.FAMILIES:
        return registry.FAMILIES[name]
    close = difflib.get_close_matches(name, list(registry.FAMILIES), n=1, cutoff=0.5)
    tail = f"; did you mean '{close[0]}'?" if close else " (see `gradeck families`)"
    raise GradeckError(f"unknown family '{name}'{tail}")


def _check_difficulty(info: FamilyInfo, difficulty: int) -> int:
    if difficulty not in info.difficulties:
        levels = ", ".join(str(d) for d in info.difficulties)
        raise GradeckError(f"{info.name} has difficulties {levels}, not {difficulty}")
    return difficulty


def fresh_seed() -> int:
    """A short seed, so that a person can type it back to see the same exercise again."""
    return random.SystemRandom().randrange(1_000_000)


def _levels(difficulties: tuple[int, ...]) -> str:
    ds = sorted(difficulties)
    if len(ds) > 1 and ds == list(range(ds[0], ds[-1] + 1)):
        return f"{ds[0]}-{ds[-1]}"
    return ",".join(str(d) for d in ds)


def run_families(args: argparse.Namespace) -> int:
    infos = _all_families()
    if args.json:
        rows = [
            {
                "name": i.name,
                "description": i.description,
                "difficulties": list(i.difficulties),
                "topic": i.topic,
            }
            for i in infos
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not infos:
        print("No exercise families are available.")
        return 0
    width = max(len(i.name) for i in infos)
    levels = {i.name: _levels(i.difficulties) for i in infos}
    level_width = max(len(v) for v in levels.values())
    for i in infos:
        print(f"{i.name:<{width}}  {levels[i.name]:<{level_width}}  {i.description}")
    return 0


def exercise_json(exercise: Exercise) -> dict[str, Any]:
    """An exercise as JSON-ready data, with its answers, mistakes and solution."""

    def plain(value: Any) -> Any:
        return [plain(v) for v in value] if isinstance(value, tuple) else value

    return {
        "family": exercise.family,
        "seed": exercise.seed,
        "difficulty": exercise.difficulty,
        "title": exercise.title,
        "prompt": exercise.prompt,
        "network": list(exercise.network),
        "tables": [
            {
                "title": t.title,
                "rows": plain(t.rows),
                "row_labels": list(t.row_labels),
                "col_labels": list(t.col_labels),
            }
            for t in exercise.tables
        ],
        "parts": [
            {
                "label": p.label,
                "prompt": p.prompt,
                "kind": p.kind,
                "expected": plain(p.expected),
                "rel_tol": p.rel_tol,
                "abs_tol": p.abs_tol,
                "symbols": list(p.symbols),
                "mistakes": [
                    {"name": m.name, "value": plain(m.value), "feedback": m.feedback}
                    for m in p.mistakes
                ],
            }
            for p in exercise.parts
        ],
        "hints": list(exercise.hints),
        "solution": [
            {"text": s.text, "formula": s.formula, "working": s.working} for s in exercise.solution
        ],
    }


def run_generate(args: argparse.Namespace) -> int:
    from gradeck.exercises.render import render_exercise

    info = _family(args.family)
    difficulty = _check_difficulty(info, args.difficulty)
    seed = fresh_seed() if args.seed is None else args.seed
    exercise = registry.generate(info.name, seed, difficulty)
    if args.json:
        print(json.dumps(exercise_json(exercise), indent=2, ensure_ascii=False))
        return 0
    print(f"{info.name} · difficulty {difficulty} · seed {seed}")
    if args.seed is None:
        print(f"(again with: gradeck generate {info.name} --seed {seed} --difficulty {difficulty})")
    print()
    print(printable(render_exercise(exercise, answers=True, solution=True)))
    return 0


# ---------------------------------------------------------------------------------------------
# Quiz


def _quiz_families(args: argparse.Namespace) -> list[FamilyInfo]:
    infos = [_family(n) for n in args.families] or sorted(
        registry.FAMILIES.values(), key=lambda i: i.name
    )
    if not infos:
        raise GradeckError("no exercise families are available")
    if args.difficulty is not None:
        if len(args.families) == 1:
            _check_difficulty(infos[0], args.difficulty)
        infos = [i for i in infos if args.difficulty in i.difficulties]
        if not infos:
            raise GradeckError(f"no family has difficulty {args.difficulty}")
    return infos


def run_quiz(args: argparse.Namespace) -> int:
    from gradeck.exercises.render import render_prompt

    if args.count < 1:
        raise GradeckError("--count must be at least 1", 2)
    infos = _quiz_families(args)
    seed = fresh_seed() if args.seed is None else args.seed
    rng = random.Random(seed)
    order = list(infos)
    rng.shuffle(order)
    say(
        f"Quiz of {args.count} exercise(s), seed {seed}. One answer per line, two tries per "
        f"part; {COMMANDS}, q quit."
    )
    finished = right = parts = parts_right = 0
    for n in range(args.count):
        info = order[n % len(order)]
        difficulty = rng.choice(info.difficulties) if args.difficulty is None else args.difficulty
        exercise_seed = rng.randrange(1_000_000)  # short, to be typed back into `generate`
        exercise = registry.generate(info.name, exercise_seed, difficulty)
        say()
        say(
            f"Exercise {n + 1} of {args.count} · {info.name} · difficulty {difficulty} "
            f"· seed {exercise_seed}"
        )
        say(render_prompt(exercise))
        try:
            outcome = ask_exercise(exercise)
        except Quit:
            break
        finished += 1
        right += outcome.first_try_right
        parts += outcome.parts
        parts_right += sum(outcome.parts_right)
        show_solution(exercise, outcome)
    say()
    say(
        f"Score: {right}/{finished} exercises right at the first try; "
        f"{parts_right}/{parts} parts right in the end"
    )
    return 0
