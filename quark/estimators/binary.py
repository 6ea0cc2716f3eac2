"""How the classifier fits one binary problem: a landscape, a search, and (linear models) the weight scale.

:func:`fit_binary` builds the loss landscape of one two-class problem and searches it:

- past ``max_qubits`` weight qubits, an optimizer whose cost grows as ``2**n`` runs block-wise
  (:class:`~quark.optimizers.BlockSearch` with the requested optimizer inside), so every model and
  every feature count can be fitted;
- linear models with scalable k-bit or ternary weights on the squared loss (an exact QUBO with a ridge
  penalty) quantize their feature weights as ``s * v``, ``v`` on the levels over ``[-1, 1]``, and the
  bias on the levels over ``[-1, 1]`` (the scale of ±1 targets). Two starts:

  ``start="ridge"`` (default) — the classical ridge least-squares solution of the same loss sets the
  scale ``s`` (the best of seven fractions of its largest weight, judged by the loss of the rounded
  weights) and, rounded to the levels, the starting weights; the block search then descends the
  exact loss from there. Measured (docs/real_data.md): at 4 bits the rounded solution is already
  nearly as accurate as the search's result — the search lowers the training loss by 1–5 %; with
  fewer bits it matters more. The solve reads the data once (its Gram matrix, which the QUBO needs
  anyway), counted in ``compile_evaluations``.

  ``start="hebbian"`` — no solver: ``s`` starts at the best scale of the Hebbian direction
  ``Phi^T t`` and alternates with the search (a block sweep at fixed ``s``, then the closed-form ``s``
  of the levels found) until ``s`` settles. Slower, and every step is the search's.

  ``start="random"`` — no solver either: uniformly random levels (seeded), the scale refitted as for
  the Hebbian start. Every other model starts a search that has a start (a block search, ``"none"``)
  from a random setting too, and from all-zero bits otherwise.

The start is what every search that takes one begins from (block searches, ``optimizer="none"``);
an explicit ``init`` of the optimizer (``optimizer_options={"init": ...}``) replaces it and is always
honoured. Searches without a start (annealing, random search, a whole-register Grover search) never
return worse than the start: when the start's loss is lower, the start is returned,
``info["start_kept"]`` says so and a :class:`~quark.optimizers.SearchWarning` gives both losses.

Searches are sized by ``max_qubits``: an exponential-cost optimizer runs block-wise past it, in blocks
of at most ``max_qubits`` qubits *of circuit* (a gate-level search counts its work qubits too), and
``optimizer="exhaustive"`` — the whole register, always — is refused past it with the alternatives.

The ridge penalty ``alpha="auto"`` is ``0.3 * d / m`` per sample (``d`` varying features, ``m``
samples or their total weight): scaled by the number of features, it suits small and wide data alike.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.weights import weight_encoding
from quark.estimators.scale import ScaleFit, SCALE_FRACTIONS, auto_alpha, nearest_levels, scalable, scaled_encoding
from quark.optimizers import BlockSearch, CostLedger, NoSearch, Optimizer, SearchResult, SearchWarning
from quark.optimizers.block import DEFAULT_BLOCK_SIZE, fitting_block_size
from quark.optimizers.start import start_bits

__all__ = ["BinaryFit", "fit_binary", "STARTS", "block_size_for", "searcher", "explicit_start", "start_generator"]

_MAX_SCALE_ROUNDS = 200

#: The classifier's starts (``QuarkClassifier(start=...)``): the one list every model's check reads.
STARTS = ("ridge", "hebbian", "float", "random")


#: Largest landscape (bytes of its arrays: the problem's training data) a pickled fit keeps.
KEEP_PROBLEM_BYTES = 32 * 2**20


def _array_bytes(problem) -> int:
    """Bytes of the NumPy arrays a problem holds (one level deep: its data, weights, cached scores)."""
    if problem is None:
        return 0
    return sum(v.nbytes for v in vars(problem).values() if isinstance(v, np.ndarray))


@dataclass
class BinaryFit:
    """One fitted two-class problem."""

    model: Any
    encoding: Any
    weights: np.ndarray
    bits: np.ndarray
    result: SearchResult
    info: dict = field(default_factory=dict)
    #: the landscape the (last) search ran on: what :func:`quark.resources.estimate` builds circuits for
    #: (saved with the model only up to :data:`KEEP_PROBLEM_BYTES` of arrays; see :meth:`__getstate__`)
    problem: Any = None

    def __getstate__(self) -> dict:
        """Pickle without a landscape whose arrays (the training data) exceed :data:`KEEP_PROBLEM_BYTES`:
        a saved model stays small; its resource estimate then needs the training data again."""
        state = dict(self.__dict__)
        size = _array_bytes(self.problem)
        if size > KEEP_PROBLEM_BYTES:
            state["problem"] = None
            state["info"] = {**self.info, "problem_not_saved_bytes": size}
        return state


def start_generator(random_state) -> np.random.Generator:
    """The generator of a random start: a stream of its own beside the search's (same seed, other stream)."""
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.default_rng([int(random_state), 0x57A27])
    from quark._random import as_generator

    return as_generator(random_state)


