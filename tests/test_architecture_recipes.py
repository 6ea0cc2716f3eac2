"""docs/architecture.md's three recipes, followed literally: each code block becomes an installed plug-in
(a package and a ``*.dist-info`` with ``entry_points.txt`` on ``sys.path``), found by name through the
registries, passing its conformance kit, and fitting a ``QuarkClassifier`` — no file of Quark touched."""

from __future__ import annotations

import importlib
import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.backends import registry as backend_registry
from quark.datasets import load_edge_detection
from quark.exceptions import ProblemTooLargeError
from quark.models import MODELS, get_model
from quark.models.registry import MODEL_REGISTRY
from quark.optimizers import OPTIMIZERS, get_optimizer
from quark.optimizers.registry import OPTIMIZER_REGISTRY
from quark.testing import check_grover_backend, check_model, check_optimizer

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
PACKAGES = ("quark_majority", "quark_oneshot", "quark_closedform")


def _recipes() -> dict[str, dict[str, str]]:
    """package -> {"source": its __init__.py, "pyproject": its pyproject.toml}, from the doc's code blocks."""
    out: dict[str, dict[str, str]] = {}
    for lang, body in re.findall(r"```(python|toml)\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S):
        first = body.splitlines()[0]
        if lang == "python" and (m := re.fullmatch(r"# (\w+)/__init__\.py", first)):
            out.setdefault(m.group(1), {})["source"] = body
        elif lang == "toml" and (m := re.fullmatch(r"# (\w+): pyproject\.toml", first)):
            out.setdefault(m.group(1), {})["pyproject"] = body
    return out


def _install(root: Path, package: str, source: str, pyproject: str) -> None:
    """Lay the package out as pip installs it: the package, and a dist-info whose entry_points.txt is
    the pyproject's [project.entry-points] tables."""
    meta = tomllib.loads(pyproject)["project"]
    (root / package).mkdir()
    (root / package / "__init__.py").write_text(source)
    info = root / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n")
    groups = "".join(f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()) + "\n"
                     for group, eps in meta["entry-points"].items())
    (info / "entry_points.txt").write_text(groups)


def _refresh() -> None:
    MODEL_REGISTRY.refresh()
    OPTIMIZER_REGISTRY.refresh()
    backend_registry.refresh_plugins()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    recipes = _recipes()
    assert set(recipes) == set(PACKAGES), f"the doc's recipes: {sorted(recipes)}"
    for package, parts in recipes.items():
        assert set(parts) == {"source", "pyproject"}, f"recipe {package} lacks {({'source', 'pyproject'} - set(parts))}"
        _install(root, package, parts["source"], parts["pyproject"])
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    _refresh()
    yield root
    sys.path.remove(str(root))
    for package in PACKAGES:
        sys.modules.pop(package, None)
    _refresh()


def test_the_plugins_are_found_by_name_without_being_imported(installed):
    assert not any(p in sys.modules for p in PACKAGES)  # listing names imports nothing
    assert "majority" in MODELS and "one-shot" in OPTIMIZERS
    assert "closed-form" in backend_registry.backend_names("grover")
    assert type(get_model("majority")).__name__ == "MajorityVote"
    assert type(get_optimizer("one-shot", shots=5)).__name__ == "OneShot"


def test_the_model_passes_its_conformance_kit(installed):
    report = check_model(MODELS["majority"])
    assert report["passed"] and "vectorized over settings and samples" in report["checks"]


def test_the_optimizer_passes_its_conformance_kit(installed):
    # 256 shots of the uniform superposition over 64 settings miss the optimum with probability (63/64)**256
    report = check_optimizer(get_optimizer("one-shot", shots=256), trials=10, min_success=0.9)
    assert report["passed"] and report["mean_costs"]["shots"] == 256


def test_the_backend_passes_its_conformance_kit(installed):
    report = check_grover_backend(backend_registry.get_backend("closed-form"), shots=2000)
    assert report["passed"], [c for c in report["cases"] if c["tvd"] > c["bound"]]


def test_the_classifier_fits_with_all_three_plugins(installed):
    X, y = load_edge_detection(size=2)           # 16 images of 2x2 pixels: 4 weights, 16 settings
    clf = QuarkClassifier(model="majority", optimizer="one-shot", backend="closed-form", shots=200,
                          random_state=0).fit(X, y)
    land = QuarkClassifier(model="majority").landscape(X, y)
    assert type(clf.model_).__name__ == "MajorityVote" and clf.result_.ledger.shots == 200
    assert clf.result_.loss == pytest.approx(float(land.table().min()))   # 200 shots over 16 settings
    assert clf.score(X, y) == pytest.approx(1.0 - clf.result_.loss)
    again = QuarkClassifier(model="majority", optimizer="one-shot", backend="closed-form", shots=200,
                            random_state=0).fit(X, y)
    np.testing.assert_array_equal(again.bits_, clf.bits_)
    # a plug-in backend under a built-in optimizer, and a plug-in model under a built-in optimizer
    grover = QuarkClassifier(model="majority", optimizer="grover", backend="closed-form", random_state=0).fit(X, y)
    assert grover.result_.loss == pytest.approx(float(land.table().min()))


def test_the_optimizers_backend_options_arrive(installed):
    X, y = load_edge_detection(size=2)
    # a statevector allowed one byte cannot hold the table: the option reached the backend
    clf = QuarkClassifier(model="majority", optimizer="one-shot",
                          optimizer_options={"backend_options": {"max_memory": 1.0}})
    with pytest.raises(ProblemTooLargeError):
        clf.fit(X, y)
    with pytest.raises(TypeError, match=r"'max_memry' \(did you mean 'max_memory'\?\)"):
        QuarkClassifier(model="majority", optimizer="one-shot",
                        optimizer_options={"backend_options": {"max_memry": 1.0}}).fit(X, y)
