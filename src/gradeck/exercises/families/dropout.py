"""Inverted dropout: kept activations are scaled by 1/(1 − p), so expectations are unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    clean,
    cleaned,
    decimal,
    decimals,
    draw_or,
    num,
    number_at,
    rng,
    vec,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "inverted-dropout"
DIFFICULTIES = (1, 2)
RATES = (0.1, 0.2, 0.25, 0.3, 0.4, 0.6, 0.75, 0.8)
UNITS = 5


@dataclass(frozen=True)
class Values:
    p: float  # probability of zeroing a unit
    activations: tuple[float, ...]
    mask: tuple[int, ...] = ()  # 1 kept, 0 dropped (difficulty 2)
    asked: tuple[int, ...] = ()  # units asked about, 0-based: (expected value, evaluation)

    @property
    def scale(self) -> float:
        return 1 / (1 - self.p)


def dropped(v: Values, factor: float) -> tuple[float, ...]:
    return cleaned([a * m * factor for a, m in zip(v.activations, v.mask, strict=True)])


def _scale_mistakes(p: float) -> list[Mistake]:
    return [
        Mistake(
            "keep-probability",
            clean(1 - p),
            "Multiplying by 1 − p shrinks the kept "
            "units; inverted dropout divides by 1 − p to make up for the dropped ones.",
        ),
        Mistake(
            "one-over-p",
            clean(1 / p),
            "p is the probability of dropping; the kept "
            "fraction is 1 − p, so the scale is 1/(1 − p).",
        ),
        Mistake(
            "p-itself",
            p,
            "p is the drop probability, not the scale: kept units are multiplied by 1/(1 − p).",
        ),
    ]


def _kept_mistakes(p: float, a: float) -> list[Mistake]:
    return [
        Mistake(
            "keep-probability",
            clean(a * (1 - p)),
            "Inverted dropout divides by 1 − p during training; it does not multiply by it.",
        ),
        Mistake(
            "one-over-p", clean(a / p), "The kept fraction is 1 − p, so divide by 1 − p, not by p."
        ),
        Mistake(
            "not-scaled",
            a,
            "With inverted dropout the kept units are scaled up during training, by 1/(1 − p).",
        ),
    ]


def _vector_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "keep-probability",
            dropped(v, 1 - v.p),
            "Inverted dropout divides the kept units by 1 − p; it does not multiply by it.",
        ),
        Mistake(
            "not-scaled",
            dropped(v, 1.0),
            "The kept units are also scaled by 1/(1 − p) during training.",
        ),
        Mistake(
            "mask-ignored",
            cleaned([a * v.scale for a in v.activations]),
            "The dropped units (mask 0) become 0.",
        ),
    ]


def _expectation_mistakes(p: float, a: float) -> list[Mistake]:
    return [
        Mistake(
            "keep-forgotten",
            clean(a / (1 - p)),
            "The unit survives only with probability 1 − p: E = (1 − p)·a/(1 − p) + p·0.",
        ),
        Mistake(
            "not-inverted",
            clean(a * (1 - p)),
            "That is the expectation without the "
            "1/(1 − p) scaling; inverted dropout's scaling cancels the keep probability.",
        ),
    ]


def _evaluation_mistakes(p: float, a: float) -> list[Mistake]:
    return [
        Mistake(
            "scaled-at-evaluation",
            clean(a * (1 - p)),
            "That is the evaluation rule of "
            "the original, non-inverted dropout; inverted dropout leaves evaluation alone.",
        ),
        Mistake(
            "inverted-at-evaluation",
            clean(a / (1 - p)),
            "In evaluation mode dropout does nothing: no units dropped, no scaling.",
        ),
    ]


def _ok(v: Values) -> bool:
    if not v.mask:
        a = v.activations[0]
        return apart(clean(v.scale), _scale_mistakes(v.p)) and apart(
            clean(a * v.scale), _kept_mistakes(v.p, a)
        )
    if 0 not in v.mask or 1 not in v.mask:
        return False
    e, ev = (v.activations[i] for i in v.asked)
    return (
        apart(dropped(v, v.scale), _vector_mistakes(v))
        and apart(e, _expectation_mistakes(v.p, e))
        and apart(ev, _evaluation_mistakes(v.p, ev))
    )


FALLBACK = {
    1: Values(0.6, (2.8,)),
    2: Values(0.3, (2.6, 0.8, 2.0, 1.7, 1.1), (1, 0, 0, 1, 0), (0, 2)),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        p = r.choice(RATES)
        if difficulty == 1:
            return Values(p, (decimal(r, 0.1, 3, 1),))
        return Values(
            p,
            decimals(r, UNITS, 0.1, 3, 1),
            tuple(int(r.random() >= p) for _ in range(UNITS)),
            tuple(r.sample(range(UNITS), 2)),
        )

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    scale = clean(v.scale)
    convention = (
        f"A dropout layer with p = {num(v.p)} (the probability of zeroing a unit, as in "
        f"torch.nn.Dropout) uses inverted dropout: during training each unit is dropped with "
        f"probability p and the kept ones are rescaled; in evaluation mode it does nothing."
    )
    rule = Step(
        "Kept units are divided by the keep probability 1 − p, so that the expected "
        "output equals the input.",
        "scale = 1/(1 − p)",
        f"1/(1 − {num(v.p)}) = 1/{num(clean(1 - v.p))} = {num(scale)}",
    )
    if difficulty == 1:
        a = v.activations[0]
        kept = clean(a * v.scale)
        prompt = (
            f"{convention} (a) By what factor are the kept activations multiplied during "
            f"training? (b) A unit with activation {num(a)} is kept: what does the layer output "
            f"for it?"
        )
        parts: tuple[Part, ...] = (
            Part("a", "scale of the kept units", scale, mistakes=tuple(_scale_mistakes(v.p))),
            Part(
                "b",
                "output of the kept unit",
                kept,
                mistakes=tuple(_kept_mistakes(v.p, a)),
                carry=carry(kept, lambda ans: a * number_at(ans, 0, v.scale)),
            ),
        )
        steps: tuple[Step, ...] = (
            rule,
            Step(
                "Multiply the kept activation by the scale.",
                "y = a/(1 − p)",
                f"{num(a)} × {num(scale)} = {num(kept)}",
            ),
        )
    else:
        out = dropped(v, v.scale)
        e, ev = v.asked
        prompt = (
            f"{convention} The layer's input is a = {vec(v.activations)}, and this time the "
            f"random mask keeps the units marked 1: m = {vec(v.mask)}. (a) What does the layer "
            f"output during training? (b) Over all random masks, what is the expected training "
            f"output of unit {e + 1}? (c) What does unit {ev + 1} output in evaluation mode?"
        )
        parts = (
            Part(
                "a",
                "training output (a vector)",
                out,
                kind="vector",
                mistakes=tuple(_vector_mistakes(v)),
            ),
            Part(
                "b",
                f"expected training output of unit {e + 1}",
                v.activations[e],
                mistakes=tuple(_expectation_mistakes(v.p, v.activations[e])),
            ),
            Part(
                "c",
                f"evaluation output of unit {ev + 1}",
                v.activations[ev],
                mistakes=tuple(_evaluation_mistakes(v.p, v.activations[ev])),
            ),
        )
        steps = (
            rule,
            Step(
                "Zero the dropped units and scale the kept ones.",
                "y = m ⊙ a/(1 − p)",
                f"{vec(v.mask)} ⊙ {vec(v.activations)} × {num(scale)} = {vec(out)}",
            ),
            Step(
                "A unit is kept with probability 1 − p and then scaled by 1/(1 − p).",
                "E[y] = (1 − p)·a/(1 − p) + p·0 = a",
                f"E[y{e + 1}] = {num(v.activations[e])}",
            ),
            Step(
                "In evaluation mode inverted dropout passes its input through unchanged.",
                "y = a",
                f"y{ev + 1} = {num(v.activations[ev])}",
            ),
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Inverted dropout",
        prompt=prompt,
        parts=parts,
        solution=steps,
        hints=(
            "p is the probability of dropping a unit, so a unit is kept with probability 1 − p.",
            "Inverted dropout scales during training, so that nothing changes at evaluation time.",
        ),
    )