def explicit_start(optimizer: Optimizer, n: int, rng) -> np.ndarray | None:
    """The start the optimizer was given explicitly (``BlockSearch(init=...)``, ``NoSearch(init=...)``), as
    bits of this problem; ``None`` when it takes the classifier's."""
    init = getattr(optimizer, "init", None) if isinstance(optimizer, (BlockSearch, NoSearch)) else None
    return None if init is None else start_bits(init, n, rng)


def block_size_for(inner: Optimizer, land: LossLandscape, max_qubits: int | None, wanted: int = DEFAULT_BLOCK_SIZE,
                   start=None) -> int:
    """The largest block (at most ``wanted`` bits) whose search by ``inner`` holds at most ``max_qubits``
    qubits — work qubits of a gate-level circuit included.

    The first block is probed with the other bits at zero and, when given, at ``start`` (the search's
    first incumbent): an arithmetic oracle's value register follows the range of the restricted loss,
    which moves with the bits outside the block.
    """
    b = min(wanted, land.n_qubits)
    if max_qubits is None:
        return b
    bases = [np.zeros(land.n_qubits, dtype=np.uint8)]
    if start is not None and not isinstance(start, str):
        bases.append(np.asarray(start, dtype=np.uint8))
    size, what = fitting_block_size(inner, lambda k: [land.restrict(np.arange(k), base) for base in bases],
                                    max_qubits, min(b, max_qubits))
    if size is not None:
        return size
    raise ValueError(f"even a one-bit block of optimizer {inner.name!r} needs {what}, past max_qubits={max_qubits}; "
                     "set a larger QuarkClassifier(max_qubits=...) (command line: --max-qubits) knowingly, or use the "
                     "exact kernel (backend='statevector')")


def _check_block_search(search: BlockSearch, land: LossLandscape, max_qubits: int | None) -> None:
    """A block search given by the user never runs blocks past ``max_qubits``: refused, with the size that fits."""
    if max_qubits is None:
        return
    size = min(int(search.block_size), land.n_qubits)
    fits = block_size_for(search._inner(0), land, max_qubits, wanted=size)
    if fits < size:
        raise ValueError(f"BlockSearch(block_size={search.block_size}) would search blocks of {size} bits, past "
                         f"max_qubits={max_qubits} (qubits of the block's search, work qubits included); set "
                         f"block_size={fits} (optimizer_options={{'block_size': {fits}}}; command line: --option block_size={fits}) "
                         "or a larger QuarkClassifier(max_qubits=...) (command line: --max-qubits)")


def _exhaustive_whole(optimizer: Optimizer, land: LossLandscape, max_qubits: int | None) -> None:
    n = land.n_qubits
    if max_qubits is not None and n > max_qubits:
        raise ValueError(
            f"optimizer='exhaustive' searches the whole register: all 2**{n} settings of this {n}-qubit problem, "
            f"past max_qubits={max_qubits}. Set max_qubits={n} knowingly (command line: --max-qubits {n}), or search "
            "block-wise: "
            "optimizer='block' with optimizer_options={'inner': 'exhaustive'} (exact within each block), or "
            "optimizer='grover' (block-wise past max_qubits)"
        )


