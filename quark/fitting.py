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
from quark.optimizers import BlockSearch, CostLedger, Optimizer, SearchResult
from quark.optimizers.ledger import LEDGER_FIELDS, TIME_FIELDS

__all__ = ["BinaryFit", "fit_binary", "fit_native", "scalable"]

_MAX_SCALE_ROUNDS = 200
#: ``alpha="auto"`` for scalable linear models: this much ridge penalty per varying feature (per sample).
RIDGE_PER_FEATURE = 0.3
#: Fractions of the ridge solution's largest feature weight tried as the quantization scale.
_SCALE_FRACTIONS = (1.0, 0.8, 0.65, 0.5, 0.4, 0.3, 0.2)
STARTS = ("ridge", "hebbian")


@dataclass
class BinaryFit:
    """One fitted two-class problem."""

    model: Any
    encoding: Any
    weights: np.ndarray
    bits: np.ndarray
    result: SearchResult
    info: dict = field(default_factory=dict)


def scalable(model) -> bool:
    """Whether the classifier fits the scale of this model's weights (linear, k-bit or ternary)."""
    return bool(model.linear and model.weight_kind in ("fixed", "ternary"))


def _merge(total: CostLedger, part: CostLedger) -> None:
    total.update(**{f: getattr(part, f) for f in LEDGER_FIELDS}, **{f: getattr(part, f) for f in TIME_FIELDS})


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


class _ScaleFit:
    """The closed-form pieces of the weight-scale alternation for a linear model on one problem."""

    def __init__(self, model, X, y, sample_weight, alpha):
        phi = np.asarray(model.features(X), dtype=np.float64)
        t = 2.0 * np.asarray(y, dtype=np.float64) - 1.0
        p = np.full(len(t), 1.0 / len(t)) if sample_weight is None else sample_weight / sample_weight.sum()
        self.bias = bool(getattr(model, "bias", False))
        pen = np.asarray(model.penalized(X.shape[1]), dtype=np.float64)
        self.M = phi.T @ (phi * p[:, None]) + alpha * np.diag(pen)
        self.c = phi.T @ (p * t)
        self.n_w = phi.shape[1]
        self.n_f = self.n_w - int(self.bias)

        p_t = p * t
        self.tt = float(p_t @ t)

    def energy(self, w: np.ndarray) -> float:
        """The per-sample ridge-penalized squared loss of a weight vector (constant included)."""
        return float(w @ self.M @ w - 2.0 * self.c @ w + self.tt)

    def solve(self) -> np.ndarray:
        """The real-valued minimizer of :meth:`energy` (ridge least squares)."""
        try:
            return np.linalg.solve(self.M, self.c)
        except np.linalg.LinAlgError:  # singular without a ridge (constant features): least squares
            return np.linalg.lstsq(self.M, self.c, rcond=None)[0]

    def refit(self, v: np.ndarray, b: float) -> float:
        """``argmin_s`` of the loss with feature weights ``s * v`` and the bias ``b`` fixed."""
        f = slice(0, self.n_f)
        den = float(v @ self.M[f, f] @ v)
        if den <= 0:
            return float("nan")
        num = float(self.c[f] @ v) - (b * float(self.M[f, self.n_f] @ v) if self.bias else 0.0)
        return num / den


def _encoding(model, n_features: int, weight_bits, s: float):
    """Feature weights on levels over ``[-s, s]``, a bias on levels over ``[-1, 1]``."""
    n_w = model.n_weights(n_features)
    bias = bool(getattr(model, "bias", False))
    scales = np.full(n_w, s)
    if bias:
        scales[-1] = 1.0
    if model.weight_kind == "ternary":
        return weight_encoding(model, n_features, weight_bits, scale=scales)
    k = model.default_weight_bits if weight_bits is None else weight_bits
    step = 2.0 / max(2**k - 1, 1)
    return weight_encoding(model, n_features, weight_bits, scale=scales * step, offset=-scales)


