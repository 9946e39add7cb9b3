"""The shape of the code: every module imports on its own, imports point one way, none is huge.

Import circles used to hide behind imports inside functions (store <-> index <-> fastdecode
<-> indexwriter); the graph below counts those too, so a new circle cannot hide that way.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "relcli"
MAX_LINES = 500
# Modules allowed past MAX_LINES, each for a reason that is not "it grew":
TOO_LONG_ON_PURPOSE = {
    "relcli.hosts": "a data table: which hosts publish what kind of source",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The relcli modules ``name`` imports, at module level or inside functions alike."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "relcli")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.split(".")[0] == "relcli":
                target = node.module
            else:
                continue
            for alias in node.names:  # ``from . import store`` imports the module relcli.store
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in MODULES else target)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), and self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_function_level_imports() -> None:
    """The graph is worth trusting only if it sees what a function imports, and names."""
    assert "relcli.index" in GRAPH["relcli.store"]  # ``from . import index`` inside load()
    assert "relcli.index.build" in GRAPH["relcli.index.open"]  # lazy, inside open_dataset()
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles() -> None:
    assert _cycles(GRAPH) == []


def test_storage_imports_point_one_way() -> None:
    """cli -> render/query/store -> index -> rules/datafile -> model/dates: never back up."""
    below_store = ("relcli.index", "relcli.rules", "relcli.datafile", "relcli.datastream")
    for name, imported in GRAPH.items():
        if name.startswith(below_store):
            upward = {
                m
                for m in imported
                if m in ("relcli.store", "relcli.query", "relcli.search", "relcli.cli")
                or m.startswith(("relcli.render", "relcli.cli."))
            }
            assert not upward, f"{name} imports {upward}"
    for name in ("relcli.rules", "relcli.datafile", "relcli.datastream"):
        assert not {m for m in GRAPH[name] if m.startswith("relcli.index")}, name
    for name in [n for n in MODULES if n.startswith("relcli.model")]:
        assert GRAPH[name] <= {"relcli.dates", "relcli.valueclass"} | {
            n for n in MODULES if n.startswith("relcli.model")
        }, name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_too_long(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    if name in TOO_LONG_ON_PURPOSE:
        return
    assert lines <= MAX_LINES, f"{name}: {lines} lines (at most {MAX_LINES}); split it by concern"


def test_the_exceptions_are_still_needed() -> None:
    for name in TOO_LONG_ON_PURPOSE:
        if name in MODULES:
            assert len(MODULES[name].read_text(encoding="utf-8").splitlines()) > MAX_LINES, name


# ``relcli.__main__`` runs the command line when imported; the others must import quietly.
IMPORTABLE = sorted(name for name in MODULES if name != "relcli.__main__")


@pytest.mark.parametrize("name", IMPORTABLE)
def test_every_module_imports_on_its_own(name: str) -> None:
    """A fresh interpreter per module: an import that works only after another would fail."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {name}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