def searcher(optimizer: Optimizer, land: LossLandscape, max_qubits: int | None, init=None,
              max_sweeps: int | None = None, always_blocks: bool = False) -> Optimizer:
    """The search a problem runs: ``optimizer`` itself (a copy starting from ``init`` where it takes a
    start), or a block search around it when the register is too large for it (or ``always_blocks``:
    a search that descends from the start)."""
    if isinstance(optimizer, (BlockSearch, NoSearch)):
        params = optimizer.get_params(deep=False)
        if init is not None:
            params["init"] = init
        if max_sweeps is not None and isinstance(optimizer, BlockSearch):
            params["max_sweeps"] = max_sweeps
        search = type(optimizer)(**params)  # a copy: the caller's instance keeps its own init
        if isinstance(search, BlockSearch):
            _check_block_search(search, land, max_qubits)
        return search
    if optimizer.name == "exhaustive":
        _exhaustive_whole(optimizer, land, max_qubits)
        return optimizer
    if optimizer.exponential_cost and (always_blocks or (max_qubits is not None and land.n_qubits > max_qubits)):
        return BlockSearch(inner=optimizer, random_state=optimizer.random_state, order="cyclic",
                           block_size=block_size_for(optimizer, land, max_qubits, start=init),
                           init="zeros" if init is None else init, verbose=optimizer.verbose,
                           max_sweeps=50 if max_sweeps is None else max_sweeps)
    return optimizer


def _keep_start(result: SearchResult, search: Optimizer, land: LossLandscape, bits0, what: str,
                warn: bool = True) -> SearchResult:
    """A search that did not start from ``bits0`` never returns worse than it: the start's loss is
    checked (one counted evaluation) and the start returned when it is lower."""
    if bits0 is None or isinstance(search, (BlockSearch, NoSearch)) or search.name == "exhaustive":
        return result  # started from it, or checked every setting
    start_loss = float(land.evaluate(bits0))
    result.ledger.charge_evaluations(land.evaluation_cost)
    if not start_loss < result.loss - 1e-12 * max(1.0, abs(result.loss)):
        result.info["start_kept"] = False
        return result
    if warn:
        warnings.warn(
            f"{type(search).__name__} returned loss {result.loss:.6g}, worse than its start ({what}: loss "
            f"{start_loss:.6g}); the start is returned (info['start_kept']). A block search descends from the "
            "start (optimizer='block' or 'grover')", SearchWarning, stacklevel=5)
    info = {**result.info, "start_kept": True, "search_loss": result.loss, "reached_optimum": None}
    return SearchResult(bits=np.asarray(bits0, dtype=np.uint8), loss=start_loss, ledger=result.ledger,
                        history=result.history, weights=land.decode(bits0), variables=result.variables, info=info)


def always_blocks(model, loss: str) -> bool:
    """Whether a fit of ``model`` on ``loss`` always runs a block search (a scaled linear model on the squared
    loss descends from its start), whose blocks :func:`block_size_for` keeps within ``max_qubits``."""
    return bool(scalable(model) and loss == "squared")


