"""``multi_class="native"``: one linear model of ``C`` output units, searched block-wise on the loss over all classes."""

from __future__ import annotations

import numpy as np

from quark.encoding.weights import weight_encoding
from quark.estimators.binary import BinaryFit, block_size_for, explicit_start, searcher, start_generator
from quark.estimators.scale import ScaleFit, SCALE_FRACTIONS, auto_alpha, nearest_levels, scalable, scaled_encoding
from quark.optimizers import BlockSearch, NoSearch, Optimizer

__all__ = ["fit_native", "NATIVE_BLOCK_SIZE"]

#: Bits per block of the native multi-class search: a block's table costs ``2**b * m * C`` score updates.
NATIVE_BLOCK_SIZE = 12


def fit_native(model, X: np.ndarray, y: np.ndarray, classes: np.ndarray, *, loss: str, alpha, weight_bits,
               optimizer: Optimizer, max_qubits: int | None = None, start: str = "ridge") -> BinaryFit:
    """One model of ``C`` output units on all classes at once, searched block-wise on the multi-class loss.

    The units start from the one-vs-rest ridge solution (one solve, every class's one-hot ±1 target),
    rounded to the levels at the best of seven scales judged by the multi-class loss itself; the
    block search (blocks of :data:`NATIVE_BLOCK_SIZE` bits, the classifier's optimizer inside) then
    descends the loss over all classes. ``weights`` has shape ``(C, n_weights)``. Blocks never pass
    ``max_qubits``; ``optimizer="exhaustive"`` searches the whole register (refused past ``max_qubits``),
    ``"none"`` returns the start, ``start="random"`` (or the optimizer's own ``init``) replaces it.
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
    sf = ScaleFit(model, X, (idx == 0).astype(np.uint8), None, solve_alpha)
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
        encodings = [scaled_encoding(model, X.shape[1], weight_bits, f * top) for f in SCALE_FRACTIONS]
    else:
        encodings = [weight_encoding(model, X.shape[1], weight_bits)]
    best = None
    for enc in encodings:
        land = MulticlassLandscape(model, enc, X, idx, C, loss=loss, alpha=alpha)
        bits = np.concatenate([enc.encode(nearest_levels(enc, w)) for w in W]).astype(np.uint8)
        start_loss = float(land.evaluate(bits))
        if best is None or start_loss < best[0] - 1e-12 * max(1.0, abs(best[0])):  # ties: the larger scale
            best = (start_loss, land, bits, enc)
    start_loss, land, start_bits_, enc = best
    rng = start_generator(optimizer.random_state)
    what = "one-vs-rest ridge least squares, rounded"
    given = explicit_start(optimizer, land.n_qubits, rng)
    if given is not None:
        start_bits_, what = given, "the optimizer's init"
    elif start == "random":
        start_bits_, what = rng.integers(0, 2, size=land.n_qubits, dtype=np.uint8), "random"
    if given is not None or start == "random":
        start_loss = float(land.evaluate(start_bits_))
    if isinstance(optimizer, (BlockSearch, NoSearch)) or optimizer.name == "exhaustive":
        search = searcher(optimizer, land, max_qubits, init=start_bits_)
    else:
        size = block_size_for(optimizer, land, max_qubits, wanted=NATIVE_BLOCK_SIZE) if optimizer.exponential_cost \
            else NATIVE_BLOCK_SIZE
        search = BlockSearch(inner=optimizer, block_size=size, order="cyclic", init=start_bits_,
                             random_state=optimizer.random_state, verbose=optimizer.verbose)
    result = search.minimize(land)
    # the solve and the choice of scale read the data: the Gram matrix once, each candidate start once
    result.ledger.update(compile_evaluations=X.shape[0] * (1 + len(encodings)))
    result.info.update(start=what, start_loss=start_loss, alpha=alpha, scale=float(enc._vectors()[0][0]))
    if not (optimizer.name == "exhaustive" and not isinstance(search, BlockSearch)):
        result.info["reached_optimum"] = None  # a block-wise local optimum, or the start alone
    return BinaryFit(model, enc, np.asarray(result.weights), np.asarray(result.bits), result, {"native": True},
                     problem=land)

