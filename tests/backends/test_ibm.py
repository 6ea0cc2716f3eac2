"""IBM Quantum backend, offline: fake devices and simulators in qiskit-ibm-runtime's local mode."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("qiskit_ibm_runtime")

from qiskit_aer import AerSimulator  # noqa: E402
from qiskit_ibm_runtime.fake_provider import FakeGuadalupeV2, FakeManilaV2  # noqa: E402

from quark.backends.ibm import IBMBackend  # noqa: E402
from quark.datasets import load_edge_detection  # noqa: E402
from quark.encoding import LossLandscape  # noqa: E402
from quark.models.line_detector import LineDetector  # noqa: E402
from quark.testing import check_grover_backend, threshold_distribution  # noqa: E402


@pytest.fixture(scope="module")
def edges():
    """The smallest edge-detection counting oracle: 2x2 images, the paper's 3-weight line detector."""
    X, y = load_edge_detection(size=2)
    return LossLandscape(LineDetector(grouping="paper"), None, X, y)


def _ideal_simulator():
    return AerSimulator(max_parallel_threads=1)


def test_conformance_kit_through_runtime_sampler():
    # the whole path (preset pass manager, SamplerV2 in local mode, parameter binding, bit decoding)
    # against the closed form of the threshold oracle
    report = check_grover_backend(IBMBackend(_ideal_simulator()), shots=2000)
    assert report["passed"], [c for c in report["cases"] if c["tvd"] > c["bound"]]


def test_counting_oracle_routed_for_a_device_matches_the_closed_form(edges):
    # the fake device's coupling map and basis gates, without its noise: layout, routing and the
    # final measurement permutation must leave the ideal distribution intact
    device = AerSimulator.from_backend(FakeGuadalupeV2(), max_parallel_threads=1)
    device.set_options(noise_model=None)
    be = IBMBackend(device, optimization_level=1)
    table = edges.table()
    threshold = float(np.sort(table)[1])  # only the optimum is below: 1 of 8 marked
    shots = 2000
    samples = be.sample_threshold(edges, threshold, 1, shots, np.random.default_rng(0)).indices
    probs = threshold_distribution(table, threshold, 1)
    p_opt = float(np.mean(table[samples] < threshold))
    assert probs[table < threshold].sum() == pytest.approx(0.78125)
    assert abs(p_opt - 0.78125) < 4 * np.sqrt(0.78125 * 0.21875 / shots)
    entry = be.report[-1]
    assert entry["oracle"] == "counting" and entry["iterations"] == 1 and entry["qubits"] == 10
    coupling = {tuple(e) for e in device.target.build_coupling_map().get_edges()}
    tqc, _ = be.transpiled_threshold_circuit(edges, threshold, 1)
    for inst in tqc.data:
        if len(inst.qubits) == 2 and inst.operation.name != "barrier":
            assert tuple(tqc.find_bit(q).index for q in inst.qubits) in coupling
    assert set(entry["ops"]) <= set(device.target.operation_names) | {"barrier"}


def test_fake_device_runs_the_edge_detection_oracle_under_noise(edges):
    device = FakeGuadalupeV2()
    be = IBMBackend(device, optimization_level=3)
    table = edges.table()
    threshold = float(np.sort(table)[1])
    measured = be.sample_threshold(edges, threshold, 1, 200, np.random.default_rng(1))
    samples = measured.indices
    assert samples.shape == (200,) and samples.dtype == np.int64
    assert 0 <= samples.min() and samples.max() < 8
    entry = be.report[-1]
    assert entry["device"] == "fake_guadalupe" and entry["qubits"] == 10
    assert entry["qubits"] <= entry["physical_qubits"] <= 16
    # transpiled for Guadalupe: its basis gates only, two-qubit gates are CX
    assert set(entry["ops"]) <= set(device.target.operation_names) | {"barrier"}
    assert entry["two_qubit_gates"] == entry["ops"]["cx"] > 100
    assert entry["depth"] > entry["two_qubit_gates"] / device.num_qubits
    assert measured.metadata["local"] and measured.circuit_executions == 1 and measured.shots == 200
    assert measured.device_time_s == 0.0  # local mode bills nothing
    # the same shape is transpiled once: a second threshold reuses the circuit
    be.sample_threshold(edges, float(np.sort(table)[3]), 1, 10, np.random.default_rng(2))
    assert len(be.report) == 1


