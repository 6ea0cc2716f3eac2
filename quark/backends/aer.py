"""Gate-level Grover search on Qiskit Aer (CPU or GPU), through the V2 ``SamplerV2`` primitive.

The backend builds real circuits from :mod:`quark.encoding.oracles` — the coherent counting oracle
for 0-1-loss landscapes of models with a reversible form, the arithmetic (QUBO/HUBO) oracle for
dimod models and quadratic landscapes, the tabulated ``DiagonalGate`` oracle as a fallback for
small loss tables, and the paper's joint weights ⊗ data oracle — transpiles each circuit shape
once (the threshold is a circuit parameter, bound per run), and measures the weight register with
all shots of a call in one Aer job.

Qiskit Aer is imported only when a backend is built, so listing backends stays light.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from quark._memory import check_fits
from quark.backends.base import GroverBackend
from quark.exceptions import MissingDependencyError, ProblemTooLargeError

__all__ = ["AerBackend", "AerGPUBackend", "aer_unusable_reason"]

_METHODS = ("automatic", "statevector", "matrix_product_state")
_DEVICES = ("CPU", "GPU")
_PRECISIONS = ("double", "single")
_ORACLES = ("auto", "counting", "qubo", "table")
_CACHE_SIZE = 64
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


def _raise_if_unusable(backend: str, device: str) -> None:
    reason = aer_unusable_reason(device)
    if not reason:
        return
    if device == "GPU" and "not installed" in reason:
        raise MissingDependencyError(f"backend {backend!r} cannot run on the GPU: {reason}")
    if device == "GPU":
        raise RuntimeError(f"backend {backend!r} needs a CUDA GPU: {reason}; use backend 'aer' (CPU) instead")
    raise MissingDependencyError(f"backend {backend!r} cannot run: {reason}")


def _check_rng(rng: Any) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"'rng' must be a numpy Generator (see quark._random.as_generator); got {type(rng).__name__}")


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"'{name}' must be {kind}; got {value!r}")
    return int(value)


class AerBackend(GroverBackend):
    """Grover search with real circuits on Qiskit Aer.

    Parameters
    ----------
    method : {"automatic", "statevector", "matrix_product_state"}
        Aer simulation method.
    device : {"CPU", "GPU"}
        ``"GPU"`` needs qiskit-aer-gpu (the ``gpu`` extra) and a CUDA device.
    precision : {"double", "single"}
        Amplitude precision (single halves the memory).
    oracle : {"auto", "counting", "qubo", "table"}
        Threshold oracle for :meth:`sample_threshold`. ``"auto"``: the counting oracle for 0-1-loss
        landscapes of models with a reversible form, the arithmetic oracle for dimod models,
        QuadraticPrograms and quadratic landscapes, else the table oracle up to ``max_table_qubits``.
    loader : {"features", "pixels"}
        Data loader of the joint oracle (see :func:`quark.encoding.oracles.joint_oracle`).
    index_state : {"uniform", "padded"}
        Index superposition of the joint oracle: exactly the ``m`` samples (the exact kernel's
        distribution) or the prototype's ``2**a`` entries with never-marked padding.
    max_table_qubits : int
        Largest loss table the table oracle accepts.
    optimization_level : {0, 1}
        Transpiler optimization level (higher levels permute qubits, see :meth:`_grover`).
    max_memory_bytes : float, optional
        Memory a statevector may use (default: 90% of the available memory, see
        :func:`quark._memory.check_fits`).
    **aer_options
        Passed to ``AerSimulator`` (e.g. ``max_parallel_threads=1``).

    Examples
    --------
    >>> import numpy as np
    >>> be = AerBackend(max_parallel_threads=1)
    >>> shots = be.sample_threshold([3.0, 1.0, 2.0, 0.0], 0.5, 1, 100, np.random.default_rng(0))
    >>> sorted(set(shots.tolist()))          # one marked index of four: one round finds it
    [3]
    """

    name = "aer"
    properties = {"exact": False, "gate_level": True, "seeded": True, "joint": True}

    def __init__(
        self,
        method: str = "automatic",
        device: str = "CPU",
        precision: str = "double",
        *,
        oracle: str = "auto",
        loader: str = "features",
        index_state: str = "uniform",
        max_table_qubits: int = 16,
        optimization_level: int = 1,
        max_memory_bytes: float | None = None,
        **aer_options: Any,
    ) -> None:
        for arg, value, allowed in (
            ("method", method, _METHODS),
            ("device", device, _DEVICES),
            ("precision", precision, _PRECISIONS),
            ("oracle", oracle, _ORACLES),
            ("loader", loader, ("features", "pixels")),
            ("index_state", index_state, ("uniform", "padded")),
        ):
            if value not in allowed:
                raise ValueError(f"'{arg}' must be one of {allowed}; got {value!r}")
        _positive_int("max_table_qubits", max_table_qubits)
        if optimization_level not in (0, 1):
            # levels 2-3 elide swaps into a final qubit permutation, which would misalign the
            # separately transpiled pieces this backend concatenates
            raise ValueError(f"'optimization_level' must be 0 or 1; got {optimization_level!r}")
        _raise_if_unusable(self.name, device)
        from qiskit_aer import AerSimulator

        self.method = method
        self.device = device
        self.precision = precision
        self.oracle = oracle
        self.loader = loader
        self.index_state = index_state
        self.max_table_qubits = int(max_table_qubits)
        self.optimization_level = int(optimization_level)
        self.max_memory_bytes = max_memory_bytes
        self.aer_options = dict(aer_options)
        self._sim = AerSimulator(method=method, device=device, precision=precision, **aer_options)
        # oracles per problem object, transpiled circuits per (oracle, shape)
        self._oracles: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()
        self._transpiled: dict[tuple, Any] = {}
        self._pass_manager = None
        self.last_circuit_info: dict[str, Any] = {}

    @property
    def n_transpiled(self) -> int:
        """Oracle shapes transpiled and cached so far (each serves every threshold and round count)."""
        return sum(1 for k in self._transpiled if k[0] == "pieces")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(method={self.method!r}, device={self.device!r}, oracle={self.oracle!r})"

    # -- oracles ----------------------------------------------------------------------------------
    def threshold_oracle(self, problem):
        """The :class:`~quark.encoding.oracles.ThresholdOracle` this backend uses for ``problem``."""
        from quark.encoding.landscape import LossLandscape
        from quark.encoding.oracles import counting_oracle, qubo_oracle, table_oracle
        from quark.models.circuits import REVERSIBLE_MODELS, has_reversible_form
        from quark.optimizers.problem import LandscapeProblem, PolynomialProblem, as_problem

        p = as_problem(problem)
        land = p.landscape if isinstance(p, LandscapeProblem) else None
        # a landscape passed directly is wrapped anew on every call: cache by the landscape itself
        try:
            cache = self._oracles.setdefault(land if land is not None else p, {})
        except TypeError:  # pragma: no cover - not weak-referenceable
            cache = {}
        if self.oracle in cache:
            return cache[self.oracle]
        kind = self.oracle
        if kind == "auto":
            if land is not None and land.loss == "zero_one" and has_reversible_form(land.model, land.X.shape[1]):
                kind = "counting"
            elif (land is not None and land.is_quadratic) or (
                isinstance(p, PolynomialProblem) and _is_exactly_scalable(p)
            ):
                kind = "qubo"
            elif p.n_qubits <= self.max_table_qubits:
                kind = "table"
            else:
                what = f"model {land.model.name!r} with loss {land.loss!r}" if land is not None else type(p).__name__
                have = ", ".join(repr(k) for k in REVERSIBLE_MODELS)
                raise ValueError(
                    f"backend 'aer' has no threshold oracle for a {what} of {p.n_qubits} qubits: the counting oracle "
                    f"needs the 'zero_one' loss of a model with a reversible circuit form ({have}), the arithmetic "
                    f"oracle a QUBO/HUBO, and the table oracle at most max_table_qubits={self.max_table_qubits} qubits"
                )
        if kind == "counting":
            if land is None:
                raise ValueError(
                    f"oracle='counting' needs a LossLandscape (a model with a reversible form); got {type(p).__name__}"
                )
            orc = counting_oracle(land)
        elif kind == "qubo":
            orc = qubo_oracle(land if land is not None else p)
        else:
            orc = table_oracle(p, max_qubits=self.max_table_qubits)
        cache[self.oracle] = orc
        return orc

    # -- circuits (exposed for inspection and other gate-level backends) --------------------------
    def threshold_circuit(self, problem, threshold: float, iterations: int, *, measure: bool = True):
        """The Grover circuit of :meth:`sample_threshold`, threshold bound, not transpiled."""
        from quark.encoding.oracles import grover_circuit

        orc = self.threshold_oracle(problem)
        qc, binding, _ = orc.at(threshold)
        n = orc.n_weights
        circ = grover_circuit(qc, list(range(n)), list(range(n)), iterations, measure=measure)
        # zero rounds hold no oracle, so no threshold parameter to bind
        binding = {p: v for p, v in (binding or {}).items() if p in circ.parameters}
        return circ.assign_parameters(binding) if binding else circ

    def joint_circuit(self, landscape, iterations: int, copies: int = 1, *, measure: bool = True):
        """The Grover circuit of :meth:`sample_joint`, not transpiled."""
        from quark.encoding.oracles import grover_circuit

        jo = self._joint_oracle(landscape, copies)
        return grover_circuit(
            jo.circuit, jo.search_qubits, list(range(jo.n_weights)), iterations, measure=measure,
            state_preparation=jo.state_preparation,
        )

    def joint_oracle(self, landscape, copies: int = 1):
        """The :class:`~quark.encoding.oracles.JointOracle` :meth:`sample_joint` uses (cached)."""
        return self._joint_oracle(landscape, _positive_int("copies", copies))

    def _joint_oracle(self, landscape, copies: int):
        from quark.encoding.landscape import LossLandscape
        from quark.encoding.oracles import joint_oracle
        from quark.optimizers.problem import LandscapeProblem

        land = landscape.landscape if isinstance(landscape, LandscapeProblem) else landscape
        if not isinstance(land, LossLandscape):
            raise TypeError(
                f"the joint amplification needs a LossLandscape (a model and its training data); got {type(landscape).__name__}"
            )
        cache = self._oracles.setdefault(land, {})
        key = ("joint", int(copies), self.loader, self.index_state)
        if key not in cache:
            cache[key] = joint_oracle(land, copies, loader=self.loader, index_state=self.index_state)
        return cache[key]

    # -- sampling ---------------------------------------------------------------------------------
    def sample_threshold(self, problem, threshold, iterations, shots, rng):
        """Measured weight indices after ``iterations`` rounds of the threshold oracle + diffuser."""
        from quark.encoding.oracles import grover_circuit

        iterations = _positive_int("iterations", iterations, minimum=0)
        shots = _positive_int("shots", shots)
        _check_rng(rng)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) or np.isnan(threshold):
            raise TypeError(f"'threshold' must be a real number; got {threshold!r}")
        orc = self.threshold_oracle(problem)
        qc, binding, shape = orc.at(float(threshold))
        n = orc.n_weights
        tqc = self._grover((id(orc), shape), orc, qc, list(range(n)), list(range(n)), None, iterations)
        return self._run(tqc, binding, shots, rng, n)

    def sample_joint(self, landscape, iterations, shots, copies, rng):
        """Measured weight indices after the paper's amplification on weights ⊗ ``copies`` data registers."""
        iterations = _positive_int("iterations", iterations, minimum=0)
        shots = _positive_int("shots", shots)
        copies = _positive_int("copies", copies)
        _check_rng(rng)
        jo = self._joint_oracle(landscape, copies)
        n = jo.n_weights
        tqc = self._grover((id(jo), "joint"), jo, jo.circuit, jo.search_qubits, list(range(n)), jo.state_preparation, iterations)
        return self._run(tqc, {}, shots, rng, n)

    # -- internals --------------------------------------------------------------------------------
    def _lru(self, key: tuple, owner: Any, build) -> Any:
        """Least-recently-used cache; ``owner`` (whose id is in ``key``) is kept alive with the entry."""
        hit = self._transpiled.pop(key, None)
        if hit is None:
            hit = (build(), owner)
            while len(self._transpiled) >= _CACHE_SIZE:
                self._transpiled.pop(next(iter(self._transpiled)))
        self._transpiled[key] = hit  # most recently used last
        return hit[0]

    def _grover(self, key: tuple, owner: Any, oracle, search: list, measured: list, prep, iterations: int):
        """The transpiled circuit for ``iterations`` rounds, composed from pieces transpiled once.

        ``A`` (with the classical register) and the Grover iterate ``Q`` are transpiled once per
        oracle; a round count only concatenates transpiled copies of ``Q`` (optimization level <= 1
        keeps the trivial layout, so the pieces line up qubit for qubit).
        """

        def pieces():
            from qiskit import ClassicalRegister
            from qiskit.circuit.library import grover_operator

            self._check_memory(oracle.num_qubits)
            start = oracle.copy_empty_like(name="A")
            start.add_register(ClassicalRegister(len(measured), "meas"))
            if prep is None:
                start.h(search)
            else:
                start.compose(prep, inplace=True)
            Q = grover_operator(oracle, state_preparation=prep, reflection_qubits=search)
            return self._transpile(start), self._transpile(Q)

        def compose():
            t_start, t_q = self._lru(("pieces", *key), owner, pieces)
            qc = t_start.copy(name=f"grover_{iterations}")
            for _ in range(iterations):
                qc.compose(t_q, inplace=True)
            qc.measure(measured, list(range(len(measured))))
            self.last_circuit_info = {"qubits": qc.num_qubits, "iterations": iterations, "size": qc.size(),
                                      "ops": dict(qc.count_ops())}
            return qc

        return self._lru(("rounds", *key, iterations), owner, compose)

    def _check_memory(self, n_qubits: int) -> None:
        if self.method == "matrix_product_state":
            return  # MPS memory depends on entanglement, not on the qubit count
        per_amp = 16 if self.precision == "double" else 8
        need = float(per_amp) * 2.0**n_qubits
        where = "GPU" if self.device == "GPU" else "host"
        try:
            check_fits(need, f"an Aer statevector of {n_qubits} qubits ({self.precision} precision, {where})", self.max_memory_bytes)
        except ProblemTooLargeError as exc:
            raise ProblemTooLargeError(
                f"{exc}; the circuit has {n_qubits} qubits (weights, data and work registers together)"
            ) from None

    def _transpile(self, circ):
        if self._pass_manager is None:
            from qiskit.transpiler import generate_preset_pass_manager

            # one pass manager (and one Target) per backend: building them is most of a transpile's cost
            self._pass_manager = generate_preset_pass_manager(
                optimization_level=self.optimization_level, target=self._sim.target
            )
        return self._pass_manager.run(circ)

    def _run(self, tqc, binding: dict, shots: int, rng: np.random.Generator, n_weights: int) -> np.ndarray:
        from qiskit_aer.primitives import SamplerV2

        seed = int(rng.integers(0, 2**31 - 1))
        sampler = SamplerV2.from_backend(self._sim, seed=seed, default_shots=shots)
        if binding:
            by_name = {p.name: float(v) for p, v in binding.items()}
            pub = (tqc, [[by_name[p.name] for p in tqc.parameters]])
        else:
            pub = (tqc,)
        result = sampler.run([pub], shots=shots).result()[0]
        bits = result.data.meas  # BitArray, shape (), num_shots x num_bits
        return _bitarray_to_indices(bits.array.reshape(shots, -1), n_weights)


