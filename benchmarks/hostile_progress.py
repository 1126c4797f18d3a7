"""Print how long `gradeck progress import` takes to refuse each hostile progress file of
tests/srs/hostile_progress/ (and one nested 200 000 deep), as a whole process on a fresh profile.

Goal (issue 9): every file refused within 1 s, exit status 1, no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "srs" / "hostile_progress"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GRADECK_HOME": str(Path(tmp) / "home")}
        deep = Path(tmp) / "nested_200000_deep.json"
        deep.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
        slowest = 0.0
        for path in [*sorted(CORPUS.glob("*.json")), deep]:
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "gradeck", "progress", "import", str(path)],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            ms = (time.perf_counter() - start) * 1000
            slowest = max(slowest, ms)
            verdict = "refused" if done.returncode == 1 else f"EXIT {done.returncode}"
            if "Traceback" in done.stderr or "internal error" in done.stderr:
                verdict += ", TRACEBACK"
            print(f"{path.stem:32} {ms:7.1f} ms  {verdict}")
    print(f"slowest: {slowest:.1f} ms (goal: under 1000 ms)")


if __name__ == "__main__":
    main()
