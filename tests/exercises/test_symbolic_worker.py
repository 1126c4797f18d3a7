"""The sympy worker: proofs run in a child process, capped in memory and killed on timeout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from gradeck.exercises import symbolic_worker
from gradeck.exercises.check import check_part
from gradeck.exercises.model import Mistake, Part

# Generous: a cold worker imports sympy first, which on a busy machine takes seconds.
PATIENT = 60.0


def test_a_proof_comes_back_from_the_worker() -> None:
    assert symbolic_worker.prove_equal("sin(x)^2 + cos(x)^2", "1", ("x",), PATIENT) is True
    assert symbolic_worker.prove_equal("sin(x)^2", "1", ("x",), PATIENT) is False


def test_a_proof_over_time_kills_the_worker() -> None:
    assert symbolic_worker.prove_equal("x*(1-x)", "x - x^2", ("x",), PATIENT) is True
    pid = symbolic_worker.worker_pid()
    assert pid is not None
    assert symbolic_worker.prove_equal("sin(x)^2 + cos(x)^2", "1", ("x",), 1e-9) is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped: nothing of that proof goes on
    # and the next check gets a fresh worker
    assert symbolic_worker.prove_equal("sin(x)^2 + cos(x)^2", "1", ("x",), PATIENT) is True
    assert symbolic_worker.worker_pid() not in (None, pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_caps_its_memory() -> None:
    symbolic_worker.prove_equal("x", "x", ("x",), PATIENT)
    pid = symbolic_worker.worker_pid()
    limits = Path(f"/proc/{pid}/limits").read_text()
    line = next(row for row in limits.splitlines() if row.startswith("Max address space"))
    soft = line.split()[3]
    assert soft != "unlimited"
    statm = Path(f"/proc/{pid}/statm").read_text().split()
    held = int(statm[0]) * os.sysconf("SC_PAGE_SIZE")
    assert int(soft) - held <= 100 * 1024 * 1024  # at most 100 MB more than it holds now


def test_a_narrow_domain_answer_is_proved_by_the_worker() -> None:
    """log(x − 3) is defined at too few sample points for a numeric verdict: sympy decides."""
    part = Part("a", "f", "log(x - 3) + log(x - 3)", kind="symbolic", symbols=("x",))
    symbolic_worker.prove_equal("x", "x", ("x",), PATIENT)  # warm, so the check is in time
    assert check_part(part, "2*log(x - 3)").verdict == "right"
    assert check_part(part, "3*log(x - 3)").verdict == "wrong"


def test_a_first_symbolic_check_does_not_load_sympy() -> None:
    """Sampling decides ordinary answers, so the first check of a session waits for no sympy."""
    import subprocess

    probe = (
        "import sys\n"
        "from gradeck.exercises.check import check_part\n"
        "from gradeck.exercises.registry import generate\n"
        "part = generate('symbolic-derivative', 0, 1, {'item': 'sigmoid'}).parts[0]\n"
        "print(check_part(part, 's(1-s)').verdict, check_part(part, 's').verdict)\n"
        "print('sympy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.split() == ["right", "wrong", "False"], done.stderr


def test_prepare_warms_the_worker_for_a_symbolic_exercise() -> None:
    """prepare() starts the worker in the background for a symbolic exercise, and only then."""
    import subprocess

    probe = (
        "import sys, time\n"
        "from gradeck.exercises import symbolic_worker\n"
        "from gradeck.exercises.check import prepare\n"
        "from gradeck.exercises.registry import generate\n"
        "prepare(generate('update-rule', 0, 1))\n"
        "before = symbolic_worker.worker_pid()\n"
        "prepare(generate('symbolic-derivative', 0, 1))\n"
        "for _ in range(600):\n"
        "    if symbolic_worker.worker_pid() is not None: break\n"
        "    time.sleep(0.1)\n"
        "print(before is None, symbolic_worker.worker_pid() is not None, 'sympy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "True", "False"], done.stderr


def test_one_check_shares_one_time_budget(monkeypatch) -> None:
    """Comparisons with the answer, then each mistake, do not each get the full proof time."""
    import time

    from gradeck.exercises import symbolic

    now = [1000.0]
    asked: list[float] = []

    def slow(a: str, b: str, names, seconds: float) -> None:
        asked.append(seconds)
        now[0] += seconds  # as a proof that runs out of time
        return None

    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    monkeypatch.setattr(symbolic_worker, "prove_equal", slow)
    mistakes = tuple(Mistake(f"m{i}", f"{i + 2}*log(x - 3)", "no") for i in range(4))
    part = Part("a", "f", "log(x - 3)", kind="symbolic", symbols=("x",), mistakes=mistakes)
    assert check_part(part, "7*log(x - 3)").verdict == "wrong"
    assert asked == [pytest.approx(symbolic.PROOF_SECONDS)]  # nothing left for the mistakes
