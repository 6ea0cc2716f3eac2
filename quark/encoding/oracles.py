"""Oracle circuits for gate-level Grover search over a weight register (Qiskit).

Four oracles, each a phase oracle ``|w>|0...0> -> (-1)^{f(w)} |w>|0...0>`` whose work qubits
return to ``|0>``:

- :func:`table_oracle` — the reference: a ``DiagonalGate`` of ``±1`` read off the loss table
  (``2**n`` entries; small problems only).
- :func:`counting_oracle` — the *coherent counting oracle* for the 0-1 loss of a model with a
  reversible form (:mod:`quark.models.circuits`): for each training sample the model's circuit
  writes "classified correctly" into an ancilla, a counter register accumulates it, the sign of
  ``threshold_count - 1 - count`` flips the phase, and everything is uncomputed. Marked: exactly
  the settings with ``loss < threshold``.
- :func:`qubo_oracle` — the *arithmetic oracle* of a dimod ``BinaryQuadraticModel`` (or any
  ``BinaryPolynomial``, or a quadratic landscape): integer-scaled coefficients are added into a
  value register holding ``E(x) - K`` in two's complement; the sign bit flips the phase.
  Marked: exactly ``E(x) < threshold``.
- :func:`joint_oracle` — the paper's oracle on weights ⊗ data index: a QRAM-style loader
  ``|i> -> |u(x_i), y_i, t_i>``, the model's reversible forward pass, a phase on every
  (weight, sample) pair classified correctly (``k`` copies: all of them), uncomputed.

Counter and value registers use the Fourier-space adder of Qiskit's ``QuadraticFormGate``
(Gilliam et al., arXiv:1912.04088, Fig. 6): Hadamards (the QFT of ``|0>``), phase rotations that
add integers, and an inverse ``QFTGate``. Quark's version adds from computed ancillas as well as
from weight qubits, takes terms of any degree, sizes the register from the bounds of the value so
it never overflows, and keeps the threshold a circuit ``Parameter`` (``"threshold_k"``), so one
transpiled circuit serves every threshold of a Grover adaptive search.

Bit order: weight qubit ``i`` is bit ``i`` of the measured index (Qiskit little-endian).

Examples
--------
>>> from quark.datasets import load_edge_detection
>>> from quark.encoding import LossLandscape
>>> X, y = load_edge_detection(size=2)
>>> land = LossLandscape("line-detector", None, X, y)
>>> orc = counting_oracle(land)
>>> orc.n_weights, orc.info["counter_qubits"], orc.circuit.num_qubits
(6, 6, 13)
>>> orc.threshold_value(0.25)        # loss < 0.25  <=>  more than 12 of 16 correct
13
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from quark.encoding.landscape import LossLandscape

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit
    from qiskit.circuit import Parameter

__all__ = [
    "ThresholdOracle",
    "JointOracle",
    "table_oracle",
    "counting_oracle",
    "qubo_oracle",
    "joint_oracle",
    "grover_circuit",
    "integer_scaling",
]

_PARAM = "threshold_k"
_TWO_PI = 2.0 * math.pi


# -- containers ----------------------------------------------------------------------------------
@dataclass
class ThresholdOracle:
    """A phase oracle marking the weight settings below a threshold.

    Attributes
    ----------
    kind : {"counting", "qubo", "table"}
    n_weights : int
        Weight qubits: qubits ``0 .. n_weights-1`` of :attr:`circuit` (register ``"w"``).
    circuit : QuantumCircuit or None
        The oracle with the threshold as parameter ``"threshold_k"`` (``None`` for ``"table"``,
        whose circuit depends on the marked set: see :meth:`at`).
    info : dict
        Sizes and scalings (counter / value qubits, classes or terms, integer scale, bounds).
    """

    kind: str
    n_weights: int
    circuit: "QuantumCircuit | None"
    parameter: "Parameter | None"
    info: dict[str, Any] = field(default_factory=dict)
    _k_of_threshold: Any = None
    _table: np.ndarray | None = None

    def threshold_value(self, threshold: float) -> int | None:
        """The integer bound the circuit compares with (``None`` for the table oracle)."""
        if self._k_of_threshold is None:
            return None
        return int(self._k_of_threshold(float(threshold)))

    def at(self, threshold: float) -> tuple["QuantumCircuit", dict, tuple]:
        """``(circuit, parameter binding, cache key)`` of the oracle for ``threshold``.

        The key identifies the circuit *shape*: the same for every threshold of a parametric
        oracle, the marked set for the table oracle.
        """
        if not np.isfinite(threshold) and not np.isinf(threshold):
            raise ValueError(f"'threshold' must be a number; got {threshold!r}")
        if self.kind == "table":
            marked = self._table < threshold
            return _diagonal_oracle(marked), {}, ("table", hash(np.packbits(marked).tobytes()))
        return self.circuit, {self.parameter: self.threshold_value(threshold)}, (self.kind,)

    def bound(self, threshold: float) -> "QuantumCircuit":
        """The oracle circuit with the threshold bound (for inspection or other backends)."""
        qc, binding, _ = self.at(threshold)
        return qc.assign_parameters(binding) if binding else qc


@dataclass
class JointOracle:
    """The paper's oracle on weights ⊗ ``copies`` data-index registers.

    Attributes
    ----------
    circuit : QuantumCircuit
        Registers ``w`` (weights), then per copy ``idx{c}``, ``data{c}``, ``y{c}`` (and ``t{c}`` with
        ``index_state="padded"`` when ``m`` is not a power of two), then the shared ancillas ``anc``.
    search_qubits : list of int
        Weights and index qubits: the register the amplification reflects about.
    n_index : int
        Qubits per data-index register (``2**n_index >= m``).
    state_preparation : QuantumCircuit or None
        ``A``: Hadamards on the weights and the index states; ``None`` means Hadamards on every
        search qubit (the padded index).
    """

    circuit: "QuantumCircuit"
    n_weights: int
    search_qubits: list[int]
    n_index: int
    n_samples: int
    copies: int
    loader: str
    state_preparation: "QuantumCircuit | None" = None
    info: dict[str, Any] = field(default_factory=dict)


# -- table ---------------------------------------------------------------------------------------
def _diagonal_oracle(marked: np.ndarray) -> "QuantumCircuit":
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit.library import DiagonalGate

    n = int(marked.size).bit_length() - 1
    w = QuantumRegister(n, "w")
    qc = QuantumCircuit(w, name="table_oracle")
    qc.append(DiagonalGate(np.where(marked, -1.0, 1.0).tolist()), list(w))
    return qc


def table_oracle(table, *, max_qubits: int = 20) -> ThresholdOracle:
    """The tabulated phase oracle: ``DiagonalGate(±1)`` from the loss table (the reference oracle).

    Parameters
    ----------
    table : array of length ``2**n``, LossLandscape or SearchProblem
        Losses by index.
    max_qubits : int
        Refuse larger tables (the diagonal has ``2**n`` entries and synthesizes to ``O(2**n)`` gates).

    Examples
    --------
    >>> orc = table_oracle([3.0, 1.0, 2.0, 0.0])
    >>> qc = orc.bound(1.5)            # marks indices 1 and 3
    >>> from qiskit.quantum_info import Operator
    >>> Operator(qc).data.diagonal().real.round(6).tolist()
    [1.0, -1.0, 1.0, -1.0]
    """
    if hasattr(table, "table"):
        n = int(table.n_qubits)
        if n > max_qubits:
            raise ValueError(f"the table oracle takes at most {max_qubits} weight qubits; got {n} (use oracle='counting' or 'qubo')")
        t = np.asarray(table.table(np.float64), dtype=np.float64)
    else:
        t = np.asarray(table, dtype=np.float64)
    if t.ndim != 1 or t.size < 2 or t.size & (t.size - 1):
        raise ValueError(f"'table' must be 1-D with a power-of-two length >= 2; got shape {t.shape}")
    n = t.size.bit_length() - 1
    if n > max_qubits:
        raise ValueError(f"the table oracle takes at most {max_qubits} weight qubits; got {n}")
    return ThresholdOracle("table", n, None, None, {"weight_qubits": n}, None, t)


# -- Fourier-space value register ---------------------------------------------------------------
def _fourier_add(qc: "QuantumCircuit", value: Sequence, amount, controls: Sequence = ()) -> None:
    """Add ``amount`` (int or parameter expression) to a value register held in Fourier space.

    The phases of ``QuadraticFormGate``: qubit ``j`` of a ``b``-qubit register turns by
    ``2*pi*2**j*amount/2**b``, controlled on ``controls`` (all in ``|1>``).
    """
    b = len(value)
    for j, q in enumerate(value):
        angle = _TWO_PI * (2**j) / (2**b) * amount
        if isinstance(amount, (int, np.integer)):
            angle = math.remainder(float(angle), _TWO_PI)  # a full turn is the identity
            if abs(angle) < 1e-15:
                continue
        if not controls:
            qc.p(angle, q)
        elif len(controls) == 1:
            qc.cp(angle, controls[0], q)
        else:
            qc.mcp(angle, list(controls), q)


def _value_bits(span: int) -> int:
    """Two's-complement qubits for every value in ``[-(span+1), span]`` (``span >= 0``)."""
    return 1 + int(span + 1 - 1).bit_length() if span >= 0 else 1


