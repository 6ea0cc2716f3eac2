"""How the classifier fits a quantized network (``model="quantized-mlp"``): one search over all its bits.

A network shares its hidden layers between classes, so it is fitted whole on every class at once
(never as two-class problems): the block search (:class:`~quark.optimizers.BlockSearch`, the
classifier's optimizer inside — Grover adaptive search on the exact kernel by default) sweeps the
network's bits block by block, each block within one unit (``order="structured"``: the incremental
landscape of :mod:`quark.encoding.network`), until a sweep improves nothing or ``max_sweeps``.

Starts:

- ``start="random"``: random bits; no solver — the search alone trains the network.
- ``start="ridge"`` (the classifier's default): random hidden layers, and the output layer from
  ridge least squares of the one-hot ±1 targets on the last hidden layer's activations, rounded to
  the levels at the best of seven scales (judged by the training loss). The solve and the choice of
  scale read the data (counted in ``compile_evaluations``); the search then trains every layer.
- ``start="float"``: post-training quantization of a float network. scikit-learn's
  ``MLPClassifier`` (tanh units, the network's hidden sizes, seeded) is trained by gradient descent;
  each hidden layer is rounded to its levels unit by unit (a unit's weights and bias scaled together,
  which keeps the sign of its pre-activation, at the scale that best keeps those signs on the
  training set), then the output layer is fitted as in ``"ridge"``. The float training's epochs x
  samples and the scale choices' passes are counted in ``compile_evaluations``;
  ``info["float_network"]`` reports the float network (its epochs and training accuracy).

``info["start_loss"]`` and ``info["start_error"]`` report the start beside the searched result
(``info["train_error"]``).
"""

from __future__ import annotations

import numpy as np

from quark._random import as_generator
from quark.encoding.network import NetworkLandscape
from quark.optimizers import BlockSearch, Optimizer
from quark.optimizers.block import fitting_block_size

__all__ = ["fit_network", "network_landscape", "network_block_size", "NETWORK_STARTS", "NETWORK_BLOCK_SIZE", "NETWORK_MAX_SWEEPS"]

NETWORK_STARTS = ("ridge", "float", "random")
#: Bits per block: a block's table is 2**b settings, each a pass over the samples (measured: docs/networks.md).
NETWORK_BLOCK_SIZE = 10
#: Sweeps by default (the search stops earlier when a whole sweep improves nothing).
NETWORK_MAX_SWEEPS = 10
#: Fractions of ``1 / max|w|`` of the ridge output layer tried as its scale on the levels.
_SCALES = (1.0, 0.8, 0.65, 0.5, 0.4, 0.3, 0.2)
_RIDGE = 1e-2
#: Multiples of ``1 / max|w|`` of a float hidden unit tried as its scale on the levels: above 1 the
#: largest weights clip and the rest spread over more of the levels (digits, 128 units: the rounded
#: units keep 93% of the float units' signs at 1.5 against 90% at 1.0).
_FLOAT_SCALES = (3.0, 2.0, 1.5, 1.0, 0.8, 0.65, 0.5)
#: Epochs of the float network behind ``start="float"`` (scikit-learn's default).
_FLOAT_EPOCHS = 200


def network_landscape(model, X: np.ndarray, y: np.ndarray, classes: np.ndarray, *, loss: str, weight_bits=None,
                      sample_weight=None) -> NetworkLandscape:
    """The landscape :func:`fit_network` searches: the model's outputs set from the classes."""
    if weight_bits is not None:
        if model.bits is not None:
            raise ValueError("give the network's bits once: 'weight_bits' or model_options={'bits': ...}, not both")
        model = type(model)(**{**model.get_params(), "bits": int(weight_bits)})
    if loss in ("auto", None):
        loss = "hinge"
    if loss not in ("hinge", "zero_one"):
        raise ValueError(f"model 'quantized-mlp' trains on loss='hinge' or 'zero_one' (margins of its output scores); "
                         f"got loss={loss!r}")
    idx = np.searchsorted(classes, y)
    model = type(model)(**{**model.get_params(), "n_outputs": 1 if len(classes) == 2 else len(classes)})
    return NetworkLandscape(model, X, idx, loss, margin=model.training_margin(), sample_weight=sample_weight, blocks=model.blocks)


