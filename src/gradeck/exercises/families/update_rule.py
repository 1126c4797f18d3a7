"""One step of plain gradient descent on a weight, a bias, or a weight vector with its bias."""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    check_difficulty,
    choose_param,
    clean,
    cleaned,
    decimal,
    decimals,
    draw_or,
    num,
    rng,
    signed,
    updated_spread,
    vec,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step, Table

FAMILY = "update-rule"
DIFFICULTIES = (1, 2, 3)
TARGETS = ("weight", "bias", "vector")
RATES = {
    1: (0.1, 0.5, 0.2, 0.05, 0.01),
    2: (0.1, 0.05, 0.2, 0.5, 0.01, 0.02),
    3: (0.03, 0.15, 0.25, 0.3, 0.005, 0.002),
}
VECTOR_SIZE = {1: 2, 2: 3, 3: 4}
PLACES = {1: (1, 1), 2: (2, 2), 3: (2, 3)}  # (parameter, gradient) decimal places


@dataclass(frozen=True)
class Values:
    target: str
    lr: float
    params: tuple[float, ...]  # the weight(s); for target "bias", the bias
    grads: tuple[float, ...]
    bias: float = 0.0  # target "vector" only
    bias_grad: float = 0.0


def updated(params: tuple[float, ...], grads: tuple[float, ...], lr: float) -> tuple[float, ...]:
    return cleaned([p - lr * g for p, g in zip(params, grads, strict=True)])


def _wrong(params: tuple[float, ...], grads: tuple[float, ...], lr: float) -> dict[str, tuple]:
    """The classic wrong updates, element by element."""
    pairs = list(zip(params, grads, strict=True))
    return {
        "sign-flipped": cleaned([p + lr * g for p, g in pairs]),
        "learning-rate-forgotten": cleaned([p - g for p, g in pairs]),
        "step-only": cleaned([-lr * g for _, g in pairs]),
    }


FEEDBACK = {
    "sign-flipped": "That moves with the gradient, uphill. Gradient descent subtracts η times the "
    "gradient.",
    "learning-rate-forgotten": "The whole gradient was subtracted. It is scaled by the learning "
    "rate η first.",
    "step-only": "That is only the change −η·∂L/∂θ. The new value is the old value plus that "
    "change.",
}


def _shows(lr: float, p: float, g: float) -> bool:
    return abs(lr * g) >= 0.04 * (abs(p) + abs(lr * g))


def _apart(v: Values) -> bool:
    groups = [(v.params, v.grads)]
    if v.target == "vector":
        groups.append(((v.bias,), (v.bias_grad,)))
    for p, g in groups:
        right = updated(p, g, v.lr)
        # Each new value written exactly in the six digits a worked solution shows (1.58 −
        # 0.002 × −0.061 = 1.580122 would not be).
        if any(float(num(x)) != x for x in right):
            return False
        if not updated_spread(p, right, list(_wrong(p, g, v.lr).values())):
            return False
    return True


# The weight and the bias share their numbers (the tests check each).
FALLBACK = {
    **{(t, 1): Values(t, 0.1, (-0.2,), (0.1,)) for t in ("weight", "bias")},
    ("vector", 1): Values("vector", 0.05, (-1.8, -0.6), (-1.9, -0.2), 0.1, 1.4),
    **{(t, 2): Values(t, 0.1, (1.35,), (-1.44,)) for t in ("weight", "bias")},
    ("vector", 2): Values("vector", 0.1, (1.35, -1.44, 0.39), (-0.13, -1.49, 0.11), 0.06, -0.36),
    **{(t, 3): Values(t, 0.25, (-0.7,), (1.912,)) for t in ("weight", "bias")},
    ("vector", 3): Values(
        "vector", 0.15, (0.02, -0.41, 1.74, -0.74), (0.151, -1.971, 1.576, -0.935), -0.98, 1.265
    ),
}


