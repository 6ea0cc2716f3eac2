"""Where an estimate is for: Aer's basis, an IBM device (basis, coupling map, durations), or a fault-tolerant machine.

:func:`resolve_target` turns what a user passes — ``"aer"``, ``"fault-tolerant"``, an IBM device name
(``"fake_brisbane"``, ``"ibm_brisbane"``: served offline by ``qiskit_ibm_runtime.fake_provider``) or a
Qiskit ``BackendV2`` object — into a :class:`TargetSpec`: a name, a kind and the pass manager that
compiles a circuit for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quark._optional import require

__all__ = ["TargetSpec", "resolve_target", "TARGET_KINDS", "FAULT_TOLERANT", "fake_backend_names"]

TARGET_KINDS = ("aer", "ibm", "fault-tolerant")
FAULT_TOLERANT = ("fault-tolerant", "fault_tolerant", "ft")
#: The gate set a fault-tolerant compilation starts from: Clifford + T, Toffoli, arbitrary rotations
#: (the resource estimator synthesizes rotations into T gates and Toffolis into CCZ states itself).
FT_BASIS = ("cx", "ccx", "h", "x", "y", "z", "s", "sdg", "t", "tdg", "rx", "ry", "rz")


@dataclass
class TargetSpec:
    """A compilation target for resource counting.

    Attributes
    ----------
    name : str
        ``"aer"``, ``"fault-tolerant"`` or the device's name.
    kind : {"aer", "ibm", "fault-tolerant"}
    backend : Any
        The Qiskit backend (``AerSimulator`` or the IBM device); ``None`` for the fault-tolerant target.
    optimization_level : int
        Preset pass manager level.
    """

    name: str
    kind: str
    backend: Any = None
    optimization_level: int = 1
    seed_transpiler: int = 0
    _pm: Any = field(default=None, repr=False)

    @property
    def key(self) -> tuple:
        """What identifies the target in the circuit-count cache."""
        return (self.kind, self.name, self.optimization_level, self.seed_transpiler)

    def pass_manager_options(self) -> dict:
        """What ``generate_preset_pass_manager`` needs besides the level: a basis, Aer's target, or the device."""
        if self.kind == "fault-tolerant":
            return {"basis_gates": list(FT_BASIS)}
        if self.kind == "aer":
            return {"target": self.backend.target}
        return {"backend": self.backend, "seed_transpiler": self.seed_transpiler}

    def pass_manager(self, optimization_level: int | None = None):
        """The preset pass manager compiling a circuit for this target (built once per level)."""
        from qiskit.transpiler import generate_preset_pass_manager

        level = self.optimization_level if optimization_level is None else int(optimization_level)
        if self._pm is None:
            self._pm = {}
        if level not in self._pm:
            self._pm[level] = generate_preset_pass_manager(optimization_level=level, **self.pass_manager_options())
        return self._pm[level]

    @property
    def n_device_qubits(self) -> int | None:
        """Qubits of the device (``None``: no limit)."""
        return int(self.backend.num_qubits) if self.kind == "ibm" else None


def fake_backend_names() -> list[str]:
    """Names of the offline IBM devices of ``qiskit_ibm_runtime.fake_provider`` (``"fake_brisbane"``, ...)."""
    fp = require("qiskit_ibm_runtime.fake_provider", extra="ibm", feature="IBM device targets",
                 package="qiskit-ibm-runtime")
    return sorted(b.backend_name for b in _fake_backends(fp))


def _fake_backend(name: str):
    fp = require("qiskit_ibm_runtime.fake_provider", extra="ibm", feature="IBM device targets",
                 package="qiskit-ibm-runtime")
    want = name.lower().replace("-", "_")
    want = want if want.startswith("fake_") else "fake_" + want.removeprefix("ibm_").removeprefix("ibmq_")
    for b in _fake_backends(fp):
        if b.backend_name == want:
            return b
    return None


def _fake_backends(fp) -> list:
    import warnings

    with warnings.catch_warnings():  # some fake devices warn that their error rates are not typical
        warnings.simplefilter("ignore", UserWarning)
        return list(fp.FakeProviderForBackendV2().backends())


def resolve_target(target: Any, *, optimization_level: int = 1, seed_transpiler: int = 0) -> TargetSpec:
    """The :class:`TargetSpec` of ``target`` (see the module docstring); a clear error for anything else.

    Examples
    --------
    >>> resolve_target("aer").kind, resolve_target("fault-tolerant").name
    ('aer', 'fault-tolerant')
    >>> resolve_target("fake_brisbane").n_device_qubits
    127
    """
    opts = {"optimization_level": int(optimization_level), "seed_transpiler": int(seed_transpiler)}
    if isinstance(target, str):
        name = target.strip().lower()
        if name == "aer":
            from qiskit_aer import AerSimulator

            return TargetSpec("aer", "aer", AerSimulator(), **opts)
        if name in FAULT_TOLERANT:
            return TargetSpec("fault-tolerant", "fault-tolerant", None, **opts)
        backend = _fake_backend(name) if name.startswith(("fake_", "ibm_", "ibmq_")) else None
        if backend is None:
            known = ", ".join(fake_backend_names()[:6])
            raise ValueError(
                f"unknown target {target!r}: use 'aer', 'fault-tolerant', an IBM device name served offline by "
                f"qiskit_ibm_runtime.fake_provider ({known}, ...) or a Qiskit BackendV2 object (a real device "
                "from QiskitRuntimeService().backend(name))"
            )
        return TargetSpec(backend.backend_name, "ibm", backend, **opts)
    if getattr(target, "target", None) is not None and hasattr(target, "num_qubits"):
        name = str(getattr(target, "name", None) or getattr(target, "backend_name", type(target).__name__))
        kind = "aer" if type(target).__name__.startswith("Aer") else "ibm"
        return TargetSpec(name, kind, target, **opts)
    raise TypeError(
        f"'target' must be 'aer', 'fault-tolerant', an IBM device name or a Qiskit BackendV2 object; "
        f"got {type(target).__name__}"
    )
