"""Keep the layers honest (DESIGN.md) on the real import graph: import-linter's contracts in
pyproject.toml (`[tool.importlinter]`: the layers, an engine that stands alone, exercises that
know the engine only, srs that knows gradeck.text and GradeckError only, front ends that reach
progress through study alone), no import cycle between any two of our modules, and logic that
never pulls in textual."""

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


ROOT = SRC.parent.parent


def test_the_import_linter_contracts_are_kept() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(linter), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, round and round (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in imports.get(module, ()):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return out


def test_cycles_are_found() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_ours_is_in_an_import_cycle() -> None:
    import grimp

    graph = grimp.build_graph("gradeck", exclude_type_checking_imports=True)
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    assert _cycles(imports) == []
