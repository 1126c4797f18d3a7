"""`gradeck families`, `generate` and `quiz`, driven as a learner would, with a fake family.

The fake family is a weight update followed by a part that depends on it, so that a quiz can
show a mistake, error carried forward, a hint and the worked solution.
"""

from __future__ import annotations

import io
import json
import sys
import types
from collections.abc import Callable

import pytest

from gradeck.cli import main
from gradeck.exercises import registry
from gradeck.exercises.model import Exercise, Mistake, Part, Step
from gradeck.exercises.registry import FamilyInfo

GENERATED: list[Exercise] = []


def fake_values(seed: int, difficulty: int) -> tuple[float, float, float]:
    """w, ∂L/∂w and η for a seed: small numbers, different for each seed."""
    return 0.5 + (seed % 7) / 10, 0.2 + (seed % 3) / 10, 0.1 * difficulty


def fake_generate(seed: int, difficulty: int) -> Exercise:
    w, g, lr = fake_values(seed, difficulty)
    new = w - lr * g
    exercise = Exercise(
        family="fake-update",
        seed=seed,
        difficulty=difficulty,
        title="A weight update",
        prompt=f"w = {w:g}, dL/dw = {g:g}, learning rate {lr:g}.",
        parts=(
            Part(
                "a",
                "w after one step",
                new,
                mistakes=(Mistake("sign", w + lr * g, "the update sign is flipped"),),
            ),
            Part("b", "twice the new w", 2 * new, carry=lambda earlier: 2 * earlier[0]),
        ),
        solution=(Step("Step against the gradient.", "w ← w − η·g", f"{w:g} − {lr:g}×{g:g}"),),
        hints=("Subtract the learning rate times the gradient.",),
    )
    GENERATED.append(exercise)
    return exercise


@pytest.fixture(autouse=True)
def fake_family(monkeypatch) -> None:
    module = types.ModuleType("gradeck.exercises.families._fake_for_tests")
    module.generate = fake_generate  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    info = FamilyInfo("fake-update", "A fake update rule", "tests", (1, 2), "_fake_for_tests")
    monkeypatch.setitem(registry.FAMILIES, info.name, info)
    GENERATED.clear()


class Learner(io.StringIO):
    """stdin that answers from a script; a callable answers from the exercise on screen."""

    def __init__(self, *script: str | Callable[[Exercise], str]) -> None:
        super().__init__()
        self.script = list(script)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if not self.script:
            return ""
        item = self.script.pop(0)
        return (item(GENERATED[-1]) if callable(item) else item) + "\n"

    def isatty(self) -> bool:
        return False


def right_a(ex: Exercise) -> str:
    w, g, lr = fake_values(ex.seed, ex.difficulty)
    return repr(w - lr * g)


def right_b(ex: Exercise) -> str:
    w, g, lr = fake_values(ex.seed, ex.difficulty)
    return repr(2 * (w - lr * g))


def flipped_a(ex: Exercise) -> str:
    w, g, lr = fake_values(ex.seed, ex.difficulty)
    return repr(w + lr * g)


def carried_b(ex: Exercise) -> str:
    w, g, lr = fake_values(ex.seed, ex.difficulty)
    return repr(2 * (w + lr * g))


def quiz(monkeypatch, capsys, learner: Learner, *argv: str) -> str:
    """Run a quiz on the fake family, which must succeed; what it printed."""
    monkeypatch.setattr(sys, "stdin", learner)
    assert main(["quiz", "fake-update", *argv]) == 0
    return capsys.readouterr().out


# -- families and generate -------------------------------------------------------------------


