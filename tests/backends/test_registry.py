"""Third-party backends through real package metadata: the ``quark.backends`` entry-point group.

The test writes a tiny installed distribution — a package and its ``*.dist-info`` folder with an
``entry_points.txt`` — into a temporary folder on ``sys.path``, exactly what ``pip install`` leaves
in site-packages, and lets :mod:`importlib.metadata` discover it.
"""

from __future__ import annotations

import importlib
import sys
import textwrap

import numpy as np
import pytest

import quark.backends.registry as registry
from quark import QuarkClassifier
from quark.backends import available_backends, get_backend
from quark.cli import main
from quark.datasets import load_edge_detection
from quark.testing import check_grover_backend

# The whole plug-in: one class, one method (this is the code docs/backends.md shows).
PLUGIN_SOURCE = '''
import numpy as np

from quark.backends import GroverBackend


class ToyBackend(GroverBackend):
    """Grover search by explicit real amplitudes: oracle = sign flip, diffuser = 2 * mean - a."""

    name = "toy"

    def __init__(self, scale=1.0):
        self.scale = scale  # options from get_backend("toy", scale=...) arrive here

    def _sample_threshold(self, problem, threshold, iterations, shots, rng):
        table = problem.table()                       # loss of every setting (index k: bit i = (k >> i) & 1)
        marked = table < threshold
        amps = np.full(table.size, table.size ** -0.5)
        for _ in range(iterations):
            amps[marked] *= -1.0
            amps = 2.0 * amps.mean() - amps
        probs = amps**2 / np.sum(amps**2)
        return rng.choice(table.size, size=shots, p=probs)    # measured shots, never an argmax (wrapped in Samples)
'''


def _install(root, dist: str, entry_points: str, package: str | None = None, source: str = "") -> None:
    """Lay out an installed distribution as pip would: the package and its dist-info folder."""
    if package:
        (root / package).mkdir()
        (root / package / "__init__.py").write_text(source)
    info = root / f"{dist}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """A fresh registry that sees the toy distribution (and a broken one) on sys.path."""
    _install(tmp_path, "quark_toy_plugin", "[quark.backends]\ntoy = quark_toy_plugin:ToyBackend\n", "quark_toy_plugin", PLUGIN_SOURCE)
    _install(tmp_path, "quark_broken_plugin", "[quark.backends]\nbroken = quark_not_installed_anywhere:Backend\n")
    _install(tmp_path, "quark_sampler_plugin", "[quark.samplers]\ntoy-sa = dwave.samplers:SimulatedAnnealingSampler\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    # reset the plug-in cache on a copy of the registry (both restored after the test)
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_PLUGINS_LOADED", False)
    yield tmp_path
    sys.modules.pop("quark_toy_plugin", None)


def test_entry_point_plugin_is_listed_and_built(plugin):
    infos = {b.name: b for b in available_backends()}
    assert infos["toy"].usable and infos["toy"].kind == "grover"
    assert infos["toy"].description == "plug-in from quark_toy_plugin:ToyBackend"
    assert "statevector" in infos and "ibm" in infos  # built-ins stay
    assert not infos["broken"].usable and "quark_not_installed_anywhere" in infos["broken"].reason
    be = get_backend("toy", scale=2.0)
    assert type(be).__name__ == "ToyBackend" and be.scale == 2.0
    with pytest.raises(ModuleNotFoundError):
        get_backend("broken")


def test_sampler_plugins_are_listed_as_samplers_and_anneal(plugin):
    from quark.backends.registry import backend_names
    from quark.optimizers import AnnealingSearch

    info = {b.name: b for b in available_backends()}["toy-sa"]
    assert info.kind == "sampler" and info.usable and "toy-sa" in backend_names("sampler")
    X, y = load_edge_detection(size=2)
    clf = QuarkClassifier(model="line-detector", optimizer="anneal", backend="toy-sa", random_state=0).fit(X, y)
    assert clf.score(X, y) == 1.0 and clf.result_.ledger.annealer_reads > 0
    with pytest.raises(ValueError, match="runs Grover circuits"):
        AnnealingSearch(backend="toy").minimize(QuarkClassifier(model="line-detector").landscape(X, y))


def test_plugin_passes_the_conformance_kit(plugin):
    report = check_grover_backend(get_backend("toy"), shots=2000)
    assert report["passed"], [c for c in report["cases"] if c["tvd"] > c["bound"]]
    assert len(report["cases"]) == 18


def test_classifier_fits_with_the_plugin_by_name(plugin):
    assert "quark_toy_plugin" not in sys.modules
    X, y = load_edge_detection(size=2)
    ref = QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(X, y)
    clf = QuarkClassifier(model="line-detector", optimizer="grover", backend="toy", random_state=0).fit(X, y)
    assert "quark_toy_plugin" in sys.modules  # resolved through the entry point, imported by the fit
    assert clf.result_.ledger.shots > 0 and clf.result_.ledger.oracle_queries > 0
    assert clf.score(X, y) == pytest.approx(ref.score(X, y))  # the global optimum (100% here)


def test_cli_table_includes_the_plugin(plugin, capsys):
    assert main(["backends"]) == 0
    out = capsys.readouterr().out
    toy = next(line for line in out.splitlines() if line.split()[0] == "toy")
    assert toy.split()[1:3] == ["grover", "yes"] and "quark_toy_plugin:ToyBackend" in toy
    broken = next(line for line in out.splitlines() if line.split()[0] == "broken")
    assert broken.split()[2] == "no" and "cannot be imported" in broken


def test_builtin_names_win_over_plugins(tmp_path, monkeypatch):
    _install(tmp_path, "quark_shadow_plugin", "[quark.backends]\nstatevector = quark_shadow:Backend\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_PLUGINS_LOADED", False)
    assert type(get_backend("statevector")).__name__ == "StatevectorBackend"


def test_registry_rejects_bad_kinds_and_options():
    with pytest.raises(ValueError, match="'kind' must be 'grover' or 'sampler'"):
        registry.register_backend("x", "a:b", kind="qpu")
    with pytest.raises(TypeError, match="backend options apply only when the backend is given by name"):
        get_backend(get_backend("statevector"), method="statevector")
    be = get_backend("statevector")
    assert get_backend(be) is be
    shots = be.sample_threshold(np.arange(4.0), 0.5, 1, 10, np.random.default_rng(0)).indices
    assert set(shots.tolist()) == {0}
