"""L2 weight decay: SGD's gradient + λw, and AdamW's decoupled shrink w(1 − ηλ)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from gradeck.exercises.families import _nets
from gradeck.exercises.families._draw import (
    carry,
    check_difficulty,
    clean,
    decimal,
    differs,
    draw_or,
    num,
    number_at,
    rng,
    signed,
    updated_spread,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Value

FAMILY = "weight-decay"
DIFFICULTIES = (1, 2)
EPS = 1e-8
# (η, λ): the decay ηλ must be large enough for its slips to show in a shrunk weight.
SETTINGS = {
    1: tuple((lr, decay) for lr in (0.1, 0.2, 0.5) for decay in (0.05, 0.1, 0.2, 0.5)),
    2: ((0.5, 0.2), (0.2, 0.5), (0.5, 0.5), (0.1, 1.0), (0.25, 0.4), (0.4, 0.5)),
}
OPTIMIZER = {1: "sgd", 2: "adamw"}


@dataclass(frozen=True)
class Values:
    optimizer: str
    lr: float
    decay: float  # λ, torch's weight_decay
    w: float
    g: float  # the loss's own gradient, without the decay term


@lru_cache(maxsize=16)  # the accepted draw's record is reused by generate()
def step(v: Values) -> _nets.OptimizerStep:
    (record,) = _nets.optimizer_steps(v.optimizer, (v.w,), [(v.g,)], lr=v.lr, weight_decay=v.decay)
    return record


def answers(v: Values) -> tuple[float, float]:
    """SGD: (g + λw, w₁); AdamW: (w after the decay alone, w₁)."""
    s = step(v)
    first = s.state["g"][0] if v.optimizer == "sgd" else v.w - s.state["decay"][0]
    return clean(first), clean(s.after[0])


def _adam_step(g: float) -> float:
    """Adam's first step for gradient g, before η: m̂/(√v̂ + ε) = g/(|g| + ε)."""
    return g / (abs(g) + EPS)


def _first_mistakes(v: Values) -> list[Mistake]:
    if v.optimizer == "sgd":
        return [
            Mistake(
                "decay-sign",
                clean(v.g - v.decay * v.w),
                "Weight decay pulls w towards 0, so its term λw is added to the gradient.",
            ),
            Mistake("decay-forgotten", v.g, "Add the decay term λw to the loss's gradient."),
            Mistake(
                "penalty-doubled",
                clean(v.g + 2 * v.decay * v.w),
                "torch's weight_decay = λ adds λw, the gradient of the penalty (λ/2)w²; "
                "2λw would be the gradient of λw².",
            ),
        ]
    return [
        Mistake(
            "lr-not-applied",
            clean(v.w * (1 - v.decay)),
            "AdamW shrinks w by the factor 1 − ηλ: the decay is scaled by the learning rate.",
        ),
        Mistake(
            "not-multiplied-by-w",
            clean(v.w - v.lr * v.decay),
            "The decay is proportional to the weight: w ← w − ηλw.",
        ),
        Mistake(
            "grown",
            clean(v.w * (1 + v.lr * v.decay)),
            "Decay shrinks the weight towards 0: multiply by 1 − ηλ.",
        ),
    ]


def _second_mistakes(v: Values, first: float, after: float) -> list[Mistake]:
    eta, lam = v.lr, v.decay
    if v.optimizer == "sgd":
        return [
            Mistake(
                "decay-forgotten",
                clean(v.w - eta * v.g),
                "The step uses the gradient with the decay term, g + λw.",
            ),
            Mistake(
                "decay-not-scaled",
                clean(v.w - eta * v.g - lam * v.w),
                "The decay term is part of the gradient, so η multiplies it too.",
            ),
            Mistake(
                "sign-flipped",
                clean(v.w + eta * first),
                "That moves uphill: SGD subtracts η(g + λw).",
            ),
        ]
    found = [
        Mistake(
            "decay-forgotten",
            clean(v.w - eta * _adam_step(v.g)),
            "That is Adam's step alone; AdamW also shrinks w by the factor 1 − ηλ.",
        ),
        Mistake(
            "lr-not-applied",
            clean(v.w * (1 - lam) - eta * _adam_step(v.g)),
            "The decoupled decay is ηλw, scaled by the learning rate.",
        ),
        Mistake(
            "sign-flipped",
            clean(first + eta * _adam_step(v.g)),
            "That moves uphill: Adam's step is subtracted.",
        ),
    ]
    coupled = clean(v.w - eta * _adam_step(v.g + lam * v.w))
    if differs(coupled, found[0].value):  # Adam's normalisation often erases the coupled decay
        found.append(
            Mistake(
                "coupled-l2",
                coupled,
                "That adds λw to the gradient before Adam's scaling, as Adam(weight_decay=λ) "
                "does. AdamW decouples it: w ← w(1 − ηλ), then Adam's step on g alone.",
            )
        )
    return found


def _ok(v: Values) -> bool:
    first, after = answers(v)
    # A weight near 0 would be a small difference of larger numbers: rounding would swamp it.
    if min(abs(first), abs(after)) < 0.05 or abs(after - v.w) < 0.05:
        return False
    firsts = [cast(float, m.value) for m in _first_mistakes(v)]
    seconds = [cast(float, m.value) for m in _second_mistakes(v, first, after)]
    # A slip landing next to 0 (w − η when w ≈ η) is float noise, not a value to recognise.
    if min(abs(x) for x in (*firsts, *seconds)) < 0.01:
        return False
    start_a, start_b = starts(v, first)
    # SGD's "decay-forgotten" is the gradient g unchanged: its own name for no update.
    return updated_spread(start_a, first, firsts, named_start=True) and updated_spread(
        start_b, after, seconds
    )


