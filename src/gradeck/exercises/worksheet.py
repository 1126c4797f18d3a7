"""Printable worksheets and the plain text of an exercise's two sides.

A Markdown worksheet: numbered exercises first, then an answer key with the answers and worked
solutions, each exercise labelled with what made it (a family or a template, and the seed) so the
key can be regenerated with `gradeck generate` or `gradeck preview` (the PDF is typeset by
`worksheet_typst` from the same `Document`). Exercise text sits in fenced
blocks: tables stay aligned and characters such as `*` are not read as Markdown. Nothing here
depends on the time or the machine, so the same exercises give the same file, byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gradeck.exercises.model import Exercise, Part
from gradeck.exercises.render import (
    part_heading,
    render_answers,
    render_parts,
    render_prompt,
    render_solution,
    wrap,
)

ANSWER_LINE = "Answer: ____________________"


def score(exercise: Exercise) -> float:
    """What the exercise is worth: its parts' points."""
    return sum(part.points for part in exercise.parts)


def points_text(points: float) -> str:
    """`1 point`, `2.5 points`."""
    shown = f"{points:g}"
    return f"{shown} point" if shown == "1" else f"{shown} points"


def scored_heading(part: Part, exercise: Exercise) -> str:
    """A part's heading, with its points when the exercise's parts are not all worth one."""
    heading = part_heading(part, exercise)
    if all(p.points == 1 for p in exercise.parts):
        return heading
    first, newline, options = heading.partition("\n")  # a choice part's options follow
    return f"{first} [{points_text(part.points)}]{newline}{options}"


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


@dataclass(frozen=True)
class Document:
    """One worksheet as printed: a plain sheet (questions and key), a student's sheet
    (questions only, with their name) or a key alone. `code` regenerates the key."""

    sheets: Sequence[Sheet]
    code: str
    name: str = ""
    questions: bool = True
    key: bool = True

    @property
    def title(self) -> str:
        titles = list(dict.fromkeys(sheet.exercise.title for sheet in self.sheets))
        more = f" and {len(titles) - 3} more" if len(titles) > 3 else ""
        return f"Worksheet: {'; '.join(titles[:3])}{more}"


def _fenced(text: str) -> str:
    """`text` in a fenced block whose fence no backtick run inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _question(exercise: Exercise) -> str:
    """The prompt with room to answer under each part."""
    blocks = [render_prompt(exercise)]
    for part in exercise.parts:
        blocks.append(f"{wrap(scored_heading(part, exercise))}\n\n    {ANSWER_LINE}")
    return "\n\n".join(blocks)


def _markdown(doc: Document) -> list[str]:
    seeds = sorted({sheet.seed for sheet in doc.sheets})
    made = f"Seeds {seeds[0]} to {seeds[-1]}" if len(seeds) > 1 else f"Seed {seeds[0]}"
    who = f"Name: {doc.name}" if doc.name else "Name: ____________________"
    lines = [f"# {doc.title}", ""]
    if doc.questions:
        follows = "; the answer key follows them" if doc.key else ""
        total = points_text(sum(score(sheet.exercise) for sheet in doc.sheets))
        intro = f"{len(doc.sheets)} exercise(s), {total} in all{follows}. Code {doc.code}."
        lines += [who, "", intro, ""]
        for number, sheet in enumerate(doc.sheets, 1):
            worth = points_text(score(sheet.exercise))
            lines += [f"## Exercise {number} ({worth})", "", _fenced(_question(sheet.exercise)), ""]
    if doc.key:
        if doc.questions:
            lines += ['<div style="page-break-before: always"></div>', ""]
        owner = f" of {doc.name}" if doc.name else ""
        lines += [f"# Answer key{owner}", "", f"Code {doc.code}. {made}.", ""]
        for number, sheet in enumerate(doc.sheets, 1):
            made_by = f"{sheet.source}, seed {sheet.seed}"
            text = _fenced(answer_text(sheet.exercise))
            lines += [f"## Exercise {number} ({made_by})", "", text, ""]
    return lines


def worksheet_markdown(docs: Sequence[Document]) -> str:
    """The documents one after another, each key after a page break."""
    pages = []
    for doc in docs:
        pages.append("\n".join(_markdown(doc)))
    return '\n<div style="page-break-before: always"></div>\n\n'.join(pages)
