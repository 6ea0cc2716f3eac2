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
FACE = {"classifier", "classifier_checks", "fitting", "cli", "plot", "plot_summary", "report", "testing", "preprocessing", "multiclass",
        "tabular", "__init__", "__main__"}

# Old import paths kept for users, each a re-export that warns where the code went. They are the only
# imports allowed to point up, and only to the module they name.
COMPAT_SHIMS = {"quark.optimizers.baselines": "quark.baselines"}


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


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "quark"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] == "quark":
                out.append((node.lineno, name))
    return out


def _upward_imports() -> list[str]:
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        here = LAYERS.index(layer_of(module))
        for line, target in _imports(path):
            moved_to = COMPAT_SHIMS.get(module)
            if moved_to is not None and (target == moved_to or target.startswith(moved_to + ".")):
                continue
            if LAYERS.index(layer_of(target)) > here:
                bad.append(f"{path.relative_to(ROOT.parent)}:{line}: {module} ({layer_of(module)}) imports "
                           f"{target} ({layer_of(target)})")
    return bad


def test_no_import_runs_upward():
    assert _upward_imports() == []


def test_the_check_sees_function_level_and_type_checking_imports(tmp_path):
    # the parser must not miss imports hidden inside functions or TYPE_CHECKING blocks
    src = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from quark.classifier import X\n" \
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
