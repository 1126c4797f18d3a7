"""Reading a template's choice part: its options, which are right, and what a wrong one reveals.

A part with `options` has no `answer` (nor tolerances, `exact` or `mistakes`): each option is a
mapping with `text` (placeholders allowed), `correct` (true, false, or a condition on the
draw such as 'z > 0' or 'act == tanh'), and for a wrong option `feedback` and a mistake `name`.
`multiple: true` lets several be right (every right one is then wanted); `shuffle: false`
keeps the author's order. What can be checked without drawing is checked here, with its line
and column; which options are right in each draw is checked by sampling.
"""

from __future__ import annotations

from typing import Any

from gradeck.decks.checker import kind
from gradeck.decks.source import LocDict, LocList
from gradeck.decks.template_reader import ReaderBase
from gradeck.exercises.template_model import OptionSpec

OPTION_KEYS = ("text", "correct", "name", "feedback")
NOT_WITH_OPTIONS = ("answer", "tolerance", "abs_tolerance", "exact", "mistakes")
MIN_OPTIONS = 2
MAX_OPTIONS = 20


class OptionsReader(ReaderBase):
    """The options of a choice part."""

    def choice_fields(self, part: LocDict, where: str) -> tuple[bool, bool] | None:
        """(multiple, shuffle) of a part; None after an error. Neither applies without
        options, and a choice part has no answer of its own."""
        values = []
        for key, default in (("multiple", False), ("shuffle", True)):
            value = part.get(key, default)
            if not isinstance(value, bool):
                self.error(part.at(key), f"'{key}' of {where} must be true or false")
                return None
            if key in part and "options" not in part:
                self.error(part.key_pos[key], f"'{key}' of {where} is for a part with 'options'")
                return None
            values.append(value)
        if "options" in part:
            for key in NOT_WITH_OPTIONS:
                if key in part:
                    self.error(
                        part.key_pos[key],
                        f"{where} has 'options', so it takes no {key!r}: its options say what "
                        "is right, and a wrong option's 'feedback' is its mistake",
                    )
                    return None
        return values[0], values[1]

    def options(
        self, part: LocDict, where: str, names: frozenset[str], multiple: bool
    ) -> list[OptionSpec] | None:
        spec = part["options"]
        if not isinstance(spec, LocList):
            self.error(part.at("options"), f"'options' must be a list, not {kind(spec)}")
            return None
        if not MIN_OPTIONS <= len(spec) <= MAX_OPTIONS:
            self.error(
                part.at("options"),
                f"{where} has {len(spec)} option(s); give {MIN_OPTIONS} to {MAX_OPTIONS}",
            )
            return None
        out: list[OptionSpec] = []
        for index, option in enumerate(spec):
            what = f"option {index + 1} of {where}"
            if not isinstance(option, LocDict):
                self.error(spec.at(index), f"{what} must be a mapping with 'text' (and 'correct')")
                return None
            read = self.option(option, index, what, names)
            if read is None:
                return None
            out.append(read)
        fixed = [i for i, o in enumerate(out) if isinstance(o.correct, bool) and o.correct]
        if all(isinstance(o.correct, bool) for o in out) and not fixed:
            self.error(part.at("options"), f"no option of {where} is correct; mark one "
                       "'correct: true' (or give 'correct' an expression)")  # fmt: skip
            return None
        if len(fixed) > 1 and not multiple:
            self.error(
                spec[fixed[1]].at("correct"),
                f"{where} has {len(fixed)} correct options; write 'multiple: true' on the "
                "part when several are right",
            )
            return None
        return out

    def option(
        self, option: LocDict, index: int, what: str, names: frozenset[str]
    ) -> OptionSpec | None:
        self.check.known_keys(option, OPTION_KEYS, what)
        text = self.check.text(option, "text", what, required=True)
        self.placeholders(option, "text", text, names)
        correct: Any = option.get("correct", False)
        if not isinstance(correct, bool):
            correct = self.condition(
                correct, option.at("correct"), names, f"'correct' of {what}", per_variant=True
            )
            if correct is None:
                return None
        feedback = self.check.text(option, "feedback", what) if "feedback" in option else ""
        if feedback and correct is True:
            self.error(option.key_pos["feedback"], f"{what} is correct: 'feedback' is what a "
                       "wrong option reveals")  # fmt: skip
            return None
        self.placeholders(option, "feedback", feedback, names)
        name = self.check.text(option, "name", what) if "name" in option else f"option {index + 1}"
        if not text:
            return None
        return OptionSpec(text, correct, name, feedback)
