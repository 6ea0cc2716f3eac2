"""The paper's algorithm: amplitude amplification on weights ⊗ data index, then measure the weights."""

from __future__ import annotations

import math

import numpy as np

from quark._params import mask_secrets
from quark._validation import check_int, check_mapping
from quark.backends.base import MarkedCounter, Samples
from quark.optimizers.base import Optimizer, _resolve_backend, charging_partial, check_backend_option_names

__all__ = ["QuarkSearch", "choose_iterations"]

_QUADRATURE = 256  # posterior quantiles used to average P(marked) over the unknown marked fraction


def _beta_quantiles(hits: int, trials: int, n: int = _QUADRATURE) -> np.ndarray:
    """Midpoint quantiles of the Jeffreys posterior Beta(hits + 1/2, trials - hits + 1/2)."""
    from scipy.stats import beta  # scipy comes with scikit-learn

    return beta.ppf((np.arange(n) + 0.5) / n, hits + 0.5, trials - hits + 0.5)


def choose_iterations(hits: int, trials: int, max_iterations: int | None = None) -> int:
    """Grover rounds that maximize the *expected* marked probability, given an estimate.

    ``hits`` of ``trials`` uniformly drawn (weight, sample, ..., sample) tuples were marked. The
    marked fraction ``a`` is uncertain (Jeffreys posterior), so this picks the ``r`` maximizing
    ``E[sin^2((2r + 1) asin(sqrt(a)))]``: the first peak when ``a`` is small, an aliased peak
    (e.g. 6 rounds for the rows task, a = 0.78) only when the estimate is sharp enough for it.

    Examples
    --------
    >>> choose_iterations(0, 1000) > choose_iterations(50, 1000) > choose_iterations(300, 1000)
    True
    >>> choose_iterations(39, 50)                # a = 0.78, too uncertain for an aliased peak
    0
    >>> choose_iterations(780, 1000)             # sharp enough: the paper's 6-round peak
    6
    """
    q = np.clip(_beta_quantiles(int(hits), int(trials)), 1e-300, 1.0)
    theta = np.arcsin(np.sqrt(q))
    if max_iterations is None:  # a few periods past the first peak of the most likely fraction
        first_peak = math.pi / (4 * float(np.median(theta)))
        max_iterations = int(min(4 * first_peak + 8, 1e6))
    r = np.arange(max_iterations + 1)
    expected = np.empty(r.size)
    for s in range(0, r.size, 4096):  # bounded memory: (block x quadrature)
        rr = r[s : s + 4096, None]
        expected[s : s + 4096] = (np.sin((2 * rr + 1) * theta[None, :]) ** 2).mean(axis=1)
    return int(np.argmax(expected))