def auto_alpha(model, X: np.ndarray, loss: str, sample_weight=None) -> float:
    """``alpha="auto"``: ``0.3 * d / m`` for scalable linear models on the squared loss, else 0."""
    if not (scalable(model) and loss == "squared"):
        return 0.0
    d = int(np.count_nonzero(np.ptp(X, axis=0) > 0))
    m = float(X.shape[0] if sample_weight is None else np.sum(sample_weight))
    return RIDGE_PER_FEATURE * max(d, 1) / m


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
        return BinaryFit(model, encoding, np.asarray(result.weights), np.asarray(result.bits), result)
    if start == "ridge":
        return _fit_from_ridge(model, X, y, alpha=alpha, weight_bits=weight_bits, optimizer=optimizer,
                               max_qubits=max_qubits, sample_weight=sample_weight)
    return _fit_scaled(model, X, y, alpha=alpha, weight_bits=weight_bits, optimizer=optimizer,
                       max_qubits=max_qubits, sample_weight=sample_weight)


def _fit_from_ridge(model, X, y, *, alpha, weight_bits, optimizer, max_qubits, sample_weight) -> BinaryFit:
    """Scale and start from the rounded ridge solution, then one block search to convergence."""
    sf = _ScaleFit(model, X, y, sample_weight, alpha)
    w_ls = sf.solve()
    top = float(np.abs(w_ls[: sf.n_f]).max()) or 1.0
    best = None
    for f in _SCALE_FRACTIONS:
        enc = _encoding(model, X.shape[1], weight_bits, f * top)
        w = enc.decode(enc.encode(_nearest(enc, w_ls)))
        e = sf.energy(w)
        if best is None or e < best[0]:
            best = (e, f * top, enc)
    _, s, enc = best
    start_bits = enc.encode(_nearest(enc, w_ls))
    land = LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight)
    search = _searcher(optimizer, land, max_qubits, init=start_bits, always_blocks=True)
    result = search.minimize(land)
    # the solve read every sample once: its Gram matrix (which the QUBO is built from as well)
    result.ledger.update(compile_evaluations=X.shape[0])
    result.info.update(scale=s, start="ridge least squares, rounded", start_loss=float(land.evaluate(start_bits)),
                       start_weights=np.asarray(land.decode(start_bits)),
                       alpha=alpha, reached_optimum=None)
    return BinaryFit(model, enc, np.asarray(result.weights), np.asarray(result.bits), result,
                     {"scale": s, "start": "ridge"})


def _fit_scaled(model, X, y, *, alpha, weight_bits, optimizer, max_qubits, sample_weight) -> BinaryFit:
    sf = _ScaleFit(model, X, y, sample_weight, alpha)
    ledger = CostLedger()
    ledger.start()
    ledger.update(model_evaluations=X.shape[0])  # the one pass over the data behind the Gram matrix
    # start: the best scale of the Hebbian direction Phi^T t, rounded to the levels
    probe = _encoding(model, X.shape[1], weight_bits, 1.0)
    hv = sf.c[: sf.n_f] / max(np.abs(sf.c[: sf.n_f]).max(), 1e-300)
    b0 = float(np.clip(sf.c[-1] / sf.M[-1, -1], -1.0, 1.0)) if sf.bias else 0.0
    w_probe = np.r_[hv, b0] if sf.bias else hv
    v0 = probe.decode(probe.encode(_nearest(probe, w_probe)))
    s = sf.refit(v0[: sf.n_f], float(v0[-1]) if sf.bias else 0.0)
    if not np.isfinite(s) or s <= 0:
        s = 1.0
    enc = _encoding(model, X.shape[1], weight_bits, s)
    bits = probe.encode(_nearest(probe, v0))  # the same levels at scale s
    history, rounds, result = [], 0, None
    steps = reached = 0
    for rounds in range(1, _MAX_SCALE_ROUNDS + 1):
        land = LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight)
        search = _searcher(optimizer, land, max_qubits, init=bits, max_sweeps=1, always_blocks=True)
        if not isinstance(search, BlockSearch):  # the whole register in one search: no warm start
            result = search.minimize(land)
        else:
            with warnings.catch_warnings():  # one sweep per round by design: not a missed budget
                warnings.filterwarnings("ignore", message="BlockSearch stopped after max_sweeps")
                result = search.minimize(land)
        _merge(ledger, result.ledger)
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
        enc = _encoding(model, X.shape[1], weight_bits, s)
    ledger.stop()
    land = LossLandscape(model, enc, X, y, "squared", alpha=alpha, sample_weight=sample_weight)
    loss = float(land.evaluate(bits))
    ledger.update(model_evaluations=X.shape[0])  # the final check at the final scale
    info = dict(result.info)
    info.update(scale=s, scale_rounds=rounds, reached_optimum=None, alpha=alpha, start="Hebbian, scale refitted",
                block_steps=steps or info.get("block_steps"),
                inner_reached_optimum=(reached / steps) if steps else info.get("inner_reached_optimum"))
    final = SearchResult(bits=bits, loss=loss, ledger=ledger, history=history, weights=land.decode(bits),
                         variables=list(range(land.n_qubits)), info=info)
    return BinaryFit(model, enc, np.asarray(final.weights), bits, final, {"scale": s, "rounds": rounds})


