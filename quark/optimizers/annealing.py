"""Annealing: the loss Hamiltonian on any dimod sampler, with every decoded sample verified.

:class:`AnnealingSearch` compiles a problem for a sampler (:mod:`quark.encoding.compile`: an exact
QUBO, the exact polynomial reduced to a QUBO with a proved penalty, a quadratic surrogate, or the
polynomial itself for ``sample_poly`` samplers), runs the sampler (:mod:`quark.backends.sampler_run`),
decodes the samples back to bit strings and checks each decoded bit string's loss on the problem
itself — never trusting the sampler's energy. With the reduction's automatic penalty it starts far
below the proved bound (small penalties anneal far better) and doubles it while the sampler's lowest
energy belongs to a state that breaks a product constraint.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from quark._params import is_secret_key, mask_secrets
from quark._validation import check_bool, check_choice, check_int, check_mapping, check_number
from quark.encoding.compile import CompiledModel, compile_problem
from quark.encoding.compiled_model import ENCODINGS
from quark.encoding.reduction import MAX_REDUCTION_TERMS, PENALTY_MARGIN
from quark.optimizers.base import Optimizer, check_backend_option_names

__all__ = ["AnnealingSearch", "DEFAULT_NUM_READS", "DEFAULT_REDUCED_NUM_READS"]

#: Reads per sampler call when ``shots`` is not given: exact QUBOs, and reduced HUBOs, whose
#: auxiliary variables and penalties make each read less likely to land on the optimum (measured,
#: docs/annealing.md: 0.007 per read on the edge-detection perceptron, where 100 reads reach the
#: optimum in about half of the seeds).
DEFAULT_NUM_READS = 100
DEFAULT_REDUCED_NUM_READS = 1000
# The automatic penalty starts at the proved bound divided by this, and doubles while too weak.
_ADAPTIVE_START = 64.0
# Above this fraction of reads that break a product constraint, the automatic penalty keeps rising and
# the answer is polished: few valid reads are weak evidence of a good minimum.
_MAX_BROKEN = 0.5
#: Fewer reads than this at the returned loss is little evidence of the minimum: a warning says so
#: (measured, docs/annealing.md: where neal at defaults reaches the optimum, at least 6 reads do).
MIN_READS_AT_BEST = 2


class AnnealingSearch(Optimizer):
    """Minimize a loss with a dimod sampler: compile, sample, decode, verify (and optionally polish).

    Parameters
    ----------
    backend : str or dimod sampler, default="neal"
        A backend name of kind ``"sampler"`` (``"neal"``, ``"sqa"``, ``"exact"``, ``"tabu"``,
        ``"steepest-descent"``, ``"dwave"``; see :func:`quark.backends.available_backends`) or any
        object with dimod's ``sample(bqm, **kwargs)``.
    shots : int, optional
        Reads per sampler call (dimod's ``num_reads``; default 100 for exact QUBOs, 1000 for reduced
        HUBOs); ignored by samplers without ``num_reads`` (``exact`` returns every state).
    encoding : {"auto", "qubo", "reduced", "surrogate", "hubo"}
        What to send (see the module docstring). ``"auto"``: the exact QUBO when the loss is
        quadratic, else the polynomial (reduced to a QUBO, or as is for a ``sample_poly`` sampler).
    penalty : None, "bound" or float
        AND-gate strength of the reduction. ``None`` (automatic): start at the proved bound / 64
        and double, resampling (every read counted), while the sampler's lowest energy belongs to a
        state with a wrong product, up to the bound — small penalties anneal far better, and the
        bound always keeps the minimum (see :func:`quark.encoding.reduction.penalty_bound`). ``"bound"``: just above the
        bound, one round. A number: that strength (a warning when it is not above the bound).
    polish : bool
        Greedy single-bit-flip descent on the true loss from the best decoded samples (every
        evaluation counted in ``model_evaluations``).
    n_verify : int, optional
        Verify only the ``n_verify`` lowest-energy distinct decoded bit strings (default: all).
    n_polish : int
        How many of the best verified bit strings polishing starts from (default 1).
    max_terms : int, default=20000
        Largest exact polynomial (number of monomials) compiled for the sampler: the ``"reduced"``
        and ``"hubo"`` encodings refuse larger ones, and so does ``"qubo"`` when it is built from a
        polynomial (the error suggests ``encoding="surrogate"`` or the ``max_terms`` that would do).
    sample_options : dict, optional
        Passed to ``sampler.sample`` (``num_sweeps``, ``beta_range``, ``timeout``, ``chain_strength``...),
        checked against the sampler's declared parameters (a misspelt option is an error: at
        construction when ``backend`` is a sampler instance, else when the search starts). A
        credential found here (``token``...) goes to the backend instead.
    backend_options : dict, optional
        Passed to the backend's constructor when ``backend`` is a name (``get_backend(backend,
        **backend_options)``): for ``"dwave"``, ``token``, ``solver``, ``region``, ``profile``. Credentials
        print as ``'***'`` (see :class:`~quark._params.Secret`); the classifier's
        ``optimizer_options={"token": ...}`` and the command line's ``--option token=...`` land here.
    random_state, verbose, callback
        See :class:`~quark.optimizers.base.Optimizer`. ``random_state`` seeds samplers that take a
        ``seed`` and minorminer's embedding (a QPU has no seed, so its runs do not repeat).
        ``verbose`` shows a bar of reads.

    Ledger: ``annealer_reads`` (samples returned), ``annealer_sweeps`` (reads x sweeps per read, for
    sweep-based samplers), ``model_evaluations`` (every classical check of a decoded or polished bit
    string, ``problem.evaluation_cost`` each). ``info["timing"]`` is the sampler's own
    ``SampleSet.info["timing"]``; ``info["read_losses"]`` the true loss of every read.
    ``compile_evaluations`` (ledger and ``info``) counts the model evaluations spent *compiling* (the
    full loss table behind the polynomial of a non-quadratic landscape — as many as an exhaustive
    search): not a device cost, but a cost of the method, so comparisons add it.

    Examples
    --------
    >>> from quark.datasets import load_edge_detection
    >>> from quark.encoding import LossLandscape
    >>> X, y = load_edge_detection(lines="rows")
    >>> land = LossLandscape("line-detector", None, X, y)
    >>> res = AnnealingSearch(shots=20, random_state=0).minimize(land)
    >>> res.loss, res.info["encoding"], [r["reads"] for r in res.info["rounds"]]
    (0.0, 'reduced', [20, 20])
    >>> res.ledger.annealer_reads, res.ledger.annealer_sweeps          # 1000 sweeps per read
    (40, 40000)
    """

    name = "anneal"
    progress_unit = "annealer_reads"

    def __init__(
        self,
        backend: Any = "neal",
        shots: int | None = None,
        encoding: str = "auto",
        penalty: float | str | None = None,
        polish: bool = False,
        *,
        n_verify: int | None = None,
        n_polish: int = 1,
        max_terms: int = MAX_REDUCTION_TERMS,
        sample_options: dict | None = None,
        backend_options: dict | None = None,
        random_state=None,
        verbose: bool = False,
        callback: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__(random_state=random_state, verbose=verbose, callback=callback)
        self.backend = backend
        self.shots = shots
        self.encoding = encoding
        self.penalty = penalty
        self.polish = polish
        self.n_verify = n_verify
        self.n_polish = n_polish
        self.max_terms = max_terms
        self.sample_options = sample_options
        check_backend_option_names(self, backend, backend_options, kind="sampler")  # names only: typos fail here
        self.backend_options = mask_secrets(backend_options)  # credentials never print

    def _validate(self) -> None:
        super()._validate()
        check_int(self.shots, "shots", allow_none=True)
        check_choice(self.encoding, "encoding", ENCODINGS)
        if self.penalty not in (None, "bound"):
            if isinstance(self.penalty, str):
                raise TypeError(f"'penalty' must be None (automatic), 'bound' or a positive number; got {self.penalty!r}")
            check_number(self.penalty, "penalty", above=0.0)
        check_bool(self.polish, "polish")
        check_int(self.n_verify, "n_verify", allow_none=True)
        check_int(self.n_polish, "n_polish")
        check_int(self.max_terms, "max_terms")
        check_mapping(self.sample_options, "sample_options")
        check_mapping(self.backend_options, "backend_options")

    def _sampler_options(self) -> tuple[dict, dict]:
        """``(backend options, sample options)``: credentials found in ``sample_options`` go to the backend."""
        sample = dict(self.sample_options or {})
        creds = {k: sample.pop(k) for k in list(sample) if is_secret_key(k)}
        return {**(self.backend_options or {}), **creds}, sample

    def _shot_bytes(self, problem) -> float:
        # a read holds its sample row in dimod's SampleSet, Quark's uint8 copy and the decoded bits, with
        # its energy and count: measured 124, 317 and 1527 bytes per read at n = 5, 20 and 100 variables
        # (tracemalloc peak over 20 000 reads of neal; python benchmarks/shot_memory.py), so 16 per variable + 64
        return 16.0 * problem.n_qubits + 64.0

    # -- pieces -----------------------------------------------------------------------------------
    def _resolve_sampler(self):
        from quark.backends import get_backend
        from quark.backends.registry import backend_names

        s = self.backend
        if isinstance(s, str):
            samplers = backend_names("sampler")
            if s in backend_names("grover"):
                raise ValueError(f"backend {s!r} runs Grover circuits, not annealing; 'backend' must be one of {samplers}")
            if s not in samplers:
                raise ValueError(f"'backend' must be one of {samplers} or a dimod sampler; got {s!r}")
            s = get_backend(s, **self._sampler_options()[0])
        if not callable(getattr(s, "sample", None)):
            raise TypeError(f"'backend' must be a sampler name or a dimod sampler (with .sample); got {type(s).__name__}")
        return s

    def _polish(self, problem, starts: list, ledger) -> tuple[np.ndarray, float, int]:
        """Steepest single-bit-flip descent on the true loss from each start; returns the best."""
        n = problem.n_qubits
        best_bits, best_loss, steps = None, np.inf, 0
        flips = np.eye(n, dtype=np.uint8)
        for bits, loss in starts:
            cur, cur_loss = bits.copy(), float(loss)
            while True:
                neigh = cur[None, :] ^ flips
                losses = self._check(problem, neigh, ledger, indices=False)
                j = int(np.argmin(losses))
                if losses[j] < cur_loss - 1e-12 * max(1.0, abs(cur_loss)):
                    cur, cur_loss = neigh[j], float(losses[j])
                    steps += 1
                else:
                    break
            if cur_loss < best_loss:
                best_bits, best_loss = cur, cur_loss
        return best_bits, best_loss, steps

    def _round(self, sampler, compiled: CompiledModel, rng, sampler_name: str):
        """One sampler call, decoded: the run, the problem's bit strings and the broken products."""
        from quark.backends.sampler_run import run_sampler

        default_reads = DEFAULT_REDUCED_NUM_READS if compiled.encoding == "reduced" else DEFAULT_NUM_READS
        run = run_sampler(
            sampler, compiled.sampled_model, n_variables=compiled.n_variables,
            num_reads=default_reads if self.shots is None else self.shots,
            seed=int(rng.integers(0, 2**31 - 1)), options=self._sampler_options()[1],
            poly=compiled.encoding == "hubo", name=repr(sampler_name),
        )
        return run, compiled.decode(run.samples), compiled.violations(run.samples), compiled.penalty

    # -- the search -------------------------------------------------------------------------------
    def _search(self, problem, ledger, rng):
        sampler = self._resolve_sampler()
        sampler_name = self.backend if isinstance(self.backend, str) else type(sampler).__name__
        poly_sampler = callable(getattr(sampler, "sample_poly", None))
        fixed = None if self.penalty in (None, "bound") else float(self.penalty)
        try:
            compiled = compile_problem(problem, self.encoding, fixed, poly_sampler=poly_sampler, max_terms=self.max_terms)
        except (ValueError, TypeError) as exc:
            if not hasattr(exc, "alternatives"):
                raise
            # the compiler's advice names its own arguments: say how this optimizer's user sets them
            raise self._readvise(exc, ("encoding", "max_terms")) from None
        ledger.update(compile_evaluations=compiled.compile_evaluations)

        # Automatic penalty: start well below the proved bound and double while the sampler's lowest
        # energy belongs to a state with a wrong product — the sign that the penalty is too weak — up
        # to the bound, which is always sufficient.
        adaptive = self.penalty is None and compiled.encoding == "reduced" and bool(compiled.products)
        if adaptive:
            compiled = compiled.with_penalty(compiled.penalty / _ADAPTIVE_START)
        rounds = []
        with self._bar(None, unit="read") as bar:
            while True:
                run, bits, violated, pen = self._round(sampler, compiled, rng, sampler_name)
                rounds.append((run, bits, violated, pen))
                ledger.update(annealer_reads=run.reads, annealer_sweeps=run.reads * (run.sweeps or 0),
                              qpu_time_s=run.qpu_time_s)
                bar.update(run.reads)
                bar.set_postfix(lowest_energy=f"{run.energies.min():.4g}", broken=int(run.occurrences[violated].sum()))
                if not adaptive or compiled.penalty >= compiled.penalty_bound:
                    break
                e = run.energies
                best_valid = e[~violated].min() if (~violated).any() else np.inf
                best_invalid = e[violated].min() if violated.any() else np.inf
                broken = float(run.occurrences[violated].sum() / run.reads)
                # too weak while a broken product holds the lowest energy, or while most reads break one
                if best_invalid >= best_valid - 1e-12 * max(1.0, abs(best_valid)) and broken <= _MAX_BROKEN:
                    break
                compiled = compiled.with_penalty(
                    min(2.0 * compiled.penalty, compiled.penalty_bound * (1 + PENALTY_MARGIN) + PENALTY_MARGIN)
                )
        return self._decode(problem, compiled, rounds, ledger, sampler_name, sampler)

    def _decode(self, problem, compiled: CompiledModel, rounds: list, ledger, sampler_name: str, sampler):
        """Merge every read of every round, verify the distinct bit strings in energy order, polish."""
        bits = np.concatenate([r[1] for r in rounds])
        energies = np.concatenate([r[0].energies for r in rounds])
        occ = np.concatenate([r[0].occurrences for r in rounds])
        violated = np.concatenate([r[2] for r in rounds])
        reads = int(occ.sum())
        # one key per distinct bit string, whatever its width (int64 indices stop at 62 bits)
        _, key = np.unique(np.packbits(bits, axis=1), axis=0, return_inverse=True)
        key = key.reshape(-1)
        order = np.argsort(energies, kind="stable")
        _, first = np.unique(key[order], return_index=True)
        distinct_rows = order[np.sort(first)]  # one row per bit string, by its lowest energy
        if self.n_verify is not None:
            distinct_rows = distinct_rows[: self.n_verify]
        true = self._check(problem, bits[distinct_rows], ledger, indices=False)
        j = int(np.argmin(true))
        best_bits, best_loss = bits[distinct_rows[j]].copy(), float(true[j])
        ledger.record(best_loss, stage="anneal")

        loss_of_key = np.full(key.max() + 1, np.nan)
        loss_of_key[key[distinct_rows]] = true
        last = rounds[-1][0]
        sampling = [r[0].sampling_time_s for r in rounds if r[0].sampling_time_s is not None]
        info: dict[str, Any] = {
            "encoding": compiled.encoding,
            "description": compiled.description,
            "sampler": sampler_name,
            "n_variables": compiled.n_variables,
            "n_auxiliary": compiled.n_variables - compiled.n_original,
            "penalty": compiled.penalty,
            "penalty_bound": compiled.penalty_bound,
            "penalty_proved": None if compiled.penalty_bound is None else compiled.penalty > compiled.penalty_bound,
            "flip": compiled.flip,
            "compile_evaluations": compiled.compile_evaluations,
            "rounds": [
                {"penalty": pen, "reads": run.reads, "invalid_fraction": float(run.occurrences[v].sum() / run.reads),
                 "best_energy": float(run.energies.min())}
                for run, _, v, pen in rounds
            ],
            "num_reads": reads,
            "num_sweeps": last.sweeps,
            "sample_kwargs": {k: v for k, v in last.options.items() if k != "initial_states"},
            "best_energy": float(last.energies.min()),
            "n_distinct": int(first.size),
            "n_verified": int(len(distinct_rows)),
            "invalid_fraction": float(occ[violated].sum() / reads),
            "read_losses": np.repeat(loss_of_key[key], occ),
            "timing": last.timing,
            "sampling_time_s": sum(sampling) if sampling else None,
            "sampler_info": last.info,
            "chain_break_fraction": last.chain_break_fraction,
            "embedding_context": last.embedding_context,
            "stop_reason": "sampled",
        }
        # Exact encodings: a read whose products are right has energy == its true loss (the model's
        # constant included). A mismatch means the energies do not belong to this model.
        if compiled.encoding != "surrogate":
            valid = ~violated[distinct_rows]
            if compiled.encoding == "reduced":
                pen_rows = np.concatenate([np.full(len(r[0].energies), r[3]) for r in rounds])
                valid &= pen_rows[distinct_rows] == compiled.penalty
            if valid.any():
                info["max_energy_error"] = float(np.abs(energies[distinct_rows][valid] - true[valid]).max())
        escalations = []
        polish = self.polish
        last_broken = info["rounds"][-1]["invalid_fraction"]
        if compiled.encoding == "reduced" and last_broken > _MAX_BROKEN and not polish:
            polish = True  # escalate: descend on the true loss from the best verified reads
            escalations.append("polish")
        info["escalations"] = escalations
        from quark.backends.samplers import ExactSampler

        exact_sampler = isinstance(sampler, ExactSampler)  # it enumerates every state
        exact_model = compiled.encoding in ("qubo", "hubo") or bool(info["penalty_proved"])
        info["reached_optimum"] = True if exact_sampler and exact_model else None
        read_best = best_loss
        if polish:
            starts_rows = np.argsort(true, kind="stable")[: self.n_polish]
            starts = [(bits[distinct_rows[r]], float(true[r])) for r in starts_rows]
            pbits, ploss, steps = self._polish(problem, starts, ledger)
            info["polish_steps"] = steps
            if ploss < best_loss:
                best_bits, best_loss = pbits, ploss
            ledger.record(best_loss, stage="polish")
            info["stop_reason"] = "polished"
        tol = 1e-12 * max(1.0, abs(best_loss))
        hits = int(np.count_nonzero(info["read_losses"] <= best_loss + tol))
        info["reads_at_best"] = hits
        info["polish_improved"] = bool(best_loss < read_best - tol)
        broken_warning = compiled.encoding == "reduced" and last_broken > _MAX_BROKEN and not info["penalty_proved"]
        if hits < MIN_READS_AT_BEST and info["reached_optimum"] is not True and not broken_warning:
            how = (f"a greedy polish lowered the best read's loss {read_best:.6g} to {best_loss:.6g}, so the reads did "
                   "not even reach a local minimum" if info["polish_improved"] else
                   f"{hits} of {reads} reads reached the returned loss {best_loss:.6g}")
            more = [{"shots": 10 * int(self.shots or (DEFAULT_REDUCED_NUM_READS if compiled.encoding == 'reduced'
                                                      else DEFAULT_NUM_READS))}]
            if not self.polish:
                more.append({"polish": True})
            self._warn_missed(f"{how}: little evidence that it is the minimum (at least {MIN_READS_AT_BEST} reads at "
                              "the returned loss are asked for); set " + self._spell(*more))
        if broken_warning:
            self._warn_missed(
                f"{last_broken:.1%} of the last round's reads broke a product constraint of the reduced QUBO at a "
                f"penalty below the proved bound ({compiled.penalty:.3g} < {compiled.penalty_bound:.3g}); the answer "
                f"(polished on the true loss) may not be the minimum; set "
                + self._spell({"shots": 2 * int(self.shots or DEFAULT_REDUCED_NUM_READS)}, {"penalty": "bound"},
                              {"encoding": "surrogate"})
            )
        return np.asarray(best_bits, dtype=np.uint8), best_loss, info
