"""The worked solution of backprop-two-layer: its tables and its steps, from the engine's values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradeck.exercises.families._draw import matrix_rows, num, signed
from gradeck.exercises.families._nets import TwoLayer
from gradeck.exercises.model import Step, Table

if TYPE_CHECKING:
    from gradeck.exercises.families.backprop_two_layer import Values

SUBSCRIPT = "₀₁₂₃"


def tables(v: Values) -> tuple[Table, ...]:
    hidden_units = ("h₁", "h₂")
    return (
        Table(
            "W₁ (2×2): row i holds the weights into hᵢ",
            matrix_rows(v.w1),
            hidden_units,
            ("x₁", "x₂"),
        ),
        Table("b₁", (tuple(num(b) for b in v.b1),), (), hidden_units),
        Table("W₂ (1×2)", matrix_rows(v.w2), ("ŷ",), hidden_units),
        Table("b₂", ((num(v.b2[0]),),), (), ("ŷ",)),
    )


ACTIVATION_TEXT = {
    "sigmoid": ("σ", "σ'(z) = σ(z)(1 − σ(z))"),
    "tanh": ("tanh", "tanh'(z) = 1 − tanh²(z)"),
}


def steps(
    v: Values, t: TwoLayer, difficulty: int, answers: tuple[float, float, float]
) -> tuple[Step, ...]:
    """`answers`: (∂L/∂W₂[0,j], ∂L/∂W₁[i,k], ∂L/∂b₁[i]), as the family reads them."""
    f, slope_formula = ACTIVATION_TEXT[v.hidden]
    i, j, k = v.i, v.j, v.k
    hidden_lines = "\n".join(
        f"z₁[{n + 1}] = {signed(v.w1[n][0])}×{signed(v.x[0])} + "
        f"{signed(v.w1[n][1])}×{signed(v.x[1])} + {signed(v.b1[n])} = {num(t.h_pre[n])}, "
        f"h{SUBSCRIPT[n + 1]} = {f}({num(t.h_pre[n])}) = {num(t.h[n])}"
        for n in range(2)
    )
    d_out, d_hidden, d_bias = answers
    steps = [
        Step("Forward through the hidden layer.", f"z₁ = W₁x + b₁,  h = {f}(z₁)", hidden_lines),
        Step(
            "Forward through the output unit.",
            "z₂ = W₂h + b₂,  ŷ = σ(z₂)",
            f"z₂ = {signed(v.w2[0][0])}×{signed(t.h[0])} + {signed(v.w2[0][1])}×"
            f"{signed(t.h[1])} + "
            f"{signed(v.b2[0])} = {num(t.out_pre)}, ŷ = σ({num(t.out_pre)}) = {num(t.out)}",
        ),
        Step(
            "The error signal at the output: the loss's slope times the sigmoid's.",
            "δ₂ = ∂L/∂z₂ = 2(ŷ − y) · ŷ(1 − ŷ)",
            f"2 × ({num(t.out)} − {num(v.y)}) × {num(t.out)} × (1 − {num(t.out)}) = "
            f"{num(t.dl_dout)} × {num(t.out * (1 - t.out))} = {num(t.delta_out)}",
        ),
        Step(
            f"An output weight's gradient is δ₂ times the activation it multiplies, "
            f"h{SUBSCRIPT[j + 1]}.",
            f"∂L/∂W₂[1,{j + 1}] = δ₂ · h{SUBSCRIPT[j + 1]}",
            f"{num(t.delta_out)} × {num(t.h[j])} = {num(d_out)}",
        ),
        Step(
            f"Back to hidden unit {i + 1}: through the weight that leaves it, then through its "
            "activation.",
            f"δ₁[{i + 1}] = δ₂ · W₂[1,{i + 1}] · {f}'(z₁[{i + 1}]), where {slope_formula}",
            f"{num(t.delta_out)} × {signed(v.w2[0][i])} × {num(t.hidden_slope[i])} = {num(d_bias)}",
        ),
        Step(
            f"A hidden weight's gradient is the δ of its unit times the input it multiplies, "
            f"x{SUBSCRIPT[k + 1]}.",
            f"∂L/∂W₁[{i + 1},{k + 1}] = δ₁[{i + 1}] · x{SUBSCRIPT[k + 1]}",
            f"{num(d_bias)} × {signed(v.x[k])} = {num(d_hidden)}",
        ),
    ]
    if difficulty > 1:
        steps.append(
            Step(
                "A bias is added with slope 1, so its gradient is δ₁ itself.",
                f"∂L/∂b₁[{i + 1}] = δ₁[{i + 1}]",
                f"{num(d_bias)}",
            )
        )
    return tuple(steps)