def _sign_phase_oracle(compute: "QuantumCircuit", sign_qubit) -> "QuantumCircuit":
    """``U^dagger Z_sign U``: phase -1 where the value register is negative, then uncompute."""
    qc = compute.copy_empty_like(name=compute.name)
    qc.compose(compute, inplace=True)
    qc.z(sign_qubit)
    qc.compose(compute.inverse(), inplace=True)
    return qc


# -- counting ------------------------------------------------------------------------------------
def counting_oracle(landscape: LossLandscape) -> ThresholdOracle:
    """The coherent counting oracle of a 0-1-loss landscape of a model with a reversible form.

    Samples with the same gate features ``u(x)`` (:meth:`GatedOrForm.gate_features`) share one
    correctness circuit: a class with ``mu1`` positive and ``mu0`` negative samples adds
    ``mu0 + (mu1 - mu0) * out(w)`` correct answers, so the counter needs one controlled addition per
    distinct feature row (the circuit is the per-sample one with identical sub-circuits merged).
    The register holds ``K - 1 - count`` in two's complement with ``bit_length(m) + 1`` qubits:
    it never overflows, and its sign qubit is 1 exactly when ``count >= K``, the smallest count
    whose loss ``(m - count) / m`` is below the threshold.

    Raises ``ValueError`` for another loss, or for a model without a reversible form (naming the
    models that have one).
    """
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter
    from qiskit.circuit.library import QFTGate

    from quark.models.circuits import reversible_form

    if not isinstance(landscape, LossLandscape):
        raise TypeError(f"'landscape' must be a LossLandscape; got {type(landscape).__name__}")
    if landscape.loss != "zero_one":
        raise ValueError(
            f"the counting oracle counts correct samples, i.e. the 'zero_one' loss; got loss={landscape.loss!r} "
            "(use oracle='qubo' for a quadratic loss or oracle='table' for a small landscape)"
        )
    form = reversible_form(landscape.model, landscape.X.shape[1])
    if landscape.n_qubits != form.n_weights:  # pragma: no cover - binary models have 1 bit per weight
        raise ValueError("the counting oracle needs one qubit per binary weight")
    m = landscape.n_samples
    u = form.gate_features(landscape.X)
    keys = u.astype(np.int64) @ (1 << np.arange(form.n_gates, dtype=np.int64))
    uniq, first, inv = np.unique(keys, return_index=True, return_inverse=True)
    y = landscape.y.astype(np.int64)
    mu1 = np.bincount(inv, weights=y, minlength=uniq.size).astype(np.int64)
    mu0 = np.bincount(inv, weights=1 - y, minlength=uniq.size).astype(np.int64)
    c0 = int(mu0.sum())  # every negative sample is right when out = 0
    b = _value_bits(m)

    w = QuantumRegister(form.n_weights, "w")
    anc = QuantumRegister(1, "correct")
    val = QuantumRegister(b, "count")
    k = Parameter(_PARAM)
    U = QuantumCircuit(w, anc, val, name="count")
    U.h(val)  # QFT of |0>
    _fourier_add(U, list(val), k - 1 - c0)
    n_adds = 0
    for r in range(uniq.size):
        delta = int(mu1[r] - mu0[r])
        if delta == 0:
            continue
        row = u[first[r]]
        selected = [g for g in range(form.n_gates) if row[g]]
        n_adds += 1
        if form.polarity is None and len(selected) == 1:  # out(w) is one weight qubit: no ancilla
            _fourier_add(U, list(val), -delta, [w[selected[0]]])
        elif form.polarity is not None and not selected:
            _fourier_add(U, list(val), -delta, [w[form.polarity]])
        elif form.polarity is None and not selected:
            continue  # out = 0: adds nothing
        else:
            form.append_classical(U, list(w), row, anc[0])
            _fourier_add(U, list(val), -delta, [anc[0]])
            form.append_classical(U, list(w), row, anc[0])  # XORs of functions of w: self-inverse
    U.append(QFTGate(b).inverse(), list(val))
    oracle = _sign_phase_oracle(U, val[b - 1])
    oracle.name = "counting_oracle"

    losses = (m - np.arange(m + 1)) / m  # the landscape's (pred != y).mean() for each count

    def k_of(threshold: float) -> int:
        hit = np.nonzero(losses < threshold)[0]
        return int(hit[0]) if hit.size else m + 1

    info = {
        "weight_qubits": form.n_weights,
        "counter_qubits": b,
        "ancillas": 1,
        "samples": m,
        "classes": int(uniq.size),
        "controlled_adds": n_adds,
        "model": form.model_name,
    }
    return ThresholdOracle("counting", form.n_weights, oracle, k, info, k_of)


