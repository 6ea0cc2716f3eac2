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
from quark.optimizers import BlockSearch, CostLedger, Optimizer, SearchResult

__all__ = ["BinaryFit", "fit_binary", "STARTS"]

_MAX_SCALE_ROUNDS = 200

STARTS = ("ridge", "hebbian")


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


def _searcher(optimizer: Optimizer, land: LossLandscape, max_qubits: int | None, init=None,
              max_sweeps: int | None = None, always_blocks: bool = False) -> Optimizer:
    """``optimizer`` itself, or a block search around it when the register is too large for it (or
    ``always_blocks``: the warm-started sweeps of the weight-scale alternation)."""
    if isinstance(optimizer, BlockSearch):
        params = {}
        if init is not None:
            params["init"] = init
        if max_sweeps is not None:
            params["max_sweeps"] = max_sweeps
        return optimizer.set_params(**params) if params else optimizer
    if optimizer.exponential_cost and (always_blocks or (max_qubits is not None and land.n_qubits > max_qubits)):
        return BlockSearch(inner=optimizer, random_state=optimizer.random_state, order="cyclic",
                           init="zeros" if init is None else init, verbose=optimizer.verbose,
                           max_sweeps=50 if max_sweeps is None else max_sweeps)
    return optimizer


def fit_binary(model, X: np.ndarray, y: np.ndarray, *, loss: str, alpha, weight_bits,
               optimizer: Optimizer, max_qubits: int | None, sample_weight=None, start: str = "ridge") -> BinaryFit:
    """Fit one two-class problem (``y`` in {0, 1}); see the module docstring."""
    model = model.prepare(X, y, sample_weight)
    if alpha == "auto":
        alpha = auto_alpha(model, X, loss, sample_weight)
    if not (scalable(model) and loss == "squared"):
        encoding = weight_encoding(model, X.shape[1], weight_bits)
        land = LossLandscape(model, encoding, X, y, loss, alpha=alpha, sample_weight=sample_weight)
        result = _searcher(optimizer, land, max_qubits).minimize(land)
        result.info.setdefault("alpha", alpha)
        return BinaryFit(model, encoding, np.asarray(result.weights), np.asarray(result.bits), result, problem=land)
    if start == "ridge":
        return _fit_from_ridge(model, X, y, alpha=alpha, weight_bits=weight_bits, optimizer=optimizer,
                               max_qubits=max_qubits, sample_weight=sample_weight)
    return _fit_scaled(model, X, y, alpha=alpha, weight_bits=weight_bits, optimizer=optimizer,
                       max_qubits=max_qubits, sample_weight=sample_weight)


def _fit_from_ridge(model, X, y, *, alpha, weight_bits, optimizer, max_qubits, sample_weight) -> BinaryFit:
    """Scale and start from the rounded ridge solution, then one block search to convergence."""
    sf = ScaleFit(model, X, y, sample_weight, alpha)
    w_ls = sf.solve()
    top = float(np.abs(w_ls[: sf.n_f]).max()) or 1.0
    best = None
    for f in SCALE_FRACTIONS:
        enc = scaled_encoding(model, X.shape[1], weight_bits, f * top)
        w = enc.decode(enc.encode(nearest_levels(enc, w_ls)))
        e = sf.energy(w)
        if best is None or e < best[0]:
            best = (e, f * top, enc)
    _, s, enc = best
    start_bits = enc.encode(nearest_levels(enc, w_ls))
    land = LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight)
    search = _searcher(optimizer, land, max_qubits, init=start_bits, always_blocks=True)
    result = search.minimize(land)
    # the solve read every sample once: its Gram matrix (which the QUBO is built from as well)
    result.ledger.update(compile_evaluations=X.shape[0])
    result.info.update(scale=s, start="ridge least squares, rounded", start_loss=float(land.evaluate(start_bits)),
                       start_weights=np.asarray(land.decode(start_bits)),
                       alpha=alpha, reached_optimum=None)
    return BinaryFit(model, enc, np.asarray(result.weights), np.asarray(result.bits), result,
                     {"scale": s, "start": "ridge"}, problem=land)


def _fit_scaled(model, X, y, *, alpha, weight_bits, optimizer, max_qubits, sample_weight) -> BinaryFit:
    sf = ScaleFit(model, X, y, sample_weight, alpha)
    ledger = CostLedger()
    ledger.start()
    ledger.update(model_evaluations=X.shape[0])  # the one pass over the data behind the Gram matrix
    # start: the best scale of the Hebbian direction Phi^T t, rounded to the levels
    probe = scaled_encoding(model, X.shape[1], weight_bits, 1.0)
    hv = sf.c[: sf.n_f] / max(np.abs(sf.c[: sf.n_f]).max(), 1e-300)
    b0 = float(np.clip(sf.c[-1] / sf.M[-1, -1], -1.0, 1.0)) if sf.bias else 0.0
    w_probe = np.r_[hv, b0] if sf.bias else hv
    v0 = probe.decode(probe.encode(nearest_levels(probe, w_probe)))
    s = sf.refit(v0[: sf.n_f], float(v0[-1]) if sf.bias else 0.0)
    if not np.isfinite(s) or s <= 0:
        s = 1.0
    enc = scaled_encoding(model, X.shape[1], weight_bits, s)
    bits = probe.encode(nearest_levels(probe, v0))  # the same levels at scale s
    history, rounds, result = [], 0, None
    steps = reached = 0
    sizes: dict = {}
    for rounds in range(1, _MAX_SCALE_ROUNDS + 1):
        land = LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight)
        search = _searcher(optimizer, land, max_qubits, init=bits, max_sweeps=1, always_blocks=True)
        if not isinstance(search, BlockSearch):  # the whole register in one search: no warm start
            result = search.minimize(land)
        else:
            with warnings.catch_warnings():  # one sweep per round by design: not a missed budget
                warnings.filterwarnings("ignore", message="BlockSearch stopped after max_sweeps")
                result = search.minimize(land)
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
    info = dict(result.info)
    info.update(scale=s, scale_rounds=rounds, reached_optimum=None, alpha=alpha, start="Hebbian, scale refitted",
                block_steps=steps or info.get("block_steps"), block_sizes=sizes,
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

