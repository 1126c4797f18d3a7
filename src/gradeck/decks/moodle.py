"""Export a deck as Moodle XML, so a Moodle quiz asks the same questions and names the same
mistakes.

Each exported variant of an exercise (the same derived seeds as the Anki export) becomes one
question: a `numerical` question when it has one number to give, a `multichoice` one when it is
one choice part, else a Cloze (`multianswer`) question with a NUMERICAL blank per number and a
MULTICHOICE blank per choice part (MULTIRESPONSE where several options may be right, each
right one a share of the marks and each wrong one minus a share, as for choice cards), so the
parts of one variant stay together. Every
named mistake is an extra answer worth 0% carrying its feedback; Moodle takes the first answer
that matches, so a mistake inside the right answer's tolerance is, as in gradeck, not diagnosed
in that variant. The tolerance is gradeck's own (`gradeck.exercises.check.tolerance`), 0 for
exact parts. Each exercise item's variants share a question category, from which a Moodle quiz
can draw one at random per student.

Cards go where Moodle has a fitting question type: typed cards as `shortanswer`, choice cards as
`multichoice`, cloze cards as Cloze questions with a SHORTANSWER blank per hole. Basic and
reversible cards (free recall, rated by the learner) and exercises with symbolic answers (Moodle
cannot check that two expressions are equal) are left out and counted.
"""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from gradeck.decks.cards import parse_holes
from gradeck.decks.export import choice_order, variant_seed
from gradeck.decks.model import Card, Deck, ExerciseItem
from gradeck.errors import GradeckError
from gradeck.exercises.model import Part
from gradeck.text import printable

MAX_VARIANTS = 50
# Moodle accepts only these grade fractions (percent); 100/k for k = 1..10 are all among them.
SPLIT_CORRECT = 10
PENALTY = "0.3333333"
ESCAPED_IN_CLOZE = '}#~/"\\'


@dataclass
class MoodleExport:
    """The XML, and what could not go into it."""

    xml: str
    questions: int
    skipped: dict[str, int] = field(default_factory=dict)


def _clean(text: str) -> str:
    """XML 1.0 cannot hold control characters: they are shown as visible stand-ins."""
    return printable(text).replace("\t", " ")


def _html(text: str) -> str:
    return html.escape(_clean(text), quote=False).replace("\n", "<br>")


def _pre(text: str) -> str:
    return f"<pre>{html.escape(_clean(text), quote=False)}</pre>"


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def number(x: float) -> str:
    """A number as Moodle reads it: enough digits to be the number gradeck checks against."""
    return f"{x:.12g}"


def _question(
    quiz: ET.Element,
    kind: str,
    name: str,
    text: str,
    idnumber: str,
    tags: list[str],
    grade: float = 1.0,
) -> ET.Element:
    q = ET.SubElement(quiz, "question", {"type": kind})
    _text(q, "name", _clean(name))
    _text(q, "questiontext", text, "html")
    ET.SubElement(q, "idnumber").text = _clean(idnumber)
    ET.SubElement(q, "defaultgrade").text = f"{grade:g}"
    ET.SubElement(q, "penalty").text = PENALTY
    ET.SubElement(q, "hidden").text = "0"
    if tags:
        holder = ET.SubElement(q, "tags")
        for tag in tags:
            _text(holder, "tag", _clean(tag))
    return q


def _category(quiz: ET.Element, path: str) -> None:
    q = ET.SubElement(quiz, "question", {"type": "category"})
    _text(q, "category", "$course$/top/" + "/".join(_clean(p).replace("/", "∕") for p in
                                                    path.split("\x1f")))  # fmt: skip


# ---------------------------------------------------------------- exercises


@dataclass(frozen=True)
class Blank:
    """One number to give: its right value and tolerance, and the mistakes to name."""

    value: float
    tolerance: float
    mistakes: tuple[tuple[float, float, str], ...]  # (value, tolerance, feedback)