class QuarkSearch(Optimizer):
    """The Quark paper's search: amplify correctly classified (weight, sample) pairs, measure weights.

    The weight register and ``copies`` data-index registers start in uniform superposition; the
    oracle flips the phase of every (w, i1, ..., ik) whose k samples weight setting ``w`` all
    classifies correctly; ``iterations`` rounds of amplitude amplification on that joint space,
    then ``shots`` measurements of the weight register. A weight setting is measured with
    probability that grows with ``accuracy(w) ** copies`` (docs/concepts.md). The distinct measured settings are then checked classically and the best is
    returned.

    Parameters
    ----------
    backend : str or GroverBackend, default="statevector"
        A backend implementing ``sample_joint``.
    iterations : int, optional
        Amplification rounds. ``None`` (default) chooses them the way a device could: estimate
        the marked fraction ``mean_w accuracy(w) ** copies`` from ``estimation_shots`` uniformly
        drawn (weight, samples) tuples, each checked classically (``copies`` model evaluations
        apiece: the same as measuring every register after zero rounds), then take the rounds
        that maximize the expected marked probability under the estimate's uncertainty
        (:func:`choose_iterations`). The true mean accuracy is never used.
    shots : int, default=1024
        Measurements of the weight register.
    copies : int, default=1
        Data registers; a tuple is marked only when every copy is classified correctly.
    estimation_shots : int, default=4096
        Samples of the marked-fraction estimate (only when ``iterations`` is ``None``).
    backend_options : dict, optional
        Passed to the backend when it is given by name; names the backend does not take are refused
        here, at construction.
    random_state, verbose, callback
        See :class:`~quark.optimizers.Optimizer`.

    Notes
    -----
    Ledger: ``circuit_executions += 1``, ``shots += shots``, ``grover_iterations +=
    iterations``, ``oracle_queries += iterations * shots``; ``model_evaluations`` counts the
    estimate (``copies`` per drawn tuple) and the classical check of every distinct measured
    setting (``m`` samples each).

    ``info``: ``counts`` (``{index: times measured}``, most frequent first), ``iterations``,
    ``copies``, ``estimated_marked_fraction`` (``None`` when ``iterations`` was given),
    ``distinct_measured``, ``mode`` (the most frequently measured index) and ``stop_reason``.

    Examples
    --------
    >>> from quark.datasets import load_edge_detection
    >>> from quark.encoding import LossLandscape
    >>> from quark.models import LineDetector
    >>> X, y = load_edge_detection(lines="rows")
    >>> land = LossLandscape(LineDetector(grouping="paper"), None, X, y)
    >>> res = QuarkSearch(iterations=6, shots=2000, copies=8, random_state=0).minimize(land)
    >>> res.weights.tolist(), res.loss                  # rows gate on: every image right
    ([1, 0, 0], 0.0)
    >>> res.info["mode"]                                # and it is the most measured setting
    1
    """

    name = "quark"
    exponential_cost = True

    def __init__(
        self,
        backend="statevector",
        iterations: int | None = None,
        shots: int = 1024,
        copies: int = 1,
        estimation_shots: int = 4096,
        backend_options: dict | None = None,
        random_state=None,
        verbose: bool = False,
        callback=None,
    ) -> None:
        super().__init__(random_state=random_state, verbose=verbose, callback=callback)
        self.backend = backend
        self.iterations = iterations
        self.shots = shots
        self.copies = copies
        self.estimation_shots = estimation_shots
        check_backend_option_names(self, backend, backend_options)  # names only: a typo fails here
        self.backend_options = mask_secrets(backend_options)  # credentials never print

    def _validate(self) -> None:
        super()._validate()
        check_int(self.iterations, "iterations", minimum=0, allow_none=True)
        check_int(self.shots, "shots")
        check_int(self.copies, "copies")
        check_int(self.estimation_shots, "estimation_shots")
        check_mapping(self.backend_options, "backend_options")
        backend = self._backend()
        if not getattr(backend, "supports_joint", False):
            raise TypeError(f"'backend' must run the joint amplification (implement _sample_joint); got {type(backend).__name__}")

    def _backend(self):
        return _resolve_backend(self, self.backend, self.backend_options)

    def qubits_needed(self, problem) -> tuple[int, str]:
        backend = self._backend()
        if getattr(backend, "properties", {}).get("gate_level"):
            jo = backend.joint_oracle(problem, int(self.copies))
            q = jo.circuit.num_qubits
            return q, f"a {q}-qubit joint circuit ({jo.n_weights} weight + {q - jo.n_weights} data and work qubits)"
        return super().qubits_needed(problem)

    def _allocations(self, problem) -> list[tuple[float, str]]:
        out = super()._allocations(problem)
        if self.iterations is None:
            n = int(self.estimation_shots) * int(self.copies)
            out.append((8.0 * n, f"the marked-fraction estimate ('estimation_shots'={self.estimation_shots} x "
                                 f"'copies'={self.copies} sample indices, 8 bytes each)"))
        return out

    def _estimate_hits(self, problem, rng: np.random.Generator) -> int:
        """Marked tuples among ``estimation_shots`` uniform (w, i1, ..., ik), checked classically."""
        n_est, k = int(self.estimation_shots), int(self.copies)
        w = rng.integers(0, 1 << problem.n_qubits, size=n_est, dtype=np.int64)
        samples = rng.integers(0, problem.n_samples, size=(n_est, k))
        all_right = np.ones(n_est, dtype=bool)
        step = max(1, (1 << 20) // max(problem.n_samples, 1))
        for s in range(0, n_est, step):  # which samples a block of settings gets right, then pick
            right = problem.correct_samples(w[s : s + step])
            rows = np.arange(right.shape[0])[:, None]
            all_right[s : s + step] = right[rows, samples[s : s + step]].all(axis=1)
        return int(all_right.sum())

    def _search(self, problem, ledger, rng):
        if not problem.classifies:
            raise TypeError(
                "QuarkSearch amplifies correctly classified (weight, sample) pairs, so it needs a "
                "LossLandscape (a model and its data); for a bare loss table or QUBO use GroverAdaptiveSearch"
            )
        backend = self._backend()
        estimate = None
        if self.iterations is None:
            hits = self._estimate_hits(problem, rng)
            ledger.update(model_evaluations=int(self.estimation_shots) * int(self.copies))
            estimate = hits / int(self.estimation_shots)
            iterations = choose_iterations(hits, int(self.estimation_shots))
        else:
            iterations = int(self.iterations)
        shots = int(self.shots)
        with self._bar(shots, unit="shot") as bar:
            with charging_partial(ledger, iterations):
                samples = Samples.coerce(backend.sample_joint(problem, iterations, shots, int(self.copies), rng), shots,
                                         problem.n_qubits)
            ledger.charge_samples(samples, iterations)
            bar.update(shots)
            distinct, times = np.unique(samples.indices, return_counts=True)
            losses = self._check(problem, distinct, ledger)
            bar.set_postfix(rounds=iterations, distinct=int(distinct.size), best_loss=f"{float(losses.min()):.4g}")
        # best loss first; among equals, the most measured
        j = int(np.lexsort((-times, losses))[0])
        ledger.record(float(losses[j]))
        by_count = np.argsort(-times, kind="stable")
        best_loss = float(losses[j])
        # reported only, after the measurement: a device cannot count what lies below
        n_marked = int(backend.marked_count(problem, best_loss)) if isinstance(backend, MarkedCounter) else None
        best_share = float(times[j]) / shots
        uniform_share = 1.0 / (1 << problem.n_qubits)
        if n_marked:
            self._warn_missed(
                f"the best measured setting (loss {best_loss:.6g}, measured {int(times[j])} of {shots} times) is not the "
                f"optimum: {n_marked} setting(s) lie below it; set "
                + self._spell({"copies": 2 * int(self.copies)}, {"shots": 2 * shots})
                + " (more copies amplify accuracy**copies), or search with GroverAdaptiveSearch, which finds the "
                "minimum (QuarkClassifier(optimizer='grover'); command line: --optimizer grover)"
            )
        elif n_marked is None and times[j] <= 1 and distinct.size > 0.9 * shots:
            self._warn_missed(
                f"the measured weights look uniform ({distinct.size} distinct settings in {shots} shots, the best "
                "measured once): the amplification probably missed the optimum; set "
                + self._spell({"copies": 2 * int(self.copies)}, {"shots": 2 * shots})
            )
        info = {
            "counts": {int(distinct[i]): int(times[i]) for i in by_count},
            "measured_losses": {int(d): float(v) for d, v in zip(distinct, losses)},
            "iterations": iterations,
            "copies": int(self.copies),
            "estimated_marked_fraction": estimate,
            "distinct_measured": int(distinct.size),
            "mode": int(distinct[by_count[0]]),
            "stop_reason": "measured",
            "best_measured_fraction": best_share,
            "uniform_fraction": uniform_share,
            "n_marked_final": n_marked,
            "reached_optimum": None if n_marked is None else n_marked == 0,
        }
        return int(distinct[j]), float(losses[j]), info
