"""Variational quantum classifier baselines: qiskit-machine-learning's ``VQC`` on counted Aer shots.

The baseline a user would actually pick -- ``qiskit_machine_learning.algorithms.VQC`` with its own
optimizers -- trained at finite shots through :class:`~quark.baselines.counting.CountingSampler`,
so every circuit execution and shot lands in the same :class:`~quark.optimizers.CostLedger` that
Quark's searches fill. Beside it, the *noiseless ceiling* (``trainer="exact"``): the same circuit with
exact probabilities and exact parameter-shift gradients, minimized by L-BFGS-B, which shows what
the circuit can learn when shot noise is taken away.

Monitoring never costs shots: the accuracy of the current weights is read from the exact
simulator (the referee) at each optimizer step, not measured. That favours the baseline -- a
user would have to pay shots to know the accuracy.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from quark._optional import require
from quark._random import as_generator
from quark._validation import check_int
from quark.baselines.circuits import READOUTS, RealCircuitSimulator, basis_feature_map, vqc_ansatz
from quark.baselines.counting import CountingSampler, circuit_cost
from quark.optimizers.ledger import CostLedger
from quark.optimizers.result import SearchResult

__all__ = ["VQCBaseline", "TRAINERS"]

#: Trainers: parameter-shift gradients + Adam, SPSA, COBYLA (all at finite shots), and the exact
#: noiseless ceiling (exact probabilities and gradients, L-BFGS-B).
TRAINERS: tuple[str, ...] = ("adam", "spsa", "cobyla", "exact")
_INITS = ("uniform", "library")


class VQCBaseline:
    """A variational quantum classifier trained by gradients (or SPSA / COBYLA), every shot counted.

    Circuit: basis encoding ``RY(pi * x_j)`` (one qubit per binary feature), qiskit's
    ``real_amplitudes`` ansatz, and a readout mapping the measured bit string to a class
    (``"qubit0"``: qiskit-machine-learning's default ``x % 2``; ``"parity"``: all qubits). Loss:
    VQC's cross-entropy (base 2) on the measured class frequencies.

    Parameters
    ----------
    trainer : {"adam", "spsa", "cobyla", "exact"}
        ``"adam"``: parameter-shift gradients (qiskit-machine-learning's ``ParamShiftSamplerGradient``)
        and its ``ADAM``; ``"spsa"`` and ``"cobyla"``: its ``SPSA`` / ``COBYLA``; ``"exact"``: the
        noiseless ceiling (no shots: exact probabilities, L-BFGS-B).
    reps, entanglement : int, str
        ``real_amplitudes`` layers and entangler pattern.
    readout : {"qubit0", "parity"}
    shots : int
        Shots per circuit execution.
    maxiter : int
        Optimizer iterations.
    learning_rate : float
        Adam's / SPSA's step size.
    init : {"uniform", "library"}
        Initial weights: uniform on ``[0, 2 pi)``, or as qiskit-machine-learning draws them when
        no ``initial_point`` is given (uniform on ``[0, 1)``).
    random_state : None, int or Generator
        Seeds the initial point, SPSA's perturbations and Aer's sampling.

    Attributes
    ----------
    result_ : SearchResult
        ``weights`` = circuit parameters, ``loss`` = final training loss (as the trainer saw it),
        ``ledger`` (``circuit_executions``, ``shots``), ``history`` (one snapshot per step with the
        exact ``accuracy`` of the weights), ``info`` (pubs, jobs, circuit sizes, start accuracy).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array([0, 0, 1, 1])
    >>> b = VQCBaseline(trainer="exact", reps=1, maxiter=50, random_state=0).fit(X, y)
    >>> float(b.score(X, y))
    1.0
    >>> b.result_.ledger.shots                    # the noiseless ceiling spends no shots
    0
    """

    name: ClassVar[str] = "vqc"

    def __init__(self, trainer: str = "adam", *, reps: int = 2, entanglement: str = "reverse_linear",
                 readout: str = "qubit0", shots: int = 256, maxiter: int = 30, learning_rate: float = 0.1,
                 init: str = "uniform", random_state=None) -> None:
        self.trainer = trainer
        self.reps = reps
        self.entanglement = entanglement
        self.readout = readout
        self.shots = shots
        self.maxiter = maxiter
        self.learning_rate = learning_rate
        self.init = init
        self.random_state = random_state

    # -- set-up -------------------------------------------------------------------------------------
    def _validate(self) -> None:
        if self.trainer not in TRAINERS:
            raise ValueError(f"'trainer' must be one of {TRAINERS}; got {self.trainer!r}")
        if self.readout not in READOUTS:
            raise ValueError(f"'readout' must be one of {tuple(READOUTS)}; got {self.readout!r}")
        if self.init not in _INITS:
            raise ValueError(f"'init' must be one of {_INITS}; got {self.init!r}")
        check_int(self.reps, "reps")
        check_int(self.shots, "shots")
        check_int(self.maxiter, "maxiter")
        if not (isinstance(self.learning_rate, (int, float)) and self.learning_rate > 0):
            raise ValueError(f"'learning_rate' must be a positive number; got {self.learning_rate!r}")

    def _build(self, n: int) -> None:
        self.feature_map_ = basis_feature_map(n)
        self.ansatz_ = vqc_ansatz(n, self.reps, self.entanglement)
        from qiskit import QuantumCircuit

        qc = QuantumCircuit(n)
        qc.compose(self.feature_map_, inplace=True)
        qc.compose(self.ansatz_, inplace=True)
        self.circuit_ = qc
        self.simulator_ = RealCircuitSimulator(qc, self.feature_map_.parameters, self.ansatz_.parameters)

    def initial_point(self, rng: np.random.Generator) -> np.ndarray:
        """The starting weights: ``[0, 2 pi)`` or the library's ``[0, 1)``."""
        P = self.ansatz_.num_parameters
        return rng.uniform(0.0, 2 * np.pi, P) if self.init == "uniform" else rng.random(P)

    # -- exact referee ------------------------------------------------------------------------------
    def _p1(self, X, W) -> np.ndarray:
        return self.simulator_.class_one_probability(X, W, self.readout)

    def predict_proba(self, X) -> np.ndarray:
        """Exact (noiseless) class probabilities ``(m, 2)`` of the fitted weights."""
        p1 = self._p1(np.asarray(X, dtype=np.float64), self.weights_[None])[0]
        return np.stack([1 - p1, p1], axis=1)

    def predict(self, X) -> np.ndarray:
        """Class with the larger exact probability (ties -> 0)."""
        return (self.predict_proba(X)[:, 1] > 0.5).astype(np.uint8)

    def score(self, X, y) -> float:
        """Exact accuracy of the fitted weights."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def accuracy_of(self, W, X, y) -> np.ndarray:
        """Exact accuracies of weight vectors ``W`` ``(B, P)`` on ``(X, y)``."""
        return np.mean((self._p1(np.asarray(X, float), np.atleast_2d(W)) > 0.5) == np.asarray(y), axis=1)

    def _exact_loss_grad(self, X, y, w):
        P = w.size
        Wb = np.repeat(w[None], 2 * P + 1, axis=0)
        k = np.arange(P)
        Wb[1 + k, k] += np.pi / 2
        Wb[1 + P + k, k] -= np.pi / 2
        p = self._p1(X, Wb)
        pt = np.clip(np.where(y == 1, p[0], 1 - p[0]), 1e-10, None)
        loss = float(-np.mean(np.log2(pt)))
        dp = (p[1:P + 1] - p[P + 1:]) / 2          # exact parameter shift (each weight in one RY)
        sign = np.where(y == 1, 1.0, -1.0)
        grad = -np.mean(sign * dp / (pt * np.log(2)), axis=1)
        return loss, grad, Wb.shape[0] * X.shape[0]

    # -- training -----------------------------------------------------------------------------------
    def fit(self, X, y, *, monitor: tuple | None = None) -> "VQCBaseline":
        """Train on ``(X, y)`` (0/1 features, 0/1 labels).

        Parameters
        ----------
        monitor : (X, y), optional
            Where the history's exact ``accuracy`` is measured (default: the training set) --
            e.g. the full training set when the circuit trains on a balanced subsample.
        """
        self._validate()
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y).astype(np.uint8)
        if X.ndim != 2 or X.shape[0] != y.shape[0] or X.shape[0] == 0:
            raise ValueError(f"'X' must be 2-D with one row per label; got shapes {X.shape} and {y.shape}")
        if not np.isin(X, (0, 1)).all() or not np.isin(y, (0, 1)).all():
            raise ValueError("VQCBaseline uses basis encoding: 'X' and 'y' must be 0/1")
        mX, my = (X, y) if monitor is None else (np.asarray(monitor[0], float), np.asarray(monitor[1]))
        rng = as_generator(self.random_state)
        self._build(X.shape[1])
        w0 = self.initial_point(rng)
        ledger = CostLedger()
        ledger.start()
        state = {"best": 0.0}

        def note(w, loss=np.nan):
            acc = float(self.accuracy_of(np.asarray(w, float)[None], mX, my)[0])
            state["best"] = max(state["best"], acc)
            ledger.record(best_loss=1.0 - state["best"], accuracy=acc, loss=float(loss))

        start_acc = float(self.accuracy_of(w0[None], mX, my)[0])
        info: dict[str, Any] = {"trainer": self.trainer, "start_accuracy": start_acc,
                                "initial_point": w0.copy(), "n_train": int(X.shape[0])}
        note(w0)
        try:
            if self.trainer == "exact":
                w, loss = self._fit_exact(X, y, w0, ledger, note, info)
            else:
                w, loss = self._fit_sampled(X, y, w0, ledger, note, info, rng)
        finally:
            ledger.stop()
        self.weights_ = np.asarray(w, dtype=np.float64)
        note(self.weights_, loss)
        info["final_accuracy"] = ledger.history[-1]["accuracy"]
        info["circuit"] = circuit_cost(self.circuit_)
        self.result_ = SearchResult(bits=np.zeros(0, dtype=np.uint8), loss=float(loss), ledger=ledger,
                                    history=ledger.history, weights=self.weights_,
                                    variables=[p.name for p in self.ansatz_.parameters], info=info)
        return self

    def _fit_exact(self, X, y, w0, ledger, note, info):
        from scipy.optimize import minimize

        def fg(w):
            loss, grad, evals = self._exact_loss_grad(X, y, w)
            # exact expectation values a device could only estimate: counted as executions, 0 shots
            ledger.update(circuit_executions=evals)
            return loss, grad

        res = minimize(fg, w0, jac=True, method="L-BFGS-B", callback=lambda w: note(w),
                       options={"maxiter": int(self.maxiter)})
        info.update(nit=int(res.nit), nfev=int(res.nfev), stop_reason=str(res.message))
        return res.x, float(res.fun)

    def _fit_sampled(self, X, y, w0, ledger, note, info, rng):
        require("qiskit_machine_learning", extra="baselines", feature="the variational baselines",
                package="qiskit-machine-learning")
        from qiskit_machine_learning.algorithms import VQC
        from qiskit_machine_learning.optimizers import ADAM, COBYLA, SPSA

        seed = int(rng.integers(2**31 - 1))
        sampler = CountingSampler(ledger=ledger, default_shots=int(self.shots), seed=seed)
        if self.trainer == "adam":
            inner = ADAM(maxiter=int(self.maxiter), lr=float(self.learning_rate))
        elif self.trainer == "spsa":
            # explicit gains: SPSA's calibration would spend 100 extra evaluations per run
            inner = SPSA(maxiter=int(self.maxiter), learning_rate=float(self.learning_rate), perturbation=0.1,
                         termination_checker=lambda nfev, x, fx, step, acc: note(x, fx) or False)
        else:
            inner = COBYLA(maxiter=int(self.maxiter))

        def optimizer(fun, x0, jac=None, bounds=None):
            # Record the iterate before each gradient (Adam) or each evaluated point (COBYLA),
            # with the costs paid so far. No library callback: Adam's would add a loss evaluation
            # (n_train circuits) per step that training does not need.
            def fun_w(x):
                val = fun(x)
                if self.trainer == "cobyla":
                    note(x, val)
                return val

            def jac_w(x):
                if self.trainer == "adam" and ledger.history and ledger.circuit_executions:
                    note(x)
                return jac(x)

            if self.trainer == "spsa":
                from qiskit_machine_learning.utils import algorithm_globals

                algorithm_globals.random_seed = seed  # SPSA draws its perturbations here
            return inner.minimize(fun_w, x0, jac=jac_w if jac is not None else None)

        vqc = VQC(sampler=sampler, feature_map=self.feature_map_, ansatz=self.ansatz_, optimizer=optimizer,
                  initial_point=w0, interpret=READOUTS[self.readout], output_shape=2)
        vqc.fit(X, y)
        fit = vqc.fit_result
        info.update(pubs=sampler.pubs, jobs=sampler.jobs, circuits=dict(sampler.circuits),
                    nfev=int(getattr(fit, "nfev", 0) or 0), shots_per_circuit=int(self.shots))
        return np.asarray(fit.x, dtype=np.float64), float(fit.fun)