def draw(seed: int, difficulty: int, target: str | None = None) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    if target is None and difficulty > 1:
        target = "vector"
    target = choose_param("target", target, TARGETS[:2] if target is None else TARGETS, r)
    size = VECTOR_SIZE[difficulty] if target == "vector" else 1
    p_places, g_places = PLACES[difficulty]

    def group(lr: float, size: int, bound: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Values and gradients, the last value drawn so that some step η·g shows against its
        value (the checker takes a number within 3 % of the start for "no update"): the check
        most draws with a small η failed. Shows means |p| ≤ 24·|ηg| (`_shows`), so the last
        value is drawn from that range, uniform over the values that pass."""
        grads = decimals(r, size, -2, 2, g_places)
        head = decimals(r, size - 1, -bound, bound, p_places)
        reach = min(bound, 0.99 * (1 / 0.04 - 1) * abs(lr * grads[-1]))
        if reach < 10**-p_places or any(
            _shows(lr, p, g) for p, g in zip(head, grads, strict=False)
        ):
            reach = bound
        return (*head, decimal(r, -reach, reach, p_places)), grads

    def one() -> Values:
        lr = r.choice(RATES[difficulty])
        params, grads = group(lr, size, 2)
        if target != "vector":
            return Values(target, lr, params, grads)
        (bias,), (bias_grad,) = group(lr, 1, 1)
        return Values(target, lr, params, grads, bias, bias_grad)

    return draw_or(one, _apart, FALLBACK[target, difficulty])


def _part(label: str, prompt: str, params: tuple, grads: tuple, lr: float, vector: bool) -> Part:
    right = updated(params, grads, lr)
    mistakes = tuple(
        Mistake(name, value if vector else value[0], FEEDBACK[name])
        for name, value in _wrong(params, grads, lr).items()
    )
    if vector:
        return Part(label, prompt, right, kind="vector", mistakes=mistakes, start=params)
    return Part(label, prompt, right[0], mistakes=mistakes, start=params[0])


def _working(p: float, g: float, lr: float) -> str:
    step = clean(lr * g)
    new = num(clean(p - step))
    return f"{num(p)} − {num(lr)} × {signed(g)} = {num(p)} − {signed(step)} = {new}"


def generate(seed: int, difficulty: int, target: str | None = None) -> Exercise:
    v = draw(seed, difficulty, target)
    rule = Step(
        "Plain gradient descent steps against the gradient, scaled by the learning rate.",
        "θ ← θ − η·∂L/∂θ",
    )
    setting = (
        f"A model is trained with plain gradient descent (no momentum, no weight decay) and "
        f"learning rate η = {num(v.lr)}."
    )
    tables: tuple[Table, ...] = ()
    if v.target == "vector":
        n = len(v.params)
        prompt = (
            f"{setting} A layer's weight vector is w = {vec(v.params)} with gradient "
            f"∂L/∂w = {vec(v.grads)}, and its bias b = {num(v.bias)} has gradient "
            f"∂L/∂b = {num(v.bias_grad)}. Give w and b after one update."
        )
        parts: tuple[Part, ...] = (
            _part("a", "w after the update (a vector)", v.params, v.grads, v.lr, vector=True),
            _part("b", "b after the update", (v.bias,), (v.bias_grad,), v.lr, vector=False),
        )
        tables = (
            Table(
                "Weights and their gradients",
                (tuple(num(x) for x in v.params), tuple(num(x) for x in v.grads)),
                row_labels=("w", "∂L/∂w"),
                col_labels=tuple(str(i + 1) for i in range(n)),
            ),
        )
        steps: tuple[Step, ...] = (
            rule,
            Step(
                "The rule acts on each weight separately.",
                "wᵢ ← wᵢ − η·∂L/∂wᵢ",
                "\n".join(
                    f"w{i + 1}: {_working(p, g, v.lr)}"
                    for i, (p, g) in enumerate(zip(v.params, v.grads, strict=True))
                ),
            ),
            Step(
                "The bias follows the same rule.",
                "b ← b − η·∂L/∂b",
                _working(v.bias, v.bias_grad, v.lr),
            ),
        )
    else:
        name = "w" if v.target == "weight" else "b"
        what = "A weight" if v.target == "weight" else "A bias"
        prompt = (
            f"{setting} {what} has the value {name} = {num(v.params[0])}, and backpropagation "
            f"gives ∂L/∂{name} = {num(v.grads[0])}. What is {name} after one update?"
        )
        parts = (_part("a", f"{name} after the update", v.params, v.grads, v.lr, vector=False),)
        steps = (
            rule,
            Step(
                "Put in the numbers.",
                f"{name} ← {name} − η·∂L/∂{name}",
                _working(v.params[0], v.grads[0], v.lr),
            ),
        )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Gradient descent update",
        prompt=prompt,
        parts=parts,
        solution=steps,
        hints=(
            "Descent means moving against the gradient: a positive gradient lowers the parameter.",
            "The step is the learning rate times the gradient: θ ← θ − η·∂L/∂θ.",
        ),
        tables=tables,
    )
