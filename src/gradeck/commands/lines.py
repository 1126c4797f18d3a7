"""The line-by-line conversation shared by `gradeck quiz` and `gradeck review`.

Both read one line per answer and never need a terminal, so they work with stdin a pipe, in
scripts and with screen readers; both ask an exercise's parts the same way, so a script written
for one drives the other. The rules of answering (tries, hints, giving up) are the attempt
model's (`gradeck.exercises.attempt`); this module only reads lines and says what it answers.

At an exercise's answer prompt, besides an answer: `?` a hint, `!` gives up the part, `!!` shows
the worked solution (every part left is given up). An empty line gives nothing up: it is asked
again, so a stray Enter costs nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from gradeck.text import printable

if TYPE_CHECKING:
    from gradeck.exercises.attempt import Attempt, ExerciseRun, Outcome
    from gradeck.exercises.model import Exercise, Part, Value

QUIT = ("q", "quit")
HINT = "?"
GIVE_UP = "!"
REVEAL = "!!"
COMMANDS = f"{HINT} a hint, {GIVE_UP} give up this part, {REVEAL} the worked solution"


class Quit(Exception):
    """The learner quit (q or end of input); what is on screen is left unanswered."""


def say(text: str = "") -> None:
    """One line out; control characters (from a deck, an answer, a file) shown, not acted on."""
    sys.stdout.write(printable(text) + "\n")
    sys.stdout.flush()


def _readline() -> str:
    """A line of stdin, whatever bytes it holds: bytes that are not text in stdin's encoding
    (a stray key, a paste from elsewhere) become U+FFFD and are said so, instead of ending the
    session with a UnicodeDecodeError and losing the item at hand."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream (tests, embedding): nothing to decode
        return sys.stdin.readline()
    raw = buffer.readline()
    encoding = sys.stdin.encoding or "utf-8"
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        say(f"(that line is not {encoding} text: the bytes it could not read are shown as �)")
        return raw.decode(encoding if _known(encoding) else "utf-8", errors="replace")


def _known(encoding: str) -> bool:
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def ask(prompt: str) -> str | None:
    """One line from stdin, or None at end of input; echoed when stdin is not a terminal."""
    sys.stdout.write(printable(prompt))
    sys.stdout.flush()
    line = _readline()
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


def ask_exercise(
    exercise: Exercise, reader: Callable[[str, bool], str] | None = None, given: int = 0
) -> Outcome:
    """Ask each part until it is closed (see the module docstring for the commands); returns
    how it went. `reader(prompt, first)` reads a line (`first`: nothing of this exercise done
    yet), raising to quit or to undo; the default quits at `q` or end of input. The first
    `given` parts are shown filled in and not asked (a faded worked example)."""
    from gradeck.exercises.attempt import ExerciseRun
    from gradeck.exercises.render import filled_in, part_heading, render_hint, wrap

    get = reader or (lambda prompt, _first: read(prompt))
    run = ExerciseRun(exercise, given=given)
    if given:
        say()
        say(f"The first {given} part(s) are worked for you this time; do the rest.")
    for part in exercise.parts[:given]:
        say(wrap(part_heading(part, exercise)))
        say(filled_in(part))
    while not run.finished:
        index = run.part
        say()
        say(wrap(part_heading(exercise.parts[index], exercise)))
        while run.part == index:
            command = (line := get("> ", not run.attempts and not run.hints)).strip()
            if command == HINT:
                hint = run.hint()
                say("No more hints." if hint is None else render_hint(exercise, hint))
            elif command == GIVE_UP:
                _said(run, run.give_up())
            elif command == REVEAL:
                for attempt in run.reveal():
                    _said(run, attempt)
            elif not command:
                say(f"(type an answer; {COMMANDS})")
            else:
                attempt = run.submit(line)
                assert attempt is not None
                _said(run, attempt)
    return run.outcome()


def _said(run: ExerciseRun, attempt: Attempt) -> None:
    """What the learner is told of one attempt."""
    from gradeck.exercises.render import expected_text, minus_signs, render_feedback

    part = run.exercise.parts[attempt.part]
    expected = minus_signs(expected_text(part))
    label = f"({part.label}) " if len(run.exercise.parts) > 1 else ""
    if attempt.verdict in ("given_up", "revealed"):
        given_up = "given up; " if attempt.verdict == "given_up" else ""
        say(f"– {label}{given_up}the answer is {expected}")
        if part.kind == "choice":
            _marked_options(part, None)
        return
    assert attempt.result is not None
    say(render_feedback(part, attempt.result))
    if attempt.closes and part.kind == "choice":
        _marked_options(part, attempt.value)
    if attempt.verdict == "unreadable":
        say("(this costs no try: type it again)")
    elif not attempt.closes:
        left = run.tries_left
        say(f"{left} more {'try' if left == 1 else 'tries'}: answer again, or {COMMANDS}")
    elif not attempt.credited:
        say(f"The answer is {expected}")


def say_marked(options: Sequence[str], marks: Sequence[str]) -> None:
    """Answered options, each marked as the app marks them (study.outcome.option_marks)."""
    from gradeck.study.outcome import OPTION_MARKS, OPTION_WORDS

    for n, (option, how) in enumerate(zip(options, marks, strict=True), 1):
        words = f"  {OPTION_WORDS[how]}" if OPTION_WORDS[how] else ""
        say(f"  {OPTION_MARKS[how]} {n}. {option}{words}")


def _marked_options(part: Part, value: Value | None) -> None:
    """A closed choice part's options: which right one was missed, apart from those chosen."""
    from gradeck.study.outcome import part_option_marks

    say_marked(part.options, part_option_marks(part, value))


def show_solution(exercise: Exercise, outcome: Outcome) -> None:
    """The answers and the worked solution, unless every part ended right (or filled in)."""
    from gradeck.exercises.render import render_answers, render_solution

    if outcome.solved:
        return
    say()
    say(render_answers(exercise))
    if exercise.solution:
        say()
        say(render_solution(exercise))
