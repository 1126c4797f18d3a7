"""The line-by-line conversation shared by `gradeck quiz` and `gradeck review`.

Both read one line per answer and never need a terminal, so they work with stdin a pipe, in
scripts and with screen readers; both ask an exercise's parts the same way, so a script written
for one drives the other.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gradeck.text import printable

if TYPE_CHECKING:
    from gradeck.exercises.check import ExerciseResult
    from gradeck.exercises.model import Exercise

QUIT = ("q", "quit")
HINT = "?"


class Quit(Exception):
    """The learner quit (q or end of input); what is on screen is left unanswered."""


def say(text: str = "") -> None:
    """One line out; control characters (from a deck, an answer, a file) shown, not acted on."""
    sys.stdout.write(printable(text) + "\n")
    sys.stdout.flush()


def ask(prompt: str) -> str | None:
    """One line from stdin, or None at end of input; echoed when stdin is not a terminal."""
    sys.stdout.write(printable(prompt))
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        say()
        return None
    line = line.rstrip("\r\n")
    if not sys.stdin.isatty():
        say(line)  # so that a transcript shows what was answered
    return line


def read(prompt: str) -> str:
    """A line, raising Quit at `q` or end of input."""
    line = ask(prompt)
    if line is None or line.strip().lower() in QUIT:
        raise Quit
    return line


@dataclass(frozen=True)
class Attempt:
    result: ExerciseResult
    answers: tuple[str, ...]  # the lines that were checked, in part order
    hints: int


def ask_exercise(exercise: Exercise, reader: Callable[[str, bool], str] | None = None) -> Attempt:
    """Ask each part until it is read; `?` gives the next hint, an empty line gives up.

    Giving up marks the remaining parts blank, so the caller shows the worked solution.
    `reader(prompt, first)` reads a line (`first`: nothing of this exercise answered yet),
    raising to quit or to undo; the default quits at `q` or end of input.
    """
    from gradeck.exercises.check import ExerciseResult, PartResult, check_next
    from gradeck.exercises.render import part_heading, render_feedback, render_hint, wrap

    get = reader or (lambda prompt, _first: read(prompt))
    done: list[PartResult] = []
    answers: list[str] = []
    hints = 0
    for part in exercise.parts:
        say()
        say(wrap(part_heading(part, exercise)))
        while True:
            line = get("> ", not done)
            if line.strip() == HINT:
                if hints < len(exercise.hints):
                    say(render_hint(exercise, hints))
                    hints += 1
                else:
                    say("No more hints.")
                continue
            if not line.strip():
                blank = PartResult("blank", "no answer")
                done += [blank] * (len(exercise.parts) - len(done))
                return Attempt(ExerciseResult(tuple(done)), tuple(answers), hints)
            result = check_next(exercise, done, line)
            say(render_feedback(part, result))
            if result.verdict != "unreadable":
                done.append(result)
                answers.append(line)
                break
    return Attempt(ExerciseResult(tuple(done)), tuple(answers), hints)


def show_solution(exercise: Exercise, result: ExerciseResult) -> None:
    """The answers and the worked solution, unless every part was right."""
    from gradeck.exercises.render import render_answers, render_solution

    if result.all_right:
        return
    say()
    say(render_answers(exercise))
    if exercise.solution:
        say()
        say(render_solution(exercise))
