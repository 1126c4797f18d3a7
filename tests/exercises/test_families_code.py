"""The code-reading families: every listing is Python, and the counts they ask for agree with
what the listing says, read back from its syntax tree here rather than from the family's code."""

from __future__ import annotations

import ast
import math

import pytest

from gradeck.exercises import registry
from gradeck.exercises.families import autograd_backward, gradient_tape

CODE_FAMILIES = (
    "keras-summary",
    "torch-sequential",
    "fit-steps",
    "loop-bug",
    "autograd-backward",
    "gradient-tape",
)
SEEDS = range(500)


def parts(name: str, seed: int, difficulty: int) -> list:
    return [p.expected for p in registry.generate(name, seed, difficulty).parts]


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def ordered_calls(code: str) -> list[tuple[str, list, dict]]:
    """Calls in source order (ast.walk is breadth-first)."""
    nodes = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))
    return [
        (
            ast.unparse(n.func).split(".")[-1],
            [ast.literal_eval(a) for a in n.args if _literal(a)],
            {k.arg: ast.literal_eval(k.value) for k in n.keywords if _literal(k.value)},
        )
        for n in nodes
    ]


@pytest.mark.parametrize("name", CODE_FAMILIES)
def test_every_listing_is_valid_python(name: str) -> None:
    for difficulty in registry.FAMILIES[name].difficulties:
        for seed in SEEDS:
            ex = registry.generate(name, seed, difficulty)
            assert ex.code, (name, seed)
            ast.parse(ex.code)