def _bitarray_to_indices(packed: np.ndarray, n_bits: int) -> np.ndarray:
    """Per-shot integers from a ``BitArray``'s packed big-endian bytes (last byte = lowest bits)."""
    n_bytes = packed.shape[1]
    out = np.zeros(packed.shape[0], dtype=np.int64)
    for b in range(n_bytes):
        out |= packed[:, n_bytes - 1 - b].astype(np.int64) << (8 * b)
    return out & ((1 << n_bits) - 1)


def _is_exactly_scalable(problem) -> bool:
    from quark.encoding.oracles import _polynomial_terms, integer_scaling

    try:
        _, terms, offset = _polynomial_terms(problem)
        integer_scaling([offset, *terms.values()])
    except ValueError:
        return False
    return True


class AerGPUBackend(AerBackend):
    """:class:`AerBackend` on a CUDA GPU (needs qiskit-aer-gpu: ``pip install 'quark-qml[gpu]'``)."""

    name = "aer-gpu"

    def __init__(self, method: str = "statevector", precision: str = "double", **options: Any) -> None:
        if "device" in options and options.pop("device") != "GPU":
            raise ValueError("backend 'aer-gpu' always runs on device='GPU' (use backend 'aer' for the CPU)")
        _raise_if_unusable(self.name, "GPU")
        super().__init__(method=method, device="GPU", precision=precision, **options)


def aer_cpu_unusable_reason() -> str:
    """Registry check of backend ``"aer"`` (``""`` when usable)."""
    return aer_unusable_reason("CPU")


def aer_gpu_unusable_reason() -> str:
    """Registry check of backend ``"aer-gpu"`` (``""`` when usable)."""
    return aer_unusable_reason("GPU")