# -- QUBO / HUBO arithmetic ----------------------------------------------------------------------
def _polynomial_terms(problem) -> tuple[list, dict[tuple[int, ...], float], float]:
    """``(variables, {sorted index tuple: coefficient}, offset)`` of a BQM / polynomial / landscape."""
    import dimod

    from quark.optimizers.problem import LandscapeProblem, PolynomialProblem, as_problem

    if isinstance(problem, LossLandscape) or isinstance(problem, LandscapeProblem):
        land = problem if isinstance(problem, LossLandscape) else problem.landscape
        if not land.is_quadratic:
            raise ValueError(
                f"the QUBO oracle needs a quadratic landscape (squared loss on a linear model); got "
                f"model={land.model.name!r}, loss={land.loss!r} (use oracle='counting' or 'table')"
            )
        problem = land.to_bqm()
        variables = list(range(land.n_qubits))
        model = problem.binary
    else:
        p = as_problem(problem)
        if not isinstance(p, PolynomialProblem):
            raise TypeError(
                "the QUBO oracle takes a dimod BinaryQuadraticModel or BinaryPolynomial, a binary "
                f"QuadraticProgram or a quadratic LossLandscape; got {type(problem).__name__}"
            )
        variables, model = p.variables, p.model
    pos = {v: i for i, v in enumerate(variables)}
    terms: dict[tuple[int, ...], float] = {}
    if isinstance(model, dimod.BinaryQuadraticModel):
        offset = float(model.offset)
        for v, c in model.linear.items():
            terms[(pos[v],)] = terms.get((pos[v],), 0.0) + float(c)
        for (a, b_), c in model.quadratic.items():
            key = tuple(sorted((pos[a], pos[b_])))
            terms[key] = terms.get(key, 0.0) + float(c)
    else:
        offset = 0.0
        for vs, c in model.items():
            key = tuple(sorted({pos[v] for v in vs}))
            if not key:
                offset += float(c)
            else:
                terms[key] = terms.get(key, 0.0) + float(c)
    return variables, {t: c for t, c in terms.items() if c != 0.0}, offset


