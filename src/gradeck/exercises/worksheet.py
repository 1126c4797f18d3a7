"""Printable worksheets and the plain text of an exercise's two sides.

A worksheet is Markdown: numbered exercises first, then an answer key with the answers and worked
solutions, each exercise labelled with what made it (a family or a template, and the seed) so the
key can be regenerated with `gradeck generate` or `gradeck preview`. Exercise text sits in fenced
blocks: tables stay aligned and characters such as `*` are not read as Markdown. Nothing here
depends on the time or the machine, so the same exercises give the same file, byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gradeck.exercises.model import Exercise
from gradeck.exercises.render import (
    part_heading,
    render_answers,
    render_parts,
    render_prompt,
    render_solution,
    wrap,
)

ANSWER_LINE = "Answer: ____________________"


def prompt_text(exercise: Exercise) -> str:
    """What the learner reads: title, prompt, network, tables and the parts to answer."""
    return f"{render_prompt(exercise)}\n\n{render_parts(exercise)}"


def answer_text(exercise: Exercise) -> str:
    """The expected answers, then the worked solution."""
    blocks = [render_answers(exercise)]
    if exercise.solution:
        blocks.append(render_solution(exercise))
    return "\n\n".join(blocks)


@dataclass(frozen=True)
class Sheet:
    """One exercise on a worksheet and how to make it again (e.g. `update-rule`, seed 3)."""

    source: str
    seed: int
    exercise: Exercise


def _fenced(text: str) -> str:
    """`text` in a fenced block whose fence no backtick run inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _question(exercise: Exercise) -> str:
    """The prompt with room to answer under each part."""
    blocks = [render_prompt(exercise)]
    for part in exercise.parts:
        blocks.append(f"{wrap(part_heading(part, exercise))}\n\n    {ANSWER_LINE}")
    return "\n\n".join(blocks)


def worksheet_markdown(title: str, sheets: Sequence[Sheet]) -> str:
    """The whole worksheet: the exercises, a page break, then the answer key."""
    seeds = sorted({sheet.seed for sheet in sheets})
    made = f"Seeds {seeds[0]} to {seeds[-1]}" if len(seeds) > 1 else f"Seed {seeds[0]}"
    intro = f"{len(sheets)} exercise(s); the answer key follows them. {made}."
    lines = [f"# {title}", "", intro, ""]
    for number, sheet in enumerate(sheets, 1):
        lines += [f"## Exercise {number}", "", _fenced(_question(sheet.exercise)), ""]
    lines += ['<div style="page-break-before: always"></div>', "", "# Answer key", ""]
    for number, sheet in enumerate(sheets, 1):
        made = f"{sheet.source}, seed {sheet.seed}"
        lines += [f"## Exercise {number} ({made})", "", _fenced(answer_text(sheet.exercise)), ""]
    return "\n".join(lines)
