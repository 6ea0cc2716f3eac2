"""Where searches run: the exact NumPy kernel, Qiskit Aer, real QPUs, dimod samplers.

Backends are looked up by short name with :func:`get_backend`; :func:`available_backends` says
which are usable here and why not. Third-party backends register through the ``quark.backends``
entry-point group.
"""

from __future__ import annotations

from quark.backends.base import GroverBackend
from quark.backends.registry import BackendInfo, available_backends, get_backend, register_backend

__all__ = ["GroverBackend", "BackendInfo", "available_backends", "get_backend", "register_backend"]

register_backend(
    "statevector",
    "quark.backends.statevector:StatevectorBackend",
    description="exact NumPy statevector kernel (default, embedded)",
)