def fit_binary(model, X: np.ndarray, y: np.ndarray, *, loss: str, alpha, weight_bits,
               optimizer: Optimizer, max_qubits: int | None, sample_weight=None, start: str = "ridge") -> BinaryFit:
    """Fit one two-class problem (``y`` in {0, 1}); see the module docstring."""
    model = model.prepare(X, y, sample_weight)
    if alpha == "auto":
        alpha = auto_alpha(model, X, loss, sample_weight)
    rng = start_generator(optimizer.random_state)
    if not always_blocks(model, loss):
        encoding = weight_encoding(model, X.shape[1], weight_bits)
        land = LossLandscape(model, encoding, X, y, loss, alpha=alpha, sample_weight=sample_weight)
        bits0, what = explicit_start(optimizer, land.n_qubits, rng), "the optimizer's init"
        if bits0 is None and start == "random":
            bits0, what = rng.integers(0, 2, size=land.n_qubits, dtype=np.uint8), "random"
        search = searcher(optimizer, land, max_qubits, init=bits0)
        result = _keep_start(search.minimize(land), search, land, bits0, what)
        result.info.setdefault("alpha", alpha)
        if bits0 is not None:
            result.info.update(start=what, start_loss=float(land.evaluate(bits0)))
        return BinaryFit(model, encoding, np.asarray(result.weights), np.asarray(result.bits), result, problem=land)
    if start == "ridge":
        return _fit_from_ridge(model, X, y, alpha=alpha, weight_bits=weight_bits, optimizer=optimizer,
                               max_qubits=max_qubits, sample_weight=sample_weight, rng=rng)
    return _fit_scaled(model, X, y, alpha=alpha, weight_bits=weight_bits, optimizer=optimizer,
                       max_qubits=max_qubits, sample_weight=sample_weight, start=start, rng=rng)


def _fit_from_ridge(model, X, y, *, alpha, weight_bits, optimizer, max_qubits, sample_weight, rng) -> BinaryFit:
    """Scale and start from the rounded ridge solution, then one block search to convergence."""
    sf = ScaleFit(model, X, y, sample_weight, alpha)
    w_ls = sf.solve()
    top = float(np.abs(w_ls[: sf.n_f]).max()) or 1.0
    best = None
    for f in SCALE_FRACTIONS:
        enc = scaled_encoding(model, X.shape[1], weight_bits, f * top)
        w = enc.decode(enc.encode(nearest_levels(enc, w_ls)))
        e = sf.energy(w)
        # a tie (within rounding) keeps the larger fraction: the choice never rests on float noise
        if best is None or e < best[0] - 1e-12 * max(1.0, abs(best[0])):
            best = (e, f * top, enc)
    _, s, enc = best
    land = LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight)
    start_bits_ = explicit_start(optimizer, land.n_qubits, rng)
    what = "the optimizer's init" if start_bits_ is not None else "ridge least squares, rounded"
    if start_bits_ is None:
        start_bits_ = enc.encode(nearest_levels(enc, w_ls))
    search = searcher(optimizer, land, max_qubits, init=start_bits_, always_blocks=True)
    result = _keep_start(search.minimize(land), search, land, start_bits_, what)
    # the solve read every sample once: its Gram matrix (which the QUBO is built from as well)
    result.ledger.update(compile_evaluations=X.shape[0])
    result.info.update(scale=s, start=what, start_loss=float(land.evaluate(start_bits_)),
                       start_weights=np.asarray(land.decode(start_bits_)), alpha=alpha)
    if isinstance(search, BlockSearch) and result.info.get("blocks_per_sweep", 1) > 1:
        result.info["reached_optimum"] = None  # a block-wise local optimum
    return BinaryFit(model, enc, np.asarray(result.weights), np.asarray(result.bits), result,
                     {"scale": s, "start": "ridge"}, problem=land)


