"""A sympy process that can be stopped: symbolic proofs run there, never in the caller.

sympy can take unbounded time and memory on a small expression, and a thread cannot be stopped.
So proofs go to one long-lived child process (`symbolic_proof`), which caps its own memory; a
proof that is not back within its time is abandoned by killing the process, and a fresh one is
started in the background for the next check. Starting it early (`warm_up`) hides the second or
so that importing sympy takes.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

START_SECONDS = 20.0  # how long a starting worker may take to import sympy before it is dropped


class _Worker:
    """One child process and the pipe to it; every method is called under the module lock."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gradeck.exercises.symbolic_proof"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl+C in the terminal is for the app, not for the worker
        )
        self.buffer = b""
        self.ready = False

    def line(self, deadline: float) -> dict | None:
        """The next JSON line from the worker, or None when it is not there by `deadline`."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            try:
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    return None
                chunk = os.read(fd, 4096)
            except (OSError, ValueError):  # no select on pipes here, or the pipe is gone
                return None
            if not chunk:
                return None  # the worker died (out of memory, say)
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\n", 1)
        try:
            reply = json.loads(raw)
        except ValueError:
            return None
        return reply if isinstance(reply, dict) else None

    def wait_ready(self, deadline: float) -> bool:
        if not self.ready:
            reply = self.line(deadline)
            self.ready = bool(reply and reply.get("ready"))
        return self.ready

    def ask(self, request: dict, deadline: float) -> dict | None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            return None
        return self.line(deadline)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


_lock = threading.Lock()
_worker: _Worker | None = None


def _start_locked() -> _Worker:
    global _worker
    if _worker is None or _worker.process.poll() is not None:
        if _worker is not None:
            _worker.stop()
        _worker = _Worker()
    return _worker


def _drop_locked() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


def _warm() -> None:
    with _lock:
        try:
            worker = _start_locked()
        except OSError:
            return  # no worker can be started: proofs are not tried, sampling still decides
        if not worker.wait_ready(time.monotonic() + START_SECONDS):
            _drop_locked()


def warm_up() -> None:
    """Start the worker in the background, so that a later proof does not wait for sympy."""
    threading.Thread(target=_warm, name="gradeck-sympy-warm-up", daemon=True).start()


def prove_equal(a: str, b: str, names: Sequence[str], seconds: float) -> bool | None:
    """True when sympy proves a == b within `seconds`, False when it cannot, None on timeout.

    The worker is started if needed (and waited for within the same time); a proof that times
    out is ended by killing the worker, and a fresh one is warmed up for the next check.
    """
    deadline = time.monotonic() + seconds
    if not _lock.acquire(timeout=seconds):
        return None
    try:
        try:
            worker = _start_locked()
        except OSError:
            return None
        if not worker.wait_ready(deadline):
            return None  # still importing sympy: it goes on starting for the next check
        reply = worker.ask({"a": a, "b": b, "names": list(names)}, deadline)
        if reply is None:
            _drop_locked()
    finally:
        _lock.release()
    if reply is None:
        warm_up()
        return None
    return bool(reply.get("equal"))


def worker_pid() -> int | None:
    """The worker's process id, for tests that check it is really gone after a timeout."""
    with _lock:
        return None if _worker is None else _worker.process.pid
