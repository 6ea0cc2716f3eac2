"""Running a dimod sampler and reading its sample set back: what annealing sends and receives.

:func:`run_sampler` makes one sampler call — reads, seed and options checked against the sampler's
declared ``parameters`` (a typo such as ``num_sweep`` is an error, not silently dropped) — and
returns a :class:`SamplerRun`: the samples as a ``uint8`` array in variable order, their energies and
occurrences, the sweeps per read, the sampler's timing and the QPU seconds it billed.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["SamplerRun", "run_sampler", "sampler_parameters"]


@dataclass
class SamplerRun:
    """One sampler call, decoded.

    Attributes
    ----------
    samples : ndarray of uint8, shape (rows, n_variables)
        One row per distinct sample, in variable order ``0..n_variables-1``.
    energies : ndarray of float64
        The sampler's energies (never trusted as losses: callers re-evaluate).
    occurrences : ndarray of int64
        How many reads returned each row.
    sweeps : int or None
        Sweeps per read for sweep-based samplers (``None`` otherwise).
    options : dict
        The keyword arguments the sampler was called with.
    timing : dict
        The sampler's own ``SampleSet.info["timing"]``.
    qpu_time_s : float
        QPU access time billed (D-Wave), 0 on classical samplers.
    sampling_time_s : float or None
        Sampling time the sampler reports (``sampling_ns`` or a QPU's ``qpu_sampling_time``).
    """

    samples: np.ndarray
    energies: np.ndarray
    occurrences: np.ndarray
    sweeps: int | None
    options: dict
    timing: dict = field(default_factory=dict)
    qpu_time_s: float = 0.0
    sampling_time_s: float | None = None
    info: dict = field(default_factory=dict)
    chain_break_fraction: float | None = None
    embedding_context: Any = None

    @property
    def reads(self) -> int:
        return int(self.occurrences.sum())


def sampler_parameters(sampler) -> dict | None:
    """The sampler's declared ``parameters``, or ``None`` (with a warning) when it cannot say."""
    try:
        return dict(getattr(sampler, "parameters", {}) or {})
    except Exception as exc:  # noqa: BLE001 - e.g. a QPU sampler whose parameters need a connection
        warnings.warn(
            f"could not read the parameters of sampler {type(sampler).__name__} ({type(exc).__name__}: {exc}); "
            "num_reads and the seed are passed anyway and sampling options are not checked",
            RuntimeWarning, stacklevel=3,
        )
        return None


def _check_options(options: dict, params: dict | None, name: str) -> None:
    if params is None:
        return
    unknown = [k for k in options if k not in params]
    if unknown:
        hints = {k: difflib.get_close_matches(k, list(params), n=1) for k in unknown}
        said = ", ".join(f"{k!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for k, h in hints.items())
        raise ValueError(f"sampler {name} takes no option {said}; its options: {sorted(params)}")


def _binary_samples(sampleset, n_variables: int) -> np.ndarray:
    """Samples as a uint8 array ``(rows, n_variables)`` in variable order ``0..n_variables-1``."""
    import dimod

    labels = list(sampleset.variables)
    pos = {v: i for i, v in enumerate(labels)}
    missing = [i for i in range(n_variables) if i not in pos]
    if missing:
        raise RuntimeError(
            f"the sampler returned samples without variables {missing[:5]}; a sampler must return a "
            "value for every variable of the model"
        )
    arr = np.asarray(sampleset.record.sample)[:, [pos[i] for i in range(n_variables)]]
    if sampleset.vartype is dimod.SPIN:
        arr = (arr + 1) // 2
    if arr.size and not np.isin(arr, (0, 1)).all():
        raise RuntimeError("the sampler returned values other than 0/1 for a BINARY model")
    return arr.astype(np.uint8)


def run_sampler(sampler, model, *, n_variables: int, num_reads: int | None, seed: int | None,
                options: dict | None = None, poly: bool = False, name: str | None = None) -> SamplerRun:
    """Call ``sampler.sample(model)`` (``sample_poly`` with ``poly``) once and decode the sample set.

    ``num_reads`` and ``seed`` are passed where the sampler declares them (and the user did not);
    a random seed for minorminer's embedding too, so that embedded runs repeat.
    """
    from quark.backends.samplers import sampler_num_sweeps

    name = name or repr(type(sampler).__name__)
    params = sampler_parameters(sampler)
    kwargs = dict(options or {})
    _check_options(kwargs, params, name)
    accepts = (lambda key: True) if params is None else (lambda key: key in params)
    if num_reads is not None and accepts("num_reads") and "num_reads" not in kwargs:
        kwargs["num_reads"] = int(num_reads)
    if seed is not None and params is not None and "seed" in params and "seed" not in kwargs:
        kwargs["seed"] = int(seed)
    if (
        seed is not None and params is not None
        and "embedding_parameters" in params
        and "embedding_parameters" not in kwargs
        and not getattr(sampler, "embedding_parameters", None)
    ):  # minorminer's heuristic is random too: seed it so that embedded runs repeat
        kwargs["embedding_parameters"] = {"random_seed": int(seed) ^ 0x5EED}
    sampleset = sampler.sample_poly(model, **kwargs) if poly else sampler.sample(model, **kwargs)
    if len(sampleset) == 0:
        raise RuntimeError(f"sampler {name} returned no samples; nothing to decode")
    energies = np.asarray(sampleset.record.energy, dtype=np.float64)
    if not np.isfinite(energies).all():
        raise RuntimeError(f"sampler {name} returned NaN or infinite energies; its samples are not trusted")
    timing = dict(sampleset.info.get("timing", {}))
    sampling_s = None
    if "sampling_ns" in timing:
        sampling_s = timing["sampling_ns"] / 1e9
    elif "qpu_sampling_time" in timing:  # D-Wave QPU timing is in microseconds
        sampling_s = timing["qpu_sampling_time"] / 1e6
    names = sampleset.record.dtype.names
    return SamplerRun(
        samples=_binary_samples(sampleset, n_variables),
        energies=energies,
        occurrences=np.asarray(sampleset.record.num_occurrences, dtype=np.int64),
        sweeps=sampler_num_sweeps(sampler, kwargs),
        options=kwargs,
        timing=timing,
        qpu_time_s=timing.get("qpu_access_time", 0.0) / 1e6,  # what the QPU bills, programming included
        sampling_time_s=sampling_s,
        info={k: v for k, v in sampleset.info.items() if k not in ("timing", "statistics", "embedding_context")},
        chain_break_fraction=(
            float(np.mean(sampleset.record.chain_break_fraction)) if "chain_break_fraction" in names else None
        ),
        embedding_context=sampleset.info.get("embedding_context"),
    )
