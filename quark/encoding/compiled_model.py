"""What a sampler receives, and how to read its samples back: :class:`CompiledModel`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["CompiledModel", "ENCODINGS"]

#: Encodings a problem compiles to for a dimod sampler.
ENCODINGS = ("auto", "qubo", "reduced", "surrogate", "hubo")


@dataclass
class CompiledModel:
    """A problem compiled for a sampler.

    Attributes
    ----------
    bqm : dimod.BinaryQuadraticModel or None
        BINARY model; variable ``i < n_original`` is bit ``i`` of the problem.
    poly : dimod.BinaryPolynomial or None
        For ``encoding="hubo"`` only.
    n_original : int
    encoding : str
        ``"qubo"``, ``"reduced"``, ``"surrogate"`` or ``"hubo"``.
    products : list of (u, v, p)
        Auxiliary variable ``p`` stands for ``u * v`` (reduced only).
    penalty, penalty_bound : float or None
        AND-gate strength and the bound it must exceed (reduced only).
    description : str
    flip : int
        Bit ``i`` set: variable ``i`` of the model is ``NOT`` bit ``i`` of the problem.
    compile_evaluations : int
        Model evaluations the compilation made (the full loss table behind a polynomial or a
        least-squares surrogate of a landscape: as many as an exhaustive search); 0 when it was
        derived symbolically.
    """

    bqm: Any = None
    n_original: int = 0
    encoding: str = "qubo"
    products: list = field(default_factory=list)
    penalty: float | None = None
    penalty_bound: float | None = None
    poly: Any = None
    description: str = ""
    flip: int = 0
    compile_evaluations: int = 0

    def decode(self, samples: np.ndarray) -> np.ndarray:
        """Problem bit strings of samples: original variables only, flips undone."""
        bits = samples[:, : self.n_original]
        if self.flip:
            bits = bits ^ ((self.flip >> np.arange(self.n_original)) & 1).astype(np.uint8)
        return bits

    def with_penalty(self, penalty: float) -> "CompiledModel":
        """The same reduction with another AND-gate strength (reduced encoding only)."""
        bqm = self.bqm.copy()
        delta = penalty - self.penalty
        for u, v, p in self.products:
            bqm.add_quadratic(u, v, delta)
            bqm.add_quadratic(u, p, -2.0 * delta)
            bqm.add_quadratic(v, p, -2.0 * delta)
            bqm.add_linear(p, 3.0 * delta)
        return CompiledModel(**{**vars(self), "bqm": bqm, "penalty": float(penalty)})

    @property
    def n_variables(self) -> int:
        return len(self.bqm.variables) if self.bqm is not None else self.n_original

    @property
    def sampled_model(self) -> Any:
        """What the sampler receives: the polynomial for ``"hubo"``, else the BQM."""
        return self.poly if self.encoding == "hubo" else self.bqm

    def violations(self, samples: np.ndarray) -> np.ndarray:
        """Per sample (rows over variables ``0..n_variables-1``): whether a product is wrong."""
        bad = np.zeros(samples.shape[0], dtype=bool)
        if self.products:
            u, v, p = (np.array(c) for c in zip(*self.products))
            bad = ((samples[:, u] & samples[:, v]) != samples[:, p]).any(axis=1)
        return bad