def test_shots_are_batched_into_jobs_and_seeded():
    table = [3.0, 1.0, 2.0, 0.0, 2.5, 1.5, 0.5, 3.5]
    be = IBMBackend(_ideal_simulator(), shots_per_job=100)
    measured = be.sample_threshold(table, 0.75, 1, 250, np.random.default_rng(7))
    a = measured.indices
    assert a.shape == (250,) and measured.circuit_executions == 3 and len(measured.metadata["job_ids"]) == 3
    b = be.sample_threshold(table, 0.75, 1, 250, np.random.default_rng(7)).indices
    np.testing.assert_array_equal(a, b)
    assert set(a.tolist()) >= {3, 6}  # loss < 0.75: indices 3 and 6, amplified


def test_joint_oracle_runs_through_the_sampler():
    X, y = load_edge_detection(size=2)
    land = LossLandscape(LineDetector(grouping="paper"), None, X, y)
    be = IBMBackend(_ideal_simulator(), optimization_level=0)
    samples = be.sample_joint(land, 0, 400, 1, np.random.default_rng(3)).indices
    # zero rounds: the weight register is uniform
    counts = np.bincount(samples, minlength=8) / 400
    assert np.abs(counts - 1 / 8).max() < 0.08
    assert be.report[-1]["kind"] == "joint"


def test_circuit_wider_than_the_device_is_refused(edges):
    be = IBMBackend(FakeManilaV2())
    with pytest.raises(ValueError, match="needs 10 qubits but device 'fake_manila' has 5"):
        be.sample_threshold(edges, 0.1, 1, 10, np.random.default_rng(0))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(optimization_level=4), ValueError, "'optimization_level' must be 0, 1, 2 or 3"),
        (dict(shots_per_job=0), ValueError, "'shots_per_job' must be a positive integer"),
        (dict(sampler_options=[1]), TypeError, "'sampler_options' must be a dict"),
        (dict(oracle="magic"), ValueError, "'oracle' must be one of"),
    ],
)
def test_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        IBMBackend(_ideal_simulator(), **kwargs)


def test_bad_backend_type():
    with pytest.raises(TypeError, match="'backend' must be a device name, a qiskit BackendV2"):
        IBMBackend(42)


def test_bad_sampling_arguments():
    be = IBMBackend(_ideal_simulator())
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="'shots' must be a positive integer"):
        be.sample_threshold([1.0, 0.0], 0.5, 1, 0, rng)
    with pytest.raises(ValueError, match="'iterations' must be a non-negative integer"):
        be.sample_threshold([1.0, 0.0], 0.5, -1, 5, rng)
    with pytest.raises(TypeError, match="'threshold' must be a number"):
        be.sample_threshold([1.0, 0.0], "low", 1, 5, rng)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_device_by_name_or_least_busy_through_a_service():
    # the account path with the runtime's offline service standing in for QiskitRuntimeService
    from qiskit_ibm_runtime.fake_provider.local_service import QiskitRuntimeLocalService

    from quark.backends import get_backend

    service = QiskitRuntimeLocalService()
    named = get_backend("ibm", backend="fake_guadalupe", service=service)
    assert named.device.name == "fake_guadalupe" and named.service is service
    with pytest.raises(ValueError, match="IBM Quantum has no device 'ibm_nowhere'"):
        get_backend("ibm", backend="ibm_nowhere", service=service)
    least = get_backend("ibm", service=service)
    assert least.device is None  # chosen at the first circuit, wide enough for it
    tqc, values = least.transpiled_threshold_circuit(np.arange(8.0), 0.5, 1)
    assert least.device.num_qubits >= 3 and least.report[-1]["device"] == least.device.name
    assert tqc.num_qubits == least.device.num_qubits and values == []


def test_a_job_failing_mid_call_keeps_the_cost_of_the_jobs_that_ran(monkeypatch):
    # 10 shots in jobs of 2: the fifth job of the second call fails; 7 jobs and 14 shots ran and are charged
    from quark.exceptions import BackendError
    from quark.optimizers import GroverAdaptiveSearch

    be = IBMBackend(_ideal_simulator(), shots_per_job=2)
    real = be._sampler
    runs = []

    class FailingSampler:
        def __init__(self, inner):
            self.inner = inner

        def run(self, pubs, shots):
            if len(runs) == 7:
                raise ConnectionError("IBM Quantum: job failed")
            runs.append(shots)
            return self.inner.run(pubs, shots=shots)

    monkeypatch.setattr(be, "_sampler", lambda seed: FailingSampler(real(seed)))
    table = np.random.default_rng(0).permutation(16).astype(float)
    with pytest.raises(BackendError, match="backend 'ibm' failed during GroverAdaptiveSearch: ConnectionError") as caught:
        GroverAdaptiveSearch(backend=be, shots=10, random_state=0).minimize(table)
    led = caught.value.ledger
    assert led.shots == sum(runs) == 14 and led.circuit_executions == len(runs) == 7
