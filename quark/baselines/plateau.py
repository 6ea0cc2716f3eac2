"""The barren-plateau measurement: variance of a parameter-shift gradient component vs qubit count."""

from __future__ import annotations

import numpy as np

from quark._random import as_generator
from quark._validation import check_int
from quark.baselines.circuits import READOUTS, RealCircuitSimulator, basis_feature_map, vqc_ansatz, vqc_circuit

__all__ = ["gradient_variance"]


def gradient_variance(n_qubits: int, reps: int = 2, *, entanglement: str = "reverse_linear",
                      readout: str = "qubit0", n_inits: int = 200, parameter: int = 0,
                      random_state=None) -> dict:
    """Exact variance, over random initializations in ``[0, 2 pi)``, of one gradient component.

    The cost is the baseline's class-1 probability on the all-zeros input (basis encoding of a
    blank image is the identity, so this is the ansatz alone); the gradient of weight
    ``parameter`` is the exact parameter-shift difference ``(p(w + pi/2) - p(w - pi/2)) / 2``.

    Returns
    -------
    dict
        ``n_qubits``, ``reps``, ``readout``, ``variance``, ``mean``, ``mean_abs`` and
        ``shots_for_snr1`` -- shots per shifted circuit at which the shot noise of one
        parameter-shift estimate (at most ``1 / (8 * shots)``) equals the gradient's variance.

    Examples
    --------
    >>> r = gradient_variance(3, n_inits=50, random_state=0)
    >>> r["variance"] > 0, r["n_qubits"]
    (True, 3)
    """
    n = check_int(n_qubits, "n_qubits")
    check_int(n_inits, "n_inits")
    if readout not in READOUTS:
        raise ValueError(f"'readout' must be one of {tuple(READOUTS)}; got {readout!r}")
    rng = as_generator(random_state)
    sim = RealCircuitSimulator(vqc_circuit(n, reps, entanglement), basis_feature_map(n).parameters,
                               vqc_ansatz(n, reps, entanglement).parameters)
    P = len(sim.weight_params)
    if not 0 <= parameter < P:
        raise ValueError(f"'parameter' must index one of the {P} weights; got {parameter!r}")
    W = rng.uniform(0.0, 2 * np.pi, size=(n_inits, P))
    Wp, Wm = W.copy(), W.copy()
    Wp[:, parameter] += np.pi / 2
    Wm[:, parameter] -= np.pi / 2
    p = sim.class_one_probability(np.zeros((1, n)), np.concatenate([Wp, Wm]), readout)[:, 0]
    g = (p[:n_inits] - p[n_inits:]) / 2
    var = float(np.var(g, ddof=1))
    return {"n_qubits": n, "reps": int(reps), "readout": readout, "variance": var, "mean": float(np.mean(g)),
            "mean_abs": float(np.mean(np.abs(g))), "shots_for_snr1": float(1.0 / (8.0 * var)) if var > 0 else float("inf"),
            "n_inits": int(n_inits)}