def integer_scaling(coefficients: Sequence[float], *, max_denominator: int = 1 << 16) -> int:
    """The smallest positive integer ``s`` with every ``s * c`` an integer (to float precision).

    Raises ``ValueError`` when some coefficient is not a fraction with denominator
    ``<= max_denominator`` (e.g. ``sqrt(2)``): exact integer arithmetic is then impossible.

    Examples
    --------
    >>> integer_scaling([0.5, 1.0, -0.25])
    4
    >>> integer_scaling([1 / 3, 2.0])
    3
    """
    scale = 1
    for c in coefficients:
        c = float(c)
        if not np.isfinite(c):
            raise ValueError(f"coefficients must be finite; got {c!r}")
        f = Fraction(c).limit_denominator(max_denominator)
        if abs(float(f) - c) > 8 * np.finfo(float).eps * max(abs(c), 1e-300):
            raise ValueError(
                f"coefficient {c!r} is not an exact fraction with denominator <= {max_denominator}, so the "
                "arithmetic oracle cannot scale the problem to exact integers; round the coefficients "
                "(e.g. to a multiple of 2**-k) or use oracle='table' for a small problem"
            )
        scale = scale * f.denominator // math.gcd(scale, f.denominator)
    return int(scale)


def qubo_oracle(problem, *, max_denominator: int = 1 << 16, max_value_qubits: int = 32) -> ThresholdOracle:
    """The arithmetic oracle of a QUBO / HUBO: phase -1 exactly where ``energy < threshold``.

    Coefficients are scaled by the smallest integer ``s`` that makes them all integers
    (:func:`integer_scaling`); the value register holds ``s*E(x) - K`` (``K = ceil(s*threshold)``,
    clamped to the energy range) with ``1 + ceil(log2(ub - lb + 1))`` qubits for the integer energy
    bounds ``[lb, ub]`` — it cannot overflow. Terms of degree ``d`` become phase gates with ``d``
    controls, so a ``BinaryPolynomial`` of any degree works.

    Parameters
    ----------
    problem : dimod.BinaryQuadraticModel, dimod.BinaryPolynomial, QuadraticProgram, or LossLandscape
        A landscape must be quadratic (squared loss on a linear model).
    max_denominator : int
        Largest denominator accepted when scaling to integers.
    max_value_qubits : int
        Refuse larger value registers (a huge integer scale).

    Examples
    --------
    >>> import dimod
    >>> bqm = dimod.BinaryQuadraticModel({0: 1.5, 1: -1.0}, {(0, 1): -2.0}, 0.5, "BINARY")
    >>> orc = qubo_oracle(bqm)
    >>> orc.info["scale"], orc.info["bounds"], orc.info["value_qubits"]
    (2, (-5, 4), 5)
    >>> orc.threshold_value(0.0)       # 2*E < 0
    0
    """
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter
    from qiskit.circuit.library import QFTGate

    variables, terms, offset = _polynomial_terms(problem)
    n = len(variables)
    s = integer_scaling([offset, *terms.values()], max_denominator=max_denominator)
    iterms = {t: int(round(c * s)) for t, c in terms.items()}
    ioff = int(round(offset * s))
    lb = ioff + sum(min(c, 0) for c in iterms.values())
    ub = ioff + sum(max(c, 0) for c in iterms.values())
    b = _value_bits(ub - lb)
    if b > max_value_qubits:
        raise ValueError(
            f"the value register would need {b} qubits (integer scale {s}, energy range [{lb}, {ub}]), more "
            f"than max_value_qubits={max_value_qubits}; round the coefficients to coarser fractions"
        )
    w = QuantumRegister(n, "w")
    val = QuantumRegister(b, "value")
    k = Parameter(_PARAM)
    U = QuantumCircuit(w, val, name="energy")
    U.h(val)
    _fourier_add(U, list(val), ioff - k)
    for t, c in sorted(iterms.items()):
        _fourier_add(U, list(val), c, [w[i] for i in t])
    U.append(QFTGate(b).inverse(), list(val))
    oracle = _sign_phase_oracle(U, val[b - 1])
    oracle.name = "qubo_oracle"

    def k_of(threshold: float) -> int:
        if threshold == math.inf:
            return ub + 1
        if threshold == -math.inf:
            return lb
        # E < T  <=>  s*E < s*T  <=>  s*E <= ceil(s*T) - 1. A threshold within float precision of an
        # attainable value (the loss of a measured state, as Grover adaptive search sets it) is that
        # value: the float energies of dimod and the exact integer ones may differ in the last bit.
        x = threshold * s
        j = round(x)
        kk = j if abs(x - j) <= 1e-9 * max(1.0, abs(x)) else math.ceil(x)
        return min(max(kk, lb), ub + 1)

    info = {
        "weight_qubits": n,
        "value_qubits": b,
        "scale": s,
        "bounds": (lb, ub),
        "terms": len(iterms),
        "degree": max((len(t) for t in iterms), default=0),
        "variables": variables,
    }
    return ThresholdOracle("qubo", n, oracle, k, info, k_of)


