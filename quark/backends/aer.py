"""Gate-level Grover search on Qiskit Aer (CPU or GPU), through the V2 ``SamplerV2`` primitive.

The backend builds real circuits from :mod:`quark.encoding.oracles` — the coherent counting oracle
for landscapes of models with a reversible form, the arithmetic (QUBO/HUBO) oracle for dimod models
and quadratic landscapes (real coefficients on a fixed-point grid), the tabulated ``DiagonalGate``
oracle only when asked (``oracle="table"``) or for a loss table given as the problem, and the
paper's joint weights ⊗ data oracle — transpiles each circuit shape
once (the threshold is a circuit parameter, bound per run), and measures the weight register with
all shots of a call in one Aer job.

Qiskit Aer is imported only when a backend is built, so listing backends stays light.
"""

from __future__ import annotations

import numpy as np

from quark._memory import check_fits
from quark._validation import check_bool, check_choice, check_mapping, check_number
from quark.backends.gate import GateLevelBackend
from quark.exceptions import MissingDependencyError, ProblemTooLargeError

__all__ = ["AerBackend", "AerGPUBackend", "aer_unusable_reason", "check_aer_option_names"]

_METHODS = ("auto", "statevector", "matrix_product_state")
_DEVICES = ("CPU", "GPU")
_PRECISIONS = ("double", "single")
_GPU_PACKAGES = ("qiskit-aer-gpu", "qiskit-aer-gpu-cu11", "qiskit-aer-gpu-cu12")


def _gpu_package_installed() -> bool:
    from importlib.metadata import PackageNotFoundError, version

    for name in _GPU_PACKAGES:
        try:
            version(name)
            return True
        except PackageNotFoundError:
            continue
    return False


def aer_unusable_reason(device: str = "CPU") -> str:
    """Why an Aer backend on ``device`` cannot run here (``""`` when it can)."""
    from quark._optional import is_available

    if not is_available("qiskit_aer"):
        return "qiskit-aer is not installed (pip install 'quark-qml')"
    if device == "CPU":
        return ""
    try:
        from qiskit_aer import AerSimulator

        devices = AerSimulator().available_devices()
    except Exception as exc:  # pragma: no cover - broken installation
        return f"qiskit-aer failed to start: {exc}"
    if "GPU" in devices:
        return ""
    if not _gpu_package_installed():
        return "qiskit-aer-gpu is not installed; install it with: pip install 'quark-qml[gpu]' (needs an NVIDIA GPU with CUDA)"
    return "qiskit-aer-gpu is installed but sees no CUDA GPU on this machine"


def check_aer_option_names(aer_options) -> None:
    """Refuse ``aer_options`` names that ``AerSimulator`` does not take (names only; nothing built)."""
    from collections.abc import Mapping

    from quark._optional import is_available
    from quark._params import unknown_names_error

    if not aer_options or not isinstance(aer_options, Mapping) or not is_available("qiskit_aer"):
        return  # empty, not a mapping (_validate says so), or no Aer to ask (building it says so)
    from qiskit_aer import AerSimulator

    valid = sorted(AerSimulator._default_options().__dict__)
    unknown = [k for k in aer_options if k not in valid]
    if unknown:
        raise unknown_names_error("AerSimulator (in 'aer_options')", "option", unknown, valid)


def _raise_if_unusable(backend: str, device: str) -> None:
    reason = aer_unusable_reason(device)
    if not reason:
        return
    if device == "GPU" and "not installed" in reason:
        raise MissingDependencyError(f"backend {backend!r} cannot run on the GPU: {reason}")
    if device == "GPU":
        raise RuntimeError(f"backend {backend!r} needs a CUDA GPU: {reason}; use backend 'aer' (CPU) instead")
    raise MissingDependencyError(f"backend {backend!r} cannot run: {reason}")


