"""Block-wise search: problems too large for one register, optimized a block of bits at a time.

:class:`BlockSearch` holds a current bit string and sweeps over blocks of at most ``block_size`` bits.
Each block step is a real inner search — Grover adaptive search by default; the paper's
amplification, annealing or exhaustive search on request — on the problem *restricted* to the block,
the other bits fixed (:meth:`quark.encoding.SearchProblem.restrict`: exact losses; for linear models
built from the fixed part's pre-activations). The block takes the inner search's answer when it
lowers the loss. Sweeps continue until a whole sweep improves nothing (a block-wise local optimum:
no block of the partition can improve alone) or the budget runs out.

Two savings, both exact (``inner_start``, ``skip_unchanged``):

- **Warm starts.** An inner search that takes an ``init`` (Grover adaptive search) begins from the
  block's incumbent — its first threshold the incumbent's loss, its stopping rule's prior the
  log-uniform one of a warm start (:mod:`quark.optimizers._stopping`) — instead of a uniformly
  random setting. Most block steps late in a fit have nothing to improve; they stop confident at
  about 1.9 sqrt(N) queries instead of 2.5-3.0 sqrt(N). ``inner_start="random"`` is the cold start.
- **Skipping settled blocks.** The restricted problem of block ``B`` is a function of the bits
  *outside* ``B`` alone (the problem's loss with those bits fixed; for a linear model's squared loss
  the quadratic form ``c + l.b + b'Qb`` whose ``c`` and ``l`` come from the outside bits' scores and
  ``Q`` from ``B``'s own columns). If no outside bit changed since ``B``'s last search, a new search
  would face the very same problem: it is skipped when that last search *settled* it by its own
  evidence (a confident stop, or an exhaustive search) — what a device would know, never the
  simulator's count of what remains. The block's random seed is drawn all the same, so every
  searched block gets the seed it would get without skipping: with an exhaustive inner search the
  result is identical, with Grover it differs only where a re-search of a settled block would have
  overturned a wrong confident stop (the risk ``1 - confidence`` a device accepts anyway).

Every inner search's costs are added to one ledger; the history runs across sweeps; ``info``
reports each sweep and how often the inner search reached its block's optimum.

Two ways to pick the blocks. Quark's own sweeps work on any problem: a restriction of a landscape is
built from the model and its data, never from its QUBO, so linear models with thousands of weight bits
are searched without forming their dense QUBO. For a problem that *is* a binary quadratic model
(dimod BQMs, binary ``QuadraticProgram``), ``decomposer="hybrid"`` hands the decomposition to
dwave-hybrid instead: its ``EnergyImpactDecomposer`` picks the variables, the inner Quark search
solves the subproblem dwave-hybrid induces, its ``SplatComposer`` writes the answer back, and
``LoopUntilNoImprovement`` stops after a whole sweep's worth of subproblems without improvement.
``"auto"`` uses dwave-hybrid for BQMs of more than 64 variables.
"""

from __future__ import annotations

import copy
import math
import warnings
from typing import Any

import numpy as np

from quark._params import ParamsMixin
from quark._validation import check_bool, check_choice, check_int, check_mapping
from quark.exceptions import ProblemTooLargeError
from quark.optimizers.base import Optimizer, SearchWarning, spell_settings
from quark.optimizers.start import INITS, start_bits

__all__ = ["BlockSearch", "ORDERS", "DEFAULT_BLOCK_SIZE", "fitting_block_size"]

#: Block orders: index order, a fresh random partition per sweep, or the bits whose single flip
#: improves the loss most first (measured: docs/real_data.md).
ORDERS = ("cyclic", "random", "impact", "structured")
#: Bits per block by default: a block's exact table has 2**16 entries (0.5 MiB), cheap to build.
DEFAULT_BLOCK_SIZE = 16
#: How blocks are chosen: Quark's own sweeps, dwave-hybrid's decomposer (BQMs), or by problem.
DECOMPOSERS = ("auto", "quark", "hybrid")
#: Where an inner search begins: the block's incumbent (warm) or a random setting (cold).
INNER_STARTS = ("incumbent", "random")
#: Inner stops that settle a block by the search's own evidence (what a device would know).
SETTLED_STOPS = ("confident", "exhausted")
#: ``decomposer="auto"``: dwave-hybrid for binary quadratic models with more variables than this.
HYBRID_MIN_VARIABLES = 64
#: 2**i: a block's bits (at most 30) to their setting index
_POWERS = np.int64(1) << np.arange(62, dtype=np.int64)