#: Bits per block of the native multi-class search: a block's table costs ``2**b * m * C`` score updates.
NATIVE_BLOCK_SIZE = 12


def fit_native(model, X: np.ndarray, y: np.ndarray, classes: np.ndarray, *, loss: str, alpha, weight_bits,
               optimizer: Optimizer) -> BinaryFit:
    """One model of ``C`` output units on all classes at once, searched block-wise on the multi-class loss.

    The units start from the one-vs-rest ridge solution (one solve, every class's one-hot ±1 target),
    rounded to the levels at the best of seven scales judged by the multi-class loss itself; the
    block search (blocks of :data:`NATIVE_BLOCK_SIZE` bits, the classifier's optimizer inside) then
    descends the loss over all classes. ``weights`` has shape ``(C, n_weights)``.
    """
    from quark.encoding.multiclass import MulticlassLandscape

    if not model.linear:
        raise ValueError(f"multi_class='native' needs a model linear in its weights (one unit per class); "
                         f"{model.name!r} is not: use multi_class='ovo' or 'ovr'")
    idx = np.searchsorted(classes, y)
    # the start's ridge: alpha itself, or the auto ridge of the squared loss; the searched loss keeps
    # alpha="auto"'s own meaning (a ridge on the squared loss only)
    solve_alpha = auto_alpha(model, X, "squared") if alpha == "auto" else alpha
    if alpha == "auto":
        alpha = auto_alpha(model, X, loss)
    C = len(classes)
    # the one-vs-rest ridge solution of every unit: one Gram matrix, C right-hand sides
    sf = _ScaleFit(model, X, (idx == 0).astype(np.uint8), None, solve_alpha)
    phi = np.asarray(model.features(X), dtype=np.float64)
    T = -np.ones((len(y), C))
    T[np.arange(len(y)), idx] = 1.0
    try:
        W = np.linalg.solve(sf.M, phi.T @ T / len(y))           # (n_w, C)
    except np.linalg.LinAlgError:
        W = np.linalg.lstsq(sf.M, phi.T @ T / len(y), rcond=None)[0]
    W = W.T
    if scalable(model):
        top = float(np.abs(W[:, : sf.n_f]).max()) or 1.0
        encodings = [_encoding(model, X.shape[1], weight_bits, f * top) for f in _SCALE_FRACTIONS]
    else:
        encodings = [weight_encoding(model, X.shape[1], weight_bits)]
    best = None
    for enc in encodings:
        land = MulticlassLandscape(model, enc, X, idx, C, loss=loss, alpha=alpha)
        start = np.concatenate([enc.encode(_nearest(enc, w)) for w in W]).astype(np.uint8)
        start_loss = float(land.evaluate(start))
        if best is None or start_loss < best[0]:
            best = (start_loss, land, start, enc)
    start_loss, land, start, enc = best
    if isinstance(optimizer, BlockSearch):
        search = optimizer.set_params(init=start)
    else:
        search = BlockSearch(inner=optimizer, block_size=NATIVE_BLOCK_SIZE, order="cyclic", init=start,
                             random_state=optimizer.random_state, verbose=optimizer.verbose)
    result = search.minimize(land)
    # the solve and the choice of scale read the data: the Gram matrix once, each candidate start once
    result.ledger.update(compile_evaluations=X.shape[0] * (1 + len(encodings)))
    result.info.update(start="one-vs-rest ridge least squares, rounded", start_loss=start_loss, alpha=alpha,
                       scale=float(enc._vectors()[0][0]), reached_optimum=None)
    return BinaryFit(model, enc, np.asarray(result.weights), np.asarray(result.bits), result, {"native": True})


