"""`gradeck validate --deep`: draw many variants of each template and say what an author would
want to know before learners meet it, like the question tests of STACK.

A template can be valid and still teach badly: a listed mistake that equals the answer in many
variants is never diagnosed there; constraints can skew a variable far from what the author
declared; answers can be huge or always zero (a gradient that vanishes, a saturated sigmoid);
a network can apply softmax twice (a softmax layer before `cross_entropy`, which applies its
own); two parts can ask for the same number. Each finding is a warning with the file:line:col
of the field it is about (the variable, the part's answer, the mistake) and the figures;
`--strict` makes warnings fail. The work is bounded: VARIANTS variants per template, each
within the template's own validated cost.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gradeck.decks.model import Deck, ExerciseItem
from gradeck.errors import GradeckError

Where = tuple[str | int, ...]  # a field's path under the template, as in ("parts", 0, "answer")

VARIANTS = 1000
COLLIDE_SHARE = 0.05  # a mistake not diagnosed in more than 5% of variants
SKEW = 0.10  # a choice or a quarter of a range drawn 10 points off its declared share
HUGE = 1e6
DEGENERATE_SHARE = 0.5  # an answer that is 0 (or saturated) in half the variants
SATURATED = 1e-3
SAME_SHARE = 0.9  # two parts with equal answers in 90% of variants


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: warning: {self.message}"


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _numbers(value: Any) -> list[float]:
    if isinstance(value, tuple):
        return [x for v in value for x in _numbers(v)]
    return [float(value)] if isinstance(value, int | float) else []


def _variables(item: ExerciseItem, draws: int) -> list[tuple[Where, str]]:
    """Variables whose accepted draws are spread unlike the declaration (constraints skew them)."""
    from gradeck.exercises.template import Rejected, draw
    from gradeck.exercises.template_model import ChoiceVar, VectorVar

    template = item.template
    if not template.constraints:
        return []  # nothing but the constraints turns draws away
    accepted: list[dict[str, Any]] = []
    rng = random.Random(f"gradeck/lint/{template.id}")
    for _ in range(draws):
        try:
            accepted.append(draw(template, rng))
        except Rejected:
            continue
    if len(accepted) < 20:
        return []
    out: list[tuple[Where, str]] = []
    for var in template.variables:
        if isinstance(var, VectorVar):
            continue  # its elements are drawn as its element variable is
        values = [env[var.name] for env in accepted]
        if isinstance(var, ChoiceVar):
            declared = Counter(var.choices)
            buckets = {c: values.count(c) / len(values) for c in declared}
            want = {c: n / len(var.choices) for c, n in declared.items()}
            labels = {c: f"{c}" for c in declared}
        else:
            low, high = float(var.low), float(var.high)
            if high == low:
                continue
            quarter = [min(3, int(4 * (float(v) - low) / (high - low + 1e-12))) for v in values]
            count = var.count
            edges = [low + (high - low) * q / 4 for q in range(5)]
            buckets = {q: quarter.count(q) / len(values) for q in range(4)}
            steps = [float(var.low + var.step * i) for i in range(count)]
            want = {q: sum(1 for s in steps if min(3, int(4 * (s - low) / (high - low + 1e-12)))
                           == q) / count for q in range(4)}  # fmt: skip
            labels = {q: f"{edges[q]:g} to {edges[q + 1]:g}" for q in range(4)}
        worst = max(buckets, key=lambda b: abs(buckets[b] - want[b]))
        p = want[worst]
        noise = 4 * (p * (1 - p) / len(values)) ** 0.5  # four standard errors of a share
        if abs(buckets[worst] - p) > max(SKEW, noise):
            out.append((
                ("variables", var.name),
                f"variable {var.name!r}: {labels[worst]} is drawn in {_pct(buckets[worst])} of "
                f"variants, declared {_pct(want[worst])} (the constraints skew it)",
            ))  # fmt: skip
    return out


def _network(item: ExerciseItem, envs: list[dict[str, Any]]) -> list[tuple[Where, str]]:
    plan = item.template.network
    if plan is None:
        return []
    twice = 0
    for env in envs:
        try:
            spec = plan.build(env)
        except ValueError:
            continue
        twice += spec.loss == "cross_entropy" and spec.layers[-1].activation == "softmax"
    if twice:
        return [(
            ("network", "loss"),
            f"the last layer is softmax and the loss cross_entropy in {_pct(twice / len(envs))} "
            "of variants: cross_entropy applies softmax itself (as torch.nn.CrossEntropyLoss "
            "does), so softmax is applied twice; make the last layer linear"
        )]  # fmt: skip
    return []


def lint_item(item: ExerciseItem, variants: int = VARIANTS) -> list[str]:
    """What is worth a warning in one template item, as sentences."""
    return [message for _, message in _findings(item, variants)]


def _findings(item: ExerciseItem, variants: int) -> list[tuple[Where, str]]:
    """Each warning with the path, under the template, of the field it is about."""
    from gradeck.exercises.template import Rejected, TemplateError, draw, generate

    template = item.template
    out: list[tuple[Where, str]] = [
        (("parts", j, "answer"),
         f"part ({p.label}) and ({q.label}) have the same answer {p.answer.text!r}")
        for i, p in enumerate(template.parts) for j, q in enumerate(template.parts) if j > i
        if p.answer and q.answer and p.answer.text == q.answer.text]  # fmt: skip
    exercises = []
    for seed in range(variants):
        try:
            exercises.append(generate(template, seed, item.difficulty))
        except TemplateError:
            continue
    if not exercises:
        return [*out, ((), f"no usable variant in {variants} seeds")]
    n = len(exercises)
    if n < variants:
        out.append(((), f"{variants - n} of {variants} seeds give no usable variant"))
    for index, spec in enumerate(template.parts):
        label = spec.label
        if spec.answer is None:
            continue  # a choice part: its options are told apart when the variant is made
        parts = [e.parts[index] for e in exercises]
        at = ("parts", index, "answer")
        for j, mistake in enumerate(spec.mistakes):
            lost = sum(all(m.name != mistake.name for m in p.mistakes) for p in parts)
            if lost / n > COLLIDE_SHARE:
                out.append((
                    ("parts", index, "mistakes", j, "value"),
                    f"part ({label}): mistake {mistake.value.text!r} equals the answer in "
                    f"{_pct(lost / n)} of variants, so it is not diagnosed there",
                ))  # fmt: skip
        values = [_numbers(p.expected) for p in parts]
        huge = sum(any(abs(x) > HUGE for x in v) for v in values)
        if huge:
            out.append((at, f"part ({label}): the answer is above {HUGE:g} in "
                        f"{_pct(huge / n)} of variants"))  # fmt: skip
        zero = sum(bool(v) and all(x == 0 for x in v) for v in values)
        if zero / n > DEGENERATE_SHARE:
            out.append((at, f"part ({label}): the answer is 0 in {_pct(zero / n)} of variants "
                        "(a vanishing gradient?)"))  # fmt: skip
        if "output" in spec.answer.text:
            flat = sum(
                bool(v) and all(x < SATURATED or x > 1 - SATURATED for x in v) for v in values
            )
            if flat / n > DEGENERATE_SHARE:
                out.append((at, f"part ({label}): the output is within {SATURATED:g} of 0 or 1 "
                            f"in {_pct(flat / n)} of variants (a saturated unit)"))  # fmt: skip
        for later in range(index + 1, len(template.parts)):
            other = template.parts[later].answer
            if other is None or other.text == spec.answer.text:
                continue
            same = sum(e.parts[index].expected == e.parts[later].expected for e in exercises)
            if same / n > SAME_SHARE:
                out.append((("parts", later, "answer"),
                            f"parts ({label}) and ({template.parts[later].label}) have the same "
                            f"answer in {_pct(same / n)} of variants"))  # fmt: skip
    out += _variables(item, variants)
    rng = random.Random(0)
    envs = []
    for _ in range(min(variants, 200)):
        try:
            envs.append(draw(template, rng))
        except Rejected:
            continue
    if envs:
        out += _network(item, envs)
    return out


def lint_deck(deck: Deck, variants: int = VARIANTS) -> list[Finding]:
    """Every warning of every template item in the deck, at the line and column of the field
    it is about (the variable, the part's answer, the mistake, the network's loss), or of the
    item when it is about the whole template."""
    from gradeck.decks.template_reader import locate

    findings = []
    for item in deck.exercises:
        if item.template is None:
            continue
        try:
            found = _findings(item, variants)
        except GradeckError as exc:
            found = [((), str(exc))]
        body = item.template.source
        for where, message in found:
            line, col = locate(body, where) if where and body is not None else (item.line, 1)
            findings.append(Finding(str(deck.path), line, f"{item.id}: {message}", col))
    return findings