def _count_step(by_size: dict, block: np.ndarray, res) -> None:
    """Add a block step to ``info["block_sizes"]``: per block size, the steps, oracle queries and shots
    its inner searches made, and the last block of that size (what a resource estimate rebuilds)."""
    d = by_size.setdefault(int(block.size), {"steps": 0, "oracle_queries": 0, "shots": 0})
    d["steps"] += 1
    d["oracle_queries"] += int(res.ledger.oracle_queries)
    d["shots"] += int(res.ledger.shots)
    d["block"] = [int(i) for i in block.tolist()]  # (Python ints from an integer array without numpy scalars)
    d["inner"] = res.info.get("optimizer")
    if "copies" in res.info:
        d["copies"] = int(res.info["copies"])


def _latest_outside(changed_at: np.ndarray, block: np.ndarray) -> int:
    """The latest step at which a bit outside ``block`` changed (-1: never)."""
    own = changed_at[block].copy()
    changed_at[block] = -1
    latest = int(changed_at.max())
    changed_at[block] = own
    return latest


def _fresh(obj: Any) -> Any:
    """``obj``'s class built again from its parameters, each copied (parameter objects built again the same
    way): scikit-learn's ``clone`` for these parameter-only objects, without importing scikit-learn, which
    costs a worker process of a parallel fit about a second."""
    params = {k: _fresh(v) if isinstance(v, ParamsMixin) else copy.deepcopy(v)
              for k, v in obj.get_params(deep=False).items()}
    return type(obj)(**params)


def fitting_block_size(inner: Optimizer, probes, qubits: int, wanted: int) -> tuple[int | None, str]:
    """The largest block size ``b <= wanted`` whose search by ``inner`` needs at most ``qubits`` qubits (work
    qubits included) on every problem ``probes(b)`` returns (the restrictions to blocks of ``b`` bits that
    stand for the rest), and what the widest of the last probes needed (for messages); ``None`` when not even
    one bit fits."""
    what = ""
    for b in range(wanted, 0, -1):
        q, what = max((inner.qubits_needed(sub) for sub in probes(b)), key=lambda need: need[0])
        if q <= qubits:
            return b, what
    return None, what