def _nearest(encoding, w: np.ndarray) -> np.ndarray:
    """Each weight moved to its nearest level (clipped into the range)."""
    scale, offset = encoding._vectors()
    if encoding.kind == "ternary":
        return np.clip(np.rint(w / scale), -1, 1) * scale
    top = 2**encoding.bits_per_weight - 1
    return offset + scale * np.clip(np.rint((w - offset) / scale), 0, top)


# -- the classifier's problems ------------------------------------------------------------------------
def _problem_seeds(random_state, n: int) -> list:
    """One seed per problem: ``random_state`` itself for a single problem (a binary task fits exactly as
    the search alone would), independent streams spawned from it otherwise."""
    if n == 1 or random_state is None:
        return [random_state] * n
    if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        from quark._random import as_generator

        return as_generator(random_state).integers(0, 2**31 - 1, size=n).tolist()
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(int(random_state)).spawn(n)]


def _check_circuit(optimizer: Optimizer, land: LossLandscape, max_qubits: int | None) -> None:
    """Gate-level searches of the whole register count every qubit of their circuit against ``max_qubits``."""
    if not optimizer.exponential_cost or max_qubits is None or land.n_qubits > max_qubits:
        return
    qubits, what = optimizer.qubits_needed(land)
    if qubits > max_qubits:
        raise ValueError(
            f"optimizer {optimizer.name!r} would simulate {what}: a statevector of {16 * 2.0**qubits / 1024**3:.2f} GiB "
            f"in double precision, each gate a pass over it; max_qubits={max_qubits} counts every qubit of the "
            "circuit on gate-level backends. Raise max_qubits knowingly, or use the exact kernel (backend='statevector')"
        )


def fit_problems(clf, model, X, y, classes, scheme, loss, alpha, sample_weight):
    """Fit every two-class problem of a task (in parallel with ``clf.n_jobs``): ``(fits, problem labels)``."""
    from joblib import Parallel, delayed

    from quark.multiclass import subproblems

    subs = subproblems(y, classes, scheme)
    seeds = _problem_seeds(clf.random_state, len(subs))
    optimizers = [clf._build_optimizer(random_state=s) for s in seeds]
    # one progress bar per fit: a single problem shows its search's own bar, several one bar of problems
    many_bars = len(subs) > 1 and clf.verbose
    if many_bars:
        for opt in optimizers:
            opt.set_params(verbose=False)

    def one(p, opt):
        # one BLAS thread: the block search's products are small, and a threaded BLAS competing for
        # cores makes them an order of magnitude slower; parallelism comes from n_jobs instead
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return _one(p, opt)

    def _one(p, opt):
        sw = None if sample_weight is None else sample_weight[p.rows]
        if sw is not None and not sw.sum() > 0:
            raise ValueError(f"'sample_weight' is zero on every sample of problem {p.label!r}: nothing to fit")
        fitted_model = model.prepare(X[p.rows], p.positive, sw)
        probe = LossLandscape(fitted_model, weight_encoding(fitted_model, X.shape[1], weight_bits), X[p.rows], p.positive,
                              loss, alpha=0.0 if alpha == "auto" else alpha, sample_weight=sw)
        _check_circuit(opt, probe, max_qubits)
        return fit_binary(fitted_model, X[p.rows], p.positive, loss=loss, alpha=alpha, weight_bits=weight_bits,
                          optimizer=opt, max_qubits=max_qubits, sample_weight=sw, start=clf.start)

    weight_bits, max_qubits = clf.weight_bits, clf.max_qubits
    from quark._progress import progress_bar

    with progress_bar(many_bars, total=len(subs), desc=f"QuarkClassifier ({scheme})", unit="problem") as bar:
        if len(subs) == 1 or clf.n_jobs in (None, 1):
            fits = []
            for p, opt in zip(subs, optimizers):
                fits.append(one(p, opt))
                bar.set_postfix(problem=str(p.label), loss=f"{fits[-1].result.loss:.4g}", refresh=False)
                bar.update(1)
        else:
            # results arrive in order as they finish (joblib's generator), so the bar moves during the fit
            fits = []
            for f in Parallel(n_jobs=clf.n_jobs, return_as="generator")(
                    delayed(one)(p, opt) for p, opt in zip(subs, optimizers)):
                fits.append(f)
                bar.update(1)
    for f in fits:
        f.result.ledger.callback = None  # keep the fitted estimator picklable (a callback may be a lambda)
    return fits, [p.label for p in subs]