class AerBackend(GateLevelBackend):
    """Grover search with real circuits on Qiskit Aer.

    Parameters
    ----------
    method : {"auto", "statevector", "matrix_product_state"}
        Aer simulation method (``"auto"``: Aer's automatic choice).
    device : {"CPU", "GPU"}
        ``"GPU"`` needs qiskit-aer-gpu (the ``gpu`` extra) and a CUDA device.
    precision : {"double", "single"}
        Amplitude precision (single halves the memory).
    oracle, oracle_bits, loader, index_state, max_table_qubits
        See :class:`~quark.backends.gate.GateLevelBackend`.
    compact : bool, default=True
        Oracles in their simulator forms: the counting oracle without its ancilla (multi-controlled
        phases), counters and value registers only as wide as each threshold needs, inverse QFTs
        without swaps (:func:`~quark.encoding.oracles.choose_threshold_oracle`); same marks, fewer
        qubits, about twice as fast on Aer. ``False`` builds the hardware forms (what the IBM
        backend runs), e.g. to count what a device would execute; see docs/aer.md.
    lean : bool, default=True
        Run through Aer's controller directly, each transpiled circuit converted once and the
        threshold bound at run time (:class:`~quark.backends._aer_exec.AerRunner`); ``False`` calls
        ``SamplerV2`` every time.
    optimization_level : {0, 1}
        Transpiler optimization level (higher levels permute qubits, which would misalign the
        separately transpiled pieces this backend concatenates).
    max_memory : float, optional
        Bytes a statevector may use (default: 90% of the available memory, see
        :func:`quark._memory.check_fits`).
    aer_options : dict, optional
        Passed to ``AerSimulator`` (e.g. ``{"max_parallel_threads": 1}``); a name ``AerSimulator``
        does not take is refused at construction, with the nearest valid one suggested.

    The simulator is built (and the parameters checked) when the backend first runs, as
    scikit-learn estimators check theirs in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> be = AerBackend(aer_options={"max_parallel_threads": 1})
    >>> samples = be.sample_threshold([3.0, 1.0, 2.0, 0.0], 0.5, 1, 100, np.random.default_rng(0))
    >>> sorted(set(samples.indices.tolist()))          # one marked index of four: one round finds it
    [3]
    """

    name = "aer"
    properties = {"exact": False, "gate_level": True, "seeded": True, "joint": True}
    compose_pieces = True

    def __init__(
        self,
        method: str = "auto",
        device: str = "CPU",
        precision: str = "double",
        *,
        oracle: str = "auto",
        oracle_bits: int | None = None,
        loader: str = "features",
        index_state: str = "uniform",
        max_table_qubits: int = 16,
        optimization_level: int = 1,
        max_memory: float | None = None,
        aer_options: dict | None = None,
        compact: bool = True,
        lean: bool = True,
    ) -> None:
        check_aer_option_names(aer_options)  # names only: a typo fails here, not inside Aer
        self.method = method
        self.device = device
        self.precision = precision
        self.oracle = oracle
        self.oracle_bits = oracle_bits
        self.loader = loader
        self.index_state = index_state
        self.max_table_qubits = max_table_qubits
        self.optimization_level = optimization_level
        self.max_memory = max_memory
        self.aer_options = aer_options
        self.compact = compact
        self.lean = lean

    def _simulator(self):
        """The ``AerSimulator`` of the current parameters (validated and built on first use; rebuilt when
        ``set_params`` changed them)."""
        key = (self.method, self.device, self.precision, repr(sorted((self.aer_options or {}).items())))
        built = self.__dict__.get("_built")
        if built is not None and built[0] == key:
            return built[1]
        self._validate()
        _raise_if_unusable(self.name, self.device)
        from qiskit_aer import AerSimulator

        from quark.backends._aer_exec import AerRunner

        aer_method = "automatic" if self.method == "auto" else self.method  # Aer's own name for it
        sim = AerSimulator(method=aer_method, device=self.device, precision=self.precision, **(self.aer_options or {}))
        self.__dict__["_built"] = (key, sim, AerRunner(sim), None)  # the pass manager follows on first transpile
        return sim

    def _validate(self) -> None:
        check_choice(self.method, "method", _METHODS)
        check_choice(self.device, "device", _DEVICES)
        check_choice(self.precision, "precision", _PRECISIONS)
        self._validate_gate_options()
        if self.optimization_level not in (0, 1) or isinstance(self.optimization_level, bool):
            raise ValueError(f"'optimization_level' must be 0 or 1; got {self.optimization_level!r}")
        check_number(self.max_memory, "max_memory", above=0, allow_none=True)
        check_mapping(self.aer_options, "aer_options")
        check_bool(self.compact, "compact")
        check_bool(self.lean, "lean")

    @property
    def compact_oracles(self) -> bool:
        return bool(self.compact)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(method={self.method!r}, device={self.device!r}, oracle={self.oracle!r})"

    # -- GateLevelBackend -------------------------------------------------------------------------
    def _check_memory(self, n_qubits: int) -> None:
        if self.method == "matrix_product_state":
            return  # MPS memory depends on entanglement, not on the qubit count
        per_amp = 16 if self.precision == "double" else 8
        need = float(per_amp) * 2.0**n_qubits
        where = "GPU" if self.device == "GPU" else "host"
        try:
            check_fits(need, f"an Aer statevector of {n_qubits} qubits ({self.precision} precision, {where})", self.max_memory)
        except ProblemTooLargeError as exc:
            allowed = getattr(exc, "allowed_bytes", None)
            fits = int(np.floor(np.log2(allowed / per_amp))) if allowed and allowed >= per_amp else 0
            new = ProblemTooLargeError(
                f"{exc}; the circuit has {n_qubits} qubits (weights, data and work registers together), "
                f"at most {fits} fit"
            )
            new.allowed_bytes, new.fitting_qubits = allowed, fits  # what a block search sizes smaller blocks by
            raise new from None

    @property
    def _runner(self):
        """The runner of the current simulator (built on first use)."""
        self._simulator()
        return self.__dict__["_built"][2]

    def _transpile(self, circ):
        sim = self._simulator()
        key, _, runner, pm = self.__dict__["_built"]
        if pm is None or pm[0] != self.optimization_level:
            from qiskit.transpiler import generate_preset_pass_manager

            # one pass manager (and one Target) per backend: building them is most of a transpile's cost
            pm = (self.optimization_level,
                  generate_preset_pass_manager(optimization_level=self.optimization_level, target=sim.target))
            self.__dict__["_built"] = (key, sim, runner, pm)
        return pm[1].run(circ)

    def _execute(self, tqc, values, shots, rng, n_weights):
        seed = int(rng.integers(0, 2**31 - 1))
        indices = self._runner.run(tqc, values, shots, seed, lean=bool(self.lean))
        return indices & ((1 << n_weights) - 1), 0.0, {}


