"""Reading a template's answer parts: prompts, answers and the engine results they name,
tolerances, `exact`, `points` and the listed mistakes (or a choice part's options, read by
`template_options`), each checked with its line and column."""

from __future__ import annotations

from gradeck.decks.checker import kind
from gradeck.decks.source import LocDict, LocList
from gradeck.decks.template_options import OptionsReader
from gradeck.decks.template_reader import _short
from gradeck.exercises.template_model import (
    DEFAULT_TOLERANCE,
    MistakeSpec,
    PartSpec,
)

PART_KEYS = ("label", "prompt", "answer", "tolerance", "abs_tolerance", "exact", "points",
             "mistakes", "options", "multiple", "shuffle")  # fmt: skip
MISTAKE_KEYS = ("name", "value", "feedback")
MAX_POINTS = 100
MAX_PARTS = 20
MAX_MISTAKES = 20
MAX_TOLERANCE = 0.5
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class PartsReader(OptionsReader):
    """Answer parts: their prompts, answers, tolerances, points and mistakes, or options."""

    def parts(self, body: LocDict, names: frozenset[str]) -> list[PartSpec]:
        if "parts" not in body:
            self.error(body.pos, "the template is missing required field 'parts'")
            return []
        spec = body["parts"]
        if not isinstance(spec, LocList) or not spec:
            what = "empty" if isinstance(spec, LocList) else f"not a list but {kind(spec)}"
            self.error(body.at("parts"), f"'parts' is {what}; give at least one answer part")
            return []
        if len(spec) > MAX_PARTS:
            self.error(body.at("parts"), f"more than {MAX_PARTS} parts")
            return []
        out = []
        for index, part in enumerate(spec):
            if not isinstance(part, LocDict):
                self.error(spec.at(index), "each part must be a mapping with 'prompt' and 'answer'")
                continue
            read = self.part(part, index, names)
            if read is not None:
                out.append(read)
        return out

    def part(self, part: LocDict, index: int, names: frozenset[str]) -> PartSpec | None:
        where = f"part {index + 1}"
        self.check.known_keys(part, PART_KEYS, where)
        label = self.check.text(part, "label", where) if "label" in part else LETTERS[index]
        prompt = self.check.text(part, "prompt", where, required=True)
        self.placeholders(part, "prompt", prompt, names)
        choice = self.choice_fields(part, where)
        if choice is None:
            return None
        points = self.points(part, where)
        if "options" in part:
            options = self.options(part, where, names, choice[0])
            if options is None or points is None:
                return None
            return PartSpec(label, prompt, None, points=points, options=tuple(options),
                            multiple=choice[0], shuffle=choice[1])  # fmt: skip
        if "answer" not in part:
            self.error(part.pos, f"{where} is missing required field 'answer' (or 'options')")
            return None
        answer = self.answer(part, "answer", names, f"the answer of {where}")
        rel_tol = self.tolerance(part, "tolerance", where, DEFAULT_TOLERANCE)
        abs_tol = self.tolerance(part, "abs_tolerance", where, 1e-9)
        mistakes = self.mistakes(part, where, names)
        exact = self.exact(part, where, rel_tol)
        if None in (answer, rel_tol, abs_tol, mistakes, exact, points):
            return None
        assert answer is not None and rel_tol is not None and abs_tol is not None
        assert mistakes is not None and exact is not None and points is not None
        return PartSpec(label, prompt, answer, rel_tol, abs_tol, tuple(mistakes), exact,
                            points)  # fmt: skip

    def exact(self, part: LocDict, where: str, rel_tol: float | None) -> bool | None:
        """`exact: true`, or `tolerance: 0`: the answer is to be given exactly."""
        value = part.get("exact", False)
        if not isinstance(value, bool):
            self.error(part.at("exact"), f"'exact' of {where} must be true or false")
            return None
        return value or rel_tol == 0

    def points(self, part: LocDict, where: str) -> float | None:
        if "points" not in part:
            return 1.0
        number = self.number(part["points"], part.at("points"), f"'points' of {where}")
        if number is None:
            return None
        if not 0 < number <= MAX_POINTS:
            self.error(part.at("points"), f"'points' of {where} must be above 0 and at most "
                       f"{MAX_POINTS}")  # fmt: skip
            return None
        return number

    def tolerance(self, part: LocDict, key: str, where: str, default: float) -> float | None:
        if key not in part:
            return default
        value = part[key]
        pos = part.at(key)
        if isinstance(value, str) and value.strip().endswith("%"):
            self.error(pos, f"{key!r} of {where}: write {value.strip()} as a fraction, e.g. 0.01")
            return None
        number = self.number(value, pos, f"{key!r} of {where}")
        if number is None:
            return None
        if number < 0:
            self.error(pos, f"{key!r} of {where} is negative")
            return None
        if key == "tolerance" and number > MAX_TOLERANCE:
            self.error(
                pos,
                f"'tolerance' of {where} is {_short(number)}: it is relative, so this accepts "
                f"answers off by {number:.0%}; use a fraction such as 0.01 (1%)",
            )
            return None
        return number

    def mistakes(
        self, part: LocDict, where: str, names: frozenset[str]
    ) -> list[MistakeSpec] | None:
        spec = part.get("mistakes")
        if spec is None:
            return []
        if not isinstance(spec, LocList):
            self.error(part.at("mistakes"), f"'mistakes' must be a list, not {kind(spec)}")
            return None
        if len(spec) > MAX_MISTAKES:
            self.error(part.at("mistakes"), f"more than {MAX_MISTAKES} mistakes")
            return None
        out = []
        ok = True
        for index, mistake in enumerate(spec):
            what = f"mistake {index + 1} of {where}"
            if not isinstance(mistake, LocDict):
                self.error(spec.at(index), f"{what} must be a mapping with 'value' and 'feedback'")
                ok = False
                continue
            self.check.known_keys(mistake, MISTAKE_KEYS, what)
            feedback = self.check.text(mistake, "feedback", what, required=True)
            self.placeholders(mistake, "feedback", feedback, names)
            name = self.check.text(mistake, "name", what) if "name" in mistake else what
            if "value" not in mistake:
                self.error(mistake.pos, f"{what} is missing required field 'value'")
                ok = False
                continue
            value = self.answer(mistake, "value", names, f"the value of {what}")
            if value is None or not feedback:
                ok = False
                continue
            out.append(MistakeSpec(name, value, feedback))
        return out if ok else None
