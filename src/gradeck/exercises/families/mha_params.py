"""Parameters of torch.nn.MultiheadAttention: the q, k, v projections, their biases, the output.

Heads split the embedding, they do not multiply the weights: E = num_heads × head size, and the
projections are E × E (or E × kdim, E × vdim) whatever the number of heads.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import (
    apart,
    carry,
    check_difficulty,
    draw_or,
    number_at,
    rng,
)
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "mha-param-count"
DIFFICULTIES = (1, 2)
EMBED = (32, 64, 96, 128, 192, 256, 384, 512, 768)
HEADS = (2, 4, 8, 12, 16)
OTHER_DIMS = (16, 32, 48, 64, 100, 128, 200, 256)


@dataclass(frozen=True)
class Values:
    embed: int
    heads: int
    kdim: int  # equal to embed at difficulty 1
    vdim: int

    @property
    def head_size(self) -> int:
        return self.embed // self.heads

    @property
    def projection_weights(self) -> int:
        """q_proj E×E, k_proj E×kdim, v_proj E×vdim."""
        return self.embed * (self.embed + self.kdim + self.vdim)

    @property
    def in_params(self) -> int:
        return self.projection_weights + 3 * self.embed  # in_proj_bias has 3E entries

    @property
    def out_params(self) -> int:
        return self.embed * self.embed + self.embed

    @property
    def total(self) -> int:
        return self.in_params + self.out_params


def _in_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "biases-forgotten",
            v.projection_weights,
            f"in_proj_bias adds 3E = {3 * v.embed} biases (bias=True by default).",
        ),
        Mistake(
            "per-head",
            v.heads * v.in_params,
            "The heads share the projections: each head reads its own slice of the E outputs, "
            "so the weights are not repeated per head.",
        ),
        Mistake(
            "query-only",
            v.embed * v.embed + v.embed,
            "There are three projections, for queries, keys and values.",
        ),
    ]


def _total_mistakes(v: Values) -> list[Mistake]:
    return [
        Mistake(
            "out-proj-forgotten",
            v.in_params,
            f"out_proj, an nn.Linear(E, E), adds {v.out_params} parameters.",
        ),
        Mistake(
            "biases-forgotten",
            v.projection_weights + v.embed * v.embed,
            "Both the input projections and out_proj have biases.",
        ),
        Mistake(
            "per-head",
            v.heads * v.total,
            "The heads share the projections; their count does not multiply the parameters.",
        ),
    ]


def _ok(v: Values) -> bool:
    return (
        v.embed % v.heads == 0
        and v.head_size >= 8
        and apart(v.in_params, _in_mistakes(v), 0)
        and apart(v.total, _total_mistakes(v), 0)
    )


FALLBACK = {1: Values(512, 8, 512, 512), 2: Values(256, 4, 128, 64)}


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)

    def one() -> Values:
        embed = r.choice(EMBED)
        heads = r.choice([h for h in HEADS if embed % h == 0 and embed // h >= 8])
        if difficulty == 1:
            return Values(embed, heads, embed, embed)
        return Values(embed, heads, r.choice(OTHER_DIMS), r.choice(OTHER_DIMS))

    return draw_or(one, _ok, FALLBACK[difficulty])


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    e, h = v.embed, v.heads
    if difficulty == 1:
        layer = f"nn.MultiheadAttention(embed_dim={e}, num_heads={h})"
        weights = f"3 × {e} × {e} = {v.projection_weights}"
        kv = "Queries, keys and values all have size E."
    else:
        layer = f"nn.MultiheadAttention(embed_dim={e}, num_heads={h}, kdim={v.kdim}, vdim={v.vdim})"
        weights = f"{e}×{e} + {e}×{v.kdim} + {e}×{v.vdim} = {v.projection_weights}"
        kv = (
            f"Keys arrive with {v.kdim} features and values with {v.vdim}; the projections "
            f"map them to E = {e}."
        )
    prompt = (
        f"In PyTorch, {layer} (bias=True, the default) projects queries, keys and values with "
        f"weights of E output rows each, plus a 3E-entry in_proj_bias, and ends with out_proj, "
        f"an nn.Linear(E, E). {kv} Find (a) the size of each head, (b) the parameters of the "
        f"three input projections with their biases and (c) the layer's parameters in all."
    )
    parts = (
        Part(
            "a",
            "size of each head (E / num_heads)",
            v.head_size,
            kind="count",
            mistakes=(
                Mistake(
                    "embed-times-heads",
                    e * h,
                    "The heads split the embedding: each gets E / num_heads features.",
                ),
            ),
        ),
        Part(
            "b",
            "input-projection parameters",
            v.in_params,
            kind="count",
            mistakes=tuple(_in_mistakes(v)),
        ),
        Part(
            "c",
            "parameters in all",
            v.total,
            kind="count",
            mistakes=tuple(_total_mistakes(v)),
            carry=carry(v.total, lambda ans: number_at(ans, 1, v.in_params) + v.out_params),
        ),
    )
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Parameters of multi-head attention",
        prompt=prompt,
        parts=parts,
        solution=(
            Step(
                "Each head works on a slice of the embedding.", "E / h", f"{e}/{h} = {v.head_size}"
            ),
            Step("The q, k and v projection weights.", "E·E + E·kdim + E·vdim", weights),
            Step(
                "Add the input biases.",
                "+ 3E",
                f"{v.projection_weights} + {3 * e} = {v.in_params}",
            ),
            Step(
                "out_proj is a Linear(E, E) with bias; add it.",
                "E·E + E",
                f"{e}×{e} + {e} = {v.out_params}; {v.in_params} + {v.out_params} = {v.total}",
            ),
        ),
        hints=(
            "The number of heads changes how the E features are split, not how many weights "
            "there are.",
            "Count W_q, W_k, W_v (E rows each), the 3E biases, then out_proj: E×E weights and E "
            "biases.",
        ),
    )
