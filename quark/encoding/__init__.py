"""Bits, weights, losses and Hamiltonians: from a weight register to an energy landscape."""

from quark.encoding.bits import bits_to_index, index_to_bits
from quark.encoding.hamiltonians import bqm_to_pauli, bqm_to_quadratic_program
from quark.encoding.landscape import LOSSES, LossLandscape
from quark.encoding.transforms import mobius_transform, walsh_hadamard_transform
from quark.encoding.weights import WeightEncoding

__all__ = [
    "WeightEncoding",
    "LossLandscape",
    "LOSSES",
    "index_to_bits",
    "bits_to_index",
    "mobius_transform",
    "walsh_hadamard_transform",
    "bqm_to_pauli",
    "bqm_to_quadratic_program",
]
