"""Find the bug in a PyTorch training loop: one seeded mistake, asked as choice parts.

The listing is built line by line from a description (widths, optimizer, the bug), and the
options point at its own line numbers, so what is asked always matches what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradeck.exercises.families._draw import check_difficulty, rng
from gradeck.exercises.model import Exercise, Mistake, Part, Step

FAMILY = "loop-bug"
DIFFICULTIES = (1, 2)
BUGS = {
    1: ("softmax", "zero-grad-missing", "train-at-eval"),
    2: (
        "softmax",
        "zero-grad-missing",
        "zero-grad-misplaced",
        "step-before-backward",
        "train-at-eval",
    ),
}
MISSING = "None of these lines: a call that the loop needs is missing"
EFFECTS = (
    "Softmax is applied twice, which squashes the logits and slows or stalls learning",
    "The gradients of every batch add up, so the steps grow and training goes astray",
    "Every optimizer.step() finds no gradient, so the weights never change",
    "Dropout still drops units while evaluating, so the measured accuracy is noisy and low",
)
EFFECT_OF = {
    "softmax": 0,
    "zero-grad-missing": 1,
    "zero-grad-misplaced": 2,
    "step-before-backward": 2,
    "train-at-eval": 3,
}
WHY = {
    "softmax": "nn.CrossEntropyLoss applies log-softmax itself: the model must output logits.",
    "zero-grad-missing": "Without optimizer.zero_grad() each backward() adds to the gradients "
    "of all earlier batches.",
    "zero-grad-misplaced": "zero_grad() between backward() and step() clears the gradient just "
    "computed, so step() has nothing to use.",
    "step-before-backward": "step() runs before backward() has filled the gradients (zero_grad() "
    "cleared them), so every step is empty.",
    "train-at-eval": "Evaluation needs model.eval(): in training mode dropout keeps dropping.",
}


@dataclass(frozen=True)
class Values:
    inputs: int
    hidden: int
    classes: int
    dropout: float
    optimizer: str
    lr: float
    epochs: int
    bug: str


def listing(v: Values) -> tuple[list[str], int | None]:
    """The loop's lines, and the index of the wrong line (None when a line is missing)."""
    lines = [
        "import torch",
        "from torch import nn",
        "",
        "model = nn.Sequential(",
        f"    nn.Linear({v.inputs}, {v.hidden}),",
        "    nn.ReLU(),",
        f"    nn.Dropout({v.dropout}),",
        f"    nn.Linear({v.hidden}, {v.classes}),",
    ]
    wrong: int | None = None
    if v.bug == "softmax":
        wrong = len(lines)
        lines.append("    nn.Softmax(dim=1),")
    lines += [
        ")",
        "loss_fn = nn.CrossEntropyLoss()",
        f"optimizer = torch.optim.{v.optimizer}(model.parameters(), lr={v.lr})",
        "",
        f"for epoch in range({v.epochs}):",
        "    model.train()",
        "    for x, y in train_loader:",
    ]
    zero = "        optimizer.zero_grad()"
    loss = "        loss = loss_fn(model(x), y)"
    backward = "        loss.backward()"
    step = "        optimizer.step()"
    body = {
        "zero-grad-missing": [loss, backward, step],
        "zero-grad-misplaced": [loss, backward, zero, step],
        "step-before-backward": [zero, loss, step, backward],
    }.get(v.bug, [zero, loss, backward, step])
    if v.bug == "zero-grad-misplaced":
        wrong = len(lines) + 2
    if v.bug == "step-before-backward":
        wrong = len(lines) + 2
    lines += body
    lines += ["", "model.train()" if v.bug == "train-at-eval" else "model.eval()"]
    if v.bug == "train-at-eval":
        wrong = len(lines) - 1
    lines += [
        "correct = 0",
        "with torch.no_grad():",
        "    for x, y in test_loader:",
        "        correct += (model(x).argmax(dim=1) == y).sum().item()",
    ]
    return lines, wrong


