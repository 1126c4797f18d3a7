"""The life of one exercise as a learner answers it: tries, hints, giving up, every attempt.

This is the one set of answering rules. The study app's exercise panel and the plain front end
(`gradeck review`, `gradeck quiz`) each drive an `ExerciseRun` with what the learner does and
only show what it answers, so the same keys give the same verdicts, the same stored attempts and
(through `gradeck.study.suggest_rating`) the same suggested rating. It knows no UI and no
scheduling; `gradeck.exercises.check` judges each answer.

The rules (docs/scheduling.md, "Answering an exercise"):
- The parts are answered in order. Each part has TRIES tries (2): a first answer that is not
  right (wrong or close) may be tried again; the last try closes the part whatever it says.
- An answer that cannot be read costs no try: it is kept, and the same try is asked again.
- An empty answer is nothing: no try is spent and nothing is kept (so a stray Enter never gives
  anything up).
- Hints are the exercise's; each one asked is counted.
- Giving up is an explicit action: it closes the current part as "given_up".
- Showing the worked solution closes every part not yet closed as "revealed" and ends the run.
- A run may start with its first `given` parts filled in (a faded worked example, see
  `gradeck.study.fading`): they are shown with their answers, asked nothing and keep no attempt;
  they end as "given".

API:
    TRIES = 2
    run = ExerciseRun(exercise, tries=TRIES, given=0)
    run.submit(text) -> Attempt | None   check an answer to the current part; None for empty
                                         text (nothing happens). attempt.closes tells whether
                                         the part is now closed; run.part moves on if so.
    run.hint() -> int | None             the index of the next hint in exercise.hints (None
                                         when there is none left, or the run is finished)
    run.give_up() -> Attempt             close the current part as given up
    run.reveal() -> tuple[Attempt, ...]  close every open part as revealed (the run ends)
    run.part, run.finished, run.tries_left, run.hints, run.attempts, run.results
    run.outcome() -> Outcome             (only once finished) what `gradeck.study` records

    Attempt(part, number, text, verdict, message, mistake, value, closes): one answer, or a
        give-up or reveal. `number` is the try it belongs to (an unreadable answer shares the
        number of the try that follows it). verdict is one of VERDICTS.
    Outcome(parts, attempts, hints, given): .endings (each part's last verdict), .answers (each
        part's last text), .parts_right, .solved, .first_try_right, .mistake (the first mistake
        named), .gave_up, .revealed, .retried, .closed (any close verdict), .result
        (ExerciseResult of the parts as they ended, for front ends that list them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gradeck.exercises.check import ExerciseResult, PartResult, check_next, prepare
from gradeck.exercises.model import Exercise, Value

TRIES = 2

# What an attempt came to. "carried": right given the learner's own wrong earlier answer;
# "given_up" and "revealed" are not answers but how a part was closed without one.
VERDICTS = ("right", "carried", "close", "wrong", "unreadable", "given_up", "revealed")
CREDITED = ("right", "carried")
GIVEN_UP = PartResult("blank", "given up")
REVEALED = PartResult("blank", "the worked solution was shown")
GIVEN = PartResult("blank", "filled in for you")


@dataclass(frozen=True)
class Attempt:
    """One thing the learner did to a part: an answer checked, or the part given up/revealed."""

    part: int  # the part's index, 0 first
    number: int  # the try it belongs to, 1 first
    text: str
    verdict: str  # one of VERDICTS
    message: str = ""
    mistake: str | None = None  # the named mistake diagnosed, e.g. "sign-flipped"
    value: Value | None = field(default=None, compare=False)
    closes: bool = False  # whether this attempt closed its part
    result: PartResult | None = field(default=None, compare=False, repr=False)

    @property
    def credited(self) -> bool:
        return self.verdict in CREDITED


@dataclass(frozen=True)
class Outcome:
    """How one exercise went: every attempt, in order, and the hints taken."""

    parts: int
    attempts: tuple[Attempt, ...]
    hints: int = 0
    given: int = 0  # the first parts, filled in for the learner (a faded worked example)

    def _closing(self) -> list[Attempt]:
        closing = {a.part: a for a in self.attempts if a.closes}
        return [closing[i] for i in range(self.parts) if i in closing]

    @property
    def endings(self) -> tuple[str, ...]:
        """Each part's last verdict (a part never closed counts as given up)."""
        closing = {a.part: a.verdict for a in self.attempts if a.closes}
        closing.update((i, "given") for i in range(self.given))
        return tuple(closing.get(i, "given_up") for i in range(self.parts))

    @property
    def answers(self) -> tuple[str, ...]:
        """Each part's last answer text ("" for a part given up, revealed or filled in)."""
        return ("",) * self.given + tuple(a.text for a in self._closing())

    @property
    def parts_right(self) -> tuple[bool, ...]:
        return tuple(v in CREDITED for v in self.endings)

    @property
    def solved(self) -> bool:
        """Every part ended right, or was filled in: nothing is left to show the learner."""
        return all(v in (*CREDITED, "given") for v in self.endings)

    @property
    def first_try_right(self) -> bool:
        """Every part right at its first try (an unreadable answer costs no try)."""
        first = {a.part: a.verdict for a in self.attempts if a.number == 1 and _decisive(a)}
        return not self.given and all(first.get(i) == "right" for i in range(self.parts))

    @property
    def mistake(self) -> str | None:
        """The first named mistake of any attempt."""
        return next((a.mistake for a in self.attempts if a.mistake), None)

    @property
    def gave_up(self) -> bool:
        return "given_up" in self.endings

    @property
    def revealed(self) -> bool:
        return "revealed" in self.endings

    @property
    def retried(self) -> bool:
        return any(a.number > 1 for a in self.attempts)

    @property
    def closed(self) -> bool:
        """Whether any answer was close (right but for rounding)."""
        return any(a.verdict == "close" for a in self.attempts)

    @property
    def result(self) -> ExerciseResult:
        """The parts as they ended, as the checker reports them."""
        filled = (GIVEN,) * self.given
        return ExerciseResult(filled + tuple(a.result or GIVEN_UP for a in self._closing()))