class BlockSearch(Optimizer):
    """Minimize a large problem by exact inner searches over blocks of its bits (see the module docstring).

    Parameters
    ----------
    inner : str or Optimizer, default="grover"
        The search run on each block (``"grover"``, ``"quark"``, ``"anneal"``, ``"exhaustive"`` or an
        instance, cloned and seeded per block).
    block_size : int, default=16
        Bits per block. Problems no larger than this are one block (one inner search).
    max_sweeps : int, default=50
        Budget in sweeps; a sweep that improves nothing stops the search earlier.
    order : {"cyclic", "random", "impact", "structured"}, default="random"
        How bits are grouped into blocks each sweep: consecutive bits, a random partition, sorted
        by the loss change of flipping each bit alone (checked classically and counted), or the
        problem's own grouping (``problem.natural_blocks(block_size, rng)``, e.g. a network's bits
        unit by unit; a random partition for problems without one).
    init : None, {"random", "zeros"} or array, default=None
        The starting bit string; an array is a warm start (its provenance is the caller's to state).
        ``None``: a random start here; inside :class:`~quark.QuarkClassifier`, the classifier's start
        (the rounded ridge solution of a linear model, see its ``start``). Given explicitly it is always
        honoured (and checked: one string of ``n_qubits`` 0s and 1s).
    restarts : int, default=0
        Further runs from random starts; the best result is returned (costs of all are counted).
    inner_options : dict, optional
        Parameters of the inner optimizer when it is given by name.
    decomposer : {"auto", "quark", "hybrid"}, default="auto"
        Quark's own sweeps, or dwave-hybrid's decomposition for binary quadratic models (see the
        module docstring); ``"auto"``: dwave-hybrid for BQMs of more than 64 variables.
    inner_start : {"incumbent", "random"}, default="incumbent"
        Where an inner search that takes ``init`` begins: the block's incumbent (a warm start) or a
        uniformly random setting of the block (the cold start).
    skip_unchanged : bool, default=True
        Skip a block whose last search settled it (confident stop or exhaustive) when no bit outside it
        has changed since (exact: the same problem; see the module docstring).
    random_state, verbose, callback
        See :class:`~quark.optimizers.Optimizer`.

    Notes
    -----
    ``info``: ``decomposer`` (``"quark"`` or ``"hybrid"``), ``sweeps`` (per sweep: blocks, improving
    blocks, skipped blocks, loss after, oracle queries and model evaluations so far), ``converged`` (a
    whole sweep improved nothing), ``block_steps`` (inner searches run; a skipped block is not a step),
    ``oracles`` (threshold oracle kind -> block steps that ran it, for inner searches on gate-level
    backends; empty otherwise), ``block_sizes`` (per block size: ``steps``, ``oracle_queries``,
    ``shots``, the last ``block`` of that size and the ``inner`` optimizer's name),
    ``inner_reached_optimum`` (the fraction of block steps whose inner search reports it reached the
    block's optimum; ``None`` when it cannot say),
    ``reached_optimum`` (the inner search's answer when the problem is one block; else ``None``:
    a block-wise local optimum is not known to be global), ``skipped_blocks`` (blocks skipped as
    settled and unchanged), ``inner_start`` and ``simulation_s`` (seconds the inner searches spent in
    their backend's simulation — tables, amplitudes, draws — rather than in the algorithm; never a
    device's cost, which the ledger counts), ``unsimulated_rounds`` (the inner Grover searches' rounds
    the exact kernel ran as certain misses without simulating them; see
    :class:`~quark.optimizers.GroverAdaptiveSearch`).

    Examples
    --------
    >>> import numpy as np
    >>> table = np.random.default_rng(0).permutation(1 << 12).astype(float)
    >>> res = BlockSearch(inner="exhaustive", block_size=6, random_state=0).minimize(table)
    >>> res.info["converged"], bool(res.loss <= np.sort(table)[40])        # a good local optimum
    (True, True)
    """

    name = "block"
    #: Private switch (tests): later block steps of an inner search that allows it run on the shared, checked
    #: template (``_block_steps_shared``); ``False`` runs every step through a copy's public ``minimize``.
    _lean = True

    def __init__(
        self,
        inner: Any = "grover",
        block_size: int = DEFAULT_BLOCK_SIZE,
        max_sweeps: int = 50,
        order: str = "random",
        init: Any = None,
        restarts: int = 0,
        inner_options: dict | None = None,
        decomposer: str = "auto",
        inner_start: str = "incumbent",
        skip_unchanged: bool = True,
        *,
        random_state=None,
        verbose: bool = False,
        callback=None,
    ) -> None:
        super().__init__(random_state=random_state, verbose=verbose, callback=callback)
        self.inner = inner
        self.block_size = block_size
        self.max_sweeps = max_sweeps
        self.order = order
        self.init = init
        self.restarts = restarts
        self.inner_options = inner_options
        self.decomposer = decomposer
        self.inner_start = inner_start
        self.skip_unchanged = skip_unchanged

    def _validate(self) -> None:
        from quark.optimizers.registry import optimizer_names

        super()._validate()
        if not isinstance(self.inner, Optimizer):
            check_choice(self.inner, "inner", sorted(set(optimizer_names()) - {"block", "none"}))
        elif self.inner_options:
            raise ValueError("'inner_options' apply only when 'inner' is given by name; set them on the instance")
        check_int(self.block_size, "block_size", maximum=30)
        check_int(self.max_sweeps, "max_sweeps")
        check_choice(self.order, "order", ORDERS)
        check_int(self.restarts, "restarts", minimum=0)
        check_mapping(self.inner_options, "inner_options")
        check_choice(self.decomposer, "decomposer", DECOMPOSERS)
        check_choice(self.inner_start, "inner_start", INNER_STARTS)
        check_bool(self.skip_unchanged, "skip_unchanged")
        if isinstance(self.init, str):
            check_choice(self.init, "init", INITS)

    def _inner(self, seed: int) -> Optimizer:
        """The inner optimizer of one block, seeded: a shallow copy of one clone made per search (a clone
        per block cost more than a 16-qubit search; the copies share its resolved backend)."""
        from quark.optimizers.registry import get_optimizer

        template = getattr(self, "_inner_template", None)
        if template is None:  # made afresh by every search (see _search)
            if isinstance(self.inner, Optimizer):
                template = _fresh(self.inner).set_params(verbose=False, callback=None)
            else:
                template = get_optimizer(self.inner, **(self.inner_options or {}))
            if callable(getattr(template, "_backend", None)):
                template._backend()  # resolved once, shared by the copies
            self._inner_template = template
            self._inner_checked = False
            self._inner_takes_init = "init" in template._param_names()
            # declared by the class itself: a subclass (its own minimize or _search) takes the public route
            self._inner_shared = bool(type(template).__dict__.get("_block_steps_shared", False))
        inner = copy.copy(template)
        cache = template.__dict__.get("_backend_cache")
        if cache is not None:  # copy.copy goes through __getstate__, which drops the built backend (never pickled)
            inner._backend_cache = cache
        inner.random_state = seed  # a seed drawn from this search's generator (what set_params would set)
        if self._inner_checked:
            # the first copy's search checked the template's parameters; the copies differ only in
            # random_state (an int drawn here) and init (a block's bits, checked where the search reads them)
            inner._checked_copy = True
        return inner

    def _run_inner(self, sub, rng, seed: int | None = None, init=None):
        """One block's inner search; advice in its errors re-spelled as this search's ``inner_options``.

        ``init``: the block's incumbent bits, a warm start for an inner search that takes one."""
        seed = int(rng.integers(0, 2**31 - 1)) if seed is None else seed
        # after the first step (its public search checked the template's parameters) a step of an inner search
        # that allows it runs on the template itself: no copy, no checks again, the seed's stream made here
        # (what as_generator makes of an int). The same search as on a fresh copy (see _block_steps_shared)
        template = getattr(self, "_inner_template", None)  # made (and marked unchecked) by the first step's _inner
        shared = template is not None and self._inner_checked and self._inner_shared and self._lean
        inner = template if shared else self._inner(seed)
        if shared:
            inner.random_state = seed
        if init is not None and self._inner_takes_init:
            # a shared step gets the incumbent as its index (bit i of the index is bit i of the block): the bits
            # are this search's own, checked when it started, so the inner search need not check them again
            inner.init = int(init.astype(np.int64) @ _POWERS[: init.size]) if shared else init
        try:
            with warnings.catch_warnings():  # a block's miss is counted by the caller, not shouted per block
                warnings.simplefilter("ignore", SearchWarning)
                if shared:
                    inner._guard(sub)
                # one line: a warning of the inner search names this line either way (its once-per-location registry)
                res = inner._run(sub, np.random.default_rng(seed)) if shared else inner.minimize(sub)
            self._inner_checked = True
            return res
        except (ValueError, TypeError) as exc:
            if isinstance(exc, ProblemTooLargeError):  # a circuit past memory: the block size that fits
                sized = self._too_large(exc, inner, sub)
                if sized is not exc:
                    raise sized from None
            if not getattr(exc, "alternatives", None) or not isinstance(self.inner, str):
                raise
            text = " or ".join(spell_settings(type(inner).__name__, inner.name, a, nested_in=("BlockSearch", "block"))
                               for a in exc.alternatives)
            note = f" ({exc.note})" if getattr(exc, "note", "") else ""
            raise type(exc)(f"{exc.reason}; set {text}{note}") from None

    def _too_large(self, exc: ProblemTooLargeError, inner: Optimizer, sub) -> ProblemTooLargeError:
        """A block's circuit that does not fit in memory: the error says which block size would fit (the largest
        whose search holds the ``fitting_qubits`` the backend names) and the classifier's ``max_qubits``."""
        fits = getattr(exc, "fitting_qubits", None)
        if not fits or sub.n_qubits <= 1:
            return exc
        zeros = np.zeros(sub.n_qubits, dtype=np.uint8)
        size, _ = fitting_block_size(inner, lambda k: [sub.restrict(np.arange(k), zeros)], fits, sub.n_qubits - 1)
        if size is None:
            return exc
        new = ProblemTooLargeError(
            f"{exc}. This block search's blocks of {sub.n_qubits} bits need it; blocks of {size} bits fit: set "
            f"{self._spell({'block_size': size})}, or QuarkClassifier(max_qubits={fits}) (command line: --max-qubits "
            f"{fits}), which sizes the blocks so that their circuits hold at most that many qubits")
        new.allowed_bytes, new.fitting_qubits = getattr(exc, "allowed_bytes", None), fits
        return new

    # -- the search -------------------------------------------------------------------------------
    def _start(self, problem, rng, restart: int) -> np.ndarray:
        init = "random" if (restart > 0 or self.init is None) else self.init
        return start_bits(init, problem.n_qubits, rng)

    def _blocks(self, problem, bits, loss, rng, ledger) -> list[np.ndarray]:
        n, b = problem.n_qubits, min(self.block_size, problem.n_qubits)
        if self.order == "structured" and hasattr(problem, "natural_blocks"):
            return [np.asarray(blk) for blk in problem.natural_blocks(b, rng)]
        if self.order == "cyclic":
            idx = np.arange(n)
        elif self.order in ("random", "structured"):
            idx = rng.permutation(n)
        else:  # impact: single-bit flips checked classically (n evaluations, counted)
            flips = np.repeat(bits[None, :], n, axis=0)
            flips[np.arange(n), np.arange(n)] ^= 1
            delta = self._check(problem, flips, ledger, indices=False) - loss
            idx = np.argsort(delta, kind="stable")
        return [np.sort(idx[s : s + b]) for s in range(0, n, b)]

    def _uses_hybrid(self, problem) -> bool:
        from quark.encoding.problem import PolynomialProblem

        bqm = isinstance(problem, PolynomialProblem) and problem.is_quadratic
        if self.decomposer == "hybrid" and not bqm:
            raise ValueError("decomposer='hybrid' decomposes binary quadratic models (dimod BQMs, QuadraticPrograms); "
                             f"got {problem!r}: use decomposer='quark'")
        return self.decomposer == "hybrid" or (self.decomposer == "auto" and bqm
                                               and problem.n_qubits > HYBRID_MIN_VARIABLES)

    def _search(self, problem, ledger, rng):
        self._inner_template = None  # the inner optimizer as it is now, cloned once for this search
        reset = getattr(problem, "reset_restrictions", None)
        if callable(reset):  # incremental state left by an earlier search would make this one round differently
            reset()
        try:
            return self._sweep_search(problem, ledger, rng)
        finally:
            self._inner_template = None

    def _sweep_search(self, problem, ledger, rng):
        if self._uses_hybrid(problem):
            from quark.optimizers.hybrid_blocks import hybrid_search

            return hybrid_search(self, problem, ledger, rng)
        best = None
        sweeps_info: list[dict[str, Any]] = []
        steps = reached = known = skipped = 0
        simulation_s = 0.0
        unsimulated = 0
        by_size: dict[int, dict[str, Any]] = {}
        oracles: dict[str, int] = {}
        converged_all = True
        n = problem.n_qubits
        n_blocks = math.ceil(n / min(self.block_size, n))
        if self.order == "structured" and hasattr(problem, "natural_blocks"):  # a count only: a throwaway rng
            n_blocks = len(problem.natural_blocks(min(self.block_size, problem.n_qubits), np.random.default_rng(0)))
        warm = self.inner_start == "incumbent"
        # this search's own partitions (sorted, distinct, in range) restrict without checks; a problem's
        # natural blocks are the problem's to vouch for, and are checked
        own_blocks = self._lean and not (self.order == "structured" and hasattr(problem, "natural_blocks"))
        with self._bar(n_blocks * self.max_sweeps * (1 + self.restarts), unit="block") as bar:
            for restart in range(1 + self.restarts):
                bits = self._start(problem, rng, restart)
                loss = float(self._check(problem, bits[None, :], ledger, indices=False)[0])
                ledger.record(loss, sweep=0, restart=restart)
                converged = False
                # skipping: the step at which each bit last changed, and per block (its bits) the step
                # of its last search when that search settled it. Exact: a block's restricted problem is
                # a function of the bits outside it alone (the loss with them fixed; for a linear model's
                # squared loss, c + l.b + b'Qb with c, l from the outside bits' scores and Q from the
                # block's own columns), so unchanged outside bits pose the very problem already settled
                changed_at = np.full(n, -1, dtype=np.int64)
                settled: dict[bytes, int] = {}
                clock = 0
                for sweep in range(1, self.max_sweeps + 1):
                    improved = skipped_here = 0
                    for block in self._blocks(problem, bits, loss, rng, ledger):
                        seed = int(rng.integers(0, 2**31 - 1))  # drawn for skipped blocks too: seeds stay aligned
                        clock += 1
                        key = block.tobytes()
                        if self.skip_unchanged and key in settled and \
                                _latest_outside(changed_at, block) < settled[key]:
                            skipped += 1
                            skipped_here += 1
                            bar.update(1)
                            continue
                        sub = problem._restrict_block(block, bits) if own_blocks else problem.restrict(block, bits)
                        res = self._run_inner(sub, rng, seed, init=bits[block] if warm else None)
                        ledger.add(res.ledger)
                        simulation_s += float(res.info.get("simulation_s") or 0.0)
                        unsimulated += int(res.info.get("unsimulated_rounds") or 0)
                        steps += 1
                        _count_step(by_size, block, res)
                        kind = res.info.get("oracle")
                        if kind is not None:  # the threshold oracle a gate-level inner search ran
                            oracles[kind] = oracles.get(kind, 0) + 1
                        hit = res.info.get("reached_optimum")
                        if hit is not None:
                            known += 1
                            reached += bool(hit)
                        if res.loss < loss - 1e-12 * max(1.0, abs(loss)):
                            changed_at[block[bits[block] != res.bits]] = clock
                            bits[block] = res.bits
                            loss = float(res.loss)
                            self._note_best(ledger, bits, loss, problem.n_qubits)
                            improved += 1
                            ledger.record(loss, sweep=sweep, restart=restart)
                            bar.set_postfix(sweep=sweep, best_loss=f"{loss:.5g}", refresh=False)
                        if res.info.get("stop_reason") in SETTLED_STOPS:
                            settled[key] = clock
                        else:
                            settled.pop(key, None)
                        bar.update(1)
                    sweeps_info.append({"restart": restart, "sweep": sweep, "blocks": n_blocks,
                                        "improving_blocks": improved, "skipped_blocks": skipped_here, "loss": loss,
                                        "oracle_queries": ledger.oracle_queries,
                                        "model_evaluations": ledger.model_evaluations})
                    if improved == 0 or n_blocks == 1:
                        converged = True
                        break
                converged_all &= converged
                if best is None or loss < best[1]:
                    best = (bits.copy(), loss)
            if converged_all:  # ended early: the bar ends full at the blocks actually searched
                bar.total = bar.n
                getattr(bar, "refresh", lambda: None)()
        # the reported loss is the problem's own, checked once more (a restriction's rounding cannot leak)
        final = float(self._check(problem, best[0][None, :], ledger, indices=False)[0])
        ledger.record(final)
        single = n_blocks == 1 and self.restarts == 0
        info = {
            "decomposer": "quark",
            "sweeps": sweeps_info,
            "converged": converged_all,
            "block_steps": steps,
            "block_sizes": by_size,
            "oracles": oracles,
            "blocks_per_sweep": n_blocks,
            "block_size": min(self.block_size, problem.n_qubits),
            "inner_reached_optimum": (reached / known) if known else None,
            "reached_optimum": (bool(reached) if known else None) if single else None,
            "stop_reason": "converged" if converged_all else "max_sweeps",
            "skipped_blocks": skipped,
            "inner_start": self.inner_start,
            "simulation_s": simulation_s,
            "unsimulated_rounds": unsimulated,
        }
        if not converged_all:
            warnings.warn(
                f"BlockSearch stopped after max_sweeps={self.max_sweeps} sweeps while the last sweep still improved "
                f"the loss ({sweeps_info[-1]['improving_blocks']} improving blocks); set "
                + self._spell({"max_sweeps": 2 * int(self.max_sweeps)}),
                SearchWarning, stacklevel=3,
            )
        return best[0], final, info
