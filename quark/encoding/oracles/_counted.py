"""What the counting oracle counts on its register: a landscape's samples, or a restriction's.

A restriction (:meth:`~quark.encoding.SearchProblem.restrict`, as a block search makes them) fixes
some weights at the incumbent. For a gated-OR model (:class:`~quark.models.circuits.GatedOrForm`)
``out = w_pol XOR OR_g (w_g AND u_g(x))`` the frozen weights contribute a per-sample constant:

- ``forced(x) = OR_{g frozen, w_g = 1} u_g(x)``: the frozen part of the OR (the perceptron's frozen
  pre-activation reaching its threshold); where it is 1 the OR is 1 whatever the free gates;
- a frozen polarity ``p`` flips the output: the sample counts as one of label ``y XOR p`` for a
  model without polarity.

So on the free bits the model is again a gated OR — gates = the free gate weights, features = their
``u_g(x)``, polarity = the polarity weight if it is free — over samples with adjusted labels; samples
the frozen weights decide entirely (``forced`` with a frozen polarity) add a constant to the count.
The ridge penalty's terms over the frozen bits become a constant and lower-order terms
(:meth:`~quark.encoding.problem.RestrictedProblem.substitute`). All this is ``O(m d)`` classical
preprocessing per block, data like ``X`` itself: no loss is evaluated, nothing is tabulated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.problem import RestrictedProblem, SearchProblem

__all__ = ["CountedRegister", "CountTerms", "counted_register", "count_terms", "unrestricted", "LOSS_FACTORS"]

#: A Boolean model scores ±1, so a wrong sample costs 1 (0-1 loss), 4 (squared) or 2 (hinge).
LOSS_FACTORS = {"zero_one": 1.0, "squared": 4.0, "hinge": 2.0}


@dataclass(frozen=True)
class CountedRegister:
    """A gated OR on the register's qubits and the samples it is scored on.

    Attributes
    ----------
    landscape : LossLandscape
        The landscape whose loss is counted (the restriction's root): loss, model, total weight.
    n_qubits : int
        Register (weight) qubits.
    form : GatedOrForm
        The model on the register: gates ``0 .. G-1`` and the polarity ``G`` (if free).
    qubits : tuple of int
        Register qubit of each weight of ``form``.
    u : ndarray, shape (m', G)
        Gate features of the samples the register decides.
    y, weight : ndarray, shape (m',)
        Their labels (flipped by a frozen polarity or a forced OR under a free one) and weights.
    fixed_correct : float
        Total weight of the samples the frozen bits decide and get right.
    total : float
        Total sample weight ``T`` (every sample, decided or not).
    penalty : dict
        ``(T / f) * alpha * sum_j pen_j w_j**2`` (``f``: :data:`LOSS_FACTORS`) as terms over register
        qubits, the constant under ``()``.
    forced : int
        Samples whose OR the frozen gates force to 1.
    """

    landscape: LossLandscape
    n_qubits: int
    form: object
    qubits: tuple[int, ...]
    u: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    fixed_correct: float
    total: float
    penalty: dict
    forced: int


def unrestricted(problem: SearchProblem) -> tuple[SearchProblem, np.ndarray | None, np.ndarray | None]:
    """``(root, free, base)``: a restriction (nested or not) as one of its root problem; ``(p, None, None)`` if none."""
    if not isinstance(problem, RestrictedProblem):
        return problem, None, None
    free, base, p = problem.free, problem.base, problem.parent
    while isinstance(p, RestrictedProblem):
        free, base = p.free[free], p.embed(base)
        p = p.parent
    return p, np.asarray(free, dtype=np.int64), np.asarray(base, dtype=np.uint8)


def counted_register(problem: SearchProblem) -> CountedRegister:
    """The :class:`CountedRegister` of a landscape of a model with a reversible form, or of a restriction of one.

    Raises ``TypeError`` for anything else (a model without a reversible form raises the
    ``ValueError`` of :func:`~quark.models.circuits.reversible_form`).
    """
    land, free, base = unrestricted(problem)
    if not isinstance(land, LossLandscape):
        raise TypeError(f"the counting oracle needs a LossLandscape or a restriction of one; got {problem!r}")
    rform = land.model.reversible_form(land.X.shape[1])
    if land.n_qubits != rform.n_weights or land.encoding.kind != "binary":  # pragma: no cover
        raise ValueError("the counting oracle needs one qubit per binary weight")
    m = land.n_samples
    y = land.y.astype(np.uint8)
    sw = np.ones(m) if land.sample_weight is None else np.asarray(land.sample_weight, dtype=np.float64)
    u = rform.gate_features(land.X)
    total = float(sw.sum())
    penalty = _ridge_terms(land, total / LOSS_FACTORS[land.loss])
    if free is None:
        return CountedRegister(land, rform.n_weights, rform, tuple(range(rform.n_weights)), u, y, sw, 0.0,
                               total, penalty, 0)
    return _restricted(land, rform, free, base, u, y, sw, total, penalty)


def _restricted(land, rform, free, base, u, y, sw, total, penalty) -> CountedRegister:
    from quark.models.circuits import GatedOrForm

    pos = {int(q): j for j, q in enumerate(free.tolist())}
    gates = [g for g in range(rform.n_gates) if g in pos]
    frozen_on = [g for g in range(rform.n_gates) if g not in pos and base[g]]
    forced = u[:, frozen_on].any(axis=1) if frozen_on else np.zeros(len(y), dtype=bool)
    pol = rform.polarity
    if pol is not None and pol in pos:  # free polarity: out = NOT w_pol on a forced sample
        keep = np.ones(len(y), dtype=bool)
        y_eff = np.where(forced, 1 - y, y).astype(np.uint8)
        u_eff = np.where(forced[:, None], 0, u[:, gates]).astype(np.uint8)
        fixed_correct = 0.0
        qubits = tuple(pos[g] for g in gates) + (pos[pol],)
        polarity = len(gates)
    else:  # frozen polarity p (0 without one): labels y XOR p; a forced sample's output is NOT p
        p = int(base[pol]) if pol is not None else 0
        keep = ~forced
        y_eff = (y[keep] ^ p).astype(np.uint8)
        u_eff = u[keep][:, gates]
        fixed_correct = float(sw[forced & (y == 1 - p)].sum())
        qubits, polarity = tuple(pos[g] for g in gates), None
    n = len(gates)
    form = GatedOrForm(rform.model_name, n, n, tuple((g, (g,)) for g in range(n)), polarity)
    if penalty:  # the frozen bits' terms: a constant and lower-order terms on the free bits
        penalty = RestrictedProblem(land, free, base).substitute(penalty)
    return CountedRegister(land, int(free.size), form, qubits, u_eff, y_eff, sw[keep], fixed_correct,
                           total, penalty, int(forced.sum()))


class CountTerms(NamedTuple):
    """``G(w) = shift + sum_i coefficients[i] * term_i(w)``: the weighted correct count less ``(T / f) P(w)``.

    The terms are the classes' outputs (``classes``: selected gates of :attr:`CountedRegister.form`,
    ``delta = mu1 - mu0``), then the penalty's monomials (``penalty_keys``, register qubits).
    """

    classes: list
    penalty_keys: list
    coefficients: np.ndarray
    shift: float
    n_classes: int


def count_terms(reg: CountedRegister) -> CountTerms:
    """Samples with the same gate features share one class: ``mu0 + (mu1 - mu0) * out(w)`` correct weight."""
    form, u = reg.form, reg.u
    keys = u.astype(np.int64) @ (1 << np.arange(form.n_gates, dtype=np.int64))
    uniq, first, inv = np.unique(keys, return_index=True, return_inverse=True)
    y = reg.y.astype(np.float64)
    mu1 = np.bincount(inv, weights=y * reg.weight, minlength=uniq.size)
    mu0 = np.bincount(inv, weights=(1 - y) * reg.weight, minlength=uniq.size)
    # every negative sample is right when out = 0; the frozen bits decide some samples outright
    c0 = float(mu0.sum()) + reg.fixed_correct
    classes = []  # (selected gates, delta) of every class whose contribution depends on w
    for r in range(uniq.size):
        delta = float(mu1[r] - mu0[r])
        selected = [g for g in range(form.n_gates) if u[first[r]][g]]
        if delta == 0 or (form.polarity is None and not selected):  # out(w) = 0 always, or no effect
            continue
        classes.append((selected, delta))
    penalty = dict(reg.penalty)  # (T / f) * P(w) over the register's bits
    pen_const = penalty.pop((), 0.0)
    keys_p = sorted(penalty)
    coef = np.array([d for _, d in classes] + [-penalty[t] for t in keys_p], dtype=np.float64)
    return CountTerms(classes, keys_p, coef, c0 - pen_const, int(uniq.size))


def _ridge_terms(land: LossLandscape, factor: float) -> dict[tuple[int, ...], float]:
    """``factor * alpha * sum_j pen_j w_j**2`` (the penalized weights) as terms over the weight bits."""
    if not land.alpha:
        return {}
    from quark.encoding.hamiltonians import weight_quadratic_terms
    from quark.models.base import WeightQuadratic

    pen = land._penalized.astype(np.float64) * (factor * land.alpha)
    wq = WeightQuadratic(0.0, np.zeros(pen.size), np.diag(pen), "ridge penalty")
    return {t: c for t, c in weight_quadratic_terms(wq, land.encoding).items() if c}