def _decisive(attempt: Attempt) -> bool:
    return attempt.verdict != "unreadable"


class ExerciseRun:
    """One exercise being answered; see the module docstring for the rules."""

    def __init__(self, exercise: Exercise, tries: int = TRIES, given: int = 0) -> None:
        if tries < 1:
            raise ValueError("a part needs at least one try")
        if not 0 <= given < len(exercise.parts):
            raise ValueError("a run fills in fewer parts than the exercise has")
        prepare(exercise)  # a symbolic check's sympy starts loading while the learner reads
        self.exercise = exercise
        self.tries = tries
        self.given = given
        self.attempts: list[Attempt] = []
        # The closed parts, as the checker saw them; a filled-in part as if answered exactly,
        # so that later parts' error carried forward starts from the right value.
        self.results: list[PartResult] = [
            PartResult("right", value=part.expected) for part in exercise.parts[:given]
        ]
        self.hints = 0
        self._used = 0  # tries spent on the current part

    @property
    def part(self) -> int:
        """The index of the part being answered; len(parts) once finished."""
        return len(self.results)

    @property
    def finished(self) -> bool:
        return self.part >= len(self.exercise.parts)

    @property
    def tries_left(self) -> int:
        return 0 if self.finished else self.tries - self._used

    def submit(self, text: str) -> Attempt | None:
        """Check `text` as the current part's answer; None (and nothing kept) when empty."""
        self._open()
        if not text.strip():
            return None
        result = check_next(self.exercise, self.results, text)
        verdict = "wrong" if result.verdict == "blank" else result.verdict
        decisive = verdict != "unreadable"
        closes = decisive and (verdict in CREDITED or self._used + 1 >= self.tries)
        attempt = Attempt(
            self.part,
            self._used + 1,
            text,
            verdict,
            result.message,
            result.mistake.name if result.mistake else None,
            result.value,
            closes,
            result,
        )
        self.attempts.append(attempt)
        if decisive:
            self._used += 1
        if closes:
            self._close(result)
        return attempt

    def hint(self) -> int | None:
        """Take the next hint: its index in exercise.hints, or None when none is left."""
        if self.finished or self.hints >= len(self.exercise.hints):
            return None
        self.hints += 1
        return self.hints - 1

    def give_up(self) -> Attempt:
        """Close the current part as given up."""
        self._open()
        attempt = self._ending("given_up", GIVEN_UP)
        self._close(GIVEN_UP)
        return attempt

    def reveal(self) -> tuple[Attempt, ...]:
        """Show the worked solution: every part not yet closed ends as revealed."""
        out = []
        while not self.finished:
            out.append(self._ending("revealed", REVEALED))
            self._close(REVEALED)
        return tuple(out)

    def outcome(self) -> Outcome:
        if not self.finished:
            raise ValueError("the exercise is not finished")
        return Outcome(len(self.exercise.parts), tuple(self.attempts), self.hints, self.given)

    def _open(self) -> None:
        if self.finished:
            raise ValueError("every part is closed")

    def _ending(self, verdict: str, result: PartResult) -> Attempt:
        attempt = Attempt(
            self.part, self._used + 1, "", verdict, result.message, closes=True, result=result
        )
        self.attempts.append(attempt)
        return attempt

    def _close(self, result: PartResult) -> None:
        self.results.append(result)
        self._used = 0
