"""Conformance kit for models: any :class:`~quark.models.base.QuantizedModel` — built-in or plug-in —
checked by the same tests.

:func:`check_model` draws a small data set the model accepts and checks what everything above the
models relies on: the forward pass's shape and dtype, that it is vectorized (a batch of weight
settings and of samples gives what one-at-a-time gives), the weight encoding's round trip, the loss
landscape built on it (its table — the fast kernels included — equals the loss computed from the
model's own predictions), and every hook the model declares (``features`` of linear models, the
reversible form, the quadratic surrogate, ``prepare``, ``get_params``).

Examples
--------
>>> from quark.models import FixedPointLinear
>>> check_model(FixedPointLinear)["passed"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.weights import weight_encoding
from quark.models.registry import is_model

__all__ = ["check_model"]

#: Feature counts tried, in order, until the model accepts one with a small enough register.
_FEATURE_COUNTS = (4, 9, 3, 2, 6, 8, 16, 1)


def _fail(name: str, what: str) -> AssertionError:
    return AssertionError(f"model {name!r}: {what}")


def _data(model, rng: np.random.Generator, n_samples: int, max_qubits: int):
    """A data set of a feature count the model takes, with at most ``max_qubits`` weight bits."""
    for d in _FEATURE_COUNTS:
        try:
            model.n_weights(d)
            X = rng.integers(0, 2, size=(n_samples, d)).astype(np.float64) if model.binary_input \
                else rng.normal(size=(n_samples, d))
            y = rng.integers(0, 2, size=n_samples)
            y[:2] = (0, 1)  # both classes
            prepared = model.prepare(X, y)
        except ValueError:
            continue
        for weight_bits in (None, 2, 1):  # k-bit models: fewer bits per weight where the default is too wide
            try:
                enc = weight_encoding(prepared, d, weight_bits)
            except ValueError:
                continue
            if enc.n_qubits <= max_qubits:
                return prepared, X, y, enc
    raise _fail(getattr(model, "name", type(model).__name__),
                f"takes none of {_FEATURE_COUNTS} features with a register of at most {max_qubits} qubits")


def check_model(model_or_cls: Any, *, n_samples: int = 24, n_settings: int = 16, max_qubits: int = 12,
                seed: int = 0) -> dict[str, Any]:
    """Check a model (an instance, or a class built with its defaults) against the model interface.

    Parameters
    ----------
    model_or_cls : QuantizedModel or QuantizedModel subclass
    n_samples : int
        Samples of the random data set (0/1 features for ``binary_input`` models, Gaussian otherwise).
    n_settings : int
        Random weight settings evaluated at once.
    max_qubits : int
        Largest weight register the landscape table is built for.
    seed : int

    Returns
    -------
    dict
        ``passed`` (True; a failed check raises ``AssertionError`` saying which), ``n_features``,
        ``n_qubits`` and ``checks`` (the names of the checks run, hooks included).
    """
    model = model_or_cls() if isinstance(model_or_cls, type) else model_or_cls
    if not is_model(model):
        raise TypeError(f"check_model needs a QuantizedModel or a subclass; got {type(model).__name__}")
    name = getattr(model, "name", type(model).__name__)
    rng = np.random.default_rng(seed)
    checks: list[str] = []

    # parameters: constructor arguments stored as given (clone and grid searches rely on it)
    params = model.get_params(deep=False)
    if type(model)(**params) != model:
        raise _fail(name, "rebuilding it from get_params() gives a different model (store every argument as given)")
    checks.append("get_params")

    model, X, y, enc = _data(model, rng, n_samples, max_qubits)
    d, n_w = X.shape[1], model.n_weights(X.shape[1])
    if enc.n_weights != n_w:
        raise _fail(name, f"its encoding has {enc.n_weights} weights, n_weights says {n_w}")
    checks.append("prepare")

    bits = rng.integers(0, 2, size=(n_settings, enc.n_qubits)).astype(np.uint8)
    W = enc.decode(bits)
    # weights round trip (bit patterns may share a level, e.g. ternary's two bits for three values)
    if not np.allclose(enc.decode(enc.encode(W)), W):
        raise _fail(name, "decode(encode(weights)) does not give the weights back")
    checks.append("encoding round trip")

    D = np.asarray(model.decision(W, X))
    if D.shape != (n_settings, len(X)):
        raise _fail(name, f"decision(W, X) has shape {D.shape}; expected (n_settings, n_samples) = "
                          f"{(n_settings, len(X))}")
    if not (np.issubdtype(D.dtype, np.floating) or np.issubdtype(D.dtype, np.integer)) or not np.isfinite(D).all():
        raise _fail(name, f"decision(W, X) must hold finite real numbers; got dtype {D.dtype}")
    checks.append("decision shape and dtype")

    for b in range(n_settings):
        if not np.allclose(np.asarray(model.decision(W[b:b + 1], X))[0], D[b], rtol=1e-6, atol=1e-9):
            raise _fail(name, f"decision of weight setting {b} alone differs from its row in the batch")
    for i in range(0, len(X), max(1, len(X) // 6)):
        if not np.allclose(np.asarray(model.decision(W, X[i:i + 1]))[:, 0], D[:, i], rtol=1e-6, atol=1e-9):
            raise _fail(name, f"decision on sample {i} alone differs from its column in the batch")
    P = np.asarray(model.predict(W, X))
    if P.dtype != np.uint8 or not np.array_equal(P, (D > 0).astype(np.uint8)):
        raise _fail(name, "predict(W, X) must be (decision > 0) as uint8")
    checks.append("vectorized over settings and samples")

    land = LossLandscape(model, enc, X, y, loss="zero_one")
    errors = (P != y[None, :]).mean(axis=1)
    if not np.allclose(land.evaluate(bits), errors):
        raise _fail(name, "the landscape's 0-1 loss differs from the error rate of the model's predictions")
    table = land.table()
    idx = (bits.astype(np.int64) << np.arange(enc.n_qubits)).sum(axis=1)
    if table.shape != (1 << enc.n_qubits,) or not np.allclose(table[idx], errors):
        raise _fail(name, "the landscape's table differs from the model's predictions (a fast kernel or "
                          "the or_form hook disagrees with decision)")
    auto = model.auto_loss()
    LossLandscape(model, enc, X, y, loss=auto).evaluate(bits)
    checks.append(f"landscape (zero_one, auto_loss={auto!r})")

    if model.linear:
        phi = np.asarray(model.features(X), dtype=np.float64)
        if phi.shape != (len(X), n_w) or not np.allclose(W @ phi.T, D, rtol=1e-6, atol=1e-9):
            raise _fail(name, "declares linear=True but decision != features(X) @ w")
        checks.append("features (linear)")
    surrogate = model.quadratic_surrogate(X, y)
    if surrogate is not None:
        values = np.asarray(surrogate(W))
        if values.shape != (n_settings,) or not np.isfinite(values).all():
            raise _fail(name, "quadratic_surrogate(W) must give one finite value per weight setting")
        if model.linear:
            t = 2.0 * y - 1.0
            if not np.allclose(values, ((D - t[None, :]) ** 2).mean(axis=1), rtol=1e-6, atol=1e-9):
                raise _fail(name, "the quadratic surrogate of a linear model must be its squared loss")
        checks.append("quadratic_surrogate")
    if getattr(model, "reversible_condition", None):
        try:
            form = model.reversible_form(d)
        except ValueError:
            form = None  # the condition is not met by these parameters
        if form is not None:
            if form.n_weights != n_w:
                raise _fail(name, f"its reversible form has {form.n_weights} weights, n_weights says {n_w}")
            checks.append("reversible_form")
    if len(model.weight_names(d)) != n_w:
        raise _fail(name, "weight_names must name every weight")
    checks.append("weight_names")
    if not isinstance(model.fits_weight_scale(), (bool, np.bool_)):
        raise _fail(name, "fits_weight_scale() must return a bool")
    return {"passed": True, "n_features": d, "n_qubits": enc.n_qubits, "checks": checks}