# -- the paper's joint oracle --------------------------------------------------------------------
def joint_oracle(
    landscape: LossLandscape, copies: int = 1, *, loader: str = "features", index_state: str = "uniform"
) -> JointOracle:
    """The paper's oracle on weights ⊗ data: phase -1 on every correctly classified (w, i_1..i_k).

    Per copy: an index register ``|i>`` over the ``m`` samples padded to ``2**a``; a QRAM-style
    loader (one multi-controlled X per set bit, controlled on ``|i>``) writes the sample's data,
    its label ``y_i`` and — when padded — a valid bit ``t_i`` (padding entries have ``t = 0`` and
    are never marked). The model's reversible forward pass turns ``y`` into ``[out(w, x_i) == y_i]``
    in place, reusing shared ancillas; the phase is a multi-controlled Z over every copy's flags;
    then all is uncomputed.

    ``loader="features"`` loads the gate features ``u(x_i)`` (for the perceptron these *are* the
    pixels ``x_i``; for line detectors the "some gated line is full" bits), one ancilla per gate;
    ``loader="pixels"`` loads the raw pixels and runs the paper's pixel-level circuit (one ancilla
    per term, more qubits).

    ``index_state="uniform"`` (default) prepares each index register in the uniform superposition of
    exactly the ``m`` samples (``UniformSuperpositionGate``; the amplification reflects about that state), so
    the weight distribution is PAPER.md's closed form with ``m`` — the exact kernel's.
    ``index_state="padded"`` is the prototype's: Hadamards over ``2**a >= m`` entries, padding
    entries flagged ``t = 0`` and never marked (the closed form with ``m`` replaced by ``2**a`` in
    the unmarked mass). Both are the same when ``m`` is a power of two.
    """
    from qiskit import QuantumCircuit, QuantumRegister

    from quark.models.circuits import reversible_form

    if not isinstance(landscape, LossLandscape):
        raise TypeError(f"'landscape' must be a LossLandscape; got {type(landscape).__name__}")
    if not isinstance(copies, (int, np.integer)) or isinstance(copies, bool) or copies < 1:
        raise ValueError(f"'copies' must be a positive integer; got {copies!r}")
    if loader not in ("features", "pixels"):
        raise ValueError(f"'loader' must be 'features' or 'pixels'; got {loader!r}")
    if index_state not in ("uniform", "padded"):
        raise ValueError(f"'index_state' must be 'uniform' or 'padded'; got {index_state!r}")
    form = reversible_form(landscape.model, landscape.X.shape[1])
    m = landscape.n_samples
    a = max(1, (m - 1).bit_length())
    padded = m < (1 << a) and index_state == "padded"
    data = form.gate_features(landscape.X) if loader == "features" else np.asarray(landscape.X, dtype=np.uint8)
    y = landscape.y
    width = data.shape[1]
    n_anc = form.n_gates if loader == "features" else len(form.terms)

    w = QuantumRegister(form.n_weights, "w")
    regs = [w]
    per_copy = []
    for c in range(int(copies)):
        idx = QuantumRegister(a, f"idx{c}")
        dat = QuantumRegister(width, f"data{c}")
        lab = QuantumRegister(1, f"y{c}")
        val = QuantumRegister(1, f"t{c}") if padded else None
        regs += [r for r in (idx, dat, lab, val) if r is not None]
        per_copy.append((idx, dat, lab, val))
    anc = QuantumRegister(n_anc, "anc")
    regs.append(anc)

    U = QuantumCircuit(*regs, name="forward")
    for idx, dat, lab, val in per_copy:
        # loader: |i>|0> -> |i>|data_i, y_i, t_i>
        for i in range(m):
            targets = [dat[j] for j in range(width) if data[i, j]] + ([lab[0]] if y[i] else []) + ([val[0]] if padded else [])
            for t in targets:
                U.mcx(list(idx), t, ctrl_state=i)
        # y <- y XOR out XOR 1 = [out == y]
        if loader == "features":
            form.append_features(U, list(w), list(dat), list(anc), lab[0])
        else:
            form.append_pixels(U, list(w), list(dat), list(anc), lab[0])
        U.x(lab[0])
    flags = [q for _, _, lab, val in per_copy for q in ([lab[0]] + ([val[0]] if padded else []))]
    oracle = U.copy_empty_like(name="joint_oracle")
    oracle.compose(U, inplace=True)
    if len(flags) == 1:
        oracle.z(flags[0])
    else:
        oracle.mcp(math.pi, flags[:-1], flags[-1])
    oracle.compose(U.inverse(), inplace=True)
    search = list(range(form.n_weights))
    for idx, *_ in per_copy:
        search += [oracle.find_bit(q).index for q in idx]
    prep = None
    if m < (1 << a) and not padded:
        from qiskit.circuit.library import UniformSuperpositionGate

        prep = oracle.copy_empty_like(name="A")
        prep.h(list(w))
        for idx, *_ in per_copy:
            prep.append(UniformSuperpositionGate(m, a), list(idx))
    info = {
        "weight_qubits": form.n_weights,
        "index_qubits": a * copies,
        "data_qubits": (width + 1 + int(padded)) * copies,
        "ancillas": n_anc,
        "index_entries": m if not padded else 1 << a,
    }
    return JointOracle(oracle, form.n_weights, search, a, m, int(copies), loader, prep, info)