@pytest.mark.parametrize("difficulty", [1, 2])
def test_keras_counts_follow_the_listing(difficulty: int) -> None:
    for seed in range(100):
        ex = registry.generate("keras-summary", seed, difficulty)
        shape: tuple = ()
        counts = []
        for name, args, kwargs in ordered_calls(ex.code):
            if name == "Input":
                shape = kwargs["shape"]
            elif name == "Conv2D":
                filters, k = args
                h, w, c = shape
                counts.append(k * k * c * filters + filters)
                cut = 0 if kwargs.get("padding") == "same" else k - 1
                shape = (h - cut, w - cut, filters)
                conv_shape = shape
            elif name == "MaxPooling2D":
                shape = (shape[0] // 2, shape[1] // 2, shape[2])
            elif name == "Flatten":
                shape = (math.prod(shape),)
            elif name == "Dense":
                counts.append(shape[-1] * args[0] + args[0])
                shape = (args[0],)
        found = parts("keras-summary", seed, difficulty)
        assert found[-1] == sum(counts)
        if difficulty == 1:
            assert found[:2] == counts
        else:
            assert tuple(found[0]) == conv_shape and found[1:3] == counts


@pytest.mark.parametrize("difficulty", [1, 2])
def test_torch_counts_follow_the_listing(difficulty: int) -> None:
    for seed in range(100):
        ex = registry.generate("torch-sequential", seed, difficulty)
        found = parts("torch-sequential", seed, difficulty)
        cs = ordered_calls(ex.code)
        shape = tuple(next(args for name, args, _ in cs if name == "randn"))
        total = 0
        for name, args, kwargs in cs:
            if name == "Linear":
                assert shape[1:] == (args[0],)  # the listing's in_features fits the batch
                total += args[0] * args[1] + args[1]
                shape = (shape[0], args[1])
            elif name == "Conv2d":
                k, pad = kwargs["kernel_size"], kwargs.get("padding", 0)
                assert shape[1] == args[0]
                total += k * k * args[0] * args[1] + args[1]
                conv = args[1] * k * k * args[0] + args[1]
                shape = (shape[0], args[1], shape[2] + 2 * pad - k + 1, shape[3] + 2 * pad - k + 1)
            elif name == "MaxPool2d":
                shape = (*shape[:2], shape[2] // 2, shape[3] // 2)
                pooled = shape
            elif name == "Flatten":
                shape = (shape[0], math.prod(shape[1:]))
        assert found[-1] == total
        if difficulty == 1:
            assert tuple(found[0]) == shape
        else:
            assert tuple(found[0]) == pooled and found[1] == conv


@pytest.mark.parametrize("difficulty", [1, 2])
def test_fit_counts_follow_the_listing(difficulty: int) -> None:
    for seed in range(200):
        ex = registry.generate("fit-steps", seed, difficulty)
        n = int(ex.code.split("(")[1].split(",")[0])  # from the x_train.shape comment
        kwargs = next(kw for name, _, kw in ordered_calls(ex.code) if name == "fit")
        train = n - round(n * kwargs.get("validation_split", 0) * 1000) // 1000
        steps = -(-train // kwargs["batch_size"])
        expected = [steps, steps * kwargs["epochs"], train - (steps - 1) * kwargs["batch_size"]]
        if difficulty == 2:
            expected.insert(0, train)
        assert parts("fit-steps", seed, difficulty) == expected


@pytest.mark.parametrize("difficulty", [1, 2])
def test_loop_bug_answer_points_at_the_bug(difficulty: int) -> None:
    seen = set()
    for seed in range(200):
        ex = registry.generate("loop-bug", seed, difficulty)
        lines = ex.code.splitlines()
        choice = ex.parts[0]
        picked = choice.options[choice.expected - 1]
        body = [line.strip() for line in lines if line.startswith("        ")]
        if "zero_grad" not in ex.code:
            assert picked.startswith("None of these")
            seen.add("missing")
            continue
        number = int(picked.split(":")[0].removeprefix("line "))
        wrong = lines[number - 1].strip()
        assert picked.endswith(wrong)
        correct_body = [
            "optimizer.zero_grad()",
            "loss = loss_fn(model(x), y)",
            "loss.backward()",
            "optimizer.step()",
        ]
        if "Softmax" in wrong:
            seen.add("softmax")
        elif wrong == "model.train()":
            assert "model.eval()" not in ex.code
            seen.add("eval")
        else:
            assert body[:4] != correct_body and wrong in (
                "optimizer.zero_grad()",
                "optimizer.step()",
            )
            seen.add(wrong)
        assert (
            ex.code.count("Softmax") + (body[:4] != correct_body) + ("model.eval()" not in ex.code)
            == 1
        )  # exactly one bug
    assert len(seen) == (3 if difficulty == 1 else 5)


def test_autograd_by_hand() -> None:
    once = autograd_backward.run(autograd_backward.FALLBACK[1])  # w 1.1, x −2, y −3
    assert all(math.isclose(a, b) for a, b in zip(once.grads, (-3.2, -6.4), strict=True))
    # w −0.4, (x, y) = (3, 0) then (−1, 3), lr 0.01: g1 = 2(−1.2)·3 = −7.2, w1 = −0.328
    two = autograd_backward.run(autograd_backward.FALLBACK[2])
    assert math.isclose(two.weights[0], -0.328)
    assert math.isclose(two.grads[1], -7.2 + 5.344)  # g2 = 2(0.328 − 3)(−1), accumulated
    assert math.isclose(two.weights[1], -0.328 + 0.01856)


def test_gradient_tape_by_hand() -> None:
    assert gradient_tape.grads(gradient_tape.FALLBACK[1], 1) == (7.0,)  # 2·1.5·3 − 2
    assert gradient_tape.grads(gradient_tape.FALLBACK[2], 2) == (-4.0, -2.0)  # u = −1


@pytest.mark.parametrize("difficulty", [1, 2])
def test_fallbacks_are_acceptable(difficulty: int) -> None:
    from gradeck.exercises.families import fit_steps

    assert autograd_backward._ok(autograd_backward.FALLBACK[difficulty])
    assert gradient_tape._ok(gradient_tape.FALLBACK[difficulty], difficulty)
    assert fit_steps._ok(fit_steps.FALLBACK[difficulty])
