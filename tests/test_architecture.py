"""The house rules, checked on the source: no import circle, no import from a lower layer up, DALI
only in ``pipelines/``, and ``spotting/`` (post-processing, the metric, submissions) needing nothing
but numpy: no torch, no model, no video reader.

Every ``import`` counts: module level, inside functions, and under ``TYPE_CHECKING`` (a circle
dodged with a late import is still a circle). ``from pkg import name`` is an edge to ``pkg.name``
when that is a module, else to ``pkg`` (its ``__init__``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dudek_dali"

# Lowest first. A module may import its own unit and the units of lower layers, nothing else:
# units of one layer are siblings that never import each other (frames never imports pipelines).
LAYERS: list[set[str]] = [
    {"errors"},
    {"files", "sizes", "devices"},
    {"data"},
    {"clips", "model", "prepare", "spotting"},
    {"pipelines", "frames", "pyav", "torchcodec"},
    {"sources"},
    {"inference"},
    {"train"},
    {"bench", "demo", "preview", "doctor"},
    {"dudek_dali"},  # the front door (dudek_dali/__init__.py): imports what it re-exports, on first use
    {"cli"},
    {"compat"},  # dude-k's console scripts: aliases of the cli's commands
    {"__main__"},
]
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}
DALI_HOME = "pipelines"
NUMPY_ONLY = "spotting"
# What a numpy-only unit must not import: the deep-learning stack and every video decoder.
NOT_NUMPY = ("torch", "timm", "torchvision", "torchcodec", "av", "nvidia", "cv2")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_names(path: Path) -> Iterable[tuple[str, str | None, int]]:
    """(module, name imported from it or None, line) of every import statement in ``path``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.module, alias.name, node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """Module -> {imported project module: first line}."""
    known = modules()
    graph: dict[str, dict[str, int]] = {name: {} for name in known}
    for name, path in known.items():
        for module, imported, line in imported_names(path):
            if not module.startswith("dudek_dali"):
                continue
            target = f"{module}.{imported}" if imported and f"{module}.{imported}" in known else module
            graph[name].setdefault(target, line)
    return graph


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def find_cycle(graph: dict[str, Iterable[str]]) -> list[str] | None:
    """One import circle of ``graph`` (as a closed path), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_circles_and_only_circles():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b", "c"], "b": ["c"], "c": []}) is None


def test_the_graph_sees_late_and_type_checking_imports():
    graph = import_graph()
    assert len(graph) > 100
    # inference.scoring imports the reader factory at module level, torch only for type hints:
    assert "dudek_dali.sources" in graph["dudek_dali.inference.scoring"]
    # a function-level import (the trainer's CLI imports train.api when a command runs):
    assert "dudek_dali.train.api" in graph["dudek_dali.cli.train_commands"]


def test_no_import_circle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_every_unit_has_a_layer():
    assert {unit(m) for m in modules()} <= set(RANK), "add the new unit to LAYERS"


def test_imports_only_go_down_the_layers():
    upward = []
    for module, targets in import_graph().items():
        for target, line in targets.items():
            here, there = unit(module), unit(target)
            if here != there and RANK[there] >= RANK[here]:
                upward.append(
                    f"{module}:{line} imports {target} ({here} is layer {RANK[here]}, {there} {RANK[there]})"
                )
    assert not upward, "\n".join(upward)


def test_dali_is_imported_only_in_pipelines():
    outside = [
        f"{name}:{line}"
        for name, path in modules().items()
        for module, _, line in imported_names(path)
        if module.startswith("nvidia.dali") and unit(name) != DALI_HOME
    ]
    assert not outside, f"nvidia.dali imported outside {DALI_HOME}/: {outside}"


def test_spotting_needs_only_numpy():
    offending = [
        f"{name}:{line} imports {module}"
        for name, path in modules().items()
        if unit(name) == NUMPY_ONLY
        for module, _, line in imported_names(path)
        if module.split(".")[0] in NOT_NUMPY
    ]
    assert not offending, "\n".join(offending)


@pytest.mark.parametrize("unit_name", sorted(u for u in RANK if u not in ("dudek_dali", "__main__")))
def test_every_unit_exists(unit_name):
    assert (PACKAGE / unit_name).is_dir() or (PACKAGE / f"{unit_name}.py").is_file()
