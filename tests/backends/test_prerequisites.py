"""Every backend's missing prerequisite, through the registry: the error a user sees and what it says.

A missing package is simulated with ``sys.modules[name] = None`` (the import then fails as if the
package were absent); a missing account or token by hiding the environment and configuration.
Each case checks both ``get_backend`` (the error, naming what to install or set) and
``available_backends`` (the same reason, without raising).
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.backends import available_backends, get_backend
from quark.datasets import load_edge_detection
from quark.exceptions import MissingDependencyError


def _reason(name: str) -> str:
    info = {b.name: b for b in available_backends()}[name]
    assert info.usable == (info.reason == "")
    return info.reason


@pytest.fixture
def no_ibm_account(monkeypatch, tmp_path):
    from qiskit_ibm_runtime import QiskitRuntimeService

    for var in ("QISKIT_IBM_TOKEN", "QISKIT_IBM_INSTANCE", "QISKIT_IBM_CHANNEL", "QISKIT_IBM_URL"):
        monkeypatch.delenv(var, raising=False)
    # a developer's saved ~/.qiskit/qiskit-ibm.json must not leak into the test
    monkeypatch.setattr(QiskitRuntimeService, "saved_accounts", staticmethod(lambda *a, **k: {}))


@pytest.fixture
def no_dwave_config(monkeypatch, tmp_path):
    monkeypatch.delenv("DWAVE_API_TOKEN", raising=False)
    monkeypatch.delenv("DWAVE_CONFIG_FILE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "etc"))


@pytest.fixture
def no_gpu(monkeypatch):
    """A machine whose Aer sees only the CPU (also on a GPU runner)."""
    from qiskit_aer import AerSimulator

    monkeypatch.setattr(AerSimulator, "available_devices", lambda self: ("CPU",))


# -- unknown name ------------------------------------------------------------------------------------
def test_unknown_backend_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown backend 'qpu9000'; expected one of \[.*'aer'.*'ibm'.*'statevector'"):
        get_backend("qpu9000")
    X, y = load_edge_detection(size=2)
    with pytest.raises(ValueError, match="'backend' of GroverAdaptiveSearch must be one of .*'statevector'.*got 'qpu9000'"):
        QuarkClassifier(model="line-detector", backend="qpu9000").fit(X, y)


# -- aer / aer-gpu ---------------------------------------------------------------------------------
def test_aer_gpu_without_the_gpu_package_names_the_gpu_extra(monkeypatch, no_gpu):
    import quark.backends.aer as aer

    monkeypatch.setattr(aer, "_gpu_package_installed", lambda: False)
    with pytest.raises(MissingDependencyError, match=r"pip install 'quark-qml\[gpu\]'"):
        get_backend("aer-gpu").sample_threshold(np.array([1.0, 0.0]), 0.5, 0, 1, np.random.default_rng(0))  # checked when it runs
    with pytest.raises(MissingDependencyError, match=r"quark-qml\[gpu\]"):
        get_backend("aer", device="GPU").sample_threshold(np.array([1.0, 0.0]), 0.5, 0, 1, np.random.default_rng(0))  # checked when it runs
    assert "quark-qml[gpu]" in _reason("aer-gpu")


def test_aer_gpu_with_the_package_but_no_gpu_says_so(monkeypatch, no_gpu):
    import quark.backends.aer as aer

    monkeypatch.setattr(aer, "_gpu_package_installed", lambda: True)
    with pytest.raises(RuntimeError, match="needs a CUDA GPU.*sees no CUDA GPU.*use backend 'aer'"):
        get_backend("aer-gpu").sample_threshold(np.array([1.0, 0.0]), 0.5, 0, 1, np.random.default_rng(0))  # checked when it runs
    assert "sees no CUDA GPU" in _reason("aer-gpu")
    assert _reason("aer") == ""  # the CPU backend stays usable


def test_aer_without_qiskit_aer(monkeypatch):
    monkeypatch.setitem(sys.modules, "qiskit_aer", None)
    with pytest.raises(MissingDependencyError, match="qiskit-aer is not installed"):
        get_backend("aer").sample_threshold(np.array([1.0, 0.0]), 0.5, 0, 1, np.random.default_rng(0))
    assert "qiskit-aer" in _reason("aer") and "qiskit-aer" in _reason("aer-gpu")


# -- ibm -------------------------------------------------------------------------------------------
def test_ibm_without_the_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "qiskit_ibm_runtime", None)
    with pytest.raises(MissingDependencyError, match=r"qiskit-ibm-runtime.*pip install 'quark-qml\[ibm\]'"):
        get_backend("ibm")
    assert "pip install 'quark-qml[ibm]'" in _reason("ibm")


def test_ibm_without_an_account_says_what_to_set(no_ibm_account):
    from quark.backends.ibm import IBMAccountError

    with pytest.raises(IBMAccountError, match="QISKIT_IBM_TOKEN.*save_account.*FakeBrisbane"):
        get_backend("ibm")
    with pytest.raises(IBMAccountError):
        get_backend("ibm", backend="ibm_torino")
    assert "no IBM Quantum account" in _reason("ibm") and "QISKIT_IBM_TOKEN" in _reason("ibm")
    X, y = load_edge_detection(size=2)
    with pytest.raises(IBMAccountError):
        QuarkClassifier(model="line-detector", backend="ibm").fit(X, y)


def test_ibm_account_from_the_environment_counts_and_fake_devices_need_none(no_ibm_account, monkeypatch):
    from qiskit_ibm_runtime.fake_provider import FakeManilaV2

    # a fake device runs in local mode: no account needed
    be = get_backend("ibm", backend=FakeManilaV2())
    assert be.local and be.service is None
    out = be.sample_threshold([1.0, 0.0, 1.0, 1.0], 0.5, 0, 20, np.random.default_rng(0)).indices
    assert out.shape == (20,)
    monkeypatch.setenv("QISKIT_IBM_TOKEN", "not-a-real-token")
    assert _reason("ibm") == ""  # read from the environment, no network call


# -- dwave -----------------------------------------------------------------------------------------
def test_dwave_without_credentials_says_what_to_set(no_dwave_config):
    from quark.backends.dwave import DWaveConfigurationError

    with pytest.raises(DWaveConfigurationError, match="DWAVE_API_TOKEN.*dwave config create"):
        get_backend("dwave")
    assert "DWAVE_API_TOKEN" in _reason("dwave")
    X, y = load_edge_detection(size=2)
    with pytest.raises(DWaveConfigurationError):
        QuarkClassifier(model="line-detector", optimizer="anneal", backend="dwave").fit(X, y)


def test_dwave_without_the_extra_names_it(monkeypatch, no_dwave_config):
    monkeypatch.setitem(sys.modules, "dwave.system", None)
    with pytest.raises(MissingDependencyError, match=r"dwave-system.*pip install 'quark-qml\[dwave\]'"):
        get_backend("dwave")
    assert "quark-qml[dwave]" in _reason("dwave")


# -- dimod samplers ---------------------------------------------------------------------------------
def test_samplers_without_dwave_samplers(monkeypatch):
    monkeypatch.setitem(sys.modules, "dwave.samplers", None)
    for name in ("neal", "sqa", "tabu", "steepest-descent"):
        assert "dwave-samplers" in _reason(name)
    with pytest.raises(ImportError):
        get_backend("neal")