def test_families_lists_name_difficulties_and_description(capsys) -> None:
    assert main(["families"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("fake-update"))
    assert "1-2" in line and line.endswith("A fake update rule")


def test_families_json(capsys) -> None:
    assert main(["families", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    row = rows["fake-update"]
    assert row["description"] == "A fake update rule" and row["difficulties"] == [1, 2]


def test_generate_json(capsys) -> None:
    assert main(["generate", "fake-update", "--seed", "3", "--difficulty", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["family"], data["seed"], data["difficulty"]) == ("fake-update", 3, 2)
    # seed 3: w = 0.8, g = 0.2, η = 0.2, so w - η·g = 0.76
    assert data["parts"][0]["expected"] == pytest.approx(0.76)
    assert data["parts"][0]["label"] == "a" and data["parts"][0]["kind"] == "number"
    assert data["parts"][0]["rel_tol"] == 0.01
    assert data["parts"][1]["expected"] == pytest.approx(1.52)
    assert data["hints"] == ["Subtract the learning rate times the gradient."]
    assert data["solution"][0]["formula"] == "w ← w − η·g"
    assert set(data) >= {"title", "prompt", "parts", "hints", "solution"}


def test_generate_text_has_answers_and_solution(capsys) -> None:
    assert main(["generate", "fake-update", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("fake-update · difficulty 1 · seed 3")
    assert "(a) 0.78" in out  # 0.8 − 0.1×0.2
    assert "Worked solution" in out


def test_generate_without_seed_prints_one_that_reproduces_it(capsys) -> None:
    assert main(["generate", "fake-update"]) == 0
    first = capsys.readouterr().out
    seed = int(first.split("\n")[0].rsplit(" ", 1)[1])
    assert f"--seed {seed}" in first
    assert main(["generate", "fake-update", "--seed", str(seed)]) == 0
    again = capsys.readouterr().out
    assert first.split("\n", 3)[3] == again.split("\n", 2)[2]


def test_unknown_family_suggests_a_name(capsys) -> None:
    assert main(["generate", "fake-updat"]) == 1
    assert capsys.readouterr().err.strip() == (
        "gradeck: unknown family 'fake-updat'; did you mean 'fake-update'?"
    )
    assert main(["quiz", "zzzzzz"]) == 1
    assert "unknown family 'zzzzzz'" in capsys.readouterr().err


def test_unknown_difficulty(capsys) -> None:
    assert main(["generate", "fake-update", "--difficulty", "5"]) == 1
    assert "fake-update has difficulties 1, 2, not 5" in capsys.readouterr().err


# -- quiz ------------------------------------------------------------------------------------


def test_quiz_scores_mistakes_and_carried_errors(monkeypatch, capsys) -> None:
    # The second exercise: part a wrong at both tries, part b right from that wrong answer.
    learner = Learner(right_a, right_b, flipped_a, flipped_a, carried_b)
    out = quiz(monkeypatch, capsys, learner, "--count", "2", "--seed", "5")
    assert out.count("✓ right\n") == 2
    assert out.count("✗ wrong: the update sign is flipped") == 2
    assert "1 more try: answer again" in out
    assert "✓ right given your answer to part a (error carried forward)" in out
    assert out.count("Worked solution") == 1  # only for the exercise not all right
    assert out.rstrip().endswith(
        "Score: 1/2 exercises right at the first try; 3/4 parts right in the end"
    )


def test_quiz_a_mistake_can_be_tried_again(monkeypatch, capsys) -> None:
    learner = Learner(flipped_a, right_a, right_b)
    out = quiz(monkeypatch, capsys, learner, "--count", "1", "--seed", "5")
    assert "✗ wrong: the update sign is flipped" in out and out.count("✓ right\n") == 2
    assert "Worked solution" not in out  # every part ended right
    assert out.rstrip().endswith(
        "Score: 0/1 exercises right at the first try; 2/2 parts right in the end"
    )


def test_quiz_an_empty_line_gives_nothing_up_and_bang_bang_shows_the_solution(
    monkeypatch, capsys
) -> None:
    out = quiz(monkeypatch, capsys, Learner("", "!!"), "--count", "1", "--seed", "1")
    w, g, lr = fake_values(GENERATED[0].seed, GENERATED[0].difficulty)
    assert "(type an answer; ? a hint, ! give up this part, !! the worked solution)" in out
    assert f"(a) {w - lr * g:g}" in out
    assert "Worked solution" in out
    assert "twice the new w" not in out  # part b is not asked once the solution is shown
    assert out.rstrip().endswith(
        "Score: 0/1 exercises right at the first try; 0/2 parts right in the end"
    )


def test_quiz_bang_gives_up_one_part(monkeypatch, capsys) -> None:
    out = quiz(monkeypatch, capsys, Learner("!", right_b), "--count", "1", "--seed", "1")
    w, g, lr = fake_values(GENERATED[0].seed, GENERATED[0].difficulty)
    assert f"– (a) given up; the answer is {w - lr * g:g}" in out
    assert "twice the new w" in out  # part b is still asked
    assert out.rstrip().endswith(
        "Score: 0/1 exercises right at the first try; 1/2 parts right in the end"
    )


def test_quiz_asks_again_after_an_unreadable_answer_and_gives_hints(monkeypatch, capsys) -> None:
    learner = Learner("?", "?", "0.5*(1-", right_a, right_b)
    out = quiz(monkeypatch, capsys, learner, "--count", "1")
    assert "Hint 1 of 1: Subtract the learning rate times the gradient." in out
    assert "No more hints." in out
    assert "? cannot read this answer:\n0.5*(1-\n       ^" in out
    assert "(this costs no try: type it again)" in out
    assert out.rstrip().endswith(
        "Score: 1/1 exercises right at the first try; 2/2 parts right in the end"
    )


@pytest.mark.parametrize("script", [("q",), ("QUIT",), ()])
def test_quiz_quits_on_q_and_at_end_of_input(monkeypatch, capsys, script) -> None:
    out = quiz(monkeypatch, capsys, Learner(*script), "--count", "3")
    assert out.rstrip().endswith(
        "Score: 0/0 exercises right at the first try; 0/0 parts right in the end"
    )
    assert len(GENERATED) == 1


def test_quiz_quitting_midway_scores_what_was_finished(monkeypatch, capsys) -> None:
    learner = Learner(right_a, right_b, right_a, "q")
    out = quiz(monkeypatch, capsys, learner, "--count", "3")
    assert out.rstrip().endswith(
        "Score: 1/1 exercises right at the first try; 2/2 parts right in the end"
    )


def test_quiz_seed_reproduces_the_exercises(monkeypatch, capsys) -> None:
    quiz(monkeypatch, capsys, Learner(), "--count", "1", "--seed", "42")
    quiz(monkeypatch, capsys, Learner("!!", "!!", "!!"), "--count", "3", "--seed", "42")
    first, *rest = GENERATED
    assert first == rest[0]
    assert len({e.seed for e in rest}) == 3


def test_quiz_difficulty_and_count_are_checked(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", Learner())
    assert main(["quiz", "fake-update", "--difficulty", "9"]) == 1
    assert "fake-update has difficulties 1, 2, not 9" in capsys.readouterr().err
    assert main(["quiz", "fake-update", "--count", "0"]) == 2
    assert "--count must be at least 1" in capsys.readouterr().err


def test_quiz_at_a_fixed_difficulty(monkeypatch, capsys) -> None:
    quiz(monkeypatch, capsys, Learner("!!", "!!"), "--count", "2", "--difficulty", "2")
    assert {e.difficulty for e in GENERATED} == {2}


def test_quiz_echoes_answers_so_a_piped_transcript_reads_well(monkeypatch, capsys) -> None:
    out = quiz(monkeypatch, capsys, Learner("0.123", "q"), "--count", "1")
    assert "> 0.123\n" in out


def test_quiz_names_each_exercise_seed_so_generate_shows_it_again(monkeypatch, capsys) -> None:
    out = quiz(monkeypatch, capsys, Learner("q"), "--count", "1", "--seed", "9")
    heading = next(line for line in out.splitlines() if line.startswith("Exercise 1 of 1"))
    difficulty = heading.split("difficulty ")[1].split(" ")[0]
    seed = heading.rsplit("seed ", 1)[1]
    asked = GENERATED[-1]
    assert (str(asked.seed), str(asked.difficulty)) == (seed, difficulty)
    assert main(["generate", "fake-update", "--seed", seed, "--difficulty", difficulty]) == 0
    assert asked.prompt in capsys.readouterr().out