def _flat(value: object) -> list[float] | None:
    """The numbers of a value, row by row; None for text (a symbolic answer)."""
    if isinstance(value, tuple):
        out: list[float] = []
        for v in value:
            inner = _flat(v)
            if inner is None:
                return None
            out.extend(inner)
        return out
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [float(value)]
    return None


def part_blanks(part: Part) -> list[Blank] | None:
    """The blanks of one exercise part (one per number of its answer), or None if it has no
    numeric answer."""
    from gradeck.exercises.check import tolerance

    expected = _flat(part.expected)
    if expected is None or not all(math.isfinite(x) for x in expected):
        return None
    blanks = []
    for index, value in enumerate(expected):
        named = []
        for mistake in part.mistakes:
            values = _flat(mistake.value)
            if values is None or len(values) != len(expected):
                continue
            wrong = values[index]
            if math.isfinite(wrong) and wrong != value:
                named.append((wrong, tolerance(part, wrong), mistake.feedback))
        blanks.append(Blank(value, tolerance(part, value), tuple(named)))
    return blanks


def _decimal_exact(part: Part) -> bool:
    """Whether an exact part's value can be typed as a decimal Moodle compares with tolerance 0
    (3/8 as 0.375; a third cannot be): every part that is not exact can."""
    if part.exact is None:
        return True
    from gradeck.exercises.exact import exact_text

    return "/" not in exact_text(part.exact)


def _numerical_answers(q: ET.Element, blank: Blank) -> None:
    right = ET.SubElement(q, "answer", {"fraction": "100", "format": "moodle_auto_format"})
    ET.SubElement(right, "text").text = number(blank.value)
    ET.SubElement(right, "tolerance").text = number(blank.tolerance)
    _text(right, "feedback", "Right.", "html")
    for value, tol, feedback in blank.mistakes:
        answer = ET.SubElement(q, "answer", {"fraction": "0", "format": "moodle_auto_format"})
        ET.SubElement(answer, "text").text = number(value)
        ET.SubElement(answer, "tolerance").text = number(tol)
        _text(answer, "feedback", _html(feedback), "html")


def _cloze_escape(text: str) -> str:
    """Text inside a Cloze blank: HTML-escaped (the question is HTML), then Moodle's escapes."""
    escaped = html.escape(_clean(text), quote=False)
    return "".join("\\" + c if c in ESCAPED_IN_CLOZE else c for c in escaped)


def _numerical_blank(blank: Blank, weight: int = 1) -> str:
    pieces = [f"={number(blank.value)}:{number(blank.tolerance)}#Right."]
    pieces += [
        f"%0%{number(v)}:{number(t)}#{_cloze_escape(feedback)}" for v, t, feedback in blank.mistakes
    ]
    return "{" + f"{weight}:NUMERICAL:" + "~".join(pieces) + "}"


def _right_options(part: Part) -> set[int]:
    expected = part.expected
    return {int(n) for n in expected} if isinstance(expected, tuple) else {int(expected)}


def _choice_fractions(part: Part) -> tuple[str, str]:
    """(right, wrong) grade fractions in percent: a lone right option is worth 100; where several
    may be right, each right one a share of 100 and each wrong one minus a share, as for cards."""
    if not isinstance(part.expected, tuple):
        return "100", "0"
    right = len(_right_options(part))
    wrong = len(part.options) - right
    return _fraction(100 / right), "-" + _fraction(100 / max(1, wrong)) if wrong else "0"


def _fits_moodle(part: Part) -> bool:
    """Whether Moodle's grade fractions can split a choice part's options."""
    right = len(_right_options(part))
    return right <= SPLIT_CORRECT and len(part.options) - right <= SPLIT_CORRECT


