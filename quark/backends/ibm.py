"""Grover search on IBM Quantum hardware (or its fake backends), through qiskit-ibm-runtime.

:class:`IBMBackend` builds the *same* oracle circuits as :class:`~quark.backends.aer.AerBackend`
(the coherent counting oracle, the QUBO/HUBO arithmetic oracle, the table oracle, the paper's joint
oracle), transpiles each circuit shape once for the target device with Qiskit's preset pass manager
(``generate_preset_pass_manager(optimization_level, backend=device)``: the device's basis gates,
coupling map and error rates), and measures the weight register through qiskit-ibm-runtime's
``SamplerV2`` (``mode=device``). The threshold stays a circuit parameter, bound per job, so one
transpiled circuit serves every threshold of a Grover adaptive search.

Where it runs:

- ``backend="ibm_torino"`` (a name) or ``backend=None`` (the least busy device that fits the
  circuit): a real QPU, with the account from ``QiskitRuntimeService()`` — the saved account
  (``QiskitRuntimeService.save_account(...)``) or the environment (``QISKIT_IBM_TOKEN``,
  ``QISKIT_IBM_INSTANCE``, ``QISKIT_IBM_CHANNEL``), or ``token=`` / ``instance=`` / ``channel=``
  / ``service=`` given here.
- ``backend=FakeBrisbane()`` (any ``qiskit_ibm_runtime.fake_provider`` backend) or any other
  Qiskit ``BackendV2`` such as ``AerSimulator()``: the runtime's *local mode* — no account, no
  network; a fake backend simulates the device's noise with Aer.

Every transpiled circuit is described in :attr:`IBMBackend.report` (logical and physical qubits,
depth, two-qubit gate count, gate counts), every call in :attr:`IBMBackend.last_run`.

qiskit-ibm-runtime is the ``ibm`` extra (``pip install 'quark-qml[ibm]'``); it is imported only
when a backend is built, so listing backends stays light.
"""

from __future__ import annotations

import os
import time
import warnings
import weakref
from typing import Any

import numpy as np

from quark._memory import check_fits
from quark._optional import is_available, require
from quark.backends.base import GroverBackend

__all__ = ["IBMBackend", "IBMAccountError", "ibm_unusable_reason"]

_FEATURE = "backend 'ibm' (IBM Quantum through qiskit-ibm-runtime)"
_CACHE_SIZE = 64
_ACCOUNT_HELP = (
    "set the QISKIT_IBM_TOKEN environment variable (API key from https://quantum.cloud.ibm.com; "
    "with QISKIT_IBM_INSTANCE for your instance's CRN), or save an account once with "
    "QiskitRuntimeService.save_account(token=..., instance=..., set_as_default=True), or pass "
    "token=... / service=... to get_backend('ibm', ...). Without an account, run locally on a fake "
    "device: get_backend('ibm', backend=qiskit_ibm_runtime.fake_provider.FakeBrisbane())"
)


class IBMAccountError(RuntimeError):
    """No IBM Quantum account is configured (or it could not be used); the message says what to set."""


def _has_account() -> bool:
    """Whether ``QiskitRuntimeService()`` would find an account: environment or saved file (no network)."""
    if os.environ.get("QISKIT_IBM_TOKEN"):
        return True
    from qiskit_ibm_runtime import QiskitRuntimeService

    try:
        return bool(QiskitRuntimeService.saved_accounts())
    except Exception:  # an unreadable account file counts as none
        return False


def ibm_unusable_reason() -> str:
    """Why backend ``"ibm"`` cannot reach a real QPU here (``""`` when an account is configured).

    Reads the environment and the saved-account file only; makes no network call. Fake backends
    (local mode) need only the extra.
    """
    if not is_available("qiskit_ibm_runtime"):
        return "qiskit-ibm-runtime is not installed (pip install 'quark-qml[ibm]')"
    if not _has_account():
        return (
            "no IBM Quantum account (set QISKIT_IBM_TOKEN or QiskitRuntimeService.save_account(...)); "
            "fake backends run locally: get_backend('ibm', backend=FakeBrisbane())"
        )
    return ""


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"'{name}' must be {kind}; got {value!r}")
    return int(value)


def _two_qubit_gates(circuit) -> int:
    """Two-qubit operations of a circuit (directives such as barriers excluded)."""
    return sum(
        1
        for inst in circuit.data
        if len(inst.qubits) == 2 and not getattr(inst.operation, "_directive", False) and not inst.clbits
    )


