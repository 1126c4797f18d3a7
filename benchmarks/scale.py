"""What a learner waits for with a real collection: whole processes on profiles on disk.

For profiles of 10 000 and 100 000 items (and 1 000 000 with --million), built by
benchmarks/profiles.py as deck files plus a progress database with ten answers per item, this
times fresh processes beside `python -c pass` in the same run:

  gradeck stats --json                        goal at 100 000 items: <= 300 ms
  gradeck review, to its first item           goal: <= 300 ms
  the study app, to a usable home screen      goal: <= 500 ms   (in a real terminal: tmux)
  the app's peak memory at home / after Browse goal: <= 100 / 120 MB
  growth of each time per x10 items           goal: <= x10

and, without goals, `stats --json` just after an answer is logged (the health check's scores are
then worked out again from the whole log, srs/derived.py), the first open after the deck cache
is removed (every deck file read and validated) and an open after one deck file changed. Medians
of --runs runs; the machine may be shared, so medians, not minimums, and beside each time the
CPU time the process itself used (user + system), which a loaded machine inflates far less than
the wall-clock time. gradeck's modules are byte-compiled first, as an installed gradeck's are.

    python benchmarks/scale.py [--runs 5] [--million] [--sizes 0 10000 100000]

(size 0: the built-in decks alone, the floor of every measure but Python's own start.)
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from profiles import profile

GOAL_SIZE = 100_000
GOALS = {  # measure -> (goal, unit)
    "stats": (300, "ms"),
    "review": (300, "ms"),
    "app": (500, "ms"),
    "mem_home": (100, "MB"),
    "mem_browse": (120, "MB"),
}
LABELS = {
    "floor": "python -c pass (the floor)",
    "stats": "gradeck stats --json",
    "answered": "stats --json after an answer",
    "review": "gradeck review, first item",
    "app": "study app, usable home",
    "mem_home": "app peak memory at home",
    "mem_browse": "app peak memory, Browse",
    "cold": "first open, no deck cache",
    "changed": "open after 1 deck file changed",
}
GRADECK = [sys.executable, "-m", "gradeck"]
TMUX = ["tmux", "-L", f"gradeck-bench-{os.getpid()}"]
EMPTY = Path("/tmp/gradeck-bench/0")
CACHE_FILES = ("deck-cache.db", "deck-cache.db-wal", "deck-cache.db-shm")


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "GRADECK_HOME": str(home), "TERM": "xterm-256color"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _cpu_ms(pid: int) -> float:
    """User + system time a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def run_ms(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU time of a whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    if status != 0:
        assert proc.stderr is not None
        sys.exit(f"{' '.join(argv)} failed:\n{proc.stderr.read().decode()}")
    return elapsed, (usage.ru_utime + usage.ru_stime) * 1000


def review_ms(env: dict[str, str]) -> tuple[float, float]:
    """From launch to the first item's heading ("[1/N] ..."); then end of input quits."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*GRADECK, "review"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    for line in proc.stdout:
        if line.startswith("[1/"):
            break
    else:
        sys.exit("gradeck review showed no item")
    elapsed = (time.perf_counter() - start) * 1000
    cpu = _cpu_ms(proc.pid)
    proc.stdin.close()
    proc.wait(timeout=60)
    return elapsed, cpu


def _tmux(*args: str) -> str:
    return subprocess.run([*TMUX, *args], capture_output=True, text=True, check=False).stdout


def _wait_for(session: str, words: tuple[str, ...], timeout: float = 120) -> None:
    give_up = time.perf_counter() + timeout
    while time.perf_counter() < give_up:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if any(w in screen for w in words):
            return
        time.sleep(0.01)
    sys.exit(f"the app never showed {words}:\n{screen}")


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def app_run(home: Path, n: int) -> tuple[float, float, float, float]:
    """Launch to a usable home screen (the 'to study now' or 'All done' line, written once
    the decks and counts are in) in a 100x30 tmux pane; peak memory there and after Browse."""
    session = f"run{n}"
    command = f"exec env GRADECK_HOME={home} {' '.join(GRADECK)}"
    start = time.perf_counter()
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command)
    _wait_for(session, ("to study now", "All done for today"))
    elapsed = (time.perf_counter() - start) * 1000
    pid = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
    cpu, at_home = _cpu_ms(pid), _peak_mb(pid)
    _tmux("send-keys", "-t", session, "b")
    _wait_for(session, ("Browse · ",))  # the subtitle once rows are in
    time.sleep(1.0)  # let the table and the first item's detail settle
    after_browse = _peak_mb(pid)
    _tmux("kill-session", "-t", session)
    return elapsed, cpu, at_home, after_browse


def _change_one_deck(home: Path) -> None:
    """Edit one deck file (a comment toggled at its end): its text and size change."""
    files = sorted((home / "decks").glob("*.yaml"))
    if not files:
        return  # the built-in decks alone: nothing of the learner's to edit
    path = files[0]
    text = path.read_text(encoding="utf-8")
    mark = "# edited\n"
    path.write_text(text[: -len(mark)] if text.endswith(mark) else text + mark, encoding="utf-8")


def _log_one_answer(home: Path) -> None:
    """One more answer in the log, as `gradeck review` writes it (through the triggers)."""
    conn = sqlite3.connect(home / "gradeck.db")
    with conn:
        conn.execute(
            "INSERT INTO reviews (item, time, rating, prev_state) "
            "SELECT id, CAST(strftime('%s') AS INTEGER) * 1000, 3, 2 FROM items LIMIT 1"
        )
    conn.close()


def measure(size: int, runs: int) -> dict[str, tuple[float, float]]:
    """Per measure, the medians of (wall-clock or memory, CPU time). Size 0 is a fresh
    profile with the built-in decks alone: what the app and commands cost at all."""
    home = profile(size) if size else EMPTY
    home.mkdir(parents=True, exist_ok=True)
    env = _env(home)
    for name in CACHE_FILES:
        (home / name).unlink(missing_ok=True)
    figures: dict[str, list[tuple[float, float]]] = {k: [] for k in LABELS}
    figures["cold"].append(run_ms([*GRADECK, "stats", "--json"], env))
    for n in range(runs):
        figures["floor"].append(run_ms([sys.executable, "-c", "pass"], env))
        figures["stats"].append(run_ms([*GRADECK, "stats", "--json"], env))
        _log_one_answer(home)
        figures["answered"].append(run_ms([*GRADECK, "stats", "--json"], env))
        figures["review"].append(review_ms(env))
        ms, cpu, at_home, after_browse = app_run(home, n)
        figures["app"].append((ms, cpu))
        figures["mem_home"].append((at_home, 0.0))
        figures["mem_browse"].append((after_browse, 0.0))
        _change_one_deck(home)
        figures["changed"].append(run_ms([*GRADECK, "stats", "--json"], env))
    return {
        k: (statistics.median(v[0] for v in vs), statistics.median(v[1] for v in vs))
        for k, vs in figures.items()
    }


def report(results: dict[int, dict[str, tuple[float, float]]], runs: int) -> None:
    sizes = sorted(results)
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · {os.cpu_count()} CPUs")
    print(f"medians of {runs} runs; answers = 10 per item; goals at {GOAL_SIZE:,} items")
    print("times: wall clock (CPU time of the process)\n")
    print(f"{'':32}" + "".join(f"{s:>18,}" for s in sizes) + "   goal")
    for key, label in LABELS.items():
        cells = []
        for size in sizes:
            value, cpu = results[size][key]
            cells.append(
                f"{value:>15.0f} MB" if key.startswith("mem") else f"{value:>8.0f} ({cpu:>5.0f}) ms"
            )
        goal = GOALS.get(key)
        verdict = ""
        if goal and GOAL_SIZE in results:
            ok = results[GOAL_SIZE][key][0] <= goal[0]
            verdict = f"   <= {goal[0]} {goal[1]}  {'met' if ok else 'MISSED'}"
        print(f"{label:32}{''.join(cells)}{verdict}")
    print()
    for small, big in pairwise(s for s in sizes if s):
        growth = {k: results[big][k][0] / results[small][k][0] for k in ("stats", "review", "app")}
        worst = max(growth.values())
        parts = ", ".join(f"{k} x{g:.2f}" for k, g in growth.items())
        verdict = "met" if worst <= 10 else "MISSED"
        print(f"growth {small:,} -> {big:,} items: {parts}   (goal <= x10: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="also 1 000 000 items (slow)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("the app is timed in tmux, which is not installed")
    sizes = sorted(set(args.sizes) | ({1_000_000} if args.million else set()))
    package = Path(__file__).resolve().parents[1] / "src" / "gradeck"
    compileall.compile_dir(str(package), quiet=1)  # as installed: no compiling at each start
    _tmux("new-session", "-d", "-s", "keep", "sleep 86400")  # the server, started untimed
    try:
        results = {size: measure(size, args.runs) for size in sizes}
    finally:
        _tmux("kill-server")
    report(results, args.runs)


if __name__ == "__main__":
    main()
