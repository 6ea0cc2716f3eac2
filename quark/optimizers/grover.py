"""Grover adaptive search: Dürr–Høyer minimum finding that stops when what it measured says it is done."""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from quark._params import mask_secrets
from quark._validation import check_bool, check_int, check_mapping, check_number
from quark.backends.base import GroverBackend, MarkedCounter, Samples
from quark.encoding.bits import as_bit_array, bits_to_index
from quark.optimizers._stopping import PosteriorWalk
from quark.optimizers.base import Optimizer, _resolve_backend, _charge_partial, check_backend_option_names

__all__ = ["GroverAdaptiveSearch", "DEFAULT_BUDGET_FACTOR"]

#: Default query budget (a cap), in units of sqrt(N). Measured on 100-200 random landscapes per
#: size, n = 8..24 (docs/grover.md): the default search stops confident after a median of 2.5-3.0
#: sqrt(N) queries; 0.5-5% of runs reach this cap first.
DEFAULT_BUDGET_FACTOR = 4.5


class GroverAdaptiveSearch(Optimizer):
    """Dürr–Høyer minimum finding: Grover search below a falling loss threshold, stopped by evidence.

    The threshold starts at the loss of a uniformly random weight setting (checked classically), or,
    given ``init`` (a warm start: a block's incumbent in a block-wise search), at that setting's loss.
    Each round runs ``k`` Grover iterations of the threshold oracle (phase flip of every setting
    whose loss is below the threshold) and diffuser, measures the weight register ``shots``
    times, checks the measured settings classically and lowers the threshold to the best of
    them when it is better.

    **When to stop, and which k** (``confidence``, default 0.99). The search keeps a Bayesian
    posterior over ``M``, the number of settings below its threshold, from nothing but what it
    measured: the ``k`` of each round and whether it improved (the Dürr–Høyer model: the first
    threshold is a uniform setting's loss, a round finds a marked setting with probability
    ``sin²((2k+1)θ)``, ``sin²θ = M/N``, an improvement lands on a uniform marked setting). It
    runs the ``k`` with the highest improvement probability per query; once ``P(M = 0)`` passes
    0.2 it runs the cheapest set of rounds that would prove ``P(M = 0) >= confidence`` if all of
    them missed, and stops as soon as it does (``stop_reason="confident"``). Ties and
    ``shots > 1`` only make it search longer. The query budget stays a cap. On random landscapes
    with n = 8..24 qubits (docs/grover.md) it stops after a median of 2.5-3.0 sqrt(N) queries,
    at the optimum in 97-100% of runs.

    A warm start has no Dürr–Høyer model for its first ``M``: its prior is log-uniform instead
    (``P(M) ∝ 1/(M+1)``, see :mod:`quark.optimizers._stopping`); the rest is the same. When the
    incumbent is already the optimum it stops after about 1.9 sqrt(N) queries (N = 2**16), against
    2.5-3.0 sqrt(N) from a random setting.

    ``confidence=None`` runs the BBHT schedule instead, to the budget: ``k`` drawn uniformly from
    ``{0, ..., ceil(m) - 1}``, the range ``m`` growing by ``growth`` after every round that does
    not improve, capped at ``sqrt(N)``, and kept after an improvement (the marked set only
    shrinks, so the best ``k`` only grows). ``restart=True`` is textbook Dürr–Høyer (BBHT
    restarted at ``m = 1`` after every improvement, no early stop), kept for comparison.

    The search never uses what a device cannot know (how many settings are marked, the true
    minimum). Where the backend can say it cheaply (the exact kernel), ``info`` *reports*, after
    the search, how many settings lie below the final loss.

    Parameters
    ----------
    backend : str or GroverBackend, default="statevector"
        Where the Grover circuits run (see :func:`quark.backends.get_backend`).
    max_queries : int, optional
        Oracle-query budget; default ``ceil(budget_factor * sqrt(N)) * shots``, ``N = 2**n_qubits`` (the same
        rounds whatever ``shots``), never more than ``4 N`` per shot (past that, exhaustive search is cheaper).
    confidence : float or None, default=0.99
        Stop once the posterior probability that no setting lies below the threshold reaches this
        (in ``(0, 1)``); ``None``: the BBHT schedule, run to the budget.
    growth : float, default=6/5
        Factor by which the BBHT range grows after a round without improvement (> 1; used when
        ``confidence=None`` or ``restart=True``).
    patience : int, optional
        Stop after this many consecutive rounds without improvement.
    target_loss : float, optional
        Stop as soon as a measured setting reaches this loss.
    shots : int, default=1
        Measurements per round (each re-runs the circuit, so each costs ``k`` oracle queries).
    budget_factor : float, default=4.5
        The default budget in units of ``sqrt(N)`` (ignored when ``max_queries`` is given).
    restart : bool, default=False
        ``True`` runs textbook Dürr–Høyer: the BBHT range restarts at 1 after every improvement and
        the search runs to the budget (``confidence`` is not used; kept for comparison, docs/grover.md).
    backend_options : dict, optional
        Passed to the backend when it is given by name (e.g. ``{"method": "statevector"}``); names the
        backend does not take are refused here, at construction.
    init : int or array of bits, optional
        A warm start: the setting (its index, or its bit string) whose loss is the first threshold, with
        the log-uniform prior above. ``None`` (default): a uniformly random setting.
    random_state, verbose, callback
        See :class:`~quark.optimizers.Optimizer`; ``verbose`` shows a tqdm bar of queries.

    Notes
    -----
    Ledger: per round, ``circuit_executions += 1``, ``shots += shots``, ``grover_iterations +=
    k`` (the circuit's depth in rounds), ``oracle_queries += k * shots``, and
    ``model_evaluations += evaluation_cost`` for each distinct measured setting (plus one for the
    initial random setting). The history gets a snapshot at the start, at every improvement and
    at the end.

    ``info``: ``start`` (``"random"`` or ``"warm"``), ``simulation_s`` (seconds in the backend's
    simulation — the loss table, amplitudes, draws — apart from the algorithm's own work and from
    the ledger, which counts what a device would pay), ``stop_reason`` (``"confident"``, ``"budget"``, ``"patience"`` or ``"target_loss"``),
    ``rounds``, ``improvements``, ``budget``, ``queries_at_best`` (oracle queries spent when the
    returned setting was first measured), ``p_remaining`` (the posterior probability that a
    setting below the returned loss remains; ``None`` for the BBHT schedule), ``n_marked_final`` (settings strictly below the returned loss:
    0 means the global optimum; ``None`` when the backend cannot say), ``reached_optimum``, and
    ``oracle``: the threshold oracle a gate-level backend ran (``"counting"``, ``"arithmetic"``,
    ``"unit"`` or ``"table"``; ``None`` on the exact kernel, which runs no circuit), with ``oracle_error_bound``
    (how far the loss the oracle compares may lie from the exact loss; 0 when exact) and
    ``compile_evaluations`` (the table oracle's ``2**n`` classical losses, also in the ledger), and
    ``unsimulated_rounds``: rounds the exact kernel did not simulate because it knew they would miss
    (nothing lay below the threshold; one shot, the posterior walk, a seed rather than a caller's
    Generator) — simulation only: they are run, counted in ``rounds`` and charged as drawn ones.

    Examples
    --------
    >>> import numpy as np
    >>> losses = np.random.default_rng(1).permutation(1024).astype(float)
    >>> res = GroverAdaptiveSearch(random_state=0).minimize(losses)
    >>> res.loss, res.info["reached_optimum"]
    (0.0, True)
    >>> res.ledger.oracle_queries <= 4.5 * 32 + 1
    True
    """

    name = "grover"
    exponential_cost = True
    # _search reads its parameters and sets nothing on the instance (its backend is resolved and cached once)
    _block_steps_shared = True

    def __init__(
        self,
        backend="statevector",
        max_queries: int | None = None,
        confidence: float | None = 0.99,
        growth: float = 6 / 5,
        patience: int | None = None,
        target_loss: float | None = None,
        shots: int = 1,
        budget_factor: float = DEFAULT_BUDGET_FACTOR,
        restart: bool = False,
        backend_options: dict | None = None,
        init=None,
        random_state=None,
        verbose: bool = False,
        callback=None,
    ) -> None:
        super().__init__(random_state=random_state, verbose=verbose, callback=callback)
        self.backend = backend
        self.max_queries = max_queries
        self.confidence = confidence
        self.growth = growth
        self.patience = patience
        self.target_loss = target_loss
        self.shots = shots
        self.budget_factor = budget_factor
        self.restart = restart
        self.init = init
        check_backend_option_names(self, backend, backend_options)  # names only: a typo fails here
        self.backend_options = mask_secrets(backend_options)  # credentials never print

    def _validate(self) -> None:
        super()._validate()
        check_int(self.max_queries, "max_queries", allow_none=True)
        check_number(self.confidence, "confidence", allow_none=True, above=0.0, below=1.0)
        check_number(self.growth, "growth", above=1.0)
        check_int(self.patience, "patience", allow_none=True)
        check_number(self.target_loss, "target_loss", allow_none=True, allow_inf=True)
        check_int(self.shots, "shots")
        check_number(self.budget_factor, "budget_factor", above=0.0)
        check_bool(self.restart, "restart")
        check_mapping(self.backend_options, "backend_options")
        backend = self._backend()
        if not callable(getattr(backend, "sample_threshold", None)):
            raise TypeError(f"'backend' must run Grover circuits (have sample_threshold); got {type(backend).__name__}")

    def _backend(self):
        return _resolve_backend(self, self.backend, self.backend_options)

    def qubits_needed(self, problem) -> tuple[int, str]:
        backend = self._backend()
        if getattr(backend, "properties", {}).get("gate_level"):
            orc = backend.threshold_oracle(problem)
            q = orc.circuit.num_qubits if orc.circuit is not None else orc.n_weights
            return q, f"a {q}-qubit {orc.kind} circuit ({orc.n_weights} weight + {q - orc.n_weights} work qubits)"
        return super().qubits_needed(problem)

    def _budget(self, n_qubits: int) -> int:
        """The query budget: ``ceil(budget_factor * sqrt(N))`` per shot of a round, or ``max_queries``.

        Never more than ``4 N`` per shot: past that, checking every setting classically is cheaper.
        """
        shots = int(self.shots)
        cap = 4 * (1 << n_qubits) * shots
        if self.max_queries is None:
            return min(cap, max(1, math.ceil(self.budget_factor * math.sqrt(2.0**n_qubits))) * shots)
        if self.max_queries > cap:
            warnings.warn(
                f"max_queries={self.max_queries} exceeds 4 N = {cap // shots} queries per shot for {n_qubits} qubits, "
                f"where checking all {1 << n_qubits} settings classically is cheaper; capped at {cap}",
                UserWarning, stacklevel=4,
            )
            return cap
        if self.max_queries < shots:
            warnings.warn(
                f"max_queries={self.max_queries} cannot pay for one Grover iteration at shots={shots}: the search "
                "can only measure the uniform superposition; raise max_queries or lower shots",
                UserWarning, stacklevel=4,
            )
        return int(self.max_queries)

    def _init_index(self, n: int) -> int:
        """The warm start's index on an ``n``-qubit problem (bit ``i`` of the index is variable ``i``)."""
        init = self.init
        if isinstance(init, (int, np.integer)) and not isinstance(init, bool):
            if not 0 <= int(init) < (1 << n):
                raise ValueError(f"'init' must be a setting index in [0, 2**{n}); got {init}")
            return int(init)
        bits = as_bit_array(init, n, name="init")
        if bits.ndim != 1:
            raise ValueError(f"'init' must be one bit string of {n} bits; got shape {bits.shape}")
        if n <= 62:  # checked just above: bits_to_index would check them again (a block step's cost)
            return int(bits.astype(np.int64) @ (np.int64(1) << np.arange(n, dtype=np.int64)))
        return int(bits_to_index(bits))

    def _search(self, problem, ledger, rng):
        backend = self._backend()
        n = problem.n_qubits
        budget = self._budget(n)
        cap = math.sqrt(2.0**n)
        shots = int(self.shots)

        oracle = None
        if getattr(backend, "properties", {}).get("gate_level") and callable(getattr(backend, "threshold_oracle", None)):
            # the circuit's oracle, chosen (or refused) before anything is spent; a table oracle's
            # classical losses are part of what this search costs
            oracle = backend.threshold_oracle(problem)
            if oracle.compile_evaluations:
                ledger.update(compile_evaluations=oracle.compile_evaluations)
        prepare_clock = time.perf_counter()  # the table is simulation too (see simulation_s below)
        if callable(getattr(backend, "prepare", None)):
            # a large table is built before the first round: a bar moves meanwhile, and a long build says so
            with self._bar(float(1 << n), unit="setting") as table_bar:
                table_bar.set_description("GroverAdaptiveSearch (loss table)")
                backend.prepare(problem, progress=self._timed(problem, table_bar))
        prepare_s = time.perf_counter() - prepare_clock
        best = int(rng.integers(0, 1 << n)) if self.init is None else self._init_index(n)
        # an index in range (drawn, or checked by _init_index): _check's fast path
        best_loss = float(self._check(problem, np.array([best], dtype=np.int64), ledger)[0])
        ledger.record(best_loss)
        bar = self._bar(budget)

        # seconds in the backend's simulation (tables, amplitudes, draws): reported apart from the ledger
        clock = time.perf_counter()
        if isinstance(backend, GroverBackend):
            sample = backend.threshold_sampler(problem)
        else:  # a duck-typed backend: its public method, its output checked every round
            def sample(threshold, k, n_shots, gen):
                return Samples.coerce(backend.sample_threshold(problem, threshold, k, n_shots, gen), n_shots, n)

        simulation_s = prepare_s + time.perf_counter() - clock
        m, queries, queries_at_best = 1.0, 0, 0
        rounds = improvements = since_improvement = 0
        stop_reason = "budget"
        # the evidence-based schedule and stop; BBHT (uniform k below a growing range) without it
        risk = None if self.confidence is None or self.restart else 1.0 - float(self.confidence)
        prior = "uniform" if self.init is None else "log-uniform"
        posterior = None if risk is None else PosteriorWalk(1 << n, risk, prior)
        # Simulation only: once the exact kernel says nothing lies below the threshold, every round misses
        # whatever it draws, and the threshold falls only on an improvement, so all the rounds left miss.
        # They are run without their draws and checks — the same k, walk, stops and charges (below the
        # loop). Only where a round's outcome is all that follows from it: the posterior walk (BBHT draws
        # its k from the stream) at one shot (more shots check as many distinct settings as they draw),
        # and a private stream — a Generator given as random_state is the caller's, and skipped draws
        # would leave it elsewhere. Nothing reads a private stream after the search: minimize drops it, and
        # a BlockSearch draws each block's seed from its own stream before the inner search.
        certain = None
        if posterior is not None and shots == 1 and not isinstance(self.random_state, np.random.Generator):
            certain = getattr(sample, "misses_certain", None)
        ask, skip = certain is not None, False  # ask once per threshold: the first, then after each improvement
        unsimulated = unsimulated_k = 0
        try:
            while True:
                if posterior is not None and rounds and posterior.p_remaining < risk:
                    stop_reason = "confident"
                    break
                if self.target_loss is not None and best_loss <= self.target_loss:
                    stop_reason = "target_loss"
                    break
                if self.patience is not None and since_improvement >= self.patience:
                    stop_reason = "patience"
                    break
                affordable = (budget - queries) // shots
                if affordable <= 0 and rounds > 0:
                    break
                k = int(rng.integers(0, math.ceil(m))) if posterior is None else posterior.next_k()
                last = k >= affordable  # the budget truncates this round: it is the last one
                k = min(k, max(affordable, 0))
                if ask:
                    clock = time.perf_counter()
                    skip, ask = bool(certain(best_loss)), False
                    simulation_s += time.perf_counter() - clock
                if skip:  # a certain miss: what the loop below does after a miss, without the draw and check
                    queries += k
                    rounds += 1
                    unsimulated += 1
                    unsimulated_k += k
                    posterior.update(k, False)
                    since_improvement += 1
                    bar.update(k)
                    if last:
                        break
                    continue
                clock = time.perf_counter()
                try:  # charging_partial's work, inline: a context manager per round cost more than a draw
                    samples = sample(best_loss, k, shots, rng)
                except Exception as exc:
                    _charge_partial(ledger, exc, k)
                    raise
                simulation_s += time.perf_counter() - clock
                queries += k * shots
                rounds += 1
                ledger.charge_samples(samples, k)
                distinct = samples.indices if shots == 1 else np.unique(samples.indices)
                losses = self._check(problem, distinct, ledger)
                j = 0 if losses.size == 1 else int(np.argmin(losses))
                improved = bool(losses[j] < best_loss)
                if posterior is not None:  # a truncated round is still evidence of what it ran
                    posterior.update(k, improved)
                if improved:
                    best, best_loss = int(distinct[j]), float(losses[j])
                    queries_at_best = queries
                    improvements += 1
                    since_improvement = 0
                    ledger.record(best_loss)
                    bar.set_postfix(best_loss=f"{best_loss:.4g}", refresh=False)
                    ask = certain is not None
                    if self.restart:
                        m = 1.0
                else:
                    since_improvement += 1
                    m = min(self.growth * m, cap)
                bar.update(k * shots)
                if last:
                    break
        finally:
            bar.close()
            if unsimulated:
                # what those rounds cost, as drawn ones would: charge_samples of the kernel's one-shot Samples
                # (one circuit, no device seconds) and one check each, the last one last (it sets
                # ledger.latest). No history snapshot lies between: nothing improves after a certain miss
                cost = int(problem.evaluation_cost)
                ledger.update(oracle_queries=unsimulated_k, grover_iterations=unsimulated_k, shots=unsimulated,
                              circuit_executions=unsimulated, model_evaluations=(unsimulated - 1) * cost)
                ledger.charge_evaluations(cost)

        # reported only, after the search: a device cannot know it, and nothing above used it
        n_marked = int(backend.marked_count(problem, best_loss)) if isinstance(backend, MarkedCounter) else None
        p_remaining = None if posterior is None else posterior.p_remaining
        if n_marked:
            # a confident stop that was wrong asks for more confidence; any other, for more queries
            advice = ("set " + self._spell({"confidence": 0.999}) if stop_reason == "confident"
                      else "raise max_queries or budget_factor")
            self._warn_missed(
                f"missed the optimum: {n_marked} setting(s) lie below the returned loss {best_loss:.6g} after "
                f"{queries} oracle queries in {rounds} rounds (budget {budget}, stopped: {stop_reason}); {advice}"
            )
        elif n_marked is None and p_remaining is not None and stop_reason not in ("confident", "target_loss") \
                and p_remaining >= risk:
            # no count from the backend: what was measured is all there is to say
            self._warn_missed(
                f"may have missed the optimum: stopped on the {stop_reason} after {queries} oracle queries in "
                f"{rounds} rounds with a {p_remaining:.0%} posterior probability that a setting below the returned "
                f"loss {best_loss:.6g} remains; raise max_queries or budget_factor"
            )
        ledger.record(best_loss)
        info = {
            "start": "random" if self.init is None else "warm",
            "stop_reason": stop_reason,
            "rounds": rounds,
            "improvements": improvements,
            "budget": budget,
            "queries_at_best": queries_at_best,
            "p_remaining": p_remaining,
            "n_marked_final": n_marked,
            "reached_optimum": None if n_marked is None else n_marked == 0,
            "oracle": None if oracle is None else oracle.kind,
            "simulation_s": simulation_s,
            "unsimulated_rounds": unsimulated,
        }
        if oracle is not None:
            info["oracle_error_bound"] = oracle.error_bound
            info["compile_evaluations"] = oracle.compile_evaluations
        return best, best_loss, info
