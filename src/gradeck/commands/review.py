"""`gradeck review`: the plain, line-based study session (scripts, tests, screen readers).

One protocol for every item, so a script can drive it (docs/scheduling.md):
- a flashcard: after its front, a line (empty is fine) shows the back, then `1`-`4` rates it;
- a choice or typed card: the answer line, then `1`-`4`, or an empty line for the suggestion;
- an exercise: one line per part, each part with two tries (`?` shows a hint, `!` gives the
  part up, `!!` shows the worked solution; an empty line is asked again, see commands/lines.py),
  then `1`-`4`, or an empty line for the suggested rating.
So `!!` and then `3` answer any item. `u` (at an item's first line or at the rating)
undoes the last answer, `q` quits, end of input quits. Each answer is saved as soon as it is rated.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from gradeck.commands.lines import (
    QUIT,
    Quit,
    ask,
    ask_exercise,
    say,
    say_marked,
    show_solution,
)
from gradeck.errors import GradeckError
from gradeck.study import (
    RATINGS,
    CardAnswer,
    Profile,
    Session,
    Shown,
    card_rating,
    suggest_rating,
)
from gradeck.text import printable

if TYPE_CHECKING:
    from gradeck.exercises.attempt import Outcome

UNDO = "u"


class _Undo(Exception):
    """The learner asked to take back the last answer."""


def _line(prompt: str, *, undo: bool = True) -> str:
    line = ask(prompt)
    if line is None or line.strip().lower() in QUIT:
        raise Quit
    if undo and line.strip().lower() == UNDO:
        raise _Undo
    return line


def _rate(shown: Shown, suggested: int | None) -> int:
    """Ask for a rating until one is given; an empty line takes the suggestion."""
    buttons = " · ".join(f"{r} {RATINGS[r]} {shown.intervals[r]}" for r in RATINGS)
    hint = f" [Enter: {suggested} {RATINGS[suggested]}]" if suggested else ""
    say(f"Rate: {buttons}{hint}")
    while True:
        text = _line("rating> ").strip()
        if not text and suggested:
            return suggested
        if text in ("1", "2", "3", "4"):
            return int(text)
        say("Type 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy); u undoes, q quits.")


def _flashcard(shown: Shown) -> tuple[int, Outcome | CardAnswer | None]:
    say(shown.question)
    _line("(Enter shows the answer) ")
    say(f"Answer: {shown.answer}")
    if shown.note:
        say(f"Note: {shown.note}")
    return _rate(shown, None), None


def _card_answer(shown: Shown) -> tuple[int, Outcome | CardAnswer | None]:
    say(shown.question)
    if shown.kind == "choice":
        for n, (option, _ok) in enumerate(shown.options, 1):
            say(f"  {n}. {option}")
        say("(the numbers of every right option, e.g. 1 3)")
    given = _line("> ")
    right = bool(given.strip()) and shown.check(given)
    say("✓ right" if right else f"✗ the answer: {shown.answer}")
    if shown.kind == "choice":  # which right option was missed, apart from those chosen
        say_marked([option for option, _ok in shown.options], shown.marks(given))
    if shown.note:
        say(f"Note: {shown.note}")
    rating = _rate(shown, card_rating(right))
    return rating, CardAnswer(given, right)


def _exercise(shown: Shown) -> tuple[int, Outcome | CardAnswer | None]:
    from gradeck.exercises.render import render_prompt

    exercise = shown.exercise
    assert exercise is not None
    say(render_prompt(exercise))
    outcome = ask_exercise(
        exercise, lambda prompt, first: _line(prompt, undo=first), given=shown.given
    )
    show_solution(exercise, outcome)
    say()
    return _rate(shown, suggest_rating(outcome)), outcome


def _present(shown: Shown) -> tuple[int, Outcome | CardAnswer | None]:
    if shown.kind == "exercise":
        return _exercise(shown)
    if shown.kind in ("choice", "typed"):
        return _card_answer(shown)
    return _flashcard(shown)


def _heading(session: Session, shown: Shown) -> str:
    item = shown.item
    name = f"{item.item_id}/{item.sub}" if item.sub else item.item_id
    state = "practice" if session.practice else shown.state
    seed = f" · seed {shown.seed}" if shown.seed is not None else ""
    return f"[{session.answered + 1}/{session.total}] {item.deck_id} · {name} · {state}{seed}"


def _saved(session: Session, rating: int, interval: str) -> str:
    if session.practice:
        return f"Saved: {RATINGS[rating]} (practice, schedule unchanged)."
    return f"Saved: {RATINGS[rating]}, back in {interval}."


# How plain mode offers study.limits' choices: the option to run `gradeck review` with.
OFFER_OPTIONS = {"more": "--more {n}", "practise": "--practice"}


def _why_nothing(profile: Profile, session: Session) -> None:
    """Why nothing is left, and how to get more: the words of the app's end screen."""
    nothing = profile.nothing(session)
    say(nothing.sentence())
    if session.practice:
        return
    say("To go on, run `gradeck review` again (with the same --deck and --tag) with:")
    for action, words in nothing.choices():
        say(f"  {OFFER_OPTIONS[action].format(n=nothing.more):<12}{words}")


def _closing(profile: Profile, session: Session, quit_early: bool) -> None:
    done = f"{session.answered} answered"
    if quit_early:
        say(f"Stopped: {done}; everything answered is saved.")
        return
    if session.limit is not None and session.answered >= session.limit:
        say(f"Done: {done}, the limit asked for.")
        return
    say("Done for now! Every answer is saved.")
    for line in session.summary().lines():
        say(f"  {line}")
    say()
    _why_nothing(profile, session)


def run_review(args: argparse.Namespace) -> int:
    if args.more < 0:
        raise GradeckError("--more takes a number of new items, 0 or more", 2)
    with Profile.open(args.data_dir, args.deck_args) as profile:
        for problem in profile.problems:
            print(printable(f"warning: {problem}"), file=sys.stderr)
        session = profile.session(
            tag=args.tag, limit=args.limit, practice=args.practice, extra_new=args.more
        )
        if session.unschedulable:
            print(
                f"warning: {session.unschedulable} item(s) left out: their stored schedule is "
                "out of bounds. `gradeck check` names them; `gradeck check --repair` mends them.",
                file=sys.stderr,
            )
        if session.next() is None:
            say("Nothing to review now.")
            _why_nothing(profile, session)
            return 0
        mode = "Practice (nothing is rescheduled)" if args.practice else "Review"
        say(
            f"{mode}: {session.remaining} item(s). Enter shows an answer; rate 1 Again, 2 Hard, "
            "3 Good, 4 Easy (Enter takes a suggestion); u undoes, q quits."
        )
        quit_early = False
        while (shown := session.next()) is not None:
            say()
            say(_heading(session, shown))
            started = time.monotonic()
            try:
                rating, outcome = _present(shown)
            except Quit:
                quit_early = True
                break
            except _Undo:
                back = session.undo()
                say("Undone; showing that item again." if back else "Nothing to undo.")
                continue
            elapsed = int((time.monotonic() - started) * 1000)
            saved = session.answer(shown, rating, duration_ms=elapsed, outcome=outcome)
            say(_saved(session, rating, saved.interval))
        say()
        _closing(profile, session, quit_early)
    return 0