class AerGPUBackend(AerBackend):
    """:class:`AerBackend` on a CUDA GPU (needs qiskit-aer-gpu: ``pip install 'quark-qml[gpu]'``)."""

    name = "aer-gpu"

    def __init__(
        self,
        method: str = "statevector",
        device: str = "GPU",
        precision: str = "double",
        *,
        oracle: str = "auto",
        oracle_bits: int | None = None,
        loader: str = "features",
        index_state: str = "uniform",
        max_table_qubits: int = 16,
        optimization_level: int = 1,
        max_memory: float | None = None,
        aer_options: dict | None = None,
        compact: bool = True,
        lean: bool = True,
    ) -> None:
        super().__init__(method, device, precision, oracle=oracle, oracle_bits=oracle_bits, loader=loader,
                         index_state=index_state, max_table_qubits=max_table_qubits, optimization_level=optimization_level,
                         max_memory=max_memory, aer_options=aer_options, compact=compact, lean=lean)

    def _validate(self) -> None:
        if self.device != "GPU":
            raise ValueError("backend 'aer-gpu' always runs on device='GPU' (use backend 'aer' for the CPU)")
        super()._validate()


def aer_cpu_unusable_reason() -> str:
    """Registry check of backend ``"aer"`` (``""`` when usable)."""
    return aer_unusable_reason("CPU")


def aer_gpu_unusable_reason() -> str:
    """Registry check of backend ``"aer-gpu"`` (``""`` when usable)."""
    return aer_unusable_reason("GPU")
