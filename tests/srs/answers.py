"""Answering exercises in tests through the attempt model, as a learner would: moves are answer
texts, or "?" (a hint), "!" (give the part up) and "!!" (show the worked solution)."""

from __future__ import annotations

from gradeck.exercises.attempt import ExerciseRun, Outcome
from gradeck.exercises.model import Exercise, Part
from gradeck.exercises.render import format_value


def drive(exercise: Exercise, *moves: str) -> Outcome:
    run = ExerciseRun(exercise)
    for move in moves:
        if move == "?":
            run.hint()
        elif move == "!":
            run.give_up()
        elif move == "!!":
            run.reveal()
        else:
            run.submit(move)
    return run.outcome()


def right(part: Part) -> str:
    return format_value(part.expected)


def mistaken(part: Part, name: str) -> str:
    """The value of the part's mistake called `name`, as a learner would type it."""
    return format_value(next(m.value for m in part.mistakes if m.name == name))
