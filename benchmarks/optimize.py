"""Print how long `gradeck optimize`'s work takes on a profile of 100 000 scheduled answers:
reading the log, building the histories, fitting with fsrs-rs and scoring both weight sets.

The answers are simulated from known weights by the same generator the tests use
(tests/srs/test_optimize.py), 12 500 items of 8 answers each.
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
from pathlib import Path

from fsrs.scheduler import DEFAULT_PARAMETERS

from gradeck.srs import optimize

TESTS = Path(__file__).resolve().parents[1] / "tests" / "srs" / "test_optimize.py"


def _generator():
    spec = importlib.util.spec_from_file_location("test_optimize", TESTS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    gen = _generator()
    start = time.perf_counter()
    logs = gen.simulated_history(12_500, seed=11)
    print(f"simulated {sum(map(len, logs))} answers in {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        db = gen._store(Path(tmp), logs)
        start = time.perf_counter()
        history = optimize.histories(optimize.reviews(db), gen._day)
        read = time.perf_counter() - start
        start = time.perf_counter()
        fit = optimize.fit(history, DEFAULT_PARAMETERS)
        fitted = time.perf_counter() - start
        db.close()
    print(f"log to histories   {read:6.2f} s  ({len(history.sequences)} answers to predict)")
    print(f"fit and score      {fitted:6.2f} s")
    print(
        f"log loss {fit.current_score.log_loss:.4f} (defaults) -> "
        f"{fit.fitted_score.log_loss:.4f} (fitted)"
    )


if __name__ == "__main__":
    main()
