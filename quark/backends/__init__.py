"""Where searches run: the exact NumPy kernel, Qiskit Aer, real QPUs, dimod samplers.

Backends are looked up by short name with :func:`get_backend`; :func:`available_backends` says
which are usable here and why not. Third-party backends register through the ``quark.backends``
entry-point group.
"""

from __future__ import annotations

from quark.backends.base import GroverBackend, MarkedCounter, Samples
from quark.backends.registry import BackendInfo, available_backends, get_backend, register_backend

__all__ = ["GroverBackend", "Samples", "MarkedCounter", "BackendInfo", "available_backends", "get_backend",
           "register_backend"]

register_backend(
    "statevector",
    "quark.backends.statevector:StatevectorBackend",
    description="exact NumPy statevector kernel (default, embedded)",
)


def _lazy_check(target: str):
    """A check resolved on first call, so that importing quark.backends imports no sampler library."""

    def check() -> str:
        from quark.backends.registry import _resolve

        return _resolve(target)()

    return check


_SAMPLERS_OK = _lazy_check("quark.backends.samplers:check_dwave_samplers")
for _name, _factory, _description in (
    ("neal", "neal_sampler", "simulated annealing (dwave-samplers SimulatedAnnealingSampler; default sampler)"),
    ("sqa", "sqa_sampler", "simulated quantum annealing (dwave-samplers PathIntegralAnnealingSampler)"),
    ("tabu", "tabu_sampler", "tabu search (dwave-samplers TabuSampler; classical reference)"),
    ("steepest-descent", "steepest_descent_sampler", "steepest descent (dwave-samplers; classical reference)"),
):
    register_backend(_name, f"quark.backends.samplers:{_factory}", kind="sampler", description=_description, check=_SAMPLERS_OK)
del _name, _factory, _description
register_backend(
    "aer",
    "quark.backends.aer:AerBackend",
    description="gate-level circuits on Qiskit Aer (CPU; statevector / MPS): counting, QUBO, table and joint oracles",
    check=_lazy_check("quark.backends.aer:aer_cpu_unusable_reason"),
)
register_backend(
    "aer-gpu",
    "quark.backends.aer:AerGPUBackend",
    description="gate-level circuits on Qiskit Aer on a CUDA GPU (extra 'gpu': qiskit-aer-gpu)",
    check=_lazy_check("quark.backends.aer:aer_gpu_unusable_reason"),
)
register_backend(
    "ibm",
    "quark.backends.ibm:IBMBackend",
    description="IBM Quantum QPU via qiskit-ibm-runtime SamplerV2 (extra 'ibm', account); fake devices run locally",
    check=_lazy_check("quark.backends.ibm:ibm_unusable_reason"),
)
register_backend(
    "exact",
    "quark.backends.samplers:exact_sampler",
    kind="sampler",
    description="every state enumerated (dimod ExactSolver / ExactPolySolver), size-guarded",
    check=_lazy_check("quark.backends.samplers:check_dimod"),
)
register_backend(
    "dwave",
    "quark.backends.dwave:dwave_sampler",
    kind="sampler",
    description="D-Wave QPU: EmbeddingComposite(DWaveSampler()) (extra 'dwave', API token)",
    check=_lazy_check("quark.backends.dwave:check_dwave"),
)