def _ridge_start(land: NetworkLandscape, rng, flat: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Random hidden bits (or the hidden layers of ``flat``), the output layer from ridge least squares
    (see the module docstring)."""
    enc, model = land.encoding, land.model
    if flat is None:
        flat = enc.decode(rng.integers(0, 2, size=land.n_qubits, dtype=np.uint8))
    H = model.forward(flat[None], land.X)[-2][0]                       # the last hidden layer (m, h)
    h = H.shape[1]
    feats = np.concatenate([H / np.sqrt(h), np.ones((H.shape[0], 1))], axis=1)
    C = model.outputs()
    T = (2.0 * land.y - 1.0)[:, None] if C == 1 else np.where(land.y[:, None] == np.arange(C)[None, :], 1.0, -1.0)
    Fw = feats * land.p[:, None]
    W = np.linalg.solve(feats.T @ Fw + _RIDGE * np.eye(h + 1), Fw.T @ T).T   # (C, h + 1)
    out0 = enc.units[-C][4]
    best = None
    for f in _SCALES:
        cand = flat.copy()
        cand[out0:] = (W * (f / max(np.abs(W).max(), 1e-300))).ravel()
        b = enc.encode(cand)
        loss = float(land.evaluate(b))
        if best is None or loss < best[0]:
            best = (loss, b)
    # the data read: the hidden activations and Gram matrix once, each candidate scale once
    return best[1], land.n_samples * (1 + len(_SCALES))


def _float_start(land: NetworkLandscape, rng) -> tuple[np.ndarray, int, dict]:
    """A float network's hidden layers rounded to the levels, the output layer from ridge (see the module
    docstring); the bits, the sample evaluations they cost and what the float network reached."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    enc, model = land.encoding, land.model
    X, m = land.X, land.n_samples
    net = MLPClassifier(hidden_layer_sizes=model.hidden_sizes(), activation="tanh", max_iter=_FLOAT_EPOCHS,
                        random_state=int(rng.integers(0, 2**31 - 1)))
    with warnings.catch_warnings():
        # a start, not the result: the search goes on from it, and info reports the epochs it ran
        warnings.simplefilter("ignore", ConvergenceWarning)
        net.fit(X, land.y, sample_weight=None if np.ptp(land.p) == 0 else land.p * m)
    flat = enc.decode(np.zeros(land.n_qubits, dtype=np.uint8))
    h = X
    for l, (Wf, bf) in enumerate(zip(net.coefs_[:-1], net.intercepts_[:-1])):
        (fan_in, fan_out), w0 = Wf.shape, next(u[4] for u in enc.units if u[0] == l)
        span = slice(w0, w0 + fan_out * (fan_in + 1))  # the layer's weights: unit after unit, bias last
        top = np.maximum(np.abs(Wf).max(axis=0), 1e-300)
        # the levels the float layer's tanh units give on this layer's (quantized) input
        want = model.level_index(np.tanh(h @ Wf + bf))
        best = None
        for f in _FLOAT_SCALES:
            c = f / top
            # a = W h / sqrt(fan_in) + b keeps the float unit's sign when W = c w and b = c b_f / sqrt(fan_in)
            # (clip units: its level up to the scale, which the choice judges)
            cand = flat.copy()
            cand[span] = np.concatenate([(Wf * c).T, (bf * c / np.sqrt(fan_in))[:, None]], axis=1).ravel()
            cand = enc.nearest(cand)
            a = model.pre_activation(cand[span].reshape(1, fan_out, fan_in + 1), h[None])[0]
            agree = float((model.level_index(a) == want).mean())
            if best is None or agree > best[0]:
                best = (agree, cand, a)
        flat, h = best[1], model.activate(best[2])
    bits, ridge_evaluations = _ridge_start(land, rng, flat)
    evaluations = net.n_iter_ * m + len(net.coefs_[:-1]) * len(_FLOAT_SCALES) * m + ridge_evaluations
    return bits, evaluations, {"epochs": int(net.n_iter_), "train_accuracy": float(net.score(X, land.y))}