def _choice_blank(part: Part, weight: int = 1) -> str:
    """A choice part as a Cloze MULTICHOICE blank (MULTIRESPONSE where several may be right);
    a wrong option's named mistake is its feedback."""
    feedback = {m.value: m.feedback for m in part.mistakes}
    right, wrong = _choice_fractions(part)
    several = isinstance(part.expected, tuple)
    pieces = []
    for number, option in enumerate(part.options, 1):
        ok = number in _right_options(part)
        mark = (f"%{right}%" if several else "=") if ok else f"%{wrong}%"
        why = "Right." if ok else feedback.get(number, "")
        pieces.append(f"{mark}{_cloze_escape(option)}#{_cloze_escape(why)}")
    kind = "MULTIRESPONSE" if several else "MULTICHOICE"
    return "{" + f"{weight}:{kind}:" + "~".join(pieces) + "}"


def _choice_answers(q: ET.Element, part: Part) -> None:
    feedback = {m.value: m.feedback for m in part.mistakes}
    right, wrong = _choice_fractions(part)
    ET.SubElement(q, "single").text = "false" if isinstance(part.expected, tuple) else "true"
    ET.SubElement(q, "shuffleanswers").text = "false"  # the prompt may name options by number
    ET.SubElement(q, "answernumbering").text = "123"
    for number, option in enumerate(part.options, 1):
        ok = number in _right_options(part)
        answer = ET.SubElement(q, "answer", {"fraction": right if ok else wrong, "format": "html"})
        ET.SubElement(answer, "text").text = _html(option)
        why = "Right." if ok else feedback.get(number, "")
        _text(answer, "feedback", _html(why), "html")


def _outside_blanks(text: str) -> str:
    """Question text around Cloze blanks: HTML, with braces that cannot open a blank."""
    return _html(text).replace("{", "&#123;").replace("}", "&#125;")


def cloze_weight(points: float, blanks: int) -> int:
    """A Cloze blank's weight (Moodle takes whole numbers): a part's points shared by its
    blanks, on a scale of 60 per point so that shares of up to six blanks stay exact."""
    return max(1, round(60 * points / max(1, blanks)))


def exercise_questions(
    quiz: ET.Element, deck: Deck, item: ExerciseItem, variants: int
) -> Iterator[str]:
    """Add `variants` questions for an item; yields a reason for each variant left out."""
    from gradeck.exercises.render import render_prompt
    from gradeck.exercises.template import make_exercise
    from gradeck.exercises.worksheet import answer_text, score, scored_heading

    tags = [*deck.tags, *item.tags]
    for index in range(variants):
        seed = variant_seed(deck.id, item.id, index)
        exercise = make_exercise(item.family, seed, item.difficulty, item.params, item.template)
        exercise = replace(exercise, title=item.title or exercise.title)
        blanks = [[] if part.options else part_blanks(part) for part in exercise.parts]
        if any(b is None for b in blanks):
            yield "exercise with a symbolic answer"
            continue
        if not all(_fits_moodle(part) for part in exercise.parts if part.options):
            yield "choice part with more than 10 right or wrong options"
            continue
        if not all(_decimal_exact(part) for part in exercise.parts):
            yield "exact answer with no short decimal (Moodle compares decimals)"
            continue
        name = f"{exercise.title} · seed {seed}"
        idnumber = f"{deck.id}/{item.id}/{seed}"
        prompt = _pre(render_prompt(exercise))
        if len(exercise.parts) == 1 and exercise.parts[0].options:
            part = exercise.parts[0]
            q = _question(quiz, "multichoice", name, prompt + f"<p>{_html(part.prompt)}</p>",
                          idnumber, tags, part.points)  # fmt: skip
            _choice_answers(q, part)
        elif len(blanks) == 1 and len(blanks[0] or []) == 1:
            part = exercise.parts[0]
            q = _question(quiz, "numerical", name, prompt + f"<p>{_html(part.prompt)}</p>",
                          idnumber, tags, part.points)  # fmt: skip
            _numerical_answers(q, (blanks[0] or [])[0])
            ET.SubElement(q, "units")
        else:
            lines = []
            for part, part_blanks_ in zip(exercise.parts, blanks, strict=True):
                if part.options:
                    slots = _choice_blank(part, cloze_weight(part.points, 1))
                else:
                    weight = cloze_weight(part.points, len(part_blanks_ or []))
                    slots = ", ".join(_numerical_blank(b, weight) for b in part_blanks_ or [])
                heading = scored_heading(part, exercise)
                lines.append(f"<p>{_outside_blanks(heading)}<br>{slots}</p>")
            q = _question(quiz, "cloze", name, prompt + "".join(lines), idnumber, tags,
                          score(exercise))  # fmt: skip
        _text(q, "generalfeedback", _pre(answer_text(exercise)), "html")