def _candidates(lines: list[str], wrong: int | None, bug: str) -> list[int]:
    """Four lines to choose from, in listing order: the wrong one (if any) and likely suspects.

    With step() before backward() either line could be called the wrong one, so only step()
    is offered."""
    suspects = [
        i
        for i, line in enumerate(lines)
        if any(
            key in line
            for key in (
                "nn.Linear(",
                "Softmax",
                "zero_grad",
                "backward",
                "step()",
                "model.e",
                "model.train",
                "CrossEntropy",
            )
        )
    ]
    skip = {wrong, wrong + 1} if bug == "step-before-backward" and wrong is not None else {wrong}
    chosen = [i for i in suspects if i not in skip]
    keep = sorted(([wrong] if wrong is not None else []) + chosen[-(4 - (wrong is not None)) :])
    return keep


def draw(seed: int, difficulty: int) -> Values:
    check_difficulty(FAMILY, difficulty, DIFFICULTIES)
    r = rng(FAMILY, seed, difficulty)
    return Values(
        inputs=r.choice((784, 3072, 100, 20)),
        hidden=r.choice((64, 128, 256, 512)),
        classes=r.choice((10, 3, 5, 100)),
        dropout=r.choice((0.2, 0.25, 0.5)),
        optimizer=r.choice(("SGD", "Adam")),
        lr=r.choice((0.1, 0.01, 0.001)),
        epochs=r.choice((3, 5, 10, 20)),
        bug=r.choice(BUGS[difficulty]),
    )


def generate(seed: int, difficulty: int) -> Exercise:
    v = draw(seed, difficulty)
    lines, wrong = listing(v)
    picks = _candidates(lines, wrong, v.bug)
    options = (*(f"line {i + 1}: {lines[i].strip()}" for i in picks), MISSING)
    answer = picks.index(wrong) + 1 if wrong is not None else len(options)
    line_mistakes = tuple(
        Mistake(
            f"line-{i + 1}-is-fine",
            n,
            f"Line {i + 1} is as it should be. {WHY[v.bug]}",
        )
        for n, i in enumerate(picks, 1)
        if i != wrong
    )
    if wrong is not None:
        line_mistakes += (
            Mistake(
                "nothing-missing", len(options), f"Every call is there; one is wrong. {WHY[v.bug]}"
            ),
        )
    parts = [
        Part(
            "a",
            "Which line is wrong?",
            answer,
            kind="choice",
            options=options,
            mistakes=line_mistakes,
        ),
    ]
    effect = EFFECT_OF[v.bug] + 1
    if difficulty == 2:
        parts.append(
            Part(
                "b",
                "What does the bug do?",
                effect,
                kind="choice",
                options=EFFECTS,
                mistakes=tuple(
                    Mistake(f"effect-{n}", n, WHY[v.bug])
                    for n in range(1, len(EFFECTS) + 1)
                    if n != effect
                ),
            )
        )
    where = f"line {wrong + 1}" if wrong is not None else "a missing line"
    fix = {
        "softmax": "delete the nn.Softmax layer and let the model output logits",
        "zero-grad-missing": "call optimizer.zero_grad() at the start of each batch",
        "zero-grad-misplaced": "move optimizer.zero_grad() before the forward pass",
        "step-before-backward": "call loss.backward() before optimizer.step()",
        "train-at-eval": "call model.eval() before evaluating",
    }[v.bug]
    return Exercise(
        family=FAMILY,
        seed=seed,
        difficulty=difficulty,
        title="Find the bug in a training loop",
        prompt=(
            "This PyTorch classifier trains and then measures its accuracy. train_loader and "
            "test_loader yield batches (x, y) of inputs and class indices. Exactly one thing is "
            "wrong with the code."
        ),
        parts=tuple(parts),
        solution=(
            Step(f"The bug is at {where}.", "", WHY[v.bug]),
            Step("The fix.", "", fix[0].upper() + fix[1:] + "."),
            Step(
                "A correct batch step, in order.",
                "zero_grad() → forward → loss → backward() → step()",
                "",
            ),
        ),
        hints=(
            "Walk through one batch: what is in each parameter's .grad when step() runs?",
            "Check the model's last layer against what nn.CrossEntropyLoss expects, and the "
            "mode the model is in while it is evaluated.",
        ),
        code="\n".join(lines),
    )
