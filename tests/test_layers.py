"""Keep the layers honest (DESIGN.md): logic never pulls in textual; the engine stands alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import gradeck

SRC = Path(gradeck.__file__).parent


def _modules(under: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    names = []
    for path in sorted(under.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        if name == "gradeck.__main__" or any(name.startswith(e) for e in exclude):
            continue
        names.append(name)
    return names


def _loaded_after_importing(modules: list[str]) -> list[str]:
    probe = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_non_ui_modules_do_not_import_textual() -> None:
    modules = _modules(SRC, exclude=("gradeck.tui", "gradeck.commands.app"))
    loaded = _loaded_after_importing(modules)
    assert not [m for m in loaded if m == "textual" or m.startswith("textual.")]


def test_engine_imports_nothing_else_of_ours() -> None:
    modules = _modules(SRC / "engine")
    assert modules, "the engine package has modules"
    loaded = _loaded_after_importing(modules)
    ours = [m for m in loaded if m.startswith("gradeck.") and not m.startswith("gradeck.engine")]
    assert ours == []


def test_front_ends_do_not_open_sqlite_or_the_scheduler() -> None:
    """The TUI and the plain front end reach progress only through gradeck.study."""
    offenders = []
    front_ends = [*(SRC / "tui").rglob("*.py"), *(SRC / "commands").rglob("*.py")]
    for path in front_ends:
        text = path.read_text(encoding="utf-8")
        for forbidden in ("import sqlite3", "gradeck.srs", "import fsrs", "from fsrs"):
            if forbidden in text:
                offenders.append(f"{path.relative_to(SRC)}: {forbidden}")
    assert offenders == []