# ---------------------------------------------------------------- cards


def _fraction(share: float) -> str:
    return f"{share:.5f}".rstrip("0").rstrip(".")


def card_question(quiz: ET.Element, deck: Deck, card: Card) -> str | None:
    """Add the card as a question; returns why not when no Moodle type fits it."""
    tags = [*deck.tags, *card.tags]
    name, idnumber = card.id, f"{deck.id}/{card.id}"
    if card.type == "typed":
        q = _question(quiz, "shortanswer", name, _html(card.question), idnumber, tags)
        ET.SubElement(q, "usecase").text = "0"
        for accepted in card.answers:
            answer = ET.SubElement(q, "answer", {"fraction": "100", "format": "moodle_auto_format"})
            ET.SubElement(answer, "text").text = _clean(accepted)
    elif card.type == "choice":
        if len(card.correct) > SPLIT_CORRECT or len(card.wrong) > SPLIT_CORRECT:
            return "choice card with more than 10 right or wrong options"
        q = _question(quiz, "multichoice", name, _html(card.question), idnumber, tags)
        single = len(card.correct) == 1
        ET.SubElement(q, "single").text = "true" if single else "false"
        ET.SubElement(q, "shuffleanswers").text = "true"
        ET.SubElement(q, "answernumbering").text = "abc"
        right = _fraction(100 / len(card.correct))
        wrong = "0" if single else "-" + _fraction(100 / max(1, len(card.wrong)))
        for text, ok in choice_order(deck, card):
            answer = ET.SubElement(q, "answer", {"fraction": right if ok else wrong,
                                                 "format": "html"})  # fmt: skip
            ET.SubElement(answer, "text").text = _html(text)
    elif card.type == "cloze":
        out, pos = [], 0
        for hole in parse_holes(card.text):
            out.append(_outside_blanks(card.text[pos : hole.start]))
            out.append("{1:SHORTANSWER:=" + _cloze_escape(hole.answer) + "}")
            pos = hole.end
        out.append(_outside_blanks(card.text[pos:]))
        q = _question(quiz, "cloze", name, "".join(out), idnumber, tags)
    else:
        return f"{card.type} card (free recall: no answer Moodle can check)"
    if card.note:
        _text(q, "generalfeedback", _html(card.note), "html")
    return None


def moodle_export(deck: Deck, variants: int) -> MoodleExport:
    """The deck as a Moodle XML quiz file."""
    if not 0 <= variants <= MAX_VARIANTS:
        raise GradeckError(f"--variants must be between 0 and {MAX_VARIANTS}, not {variants}")
    quiz = ET.Element("quiz")
    skipped: dict[str, int] = {}
    root = f"gradeck\x1f{deck.title or deck.id}"
    if deck.cards:
        _category(quiz, f"{root}\x1fCards")
    for card in deck.cards:
        reason = card_question(quiz, deck, card)
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
    for item in deck.exercises:
        _category(quiz, f"{root}\x1f{item.title or item.id}")
        for reason in exercise_questions(quiz, deck, item, variants):
            skipped[reason] = skipped.get(reason, 0) + 1
    ET.indent(quiz)
    count = sum(1 for q in quiz if q.get("type") != "category")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode")
    return MoodleExport(text + "\n", count, skipped)


def write_moodle(deck: Deck, path: Path, variants: int) -> MoodleExport:
    export = moodle_export(deck, variants)
    try:
        path.write_text(export.xml, encoding="utf-8")
    except OSError as exc:
        raise GradeckError(f"cannot write {path}: {exc.strerror}") from None
    return export
