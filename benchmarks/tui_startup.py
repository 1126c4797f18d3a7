"""Print the median time from launching the study app to a usable home screen.

Each run is a fresh Python process (so imports count, as they do for a learner) running the app
headless on an empty profile. Two moments are timed from just before the process starts: the
first frame drawn, and the deck list filled in (the home screen usable). Also checks that sympy
was not imported on the way. Goal on the project's machine: usable within 500 ms (the same
goal holds at 100 000 items: benchmarks/scale.py).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 7

# Run inside the child process: the app, headless, leaves as soon as the decks are listed.
PROBE = """
import gc, sys, time
gc.disable()  # as `gradeck` starts the app (commands/app.py): collected once the home is usable
from gradeck.tui.app import GradeckApp

class Probe(GradeckApp):
    def on_ready(self):
        self.drawn = time.time()
        self.set_interval(0.005, self.check)

    def check(self):
        if self.deck_titles:
            print(self.drawn, time.time(), "sympy" in sys.modules)
            self.exit()

Probe(when_usable=gc.enable).run(headless=True, size=(80, 24))
"""


def one_run(env: dict[str, str]) -> tuple[float, float, bool]:
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60
    )
    if done.returncode != 0:
        sys.exit(f"the app failed to start:\n{done.stderr}")
    drawn, usable, sympy = done.stdout.split()[-3:]
    return (float(drawn) - start) * 1000, (float(usable) - start) * 1000, sympy == "True"


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "GRADECK_HOME": home}
        one_run(env)  # the first run creates the profile; it is not counted
        runs = [one_run(env) for _ in range(RUNS)]
    drawn = statistics.median(r[0] for r in runs)
    usable = statistics.median(r[1] for r in runs)
    print(f"median of {RUNS} runs (fresh process each, empty profile, built-in decks)")
    print(f"first frame drawn        {drawn:7.1f} ms")
    print(f"home usable (decks)      {usable:7.1f} ms  (goal: <= 500 ms)")
    print(f"sympy imported at start  {'yes (should not be)' if any(r[2] for r in runs) else 'no'}")


if __name__ == "__main__":
    main()