# -- Grover circuits -----------------------------------------------------------------------------
def grover_circuit(
    oracle: "QuantumCircuit",
    search_qubits: Sequence[int],
    measured_qubits: Sequence[int],
    iterations: int,
    *,
    measure: bool = True,
    state_preparation: "QuantumCircuit | None" = None,
) -> "QuantumCircuit":
    """``A`` (default: ``H`` on the search qubits), ``iterations`` rounds of ``grover_operator``, measure.

    The diffuser reflects about ``A|0>`` on ``search_qubits``; the classical register ``"meas"``
    holds bit ``i`` = measured qubit ``measured_qubits[i]``.

    Examples
    --------
    >>> qc = grover_circuit(table_oracle([1.0, 0.0, 1.0, 1.0]).bound(0.5), [0, 1], [0, 1], 1)
    >>> from qiskit.quantum_info import Statevector
    >>> Statevector(qc.remove_final_measurements(inplace=False)).probabilities().round(6).tolist()
    [0.0, 1.0, 0.0, 0.0]
    """
    from qiskit import ClassicalRegister
    from qiskit.circuit.library import grover_operator

    if not isinstance(iterations, (int, np.integer)) or isinstance(iterations, bool) or iterations < 0:
        raise ValueError(f"'iterations' must be a non-negative integer; got {iterations!r}")
    qc = oracle.copy_empty_like(name=f"grover_{iterations}")
    if state_preparation is None:
        qc.h(list(search_qubits))
    else:
        qc.compose(state_preparation, inplace=True)
    if iterations:
        op = grover_operator(oracle, state_preparation=state_preparation, reflection_qubits=list(search_qubits))
        for _ in range(int(iterations)):
            qc.compose(op, inplace=True)
    if measure:
        creg = ClassicalRegister(len(measured_qubits), "meas")
        qc.add_register(creg)
        qc.measure(list(measured_qubits), creg)
    return qc