class IBMBackend(GroverBackend):
    """Grover search with real circuits on IBM Quantum devices (or fake devices, locally).

    Parameters
    ----------
    backend : str, qiskit BackendV2 or None
        A device name (``"ibm_torino"``; needs an account), a backend object — a
        ``qiskit_ibm_runtime.fake_provider`` fake device or ``AerSimulator()`` run in the runtime's
        local mode, without an account — or ``None``: the least busy real device with enough qubits.
    optimization_level : int
        Preset pass manager level, 0-3 (3: heaviest optimisation, fewest two-qubit gates).
    shots_per_job : int, optional
        Split the shots of one call into jobs of at most this many (default: the device's
        ``max_shots`` where it declares one, else one job).
    seed_transpiler : int
        Seed of the transpiler's stochastic layout and routing, so that a circuit and its
        :attr:`report` are reproducible.
    service : QiskitRuntimeService, optional
        An account already opened; else ``QiskitRuntimeService(channel=, token=, instance=)``
        reads the saved account or the ``QISKIT_IBM_*`` environment.
    channel, token, instance : str, optional
        Passed to ``QiskitRuntimeService`` when the device is given by name or ``None``.
    mode : Session or Batch, optional
        Execution mode of ``SamplerV2`` (default: the device itself, i.e. job mode).
    sampler_options : dict, optional
        Set on ``SamplerV2.options`` (e.g. ``{"dynamical_decoupling": {"enable": True}}``).
    oracle, loader, index_state, max_table_qubits
        Oracle choice, as for :class:`~quark.backends.aer.AerBackend` (the same circuits).

    Attributes
    ----------
    report : list of dict
        One entry per transpiled circuit: ``kind``, ``oracle``, ``iterations``, ``qubits`` (logical),
        ``physical_qubits`` (active on the device), ``depth``, ``two_qubit_gates``, ``ops``,
        ``optimization_level``, ``device``.
    last_run : dict
        The latest call: ``shots``, ``jobs``, ``job_ids``, ``seconds`` (wall), ``local``, ``device``,
        ``usage_s`` (QPU seconds billed, real devices only).

    Examples
    --------
    >>> import numpy as np
    >>> from qiskit_aer import AerSimulator
    >>> be = IBMBackend(AerSimulator(max_parallel_threads=1))      # local mode, no account
    >>> shots = be.sample_threshold([3.0, 1.0, 2.0, 0.0], 0.5, 1, 100, np.random.default_rng(0))
    >>> sorted(set(shots.tolist()))
    [3]
    >>> be.report[0]["two_qubit_gates"] >= 1
    True
    """

    name = "ibm"
    properties = {"exact": False, "gate_level": True, "needs_credentials": True, "joint": True}

    def __init__(
        self,
        backend: Any = None,
        *,
        optimization_level: int = 2,
        shots_per_job: int | None = None,
        seed_transpiler: int = 0,
        service: Any = None,
        channel: str | None = None,
        token: str | None = None,
        instance: str | None = None,
        mode: Any = None,
        sampler_options: dict | None = None,
        oracle: str = "auto",
        loader: str = "features",
        index_state: str = "uniform",
        max_table_qubits: int = 16,
    ) -> None:
        runtime = require("qiskit_ibm_runtime", extra="ibm", feature=_FEATURE, package="qiskit-ibm-runtime")
        if optimization_level not in (0, 1, 2, 3) or isinstance(optimization_level, bool):
            raise ValueError(f"'optimization_level' must be 0, 1, 2 or 3; got {optimization_level!r}")
        if shots_per_job is not None:
            _positive_int("shots_per_job", shots_per_job)
        _positive_int("seed_transpiler", seed_transpiler, minimum=0)
        if sampler_options is not None and not isinstance(sampler_options, dict):
            raise TypeError(f"'sampler_options' must be a dict; got {type(sampler_options).__name__}")
        from qiskit.providers import BackendV2

        from quark.backends.aer import AerBackend

        # the oracle builder: the very circuits AerBackend runs (its simulator is never used here)
        self._builder = AerBackend(
            oracle=oracle, loader=loader, index_state=index_state, max_table_qubits=max_table_qubits
        )
        self.optimization_level = int(optimization_level)
        self.shots_per_job = shots_per_job
        self.seed_transpiler = int(seed_transpiler)
        self.mode = mode
        self.sampler_options = dict(sampler_options or {})
        self.service = None
        self.device = None
        if isinstance(backend, BackendV2):
            self.device = backend
            self.service = getattr(backend, "service", None) if isinstance(backend, runtime.IBMBackend) else None
        elif backend is None or isinstance(backend, str):
            self.service = service if service is not None else self._open_service(channel, token, instance)
            if isinstance(backend, str):
                try:
                    self.device = self.service.backend(backend)
                except Exception as exc:
                    raise ValueError(f"IBM Quantum has no device {backend!r} for this account: {exc}") from exc
        else:
            raise TypeError(
                "'backend' must be a device name, a qiskit BackendV2 (e.g. a qiskit_ibm_runtime.fake_provider "
                f"fake device) or None; got {type(backend).__name__}"
            )
        self._pass_managers: dict[int, Any] = {}
        self._oracles: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()
        self._transpiled: dict[tuple, Any] = {}
        self.report: list[dict[str, Any]] = []
        self.last_run: dict[str, Any] = {}

    # -- account ----------------------------------------------------------------------------------
    @staticmethod
    def _open_service(channel, token, instance):
        from qiskit_ibm_runtime import QiskitRuntimeService

        if token is None and not _has_account():
            raise IBMAccountError(f"No IBM Quantum account is configured for backend 'ibm': {_ACCOUNT_HELP}")
        kwargs = {k: v for k, v in (("channel", channel), ("token", token), ("instance", instance)) if v is not None}
        try:
            return QiskitRuntimeService(**kwargs)
        except Exception as exc:
            raise IBMAccountError(
                f"could not open the IBM Quantum account ({type(exc).__name__}: {exc}); check the token, "
                "instance and channel (QISKIT_IBM_TOKEN / QISKIT_IBM_INSTANCE / QISKIT_IBM_CHANNEL or the saved "
                "account) and the network"
            ) from exc

    @property
    def local(self) -> bool:
        """Whether circuits run in the runtime's local mode (a fake device or a simulator)."""
        from qiskit_ibm_runtime import IBMBackend as RuntimeBackend

        return self.device is not None and not isinstance(self.device, RuntimeBackend)

    def __repr__(self) -> str:
        dev = getattr(self.device, "name", None) if self.device is not None else "least busy"
        return f"IBMBackend({dev!r}, optimization_level={self.optimization_level})"

    def _device_for(self, n_qubits: int):
        if self.device is None:  # least busy real device that fits, chosen at the first circuit
            self.device = self.service.least_busy(min_num_qubits=n_qubits)  # operational devices only
        return self.device

    # -- circuits ---------------------------------------------------------------------------------
    def transpile(self, circuit):
        """``circuit`` transpiled for the device (ISA circuit), described in :attr:`report`."""
        dev = self._device_for(circuit.num_qubits)
        width = getattr(dev, "num_qubits", None)
        if width is not None and circuit.num_qubits > width:
            raise ValueError(
                f"the circuit needs {circuit.num_qubits} qubits but device {dev.name!r} has {width}; "
                "choose a larger device or a smaller problem"
            )
        if self.local:  # the local simulation holds the active qubits' statevector
            check_fits(16.0 * 2.0**circuit.num_qubits, f"a local simulation of {circuit.num_qubits} qubits on {dev.name!r}")
        pm = self._pass_managers.get(self.optimization_level)
        if pm is None:
            from qiskit.transpiler import generate_preset_pass_manager

            pm = generate_preset_pass_manager(
                optimization_level=self.optimization_level, backend=dev, seed_transpiler=self.seed_transpiler
            )
            self._pass_managers[self.optimization_level] = pm
        tqc = pm.run(circuit)
        active = {tqc.find_bit(q).index for inst in tqc.data for q in inst.qubits if inst.operation.name != "barrier"}
        self.report.append(
            {
                "circuit": circuit.name,
                "qubits": circuit.num_qubits,
                "physical_qubits": len(active),
                "depth": tqc.depth(lambda inst: not getattr(inst.operation, "_directive", False)),
                "two_qubit_gates": _two_qubit_gates(tqc),
                "ops": dict(tqc.count_ops()),
                "optimization_level": self.optimization_level,
                "device": dev.name,
            }
        )
        return tqc

    def threshold_oracle(self, problem):
        """The :class:`~quark.encoding.oracles.ThresholdOracle` used for ``problem`` (as Aer's)."""
        return self._builder.threshold_oracle(problem)

    def transpiled_threshold_circuit(self, problem, threshold: float, iterations: int):
        """``(ISA circuit, parameter values)`` that :meth:`sample_threshold` submits."""
        from quark.encoding.oracles import grover_circuit

        iterations = _positive_int("iterations", iterations, minimum=0)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) or np.isnan(threshold):
            raise TypeError(f"'threshold' must be a real number; got {threshold!r}")
        orc = self.threshold_oracle(problem)
        qc, binding, shape = orc.at(float(threshold))
        n = orc.n_weights

        def build():
            circ = grover_circuit(qc, list(range(n)), list(range(n)), iterations)
            circ.name = f"{orc.kind}_grover_{iterations}"
            return circ

        tqc = self._cached((id(orc), shape, iterations), orc, build, dict(kind="threshold", oracle=orc.kind, iterations=iterations))
        by_name = {p.name: float(v) for p, v in binding.items()}
        values = [by_name[p.name] for p in tqc.parameters]  # an unused parameter vanishes (0 rounds)
        return tqc, values

    def _cached(self, key: tuple, owner: Any, build, meta: dict) -> Any:
        hit = self._transpiled.pop(key, None)
        if hit is None:
            hit = (self.transpile(build()), owner)
            self.report[-1].update(meta)
            while len(self._transpiled) >= _CACHE_SIZE:
                self._transpiled.pop(next(iter(self._transpiled)))
        self._transpiled[key] = hit  # most recently used last
        return hit[0]

    # -- sampling ---------------------------------------------------------------------------------
    def pop_device_time(self) -> float:
        """QPU seconds the service billed since the last call (0 on local and fake devices)."""
        spent, self._device_time_s = getattr(self, "_device_time_s", 0.0), 0.0
        return spent

    def sample_threshold(self, problem, threshold, iterations, shots, rng):
        """Measured weight indices after ``iterations`` rounds of the threshold oracle + diffuser."""
        shots = _positive_int("shots", shots)
        tqc, values = self.transpiled_threshold_circuit(problem, threshold, iterations)
        n = self.threshold_oracle(problem).n_weights
        return self._run(tqc, values, shots, rng, n)

    def sample_joint(self, landscape, iterations, shots, copies, rng):
        """Measured weight indices after the paper's amplification on weights ⊗ ``copies`` data registers."""
        iterations = _positive_int("iterations", iterations, minimum=0)
        shots = _positive_int("shots", shots)
        copies = _positive_int("copies", copies)
        jo = self._builder.joint_oracle(landscape, copies)
        tqc = self._cached(
            (id(jo), "joint", iterations),
            jo,
            lambda: self._builder.joint_circuit(landscape, iterations, copies),
            dict(kind="joint", oracle="joint", iterations=iterations, copies=copies),
        )
        return self._run(tqc, [], shots, rng, jo.n_weights)

    def _sampler(self, seed: int | None):
        from qiskit_ibm_runtime import SamplerV2

        with warnings.catch_warnings():
            # 0.50+ announces a client-side successor; SamplerV2 is still the documented primitive
            warnings.filterwarnings("ignore", message=".*SamplerV2 class is deprecated.*", category=DeprecationWarning)
            sampler = SamplerV2(mode=self.mode if self.mode is not None else self.device)
        for key, value in self.sampler_options.items():
            setattr(sampler.options, key, value)
        if seed is not None:
            sampler.options.simulator.seed_simulator = seed
        return sampler

    def _max_shots(self) -> int | None:
        if self.shots_per_job is not None:
            return self.shots_per_job
        try:
            return int(self.device.configuration().max_shots)
        except Exception:
            return None

    def _run(self, tqc, values: list, shots: int, rng: np.random.Generator, n_weights: int) -> np.ndarray:
        from quark.backends.aer import _bitarray_to_indices

        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"'rng' must be a numpy Generator; got {type(rng).__name__}")
        per_job = self._max_shots() or shots
        batches = [per_job] * (shots // per_job) + ([shots % per_job] if shots % per_job else [])
        pub = (tqc, [values]) if values else (tqc,)
        local = self.local
        start = time.perf_counter()
        out, job_ids, usage = [], [], 0.0
        for batch in batches:
            # seeds 1..2**31-1: the local runner ignores a seed of 0
            sampler = self._sampler(int(rng.integers(1, 2**31 - 1)) if local else None)
            job = sampler.run([pub], shots=batch)
            job_ids.append(job.job_id())
            data = job.result()[0].data.meas
            out.append(_bitarray_to_indices(data.array.reshape(batch, -1), n_weights))
            if not local:  # billed QPU seconds, where the service reports them
                try:
                    usage += float(job.usage())
                except Exception:
                    pass
        self._device_time_s = getattr(self, "_device_time_s", 0.0) + (0.0 if local else usage)
        self.last_run = {
            "shots": shots,
            "jobs": len(batches),
            "job_ids": job_ids,
            "seconds": time.perf_counter() - start,
            "local": local,
            "device": self.device.name,
            "usage_s": None if local else usage,
        }
        return np.concatenate(out)
