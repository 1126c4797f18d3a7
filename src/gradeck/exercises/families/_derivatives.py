"""The fixed items of the symbolic-derivative family: each a function, its derivative as text in
the answer grammar, the classic slips with what they reveal, and the worked steps."""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.model import Mistake, Step


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    question: str
    expected: str
    symbols: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    steps: tuple[Step, ...]
    hint: str


SQUARED_ERROR = "L = (w·x + b − y)²"
BCE = "L = −[y·log(s) + (1 − y)·log(1 − s)]"

ITEMS: dict[str, Item] = {
    item.key: item
    for item in (
        Item(
            "sigmoid",
            "Sigmoid's derivative through its value",
            "Let s = σ(z) = 1/(1 + e^(−z)). Write dσ/dz in terms of s alone.",
            "s*(1 - s)",
            ("s",),
            (
                Mistake("value-for-derivative", "s", "That is σ itself, not its derivative."),
                Mistake(
                    "log-derivative",
                    "1 - s",
                    "That is the derivative of log σ(z); dσ/dz has one more factor of σ.",
                ),
            ),
            (
                Step("Differentiate with the chain rule.", "dσ/dz = e^(−z)/(1 + e^(−z))²"),
                Step(
                    "Split the fraction: 1/(1 + e^(−z)) is σ, and e^(−z)/(1 + e^(−z)) is 1 − σ.",
                    "dσ/dz = σ·(1 − σ) = s(1 − s)",
                ),
            ),
            "Differentiate 1/(1 + e^(−z)), then look for σ and 1 − σ in the result.",
        ),
        Item(
            "tanh",
            "tanh's derivative through its value",
            "Let t = tanh(z). Write d tanh(z)/dz in terms of t alone.",
            "1 - t^2",
            ("t",),
            (
                Mistake("square-forgotten", "1 - t", "The tanh is squared: 1 − tanh²(z)."),
                Mistake(
                    "tan-confused",
                    "1 + t^2",
                    "That is the derivative of tan; for tanh the sign is minus.",
                ),
                Mistake("value-for-derivative", "t", "That is tanh itself, not its derivative."),
            ),
            (
                Step(
                    "Use the quotient rule on tanh = sinh/cosh.",
                    "d tanh/dz = (cosh² − sinh²)/cosh² = 1 − tanh²(z)",
                ),
                Step("Write it through t.", "1 − t²"),
            ),
            "tanh = sinh/cosh, and cosh² − sinh² = 1.",
        ),
        Item(
            "quadratic-symbols",
            "Power rule with constants",
            "Let f(w) = a·w² + b·w, where a and b are constants. Find df/dw.",
            "2*a*w + b",
            ("a", "b", "w"),
            (
                Mistake(
                    "power-rule-factor",
                    "a*w + b",
                    "The power rule brings the exponent down: d(w²)/dw = 2w.",
                ),
                Mistake("linear-term-dropped", "2*a*w", "The term b·w contributes b."),
            ),
            (
                Step(
                    "Differentiate term by term with the power rule.",
                    "d(a·w²)/dw = 2a·w,  d(b·w)/dw = b",
                    "df/dw = 2a·w + b",
                ),
            ),
            "Treat a and b as numbers and use d(wⁿ)/dw = n·wⁿ⁻¹.",
        ),
        Item(
            "squared-error-bias",
            "Squared error, gradient for the bias",
            f"Let {SQUARED_ERROR}. Find ∂L/∂b.",
            "2*(w*x + b - y)",
            ("w", "x", "b", "y"),
            (
                Mistake(
                    "derivative-wrt-w",
                    "2*x*(w*x + b - y)",
                    "That is ∂L/∂w; the inner derivative ∂(w·x + b − y)/∂b is 1.",
                ),
                Mistake("factor-two-forgotten", "w*x + b - y", "The power rule brings down a 2."),
            ),
            (
                Step(
                    "Chain rule: outer square, inner w·x + b − y.",
                    "∂L/∂b = 2(w·x + b − y)·∂(w·x + b − y)/∂b",
                ),
                Step("The inner derivative with respect to b is 1.", "∂L/∂b = 2(w·x + b − y)"),
            ),
            "Chain rule: the derivative of the square times the derivative of what is squared.",
        ),
        Item(
            "squared-error-weight",
            "Squared error, gradient for the weight",
            f"Let {SQUARED_ERROR}. Find ∂L/∂w.",
            "2*x*(w*x + b - y)",
            ("w", "x", "b", "y"),
            (
                Mistake(
                    "inner-derivative-forgotten",
                    "2*(w*x + b - y)",
                    "Chain rule: multiply by the inner derivative ∂(w·x + b − y)/∂w = x.",
                ),
                Mistake(
                    "factor-two-forgotten", "x*(w*x + b - y)", "The power rule brings down a 2."
                ),
            ),
            (
                Step(
                    "Chain rule: outer square, inner w·x + b − y.",
                    "∂L/∂w = 2(w·x + b − y)·∂(w·x + b − y)/∂w",
                ),
                Step("The inner derivative with respect to w is x.", "∂L/∂w = 2x(w·x + b − y)"),
            ),
            "Chain rule: the derivative of the square times the derivative of what is squared.",
        ),
        Item(
            "half-squared-error",
            "Half squared error",
            "Let L = ½(w·x − y)². Find ∂L/∂w.",
            "x*(w*x - y)",
            ("w", "x", "y"),
            (
                Mistake(
                    "inner-derivative-forgotten",
                    "w*x - y",
                    "Chain rule: multiply by the inner derivative ∂(w·x − y)/∂w = x.",
                ),
                Mistake(
                    "half-ignored",
                    "2*x*(w*x - y)",
                    "The ½ cancels the 2 brought down by the power rule.",
                ),
            ),
            (
                Step(
                    "Chain rule; the ½ cancels the 2 from the square.",
                    "∂L/∂w = ½·2(w·x − y)·x",
                    "x(w·x − y)",
                ),
            ),
            "The ½ is there to cancel the 2 that the power rule brings down.",
        ),
        Item(
            "softplus",
            "Derivative of softplus",
            "Let softplus(z) = log(1 + e^z), with the natural logarithm. Find its derivative "
            "with respect to z.",
            "exp(z)/(1 + exp(z))",
            ("z",),
            (
                Mistake(
                    "inner-derivative-forgotten",
                    "1/(1 + exp(z))",
                    "d log(u)/dz = u′/u: the numerator is the derivative of 1 + e^z, which is e^z.",
                ),
                Mistake(
                    "log-derivative-forgotten", "exp(z)", "d log(u)/dz = u′/u: divide by 1 + e^z."
                ),
            ),
            (
                Step(
                    "Chain rule with u = 1 + e^z.",
                    "d log(u)/dz = u′/u",
                    "e^z/(1 + e^z), which is σ(z)",
                ),
            ),
            "d log(u)/dz = (du/dz)/u.",
        ),
        Item(
            "bce-logit",
            "Cross-entropy through a sigmoid",
            f"Let s = σ(z) and {BCE}, the binary cross-entropy with the natural logarithm. "
            "Write ∂L/∂z in terms of s and y.",
            "s - y",
            ("s", "y"),
            (
                Mistake(
                    "sign-flipped",
                    "y - s",
                    "The sign is flipped: ∂L/∂z = s − y, positive when the prediction is too high.",
                ),
                Mistake(
                    "sigmoid-slope-forgotten",
                    "(s - y)/(s*(1 - s))",
                    "That is ∂L/∂s; multiply by ds/dz = s(1 − s).",
                ),
            ),
            (
                Step(
                    "Derivative with respect to s.",
                    "∂L/∂s = −y/s + (1 − y)/(1 − s) = (s − y)/(s(1 − s))",
                ),
                Step(
                    "Chain rule with ds/dz = s(1 − s).",
                    "∂L/∂z = (s − y)/(s(1 − s))·s(1 − s)",
                    "s − y",
                ),
            ),
            "Find ∂L/∂s first, then multiply by ds/dz = s(1 − s).",
        ),
        Item(
            "bce-probability",
            "Cross-entropy, gradient for the probability",
            f"Let {BCE}, the binary cross-entropy of a predicted probability s with the natural "
            "logarithm. Write ∂L/∂s in terms of s and y.",
            "(s - y)/(s*(1 - s))",
            ("s", "y"),
            (
                Mistake(
                    "inner-sign-forgotten",
                    "-y/s - (1 - y)/(1 - s)",
                    "d log(1 − s)/ds = −1/(1 − s): the inner derivative brings a minus sign.",
                ),
                Mistake(
                    "second-term-forgotten", "-y/s", "The term (1 − y)·log(1 − s) depends on s too."
                ),
            ),
            (
                Step(
                    "Differentiate each log; log(1 − s) has inner derivative −1.",
                    "∂L/∂s = −y/s + (1 − y)/(1 − s)",
                    "(s − y)/(s(1 − s))",
                ),
            ),
            "d log(s)/ds = 1/s and d log(1 − s)/ds = −1/(1 − s).",
        ),
        Item(
            "log-sigmoid",
            "Derivative of log σ",
            "Let s = σ(z). Write the derivative of log σ(z) (natural logarithm) with respect "
            "to z in terms of s alone.",
            "1 - s",
            ("s",),
            (
                Mistake(
                    "outer-derivative-forgotten", "s*(1 - s)", "d log(σ)/dz = σ′/σ: divide by σ."
                ),
                Mistake(
                    "inner-derivative-forgotten",
                    "1/s",
                    "Chain rule: multiply 1/σ by dσ/dz = s(1 − s).",
                ),
            ),
            (
                Step(
                    "Chain rule: the derivative of log is 1/σ, times dσ/dz.",
                    "d log σ/dz = σ(1 − σ)/σ",
                    "1 − s",
                ),
            ),
            "d log(u)/dz = (du/dz)/u, and dσ/dz = σ(1 − σ).",
        ),
        Item(
            "swish",
            "Derivative of swish (SiLU)",
            "The swish (SiLU) activation is f(z) = z·σ(z). With s = σ(z), write df/dz in terms "
            "of z and s.",
            "s + z*s*(1 - s)",
            ("z", "s"),
            (
                Mistake(
                    "product-rule-half",
                    "z*s*(1 - s)",
                    "Product rule: there is also the term (dz/dz)·σ(z) = s.",
                ),
                Mistake(
                    "product-rule-other-half",
                    "s",
                    "Product rule: there is also the term z·dσ/dz = z·s(1 − s).",
                ),
            ),
            (
                Step(
                    "Product rule, with dσ/dz = σ(1 − σ).",
                    "df/dz = 1·σ(z) + z·σ′(z)",
                    "s + z·s(1 − s)",
                ),
            ),
            "Product rule: (u·v)′ = u′·v + u·v′.",
        ),
        Item(
            "exp-decay",
            "Derivative of an exponential",
            "Let f(w) = e^(−w·x). Find ∂f/∂w.",
            "-x*exp(-w*x)",
            ("w", "x"),
            (
                Mistake(
                    "inner-derivative-forgotten",
                    "exp(-w*x)",
                    "Chain rule: multiply by the inner derivative ∂(−w·x)/∂w = −x.",
                ),
                Mistake(
                    "sign-flipped",
                    "x*exp(-w*x)",
                    "The inner derivative of −w·x is −x, with its minus sign.",
                ),
            ),
            (Step("Chain rule: e^u with u = −w·x.", "∂f/∂w = e^u·∂u/∂w", "−x·e^(−w·x)"),),
            "Chain rule: the derivative of e^u is e^u times du/dw.",
        ),
    )
}
