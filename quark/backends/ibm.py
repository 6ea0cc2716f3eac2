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
from typing import Any

import numpy as np

from quark._memory import check_fits
from quark._optional import is_available, require
from quark._params import Secret, reveal
from quark._validation import check_int, check_mapping
from quark.backends.base import Samples
from quark.backends.gate import GateLevelBackend, bitarray_to_indices, two_qubit_gates
from quark.exceptions import BackendConfigurationError

__all__ = ["IBMBackend", "IBMAccountError", "ibm_unusable_reason"]

_FEATURE = "backend 'ibm' (IBM Quantum through qiskit-ibm-runtime)"
_ACCOUNT_HELP = (
    "set the QISKIT_IBM_TOKEN environment variable (API key from https://quantum.cloud.ibm.com; "
    "with QISKIT_IBM_INSTANCE for your instance's CRN), or save an account once with "
    "QiskitRuntimeService.save_account(token=..., instance=..., set_as_default=True), or pass "
    "token=... / service=... to get_backend('ibm', ...). Without an account, run locally on a fake "
    "device: get_backend('ibm', backend=qiskit_ibm_runtime.fake_provider.FakeBrisbane())"
)


class IBMAccountError(BackendConfigurationError):
    """No IBM Quantum account is configured (or it could not be used); the message says what to set."""


def _has_account() -> bool:
    """Whether ``QiskitRuntimeService()`` would find an account: environment or saved file (no network)."""
    if os.environ.get("QISKIT_IBM_TOKEN"):
        return True
    from qiskit_ibm_runtime import QiskitRuntimeService

    try:
        return bool(QiskitRuntimeService.saved_accounts())
    except Exception as exc:  # an unreadable account file counts as none, and says so
        warnings.warn(f"could not read the saved IBM Quantum accounts ({type(exc).__name__}: {exc})", RuntimeWarning,
                      stacklevel=2)
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


