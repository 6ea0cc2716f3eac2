"""Device time billed by real hardware lands in the ledger's ``qpu_time_s``."""

import dimod
import numpy as np

from quark.backends import get_backend
from quark.backends.base import GroverBackend, Samples
from quark.optimizers import AnnealingSearch, CostLedger, GroverAdaptiveSearch, QuarkSearch


class BilledBackend(GroverBackend):
    """The exact kernel, billing 0.25 s of 'QPU time' per call, as a real device would."""

    name = "billed"

    def __init__(self):
        self._inner = get_backend("statevector")
        self.calls = 0

    def _billed(self, samples):
        self.calls += 1
        return Samples(samples.indices, samples.shots, device_time_s=0.25)

    def _sample_threshold(self, problem, threshold, iterations, shots, rng):
        return self._billed(self._inner.sample_threshold(problem, threshold, iterations, shots, rng))

    def _sample_joint(self, landscape, iterations, shots, copies, rng):
        return self._billed(self._inner.sample_joint(landscape, iterations, shots, copies, rng))


def test_grover_and_quark_search_add_billed_time():
    from quark.datasets import load_edge_detection
    from quark.encoding import LossLandscape

    land = LossLandscape("line-detector", None, *load_edge_detection(size=2))
    backend = BilledBackend()
    res = GroverAdaptiveSearch(backend=backend, random_state=0).minimize(land)
    assert backend.calls == res.info["rounds"] > 0
    assert res.ledger.qpu_time_s == 0.25 * backend.calls
    backend = BilledBackend()
    res = QuarkSearch(backend=backend, iterations=1, shots=16, random_state=0).minimize(land)
    assert res.ledger.qpu_time_s == 0.25 * backend.calls
    assert GroverAdaptiveSearch(random_state=0).minimize(land).ledger.qpu_time_s == 0.0  # simulators bill nothing


class TimedExactSampler(dimod.Sampler):
    """ExactSolver that reports D-Wave-style timing (microseconds) in ``info``."""

    parameters = {}
    properties = {}

    def sample(self, bqm, **kwargs):
        ss = dimod.ExactSolver().sample(bqm)
        ss.info["timing"] = {"qpu_access_time": 15000.0, "qpu_sampling_time": 9000.0}
        return ss


def test_annealing_records_qpu_access_time():
    rng = np.random.default_rng(0)
    bqm = dimod.BinaryQuadraticModel(rng.normal(size=5), {(0, 1): 1.0, (2, 3): -2.0}, 0.0, "BINARY")
    res = AnnealingSearch(backend=TimedExactSampler(), random_state=0).minimize(bqm)
    calls = res.ledger.qpu_time_s / 0.015  # 15 ms per QPU call
    assert calls >= 1 and abs(calls - round(calls)) < 1e-9


def test_ledger_time_field_is_a_float_total():
    led = CostLedger()
    led.update(qpu_time_s=0.5)
    led.update(qpu_time_s=0.25, shots=3)
    assert led.qpu_time_s == 0.75 and led.totals()["qpu_time_s"] == 0.75 and led.shots == 3


def test_a_device_that_does_not_report_its_billed_time_makes_the_ledger_say_unknown():
    from quark.datasets import load_edge_detection
    from quark.encoding import LossLandscape

    class Silent(BilledBackend):
        def _billed(self, samples):
            self.calls += 1
            return Samples(samples.indices, samples.shots, device_time_s=None)

    land = LossLandscape("line-detector", None, *load_edge_detection(size=2))
    res = GroverAdaptiveSearch(backend=Silent(), random_state=0).minimize(land)
    assert res.ledger.qpu_time_s is None  # unknown, never a silent 0.0