def network_block_size(inner: Optimizer, land: NetworkLandscape, base, max_qubits: int | None) -> int:
    """The largest block (at most ``NETWORK_BLOCK_SIZE`` bits) whose search by ``inner`` holds at most
    ``max_qubits`` qubits, work qubits of a gate-level circuit (the unit oracle's) included.

    Probed on the first bits of the first hidden unit and of the last output unit at ``base``: other
    units' blocks use the same registers, their loss accumulators sized from their own samples.
    """
    b = NETWORK_BLOCK_SIZE
    if max_qubits is None:
        return b
    units = [land.encoding.units[0], land.encoding.units[-1]]
    size, what = fitting_block_size(
        inner, lambda k: [land.restrict(np.arange(u[2], min(u[2] + k, u[3])), base) for u in units], max_qubits, b)
    if size is not None:
        return size
    raise ValueError(f"even a one-bit block of the network needs {what}, past max_qubits={max_qubits}; set a larger "
                     "QuarkClassifier(max_qubits=...) knowingly, or use the exact kernel (backend='statevector')")


def fit_network(model, X: np.ndarray, y: np.ndarray, classes: np.ndarray, *, loss: str, weight_bits,
                optimizer: Optimizer, start: str = "ridge", sample_weight=None, max_qubits: int | None = None):
    """Fit one network on every class at once; a ``BinaryFit`` whose weights are the flat network.

    ``max_qubits`` bounds every qubit of a gate-level search's circuits: the blocks shrink to fit
    (:func:`network_block_size`); an explicit ``BlockSearch`` keeps its own block size."""
    from quark.estimators.binary import BinaryFit, explicit_start
    from quark.optimizers.start import NoSearch

    if start not in NETWORK_STARTS:
        raise ValueError(f"model 'quantized-mlp' starts from {list(NETWORK_STARTS)}; got start={start!r}")
    land = network_landscape(model, X, y, classes, loss=loss, weight_bits=weight_bits, sample_weight=sample_weight)
    rng = as_generator(optimizer.random_state)
    compile_evaluations, float_network = 0, None
    given = explicit_start(optimizer, land.n_qubits, rng)
    if given is not None:  # an init set on the optimizer is always honoured
        init, what = given, "the optimizer's init"
    elif start == "random":
        init = rng.integers(0, 2, size=land.n_qubits, dtype=np.uint8)
        what = "random bits (no solver)"
    elif start == "float":
        init, compile_evaluations, float_network = _float_start(land, rng)
        what = "a float network's hidden layers rounded, ridge output layer rounded"
    else:
        init, compile_evaluations = _ridge_start(land, rng)
        what = "random hidden layers, ridge output layer rounded"
    start_loss, start_error = float(land.evaluate(init)), land.error_rate(init)
    if isinstance(optimizer, (BlockSearch, NoSearch)):  # NoSearch (optimizer="none"): the start alone
        search = optimizer.set_params(init=init)
    else:
        search = BlockSearch(inner=optimizer, block_size=network_block_size(optimizer, land, init, max_qubits),
                             order="structured", init=init,
                             max_sweeps=NETWORK_MAX_SWEEPS, random_state=int(rng.integers(0, 2**31 - 1)),
                             verbose=optimizer.verbose)
    result = search.minimize(land)
    result.ledger.update(compile_evaluations=compile_evaluations)
    result.info.update(start=what, start_loss=start_loss, start_error=start_error,
                       train_error=land.error_rate(result.bits), loss=land.loss, reached_optimum=None)
    if float_network is not None:
        result.info["float_network"] = float_network
    return BinaryFit(land.model, land.encoding, np.asarray(result.weights), np.asarray(result.bits), result,
                     {"network": True}, problem=land)