def starts(v: Values, first: float) -> tuple[float, float]:
    """What parts (a) and (b) update: SGD adds λw to g, then steps from w; AdamW shrinks w, then
    steps from the shrunk weight."""
    return (v.g, v.w) if v.optimizer == "sgd" else (v.w, first)


FALLBACK = {
    1: Values("sgd", lr=0.2, decay=0.05, w=1.4, g=1.7),
    2: Values("adamw", lr=0.2, decay=0.5, w=-0.7, g=-1.4),
}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        lr, decay = r.choice(SETTINGS[difficulty])
        return Values(
            OPTIMIZER[difficulty],
            lr=lr,
            decay=decay,
            w=decimal(r, -2, 2, 1),
            g=decimal(r, -2, 2, 1),
        )

    return draw_or(one, _ok, FALLBACK[difficulty])


@dataclass(frozen=True)
class _Form:
    """What tells SGD's exercise from AdamW's; the two parts and their checks are shared."""

    title: str
    prompt: str
    asked: tuple[str, str]  # what parts (a) and (b) ask for
    rule: Callable[[Sequence[Value | None]], float]  # (b) from the learner's (a)
    solution: tuple[Step, ...]
    hints: tuple[str, ...]


def _sgd(v: Values, first: float, after: float) -> _Form:
    return _Form(
        title="SGD with weight decay",
        prompt=(
            f"A weight w = {num(v.w)} has loss gradient ∂L/∂w = {num(v.g)}. It is trained with "
            f"torch.optim.SGD, learning rate η = {num(v.lr)}, weight_decay λ = {num(v.decay)} "
            f"(no momentum): the step uses g + λw, the gradient of L + (λ/2)w². Give (a) the "
            f"gradient the step uses, g + λw, and (b) w after one step."
        ),
        asked=("the gradient used, g + λw", "w after one step"),
        rule=lambda ans: v.w - v.lr * number_at(ans, 0, first),
        solution=(
            Step(
                "Weight decay adds λw to the loss's gradient.",
                "g' = ∂L/∂w + λw",
                f"{num(v.g)} + {num(v.decay)} × {signed(v.w)} = {num(first)}",
            ),
            Step(
                "Then an ordinary SGD step with that gradient.",
                "w ← w − η·g'",
                f"{num(v.w)} − {num(v.lr)} × {signed(first)} = {num(after)}",
            ),
        ),
        hints=(
            "torch's weight_decay λ adds λw to the gradient before the step.",
            "The whole gradient, decay term included, is multiplied by η.",
        ),
    )


def _adamw(v: Values, first: float, after: float) -> _Form:
    unit = _adam_step(v.g)
    return _Form(
        title="AdamW's decoupled weight decay",
        prompt=(
            f"A weight w = {num(v.w)} has loss gradient ∂L/∂w = {num(v.g)}. It takes its first "
            f"step with torch.optim.AdamW: learning rate η = {num(v.lr)}, weight_decay "
            f"λ = {num(v.decay)}, betas (0.9, 0.999), ε = 1e-8. AdamW decouples the decay: it "
            f"first shrinks w ← w(1 − ηλ), then takes Adam's step η·m̂/(√v̂ + ε) on the loss's "
            f"gradient alone (on a first step m̂ = g and v̂ = g²). Give (a) w after the decay "
            f"alone and (b) w after the whole step."
        ),
        asked=("w after the decay alone", "w after the whole step"),
        rule=lambda ans: number_at(ans, 0, first) - v.lr * unit,
        solution=(
            Step(
                "Decoupled decay: shrink the weight, independently of the gradient.",
                "w ← w(1 − ηλ)",
                f"{num(v.w)} × (1 − {num(v.lr)} × {num(v.decay)}) = {num(v.w)} × "
                f"{num(clean(1 - v.lr * v.decay))} = {num(first)}",
            ),
            Step(
                "Adam's first step: m̂ = g and v̂ = g², so it moves by η against the sign of g.",
                "w ← w − η·m̂/(√v̂ + ε) = w − η·g/(|g| + ε)",
                f"{num(first)} − {num(v.lr)} × {signed(v.g)}/{num(abs(v.g))} = {num(after)}",
            ),
        ),
        hints=(
            "AdamW applies the decay to the weight directly, w ← w(1 − ηλ), not through the "
            "gradient.",
            "On Adam's first step the bias-corrected moments are m̂ = g and v̂ = g².",
        ),
    )


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    first, after = answers(v)
    form = (_sgd if v.optimizer == "sgd" else _adamw)(v, first, after)
    start_a, start_b = starts(v, first)
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title=form.title,
        prompt=form.prompt,
        parts=(
            Part("a", form.asked[0], first, mistakes=tuple(_first_mistakes(v)), start=start_a),
            Part(
                "b",
                form.asked[1],
                after,
                start=start_b,
                mistakes=tuple(_second_mistakes(v, first, after)),
                carry=carry(after, form.rule),
            ),
        ),
        solution=form.solution,
        hints=form.hints,
    )