class IBMBackend(GateLevelBackend):
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
        Passed to ``QiskitRuntimeService`` when the device is given by name or ``None``. The token is
        kept as a :class:`~quark._params.Secret`: it prints as ``'***'`` in every repr, parameter
        listing and error message.
    mode : Session or Batch, optional
        Execution mode of ``SamplerV2`` (default: the device itself, i.e. job mode).
    sampler_options : dict, optional
        Set on ``SamplerV2.options`` (e.g. ``{"dynamical_decoupling": {"enable": True}}``).
    oracle, oracle_bits, loader, index_state, max_table_qubits
        Oracle choice, as for :class:`~quark.backends.aer.AerBackend` (the same circuits).

    Attributes
    ----------
    report : list of dict
        One entry per transpiled circuit: ``kind``, ``oracle``, ``iterations``, ``qubits`` (logical),
        ``physical_qubits`` (active on the device), ``depth``, ``two_qubit_gates``, ``ops``,
        ``optimization_level``, ``device``.

    Each call returns :class:`~quark.backends.base.Samples` whose ``metadata`` holds ``job_ids``,
    ``seconds`` (wall), ``local``, ``device`` and the circuit's description; ``device_time_s`` is the
    QPU seconds billed (``job.usage()``; 0 in local mode, ``None`` with a warning when the service
    does not report it).

    Examples
    --------
    >>> import numpy as np
    >>> from qiskit_aer import AerSimulator
    >>> be = IBMBackend(AerSimulator(max_parallel_threads=1))      # local mode, no account
    >>> samples = be.sample_threshold([3.0, 1.0, 2.0, 0.0], 0.5, 1, 100, np.random.default_rng(0))
    >>> sorted(set(samples.indices.tolist()))
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
        oracle_bits: int | None = None,
        loader: str = "features",
        index_state: str = "uniform",
        max_table_qubits: int = 16,
    ) -> None:
        runtime = require("qiskit_ibm_runtime", extra="ibm", feature=_FEATURE, package="qiskit-ibm-runtime")
        self.backend = backend
        self.optimization_level = optimization_level
        self.shots_per_job = shots_per_job
        self.seed_transpiler = seed_transpiler
        self.service = service
        self.channel = channel
        self.token = token if token is None or isinstance(token, Secret) else Secret(token)
        self.instance = instance
        self.mode = mode
        self.sampler_options = sampler_options
        self.oracle = oracle
        self.oracle_bits = oracle_bits
        self.loader = loader
        self.index_state = index_state
        self.max_table_qubits = max_table_qubits
        if optimization_level not in (0, 1, 2, 3) or isinstance(optimization_level, bool):
            raise ValueError(f"'optimization_level' must be 0, 1, 2 or 3; got {optimization_level!r}")
        check_int(shots_per_job, "shots_per_job", allow_none=True)
        check_int(seed_transpiler, "seed_transpiler", minimum=0)
        check_mapping(sampler_options, "sampler_options")
        self._validate_gate_options()
        from qiskit.providers import BackendV2

        self._service = None
        self.device = None
        if isinstance(backend, BackendV2):
            self.device = backend
            self._service = getattr(backend, "service", None) if isinstance(backend, runtime.IBMBackend) else None
        elif backend is None or isinstance(backend, str):
            self._service = service if service is not None else self._open_service(channel, self.token, instance)
            if isinstance(backend, str):
                try:
                    self.device = self._service.backend(backend)
                except Exception as exc:
                    raise ValueError(f"IBM Quantum has no device {backend!r} for this account: {exc}") from exc
        else:
            raise TypeError(
                "'backend' must be a device name, a qiskit BackendV2 (e.g. a qiskit_ibm_runtime.fake_provider "
                f"fake device) or None; got {type(backend).__name__}"
            )
        self._pass_managers: dict[int, Any] = {}
        self._init_caches()

    # -- account ----------------------------------------------------------------------------------
    @staticmethod
    def _open_service(channel, token, instance):
        from qiskit_ibm_runtime import QiskitRuntimeService

        if token is None and not _has_account():
            raise IBMAccountError(f"No IBM Quantum account is configured for backend 'ibm': {_ACCOUNT_HELP}")
        kwargs = {k: reveal(v) for k, v in (("channel", channel), ("token", token), ("instance", instance)) if v is not None}
        try:
            return QiskitRuntimeService(**kwargs)
        except Exception as exc:
            message = str(exc).replace(reveal(token), "***") if token else str(exc)
            raise IBMAccountError(
                f"could not open the IBM Quantum account ({type(exc).__name__}: {message}); check the token, "
                "instance and channel (QISKIT_IBM_TOKEN / QISKIT_IBM_INSTANCE / QISKIT_IBM_CHANNEL or the saved "
                "account) and the network"
            ) from None

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
            self.device = self._service.least_busy(min_num_qubits=n_qubits)  # operational devices only
        return self.device

    # -- GateLevelBackend -------------------------------------------------------------------------
    def _check_memory(self, n_qubits: int) -> None:
        dev = self._device_for(n_qubits)
        width = getattr(dev, "num_qubits", None)
        if width is not None and n_qubits > width:
            raise ValueError(
                f"the circuit needs {n_qubits} qubits but device {dev.name!r} has {width}; "
                "choose a larger device or a smaller problem"
            )
        if self.local:  # the local simulation holds the active qubits' statevector
            check_fits(16.0 * 2.0**n_qubits, f"a local simulation of {n_qubits} qubits on {dev.name!r}")

    def transpile(self, circuit):
        """``circuit`` transpiled for the device (ISA circuit)."""
        self._check_memory(circuit.num_qubits)
        return self._transpile(circuit)

    def _transpile(self, circuit):
        dev = self._device_for(circuit.num_qubits)
        pm = self._pass_managers.get(self.optimization_level)
        if pm is None:
            from qiskit.transpiler import generate_preset_pass_manager

            pm = generate_preset_pass_manager(
                optimization_level=self.optimization_level, backend=dev, seed_transpiler=self.seed_transpiler
            )
            self._pass_managers[self.optimization_level] = pm
        return pm.run(circuit)

    def _describe(self, circuit, tqc, meta: dict) -> None:
        super()._describe(circuit, tqc, meta)
        active = {tqc.find_bit(q).index for inst in tqc.data for q in inst.qubits if inst.operation.name != "barrier"}
        self.report[-1].update(physical_qubits=len(active), optimization_level=self.optimization_level,
                               device=self.device.name)

    def transpiled_threshold_circuit(self, problem, threshold: float, iterations: int):
        """``(ISA circuit, parameter values)`` that :meth:`sample_threshold` submits."""
        from quark._validation import check_number

        iterations = check_int(iterations, "iterations", minimum=0)
        threshold = check_number(threshold, "threshold", allow_inf=True)
        orc = self.threshold_oracle(problem)
        qc, binding, shape = orc.at(threshold)
        n = orc.n_weights
        meta = {"kind": "threshold", "oracle": orc.kind, "iterations": iterations}
        tqc = self._grover_circuit((id(orc), shape), orc, qc, list(range(n)), None, iterations, meta)
        by_name = {p.name: float(v) for p, v in binding.items()}
        return tqc, [by_name[p.name] for p in tqc.parameters]

    # -- sampling ---------------------------------------------------------------------------------
    def _sampler(self, seed: int | None):
        from qiskit_ibm_runtime import SamplerV2

        with warnings.catch_warnings():
            # 0.50+ announces a client-side successor; SamplerV2 is still the documented primitive
            warnings.filterwarnings("ignore", message=".*SamplerV2 class is deprecated.*", category=DeprecationWarning)
            sampler = SamplerV2(mode=self.mode if self.mode is not None else self.device)
        for key, value in (self.sampler_options or {}).items():
            setattr(sampler.options, key, value)
        if seed is not None:
            sampler.options.simulator.seed_simulator = seed
        return sampler

    def _max_shots(self) -> int | None:
        if self.shots_per_job is not None:
            return self.shots_per_job
        config = getattr(self.device, "configuration", None)
        if not callable(config):
            return None
        try:
            return int(config().max_shots)
        except (AttributeError, TypeError, ValueError):  # a device that declares no shot limit
            return None

    def _execute(self, tqc, values, shots, rng, n_weights):
        per_job = self._max_shots() or shots
        batches = [per_job] * (shots // per_job) + ([shots % per_job] if shots % per_job else [])
        pub = (tqc, [values]) if values else (tqc,)
        local = self.local
        start = time.perf_counter()
        out, job_ids = [], []
        billed: list = [0.0]  # QPU seconds so far (None: the service did not say), kept when a job fails
        try:
            self._run_batches(batches, pub, rng, n_weights, local, out, job_ids, billed)
        except Exception as exc:
            if out:  # the jobs that finished before the failure were paid for: their cost must reach the ledger
                done = np.concatenate(out)
                exc.partial_samples = Samples(done, int(done.size), len(out), 0.0 if local else billed[0],
                                              {"job_ids": list(job_ids[:len(out)]), "failed_job": len(out) + 1})
            raise
        meta = {"jobs": len(batches), "job_ids": job_ids, "seconds": time.perf_counter() - start, "local": local,
                "device": self.device.name}
        return np.concatenate(out), (0.0 if local else billed[0]), meta

    def _run_batches(self, batches, pub, rng, n_weights, local, out, job_ids, billed: list) -> None:
        """Run the shot batches one job each, appending to ``out``, ``job_ids`` and the billed seconds."""
        for batch in batches:
            # seeds 1..2**31-1: the local runner ignores a seed of 0
            sampler = self._sampler(int(rng.integers(1, 2**31 - 1)) if local else None)
            job = sampler.run([pub], shots=batch)
            job_ids.append(job.job_id())
            data = job.result()[0].data.meas
            out.append(bitarray_to_indices(data.array.reshape(batch, -1), n_weights))
            if not local and billed[0] is not None:  # billed QPU seconds, where the service reports them
                try:
                    billed[0] += float(job.usage())
                except Exception as exc:  # noqa: BLE001 - the service's errors vary; the cost must not vanish silently
                    warnings.warn(
                        f"IBM Quantum did not report the QPU seconds of job {job.job_id()} ({type(exc).__name__}: "
                        f"{exc}); the ledger's qpu_time_s is unknown (None) for this search",
                        RuntimeWarning, stacklevel=2,
                    )
                    billed[0] = None
