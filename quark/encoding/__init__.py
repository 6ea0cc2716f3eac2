"""Bits, weights, losses and Hamiltonians: from a weight register to an energy landscape.

The problem interface (:class:`SearchProblem`, :func:`as_problem`) lives here, with everything that
compiles a problem: its loss and count tables, its polynomial and QUBO, the reduction of a HUBO to a
QUBO and the quadratic surrogates (:mod:`quark.encoding.compile`), and the oracle circuits
(:mod:`quark.encoding.oracles`).
"""

from quark.encoding.bits import bits_to_index, index_to_bits
from quark.encoding.hamiltonians import bqm_to_pauli, bqm_to_quadratic_program
from quark.encoding.landscape import LOSSES, LossLandscape
from quark.encoding.network import NetworkEncoding, NetworkLandscape
from quark.encoding.problem import PolynomialProblem, RestrictedProblem, SearchProblem, TableProblem, as_problem
from quark.encoding.transforms import mobius_transform, walsh_hadamard_transform
from quark.encoding.weights import WeightEncoding, weight_encoding

__all__ = [
    "WeightEncoding",
    "weight_encoding",
    "LossLandscape",
    "LOSSES",
    "NetworkEncoding",
    "NetworkLandscape",
    "SearchProblem",
    "TableProblem",
    "PolynomialProblem",
    "RestrictedProblem",
    "as_problem",
    "index_to_bits",
    "bits_to_index",
    "mobius_transform",
    "walsh_hadamard_transform",
    "bqm_to_pauli",
    "bqm_to_quadratic_program",
]