def combined_result(fits: list, problems: list) -> SearchResult:
    """One result for a multi-class fit: the ledgers summed, bits and weights stacked, per-problem info."""
    ledger = CostLedger()
    for f in fits:
        _merge(ledger, f.result.ledger)
    ledger.wall_time_s = sum(f.result.ledger.wall_time_s for f in fits)
    history = [{**h, "problem": i} for i, f in enumerate(fits) for h in f.result.history]
    reached = [f.result.info.get("reached_optimum") for f in fits]
    info = {
        "problems": problems,
        "losses": [f.result.loss for f in fits],
        "reached_optimum": False if False in reached else (True if all(r is True for r in reached) else None),
    }
    return SearchResult(bits=np.concatenate([f.bits for f in fits]), loss=float(np.mean([f.result.loss for f in fits])),
                        ledger=ledger, history=history, weights=np.stack([f.weights for f in fits]),
                        variables=[], info=info)


#: Weight of the Gaussian prior on ``log(spread / T)`` in the temperature fit (per training sample).
_TEMPERATURE_PRIOR = 0.01


class TemperatureCalibrator:
    """Probabilities from decision values by one fitted temperature: ``softmax(d / T)`` per row
    (for two classes ``sigmoid(d / T)``), ``T`` maximizing the (weighted) likelihood of the training
    labels. One positive parameter: it never changes which class is the most probable, so
    ``predict_proba``'s argmax agrees with ``predict``."""

    def __init__(self, classes: np.ndarray) -> None:
        self.classes_ = classes
        self.temperature_ = 1.0

    @staticmethod
    def _probs(d: np.ndarray, inv_t: float) -> np.ndarray:
        if d.ndim == 1:
            p1 = 0.5 * (1.0 + np.tanh(0.5 * inv_t * d))  # a sigmoid that never overflows
            return np.stack([1.0 - p1, p1], axis=1)
        z = inv_t * (d - d.max(axis=1, keepdims=True))
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def fit(self, d: np.ndarray, y: np.ndarray, sample_weight=None) -> "TemperatureCalibrator":
        from scipy.optimize import minimize_scalar

        idx = np.searchsorted(self.classes_, y)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        centred = d - np.average(d, axis=0, weights=w)
        spread = float(np.sqrt(np.average(centred**2 if d.ndim == 1 else (centred**2).mean(axis=1), weights=w))) or 1.0

        def nll(log_inv_t: float) -> float:
            p = self._probs(d, np.exp(log_inv_t) / spread)[np.arange(len(idx)), idx]
            # a weak prior on the temperature keeps separable training data from driving it to 0
            # (probabilities of exactly 0 and 1) and makes the optimum unique
            return -float(w @ np.log(np.clip(p, 1e-300, 1.0))) / w.sum() + _TEMPERATURE_PRIOR * log_inv_t**2

        best = minimize_scalar(nll, bounds=(-9.0, 9.0), method="bounded", options={"xatol": 1e-12})
        self.temperature_ = spread / float(np.exp(best.x))
        return self

    def predict_proba(self, d: np.ndarray) -> np.ndarray:
        return self._probs(np.asarray(d, dtype=np.float64), 1.0 / self.temperature_)


def fit_calibrator(decisions: np.ndarray, y: np.ndarray, classes: np.ndarray, sample_weight=None):
    """The temperature calibration of the classifier's decision values on its training data."""
    return TemperatureCalibrator(classes).fit(decisions, y, sample_weight)
