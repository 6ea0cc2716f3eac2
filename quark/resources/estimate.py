"""What a fit or a search would cost on a device: :func:`estimate` and :class:`ResourceEstimate`.

A search is read from its ledger and ``info``: how many oracle queries it made and how many shots,
on which problem. Each query is the Grover iterate of the oracle the gate-level backends build for
that problem (:mod:`quark.resources.counting`); a block search's step queries its block's
restriction, a register of the block's bits (``info["block_sizes"]``: per block size the queries,
shots and the last block, rebuilt with the search's final bits fixed around it). Per-query counts are
query-weighted means over every circuit queried; totals are per-query counts times the queries.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from quark.resources.counting import count_query, query_oracle
from quark.resources.targets import resolve_target

__all__ = ["ResourceEstimate", "estimate", "Query"]


@dataclass
class Query:
    """One kind of query a search made: the problem it ran on, how often, and with what."""

    problem: Any
    queries: int
    shots: int
    threshold: float
    steps: int = 1
    joint_copies: int | None = None


@dataclass
class ResourceEstimate:
    """Resources of a search (or a whole fit) on a target; counts per oracle query and in total.

    Attributes
    ----------
    target : str
        ``"aer"``, ``"fault-tolerant"`` or the IBM device's name.
    qubits : int
        Logical qubits of the largest query circuit: weights and work registers (counters, value
        registers, ancillas; data registers for the joint oracle).
    weight_qubits : int
        The largest weight register queried (a block's bits for a block search).
    two_qubit_gates, depth : float
        Per oracle query (one Grover iterate, oracle and diffuser), compiled for the target; query-
        weighted means where queries differ (block steps, problems of a multi-class fit).
    t_count : float or None
        Per query, T states consumed on the fault-tolerant target (T gates, rotations synthesized
        into T gates, 4 per Toffoli/CCZ); ``None`` on other targets (their bases are not Clifford+T).
    toffoli_count : float or None
        Per query, Toffoli-class gates (CCZ, CCiX) the estimator counted (fault-tolerant target).
    oracle_queries, shots : int
        From the ledger(s).
    total_two_qubit_gates : float
        ``two_qubit_gates * oracle_queries`` (state preparation and measurement are single-qubit).
    runtime_per_query_s, runtime_s : float or None
        An IBM device: a query's scheduled length from the device's gate durations, and the search:
        queries times that plus a measurement per shot. Fault-tolerant: the estimator's runtime of the
        whole search, and that divided by the queries. ``None`` on Aer (a simulator has no gate times).
    physical_qubits, logical_qubits : int or None
        Fault-tolerant target: physical qubits (algorithm and T factories) and the logical qubits after
        the estimator's layout.
    oracles : dict
        Oracle kind -> queries.
    parts : list of dict
        One entry per distinct query circuit: ``oracle``, ``weight_qubits``, ``qubits``, ``queries``,
        ``shots``, ``steps`` and the counts.
    assumptions : dict
        Everything assumed: how queries were built, the target's compilation, the surface-code
        parameters (fault-tolerant: the estimator's full job parameters).
    """

    target: str
    qubits: int
    weight_qubits: int
    two_qubit_gates: float
    depth: float
    t_count: float | None
    oracle_queries: int
    shots: int
    total_two_qubit_gates: float
    runtime_s: float | None
    runtime_per_query_s: float | None
    physical_qubits: int | None
    logical_qubits: int | None = None
    toffoli_count: float | None = None
    oracles: dict[str, int] = field(default_factory=dict)
    parts: list[dict[str, Any]] = field(default_factory=list)
    assumptions: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Every field, as plain Python values."""
        return asdict(self)

    def summary(self) -> str:
        """A few lines for people (what ``quark info`` and ``quark estimate`` print)."""
        def num(x, fmt="{:,.0f}"):
            return "n/a" if x is None else fmt.format(x)

        kinds = ", ".join(f"{k}: {v:,}" for k, v in self.oracles.items())
        lines = [
            f"resources on {self.target}: {self.qubits} qubits ({self.weight_qubits} weight qubits); oracles {kinds}",
            f"  per oracle query: {num(self.two_qubit_gates)} two-qubit gates, depth {num(self.depth)}, "
            f"T count {num(self.t_count)}",
            f"  search: {self.oracle_queries:,} oracle queries, {self.shots:,} shots, "
            f"{num(self.total_two_qubit_gates)} two-qubit gates",
        ]
        if self.runtime_s is not None:
            lines.append(f"  runtime: {self.runtime_s:.4g} s ({num(self.runtime_per_query_s, '{:.3g}')} s per query)")
        if self.physical_qubits is not None:
            lines.append(f"  physical qubits: {self.physical_qubits:,} ({self.logical_qubits} logical)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


# -- what a search queried ------------------------------------------------------------------------
def _queries_of(result, problem) -> list[Query]:
    from quark.encoding.problem import as_problem

    info = result.info
    led = result.ledger
    p = as_problem(problem)
    if p.n_qubits != len(result.bits):
        raise ValueError(f"the problem has {p.n_qubits} bits but the result {len(result.bits)}: pass the problem the "
                         "search ran on")
    threshold = float(result.loss)
    sizes = info.get("block_sizes")
    if sizes is not None:
        out = []
        for d in sizes.values():
            if not d["oracle_queries"]:
                continue
            sub = p.restrict(d["block"], result.bits)
            out.append(Query(sub, d["oracle_queries"], d["shots"], threshold, d["steps"],
                             d.get("copies") if d.get("inner") == "quark" else None))
        if not out and led.oracle_queries:
            raise ValueError("the block search's info does not say which blocks made its oracle queries")
        return out
    if "block_steps" in info:
        raise ValueError(f"the block search (decomposer {info.get('decomposer')!r}) does not report its block sizes; "
                         "only Quark's own sweeps (decomposer='quark') can be estimated")
    if not led.oracle_queries:
        return []
    copies = int(info["copies"]) if info.get("optimizer") == "quark" else None
    return [Query(p, led.oracle_queries, led.shots, threshold, 1, copies)]


def _searches(obj, problem, data) -> tuple[list[Query], list[str]]:
    """``(queries, optimizer names)`` of a fitted classifier or a search result with its problem."""
    if hasattr(obj, "fits_"):
        if problem is not None:
            raise ValueError("a fitted classifier carries its problems; do not pass 'problem' (pass X, y instead)")
        queries, names = [], []
        for i, fit in enumerate(obj.fits_):
            land = obj.landscape(*data, problem=i) if data is not None else fit.problem
            if land is None:
                size = fit.info.get("problem_not_saved_bytes")
                why = (f"its training data ({size / 2**20:.0f} MiB) was not saved with the model" if size else
                       "it was fitted by an older Quark")
                raise ValueError(f"problem {i} of the classifier kept no landscape: {why}; pass the training data, "
                                 "estimate(clf, X=X, y=y) (and sample_weight), to rebuild it")
            queries += _queries_of(fit.result, land)
            names.append(str(fit.result.info.get("optimizer", "?")))
        return queries, names
    if hasattr(obj, "ledger") and hasattr(obj, "bits"):
        if problem is None:
            raise ValueError("estimating a SearchResult needs the problem it searched: estimate(result, problem, target=...)")
        return _queries_of(obj, problem), [str(obj.info.get("optimizer", "?"))]
    if hasattr(obj, "get_params") and not hasattr(obj, "fits_"):
        raise ValueError(f"this {type(obj).__name__} is not fitted yet; call 'fit' before estimating its resources")
    raise TypeError(f"'obj' must be a fitted QuarkClassifier or a SearchResult; got {type(obj).__name__}")


def _oracle_of(obj, oracle):
    if oracle is not None:
        return oracle
    backend = getattr(obj, "backend", None)
    return getattr(backend, "oracle", "auto") if backend is not None and not isinstance(backend, str) else "auto"


# -- the estimate ---------------------------------------------------------------------------------
def estimate(obj, problem=None, *, target: Any = "aer", X=None, y=None, sample_weight=None, oracle: str | None = None,
             optimization_level: int = 1, seed_transpiler: int = 0, params: dict | None = None,
             max_table_qubits: int = 16, cache: str = "shape") -> ResourceEstimate:
    """Resources a fitted classifier's searches (or one search) would need on ``target``.

    Parameters
    ----------
    obj : QuarkClassifier or SearchResult
        A fitted classifier (every two-class problem it searched is counted) or a search result.
    problem : optional
        The problem a :class:`~quark.optimizers.SearchResult` searched (anything ``minimize`` takes).
    X, y, sample_weight : optional
        A classifier's training data: its problems are rebuilt from them (``clf.landscape(X, y,
        problem=i)``) instead of read from the fit — needed where a saved model did not keep its
        landscapes (training data over 32 MiB).
    target : str or qiskit BackendV2, default="aer"
        ``"aer"`` (Aer's basis: multi-qubit gates Aer runs natively count as one operation),
        an IBM device by name (``"fake_brisbane"``: offline, qiskit-ibm-runtime's fake devices) or as
        a backend object (basis gates, coupling map with routing, gate durations), or
        ``"fault-tolerant"`` (Microsoft's resource estimator, extra ``resources``).
    oracle : str, optional
        Oracle kind as for the gate-level backends; default: the classifier's backend's, else ``"auto"``.
    optimization_level, seed_transpiler : int
        Of the preset pass manager compiling each query circuit.
    params : dict, optional
        Fault-tolerant target: the resource estimator's parameters (``qubitParams``, ``qecScheme``,
        ``errorBudget``, ...), over :data:`~quark.resources.fault_tolerant.DEFAULT_PARAMS`.
    max_table_qubits : int
        Largest register the table oracle may take (where the oracle choice falls back to it).
    cache : {"shape", "exact"}, default="shape"
        Which queries are counted once: those of the same gates on the same qubits (``"shape"``:
        rotation angles and a table oracle's marks ignored — the blocks and problems of a fit share
        counts) or only identical circuits (``"exact"``: angles that happen to be Clifford ones change
        T counts and a few gates).

    Returns
    -------
    ResourceEstimate

    Examples
    --------
    >>> from quark import QuarkClassifier
    >>> from quark.datasets import load_edge_detection
    >>> X, y = load_edge_detection(size=2)
    >>> clf = QuarkClassifier(model="line-detector", random_state=0).fit(X, y)
    >>> est = estimate(clf, target="aer")
    >>> est.oracles, est.weight_qubits
    ({'counting': ...}, 6)
    >>> round(est.two_qubit_gates * est.oracle_queries) == round(est.total_two_qubit_gates)
    True
    """
    from quark.resources.counting import CACHE_MODES

    if cache not in CACHE_MODES:
        raise ValueError(f"'cache' must be one of {CACHE_MODES}; got {cache!r}")
    spec = resolve_target(target, optimization_level=optimization_level, seed_transpiler=seed_transpiler)
    if (X is None) != (y is None):
        raise ValueError("pass both X and y (the classifier's training data), or neither")
    queries, optimizers = _searches(obj, problem, None if X is None else (X, y, sample_weight))
    kind = _oracle_of(obj, oracle)
    queries = [q for q in queries if q.queries > 0]
    if not queries:
        raise ValueError(
            f"the search made no oracle queries (optimizer {', '.join(sorted(set(optimizers)))!r}): nothing runs on a "
            "gate-level device; estimate a fit with optimizer='grover', 'quark' or 'block' (inner 'grover')"
        )
    parts = []
    for q in queries:
        oq = query_oracle(q.problem, oracle=kind, threshold=q.threshold, joint_copies=q.joint_copies,
                          max_table_qubits=max_table_qubits)
        key = oq.key(cache)
        counts = count_query(oq, spec, key)
        parts.append({"oracle": oq.kind, "weight_qubits": oq.n_weights, "queries": q.queries, "shots": q.shots,
                      "steps": q.steps, "key": key, **{k: v for k, v in counts.items() if k != "circuit"}})
        if spec.kind == "fault-tolerant":
            from quark.resources.fault_tolerant import logical_counts

            parts[-1]["logical"] = logical_counts(counts["circuit"], key)
    est = _combine(spec, parts, params)
    est.assumptions["cache"] = (f"cache={cache!r}: " + ("queries of the same gates on the same qubits counted once (angles "
                                "and table marks ignored)" if cache == "shape" else "identical circuits counted once"))
    return est


def _combine(spec, parts: list[dict], params: dict | None) -> ResourceEstimate:
    Q = sum(p["queries"] for p in parts)
    shots = sum(p["shots"] for p in parts)

    def mean(name):
        return sum(p[name] * p["queries"] for p in parts) / Q

    oracles: dict[str, int] = {}
    for p in parts:
        oracles[p["oracle"]] = oracles.get(p["oracle"], 0) + p["queries"]
    two_q = mean("two_qubit_gates")
    assumptions: dict[str, Any] = {
        "query": "one Grover iterate (oracle + diffuser) of the oracle the gate-level backends choose, hardware form; "
                 "the threshold bound at the search's final loss (other thresholds change rotation angles only)",
        "blocks": "a block step queries its block's restriction (the block's bits; the search's final bits fixed "
                  "around the last block of each size)",
        "compilation": f"qiskit preset pass manager, optimization_level={spec.optimization_level}, "
                       f"seed_transpiler={spec.seed_transpiler}",
        "not_counted": "state preparation (Hadamards) and measurement per shot, classical checks of measured settings, "
                       "compilation of the problem",
    }
    runtime = per_query_rt = phys = logical = t_count = toffoli = None
    if spec.kind == "aer":
        assumptions["target"] = "Qiskit Aer's simulator basis: gates Aer runs natively (multi-controlled, diagonal, "\
                                "unitary) count as one operation each, so two-qubit counts are lower than a device's"
    elif spec.kind == "ibm":
        assumptions["target"] = (f"IBM device {spec.name!r}: its basis gates, coupling map (layout and routing) and "
                                 "gate durations; runtime = queries x scheduled query length + one measurement per "
                                 "shot; no repetition delay, queueing, readout error mitigation or classical latency")
        if all(p["duration_s"] is not None for p in parts):
            per_query_rt = mean("duration_s")
            meas = _measure_duration(spec)
            runtime = per_query_rt * Q + shots * meas
            assumptions["measure_duration_s"] = meas
    else:
        from quark.resources.fault_tolerant import LOGICAL_FIELDS, physical_estimate

        total = {f: sum(p["logical"].get(f, 0) * p["queries"] for p in parts) for f in LOGICAL_FIELDS}
        # every shot measures its weight register once
        total["measurementCount"] += sum(p["shots"] * p["weight_qubits"] for p in parts)
        total["numQubits"] = max(p["logical"]["numQubits"] for p in parts)
        ft = physical_estimate(total, params)
        runtime, phys, logical = ft["runtime_s"], ft["physical_qubits"], ft["logical_qubits"]
        per_query_rt = runtime / Q
        t_count = ft["t_states"] / Q
        toffoli = (total["cczCount"] + total["ccixCount"]) / Q
        assumptions["target"] = ("fault-tolerant, Microsoft's resource estimator (qdk): each query's logical counts "
                                 "from its circuit in Clifford+T+Toffoli+rotations; the whole search (every query and "
                                 "every shot's measurements) estimated as one computation under one error budget")
        assumptions["logical_counts"] = total
        assumptions.update({k: ft[k] for k in ("code_distance", "t_factories", "ts_per_rotation", "logical_depth")})
        assumptions["estimator_params"] = ft["job_params"]
    return ResourceEstimate(
        target=spec.name, qubits=max(p["qubits"] for p in parts), weight_qubits=max(p["weight_qubits"] for p in parts),
        two_qubit_gates=two_q, depth=mean("depth"), t_count=t_count, oracle_queries=Q, shots=shots,
        total_two_qubit_gates=sum(p["two_qubit_gates"] * p["queries"] for p in parts), runtime_s=runtime,
        runtime_per_query_s=per_query_rt, physical_qubits=phys, logical_qubits=logical, toffoli_count=toffoli,
        oracles=oracles, parts=parts, assumptions=assumptions,
    )


def _measure_duration(spec) -> float:
    """The device's longest single-qubit measurement (seconds; 0 when it states none)."""
    target = spec.backend.target
    if "measure" not in target.operation_names:
        return 0.0
    durations = [p.duration for p in target["measure"].values() if p is not None and p.duration]
    return float(max(durations)) if durations else 0.0
