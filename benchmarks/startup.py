"""Print how long the light commands take to start, beside Python's own start-up as the floor.

Goals on the project's machine: `gradeck --help` within 120 ms of the floor, `gradeck validate`
on the built-in decks under 500 ms.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 15


def median_ms(argv: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=False, capture_output=True, env=env)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    import os

    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "GRADECK_HOME": home}
        floor = median_ms([sys.executable, "-c", "pass"], env)
        help_ms = median_ms([sys.executable, "-m", "gradeck", "--help"], env)
        validate_ms = median_ms([sys.executable, "-m", "gradeck", "validate"], env)
        decks_ms = median_ms([sys.executable, "-m", "gradeck", "decks"], env)
    print(f"median of {RUNS} runs")
    print(f"python -c pass       {floor:7.1f} ms  (floor)")
    print(f"gradeck --help       {help_ms:7.1f} ms  (+{help_ms - floor:.1f} ms; goal: +120 ms)")
    print(f"gradeck validate     {validate_ms:7.1f} ms  (goal: under 500 ms)")
    print(f"gradeck decks        {decks_ms:7.1f} ms")


if __name__ == "__main__":
    main()