def _fit_scaled(model, X, y, *, alpha, weight_bits, optimizer, max_qubits, sample_weight, start, rng) -> BinaryFit:
    sf = ScaleFit(model, X, y, sample_weight, alpha)
    ledger = CostLedger()
    ledger.start()
    ledger.update(model_evaluations=X.shape[0])  # the one pass over the data behind the Gram matrix
    probe = scaled_encoding(model, X.shape[1], weight_bits, 1.0)
    bits = explicit_start(optimizer, probe.n_qubits, rng)
    if bits is not None:
        what = "the optimizer's init, scale refitted"
    elif start == "random":
        bits, what = rng.integers(0, 2, size=probe.n_qubits, dtype=np.uint8), "random, scale refitted"
    else:  # the best scale of the Hebbian direction Phi^T t, rounded to the levels
        hv = sf.c[: sf.n_f] / max(np.abs(sf.c[: sf.n_f]).max(), 1e-300)
        b0 = float(np.clip(sf.c[-1] / sf.M[-1, -1], -1.0, 1.0)) if sf.bias else 0.0
        w_probe = np.r_[hv, b0] if sf.bias else hv
        bits, what = probe.encode(nearest_levels(probe, w_probe)), "Hebbian, scale refitted"
    v0 = probe.decode(bits)  # the levels; the same bits stand for them at every scale
    s = sf.refit(v0[: sf.n_f], float(v0[-1]) if sf.bias else 0.0)
    if not np.isfinite(s) or s <= 0:
        s = 1.0
    enc = scaled_encoding(model, X.shape[1], weight_bits, s)
    start_loss = float(LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight).evaluate(bits))
    history, rounds, result = [], 0, None
    steps = reached = 0
    sizes: dict = {}
    kept_first = False
    for rounds in range(1, _MAX_SCALE_ROUNDS + 1):
        land = LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight)
        search = searcher(optimizer, land, max_qubits, init=bits, max_sweeps=1, always_blocks=True)
        with warnings.catch_warnings():  # one sweep per round by design: not a missed budget
            warnings.filterwarnings("ignore", message="BlockSearch stopped after max_sweeps")
            result = _keep_start(search.minimize(land), search, land, bits, what, warn=False)
        kept_first = kept_first or (rounds == 1 and bool(result.info.get("start_kept")))
        ledger.add(result.ledger)
        _merge_block_sizes(sizes, result.info.get("block_sizes", {}))
        history += [{**h, "round": rounds} for h in result.history]
        rate = result.info.get("inner_reached_optimum")
        if rate is not None:
            n = result.info["block_steps"]
            steps, reached = steps + n, reached + rate * n
        moved = result.info.get("sweeps", [{}])[-1].get("improving_blocks", 0) if isinstance(search, BlockSearch) else 0
        w = np.asarray(result.weights, dtype=np.float64)
        v = w[: sf.n_f] / s
        s_new = sf.refit(v, float(w[-1]) if sf.bias else 0.0)
        bits = np.asarray(result.bits)
        if not np.isfinite(s_new) or s_new <= 0 or (abs(s_new - s) <= 1e-3 * s and moved == 0):
            break
        s = s_new  # keep the levels: at the refitted scale the loss can only go down
        enc = scaled_encoding(model, X.shape[1], weight_bits, s)
    ledger.stop()
    land = LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight)
    loss = float(land.evaluate(bits))
    ledger.update(model_evaluations=X.shape[0])  # the final check at the final scale
    if kept_first:
        warnings.warn(f"{type(optimizer).__name__} did not improve on its start ({what}: loss {start_loss:.6g}); the "
                      "start was kept (info['start_kept']). A block search descends from the start "
                      "(optimizer='block' or 'grover')", SearchWarning, stacklevel=4)
    info = dict(result.info)
    info.update(scale=s, scale_rounds=rounds, reached_optimum=None, alpha=alpha, start=what, start_loss=start_loss,
                start_kept=kept_first, block_steps=steps or info.get("block_steps"), block_sizes=sizes,
                inner_reached_optimum=(reached / steps) if steps else info.get("inner_reached_optimum"))
    final = SearchResult(bits=bits, loss=loss, ledger=ledger, history=history, weights=land.decode(bits),
                         variables=list(range(land.n_qubits)), info=info)
    return BinaryFit(model, enc, np.asarray(final.weights), bits, final, {"scale": s, "rounds": rounds}, problem=land)


def _merge_block_sizes(total: dict, part: dict) -> None:
    """Sum the per-block-size counts of block searches (``info["block_sizes"]``); the last block is kept."""
    for size, d in part.items():
        t = total.setdefault(size, {"steps": 0, "oracle_queries": 0, "shots": 0})
        for key in ("steps", "oracle_queries", "shots"):
            t[key] += d[key]
        t.update({k: v for k, v in d.items() if k not in ("steps", "oracle_queries", "shots")})
