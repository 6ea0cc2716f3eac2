"""Quark's layers hold in every import, function-level and type-checking ones included.

Bottom to top: private helpers (``quark._*``, ``quark.exceptions``) → ``datasets`` → ``models`` →
``encoding`` → ``backends`` → ``optimizers`` → ``baselines`` → the face (``classifier``, ``cli``,
``plot``, ``report``, ``testing``, the package itself). A module may import its own layer and the
ones below it, never one above: an upward import means an idea sits in the wrong place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "quark"

LAYERS = ["private", "datasets", "models", "encoding", "backends", "optimizers", "baselines", "face"]
FACE = {"estimators", "io", "cli", "plot", "report", "testing", "resources", "__init__", "__main__"}



def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "quark":
        raise ValueError(module)
    if len(parts) == 1:
        return "face"
    top = parts[1]
    if top.startswith("_") and top not in ("__init__", "__main__") or top == "exceptions":
        return "private"
    if top in FACE:
        return "face"
    if top not in LAYERS:
        raise AssertionError(f"module quark.{top} belongs to no layer; add it to tests/test_layers.py")
    return top


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """Every import of ``quark`` in a file: ``(line, module, names)`` (``names``: what a ``from`` import takes;
    relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, ()) for a in node.names if a.name.split(".")[0] == "quark"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] == "quark":
                out.append((node.lineno, name, tuple(a.name for a in node.names)))
    return out


def _upward_imports() -> list[str]:
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        here = LAYERS.index(layer_of(module))
        for line, target, _ in _imports(path):
            if LAYERS.index(layer_of(target)) > here:
                bad.append(f"{path.relative_to(ROOT.parent)}:{line}: {module} ({layer_of(module)}) imports "
                           f"{target} ({layer_of(target)})")
    return bad


def test_no_import_runs_upward():
    assert _upward_imports() == []


def test_the_check_sees_function_level_and_type_checking_imports(tmp_path):
    # the parser must not miss imports hidden inside functions or TYPE_CHECKING blocks
    src = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from quark.estimators.classifier import X\n" \
          "def f():\n    import quark.optimizers.grover\n"
    path = ROOT / "models" / "_probe_for_layers_test.py"
    path.write_text(src)
    try:
        bad = _upward_imports()
    finally:
        path.unlink()
    assert sum("_probe_for_layers_test" in b for b in bad) == 2


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_500_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= 500, f"{path.relative_to(ROOT.parent)} has {n} lines: split it into modules of one idea each"


# -- cycles and private names ---------------------------------------------------------------------------
def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (ROOT / rel).with_suffix(".py").is_file() or (ROOT / rel / "__init__.py").is_file()


def _edges() -> dict[str, set[str]]:
    """Module -> the modules it imports (``from A import b`` counts as importing ``A.b`` when that is a
    module, else ``A``); every import, function-level and type-checking ones included."""
    graph: dict[str, set[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        targets = set()
        for _, name, names in _imports(path):
            subs = [f"{name}.{alias}" for alias in names]
            targets |= {sub if _is_module(sub) else name for sub in subs} if subs else {name}
        targets.discard(module)
        graph[module] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_anywhere():
    # a package's __init__ that re-exports its modules is imported by them only through submodule
    # paths; any other loop between modules (in any layer, the face included) is a design knot
    assert _cycles(_edges()) == []


def test_the_cycle_check_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _private_reaches() -> list[str]:
    """``from quark.pkg.mod import _name`` or ``mod._name`` across packages: code that leans on another
    package's internals (private modules ``quark/_*.py`` are shared by design and exempt)."""
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        own = ".".join(module.split(".")[:2])
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("quark."):
                target_pkg = ".".join(node.module.split(".")[:2])
                if target_pkg == own or node.module.split(".")[1].startswith("_"):
                    continue
                for alias in node.names:
                    if alias.name.startswith("_"):
                        bad.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: imports {node.module}.{alias.name}")
                for part in node.module.split(".")[2:]:
                    if part.startswith("_") and part != "__init__":
                        bad.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: imports private module {node.module}")
                        break
    return bad


def test_no_reach_into_another_packages_private_names():
    assert _private_reaches() == []
