"""The optimizer template: validate, coerce the problem, run the search, fill the ledger, wrap the result.

Optimizers are parameter objects in scikit-learn's convention: ``__init__`` only stores its
arguments, ``get_params(deep=True)`` / ``set_params`` reach nested ones (``backend__method``), so
``sklearn.base.clone`` and grid searches over ``optimizer__shots`` work. Arguments are checked when a
search starts (:meth:`Optimizer._validate`), with messages that name them.
"""

from __future__ import annotations

import contextlib
import logging
import math
import warnings
from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar

import numpy as np

from quark._params import ParamsMixin, unknown_names_error
from quark._progress import TimedProgress, progress_bar
from quark._memory import check_fits
from quark._random import as_generator
from quark._validation import check_bool, check_int, check_random_state
from quark.encoding.bits import MAX_INDEX_QUBITS, index_to_bits
from quark.exceptions import BackendError, ProblemTooLargeError
from quark.encoding.problem import SearchProblem, as_problem
from quark.optimizers.ledger import CostLedger
from quark.optimizers.result import SearchResult

__all__ = ["Optimizer", "check_positive_int", "SearchWarning", "CLASSIFIER_SHARED", "spell_settings",
           "check_backend_option_names", "charging_partial", "ledger_best"]

logger = logging.getLogger("quark")

#: Optimizer parameters that QuarkClassifier (and the command line) take as their own parameters
#: (``QuarkClassifier(shots=...)``, ``--shots``); every other option goes in ``optimizer_options``.
CLASSIFIER_SHARED = ("backend", "shots", "max_queries", "copies")


class SearchWarning(UserWarning):
    """A search may have missed its optimum (the message gives the measured evidence)."""


def check_positive_int(value, name: str, *, allow_none: bool = False) -> int | None:
    """Validate a positive integer parameter with a message that names it (see :mod:`quark._validation`)."""
    return check_int(value, name, allow_none=allow_none)


def _cli_value(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return f'"{text}"' if any(c in text for c in " {}'\"") else text


def spell_settings(cls_name: str, name: str, settings: dict, *, nested_in: tuple[str, str] | None = None) -> str:
    """Settings of optimizer ``cls_name`` (registry name ``name``) spelled for every place a user sets them.

    ``"encoding='surrogate' (AnnealingSearch(encoding='surrogate'); QuarkClassifier(optimizer='anneal',
    optimizer_options={'encoding': 'surrogate'}); command line: --optimizer anneal --option
    encoding=surrogate)"``. ``nested_in=("BlockSearch", "block")``: the optimizer runs inside a block
    search, given by name, so its settings go in ``inner_options``.

    Examples
    --------
    >>> spell_settings("QuarkSearch", "quark", {"copies": 4})
    "copies=4 (QuarkSearch(copies=4); QuarkClassifier(optimizer='quark', copies=4); command line: --optimizer quark --copies 4)"
    """
    plain = ", ".join(f"{k}={v!r}" for k, v in settings.items())
    if nested_in is not None:
        outer_cls, outer = nested_in
        inner = {"inner": name, "inner_options": dict(settings)}
        py = f"{outer_cls}(inner={name!r}, inner_options={settings!r})"
        clf = f"QuarkClassifier(optimizer={outer!r}, optimizer_options={inner!r})"
        cli = f"--optimizer {outer} --option inner={name} --option {_cli_value('inner_options=' + repr(settings))}"
        return f"{plain} ({py}; {clf}; command line: {cli})"
    shared = {k: v for k, v in settings.items() if k in CLASSIFIER_SHARED}
    options = {k: v for k, v in settings.items() if k not in CLASSIFIER_SHARED}
    clf_args = [f"optimizer={name!r}"] + [f"{k}={v!r}" for k, v in shared.items()]
    if options:
        clf_args.append(f"optimizer_options={options!r}")
    cli = [f"--optimizer {name}"] + [f"--{k.replace('_', '-')} {_cli_value(v)}" for k, v in shared.items()]
    cli += [f"--option {_cli_value(f'{k}={v}' if isinstance(v, str) else f'{k}={v!r}')}" for k, v in options.items()]
    return f"{plain} ({cls_name}({plain}); QuarkClassifier({', '.join(clf_args)}); command line: {' '.join(cli)})"


class Optimizer(ParamsMixin, ABC):
    """Base class: subclasses implement :meth:`_search` (and :meth:`_validate` for their own parameters).

    Parameters
    ----------
    random_state : None, int or numpy Generator
        Seeds every random choice; an int makes :meth:`minimize` reproducible.
    verbose : bool
        Show a progress bar (tqdm, on stderr).
    callback : callable, optional
        Called with each history snapshot (a dict of costs so far and ``best_loss``).

    Class attributes
    ----------------
    name : str
        The string name the classifier and the command line accept.
    exponential_cost : bool
        Whether the cost grows as ``2**n_qubits`` (a table, a statevector or an enumeration): the
        classifier's ``max_qubits`` guards these.
    progress_unit : str
        The ledger field a progress bar counts.
    """

    name: ClassVar[str]
    exponential_cost: ClassVar[bool] = False
    progress_unit: ClassVar[str] = "oracle_queries"
    #: Peak bytes per shot of one backend call (the memory guard counts ``shots`` times this before a
    #: search starts). Grover-type searches: measured 32-34 bytes (tracemalloc peak over 1-2 M shots of
    #: the exact kernel: the draw, its index array, the round's distinct indices and their check;
    #: ``python benchmarks/shot_memory.py``), so 40.
    shot_bytes: ClassVar[float] = 40.0
    #: Whether a block search may run this optimizer's block steps after its first on one shared, checked
    #: instance through :meth:`_run` (its ``_search`` reads its parameters and sets nothing on the instance,
    #: so a step on the shared instance is the step on a fresh copy; see :class:`~quark.optimizers.BlockSearch`).
    #: Read from the class's own namespace: a subclass is not trusted unless it says so itself.
    _block_steps_shared: ClassVar[bool] = False

    def __init__(self, *, random_state=None, verbose: bool = False,
                 callback: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.random_state = random_state
        self.verbose = verbose
        self.callback = callback

    def __getstate__(self) -> dict[str, Any]:
        # the backend built from the parameters (a service client may hold a credential in clear) is
        # rebuilt when needed, never pickled
        state = self.__dict__.copy()
        state.pop("_backend_cache", None)
        return state

    def _validate(self) -> None:
        """Check the parameters (called at the start of every search)."""
        check_random_state(self.random_state)
        check_bool(self.verbose, "verbose")
        if self.callback is not None and not callable(self.callback):
            raise TypeError(f"'callback' must be callable or None; got {type(self.callback).__name__}")

    def minimize(self, problem) -> SearchResult:
        """Search for the bit string of least loss.

        Parameters
        ----------
        problem : LossLandscape, dimod.BinaryQuadraticModel, dimod.BinaryPolynomial, QuadraticProgram or array
            See :func:`quark.encoding.as_problem`.

        Returns
        -------
        SearchResult
        """
        if not self.__dict__.pop("_checked_copy", False):  # a block's copy of an inner search already checked
            self._validate()
        prob = as_problem(problem)
        self._guard(prob)
        rng = as_generator(self.random_state)
        ledger = CostLedger(callback=self.callback)
        ledger.start()
        try:
            index, loss, info = self._search(prob, ledger, rng)
        except Exception as exc:
            ledger.stop()
            failure = self._backend_failure(exc, ledger)
            if failure is None:
                raise
            raise failure from (exc.__cause__ if isinstance(exc, BackendError) else exc)
        finally:
            ledger.stop()
        return self._result(prob, ledger, index, loss, info)

    def _guard(self, prob: SearchProblem) -> None:
        """Refuse a search whose arrays would not fit in memory or whose settings cannot be indexed."""
        for n_bytes, what in self._allocations(prob):
            check_fits(n_bytes, what)
        if self.exponential_cost and prob.n_qubits > MAX_INDEX_QUBITS:
            raise ProblemTooLargeError(
                f"optimizer {self.name!r} searches all 2**{prob.n_qubits} settings of a {prob.n_qubits}-qubit problem; "
                f"past {MAX_INDEX_QUBITS} qubits that cannot even be indexed. Search it block-wise "
                "(BlockSearch, optimizer='block') or with annealing (optimizer='anneal')"
            )

    def _run(self, prob: SearchProblem, rng: np.random.Generator) -> SearchResult:
        """:meth:`minimize` after its checks, on a problem already coerced and guarded: the ledger, the search,
        the referee's check and the result. A block search runs its later steps through it (see
        :attr:`_block_steps_shared`); it calls :meth:`_search` at the depth :meth:`minimize` does, so a warning's
        ``stacklevel`` lands where it would."""
        ledger = CostLedger(callback=self.callback)
        ledger.start()
        try:
            index, loss, info = self._search(prob, ledger, rng)
        except Exception as exc:
            ledger.stop()
            failure = self._backend_failure(exc, ledger)
            if failure is None:
                raise
            raise failure from (exc.__cause__ if isinstance(exc, BackendError) else exc)
        finally:
            ledger.stop()
        return self._result(prob, ledger, index, loss, info)

    def _result(self, prob: SearchProblem, ledger: CostLedger, index, loss: float, info: dict) -> SearchResult:
        """The referee's check of what :meth:`_search` returned, and the result."""
        if not math.isfinite(loss):
            raise ValueError(
                f"the best loss {self.name!r} found is {loss}: the loss overflows or is undefined everywhere it looked "
                "(check the scale of the data and of the problem's coefficients)"
            )
        # an int index, or the bit array itself (problems wider than an int64 index)
        bits = np.asarray(index, dtype=np.uint8) if isinstance(index, np.ndarray) else index_to_bits(int(index), prob.n_qubits)
        # the referee: the reported loss is the problem's own loss of the returned bits (not charged to
        # the ledger: the search has paid for it already)
        if isinstance(index, np.ndarray) or prob.n_qubits > 62:
            checked = float(prob.evaluate(bits))
        else:  # the same loss without re-validating the bits just made from an index
            checked = float(np.asarray(prob._losses_of_indices(np.array([int(index)], dtype=np.int64)))[0])
        if not math.isclose(checked, float(loss), rel_tol=1e-9, abs_tol=1e-12):
            raise RuntimeError(
                f"{type(self).__name__} reported the loss {float(loss)!r} for its bit string, but the problem's own "
                f"loss of that bit string is {checked!r}: the search is inconsistent (a bug; please report it)"
            )
        info.setdefault("reached_optimum", None)
        info.setdefault("optimizer", self.name)
        if prob.sense == "maximize":
            info["sense"] = "maximize"
            info["objective"] = -float(loss)
        return SearchResult(
            bits=bits,
            loss=float(loss),
            ledger=ledger,
            history=ledger.history,
            weights=prob.decode(bits),
            variables=list(prob.variables),
            info=info,
        )

    def _backend_name(self) -> str | None:
        backend = getattr(self, "backend", None)
        if backend is None:
            return None
        return backend if isinstance(backend, str) else getattr(backend, "name", None) or type(backend).__name__

    def _backend_failure(self, exc: Exception, ledger: CostLedger) -> BackendError | None:
        """The :class:`BackendError` a failure of the backend mid-search becomes (``None``: re-raise as is).

        A failure is the backend's when this search runs on one and the error came from a nested search's
        backend, from outside Quark's code (the backend's library, a sampler, a service), or after the
        search had spent something (a backend that returned what cannot be used). Errors raised by Quark
        before anything was spent (bad settings, configuration) and memory errors stay as they are.
        """
        nested = isinstance(exc, BackendError)
        name = exc.backend if nested else self._backend_name()
        if name is None or isinstance(exc, (MemoryError, Warning)):  # a warning turned into an error stays one
            return None
        if not nested and not _raised_outside_quark(exc) and not _spent(ledger):
            return None
        if nested and exc.ledger is not None:
            ledger.add(exc.ledger)  # what the failed inner search spent, beside this search's own
        best = ledger_best(ledger)
        cause = exc.__cause__ if nested and exc.__cause__ is not None else exc
        spent = ", ".join(f"{k}={v}" for k, v in ledger.totals().items() if v and k != "wall_time_s") or "nothing"
        where = f"{type(self).__name__} (inside {exc.optimizer})" if nested and exc.optimizer else type(self).__name__
        found = "no setting measured yet" if best is None else f"best loss so far {best[1]:.6g}"
        error = BackendError(
            f"backend {name!r} failed during {where}: {type(cause).__name__}: {cause}. Spent before the failure: "
            f"{spent}; {found} (the error's .ledger, .best_bits and .best_loss hold them)",
            backend=name, ledger=ledger, best_bits=None if best is None else best[0],
            best_loss=None if best is None else best[1], optimizer=type(self).__name__,
        )
        return error

    def _shot_bytes(self, problem: SearchProblem) -> float:
        """Peak bytes one shot (one read) of a backend call holds: :attr:`shot_bytes` unless a search says more."""
        return float(self.shot_bytes)

    def _allocations(self, problem: SearchProblem) -> list[tuple[float, str]]:
        """``(bytes, what)`` of the arrays a search of these parameters allocates beside the problem's own
        tables (checked against the memory guard before the search starts): the measurements of one
        backend call, :meth:`_shot_bytes` per shot."""
        shots = getattr(self, "shots", None)
        if isinstance(shots, (int, np.integer)) and not isinstance(shots, bool):
            per = self._shot_bytes(problem)
            return [(per * shots, f"the measurements of one call at 'shots'={shots} ({per:.0f} bytes each)")]
        return []

    @abstractmethod
    def _search(
        self, problem: SearchProblem, ledger: CostLedger, rng: np.random.Generator
    ) -> tuple[int | np.ndarray, float, dict[str, Any]]:
        """Return ``(best index or bit array, its loss, info)``, counting every cost in ``ledger``."""

    # -- helpers for subclasses --------------------------------------------------------------------
    def _bar(self, total: float | None, unit: str = "query"):
        """This search's progress bar (a no-op one unless ``verbose``)."""
        return progress_bar(bool(self.verbose), total=total, desc=type(self).__name__, unit=unit)

    def _timed(self, problem: SearchProblem, bar) -> TimedProgress:
        """The progress callback of a fill over all ``2**n`` settings: moves ``bar`` and warns early (a
        :class:`~quark._progress.LongRunWarning` with the estimated time left) when the fill will run long."""
        n = problem.n_qubits
        return TimedProgress(
            float(1 << n), f"{type(self).__name__}: the loss of all 2**{n} settings", bar,
            advice=("verbose=True shows its progress" if not self.verbose else "")
            + ("; " if not self.verbose else "") + "a block search (optimizer='block', or BlockSearch) or annealing "
            "(optimizer='anneal') searches a register this large far sooner",
        )

    def qubits_needed(self, problem) -> tuple[int, str]:
        """How many qubits this search holds for ``problem``, and what they are (for size guards).

        The weight register by default; gate-level searches count their whole circuit.
        """
        n = as_problem(problem).n_qubits
        return n, f"{n} weight qubits"

    def _spell(self, *alternatives: dict) -> str:
        """Settings of this optimizer that would help, spelled for Python, the classifier and the command line."""
        return " or ".join(spell_settings(type(self).__name__, self.name, a) for a in alternatives)

    def _readvise(self, exc: Exception, keys: tuple[str, ...]) -> Exception:
        """``exc`` (from :func:`quark.exceptions.advised`) re-spelled as this optimizer's settings ``keys``.

        Advice on arguments this optimizer does not take is dropped: the user cannot set it here.
        """
        kept = [a for a in getattr(exc, "alternatives", ()) if set(a) <= set(keys)]
        reason = getattr(exc, "reason", str(exc))
        note = getattr(exc, "note", "")
        text = f"; set {self._spell(*kept)}" if kept else ""
        new = type(exc)(f"{reason}{text}{f' ({note})' if note and kept else ''}")
        new.reason, new.alternatives, new.note = reason, tuple(kept), note
        return new

    def _warn_missed(self, message: str) -> None:
        """Say that the search probably missed its optimum, with the evidence (a :class:`SearchWarning`)."""
        warnings.warn(f"{type(self).__name__}: {message}", SearchWarning, stacklevel=4)

    def _check(self, problem: SearchProblem, bits_or_indices, ledger: CostLedger, *, indices: bool = True) -> np.ndarray:
        """Losses of settings checked classically, each charged as ``evaluation_cost`` model evaluations."""
        if indices and isinstance(bits_or_indices, np.ndarray) and bits_or_indices.dtype == np.int64 \
                and bits_or_indices.size <= 64 and problem.n_qubits <= 62:
            # a few measured indices (already int64 and in range): skip the public path's validation
            losses = np.asarray(problem._losses_of_indices(bits_or_indices), dtype=np.float64)
            if losses.size == 1 and losses.ndim == 1:  # one measured setting (a Grover round): the same, directly
                ledger.charge_evaluations(problem.evaluation_cost)
                seen = getattr(ledger, "_best_seen", None)
                loss = float(losses[0])
                if seen is None or loss < seen[1]:
                    ledger._best_seen = (int(bits_or_indices[0]), loss, True, problem.n_qubits)
                return losses
        else:
            losses = problem.evaluate_indices(bits_or_indices) if indices else problem.evaluate(bits_or_indices)
            losses = np.atleast_1d(np.asarray(losses, dtype=np.float64))
        ledger.charge_evaluations(losses.size * problem.evaluation_cost)
        if losses.size:  # the best setting measured so far: what a failed search still hands back
            j = 0 if losses.size == 1 else int(np.argmin(losses))
            seen = getattr(ledger, "_best_seen", None)
            if seen is None or losses[j] < seen[1]:
                given = np.asarray(bits_or_indices)
                if indices:
                    self._note_best(ledger, int(given.reshape(-1)[j]), float(losses[j]), problem.n_qubits)
                else:
                    self._note_best(ledger, given if given.ndim == 1 else given.reshape(-1, given.shape[-1])[j],
                                    float(losses[j]), problem.n_qubits)
        return losses

    @staticmethod
    def _note_best(ledger: CostLedger, setting, loss: float, n_qubits: int) -> None:
        """Remember the best setting found so far (an index or a bit array, copied): a failed search hands it
        back in its :class:`~quark.exceptions.BackendError`. :meth:`_check` calls it for every checked setting;
        searches that learn a loss otherwise (a block step's result) call it themselves."""
        seen = getattr(ledger, "_best_seen", None)
        if seen is None or loss < seen[1]:
            kept = int(setting) if np.ndim(setting) == 0 else np.array(setting, dtype=np.uint8)
            ledger._best_seen = (kept, float(loss), np.ndim(setting) == 0, n_qubits)


@contextlib.contextmanager
def charging_partial(ledger: CostLedger, iterations: int):
    """Around one backend call: when it fails after some of its jobs ran, charge those jobs, then re-raise.

    A backend that splits a call into jobs attaches what the finished ones measured to its error as
    ``partial_samples`` (a :class:`~quark.backends.base.Samples`); they were paid for.
    """
    try:
        yield
    except Exception as exc:
        _charge_partial(ledger, exc, iterations)
        raise


def _charge_partial(ledger: CostLedger, exc: BaseException, iterations: int) -> None:
    """What :func:`charging_partial` charges for a failed call: the jobs its error says ran."""
    partial = getattr(exc, "partial_samples", None)
    if partial is not None:
        ledger.charge_samples(partial, iterations)


def ledger_best(ledger: CostLedger) -> tuple[np.ndarray, float] | None:
    """``(bits, loss)`` of the best setting the search checked so far (``None`` when it checked none)."""
    seen = getattr(ledger, "_best_seen", None)
    if seen is None:
        return None
    pick, loss, is_index, n = seen
    bits = index_to_bits(int(pick), n) if is_index else np.asarray(pick, dtype=np.uint8).copy()
    return bits, loss


#: What only a backend spends (classical checks and compilation are the search's own).
_DEVICE_FIELDS = ("oracle_queries", "grover_iterations", "shots", "circuit_executions", "annealer_reads",
                  "annealer_sweeps", "qpu_time_s")


def _spent(ledger: CostLedger) -> bool:
    """Whether a backend has spent anything for this search yet."""
    return any(getattr(ledger, k, 0) for k in _DEVICE_FIELDS)


def _raised_outside_quark(exc: BaseException) -> bool:
    """Whether the innermost frame of ``exc``'s traceback is not Quark's own code (a backend's library)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = tb.tb_frame.f_globals.get("__name__", "")
    return not (module == "quark" or module.startswith("quark."))


def check_backend_option_names(owner: Any, backend: Any, options: Any, kind: str = "grover") -> None:
    """Refuse, at construction, backend options the named backend does not take (names only; nothing built).

    Options apply only to a backend given by name; an instance carries its own.
    """
    from collections.abc import Mapping

    if not options or not isinstance(options, Mapping):
        return  # empty, or not a mapping: _validate says so when the search starts
    if not isinstance(backend, str):
        raise TypeError(f"'backend_options' of {type(owner).__name__} apply only when 'backend' is given by name; "
                        f"set them on the backend instance ({type(backend).__name__}) instead")
    from quark.backends.registry import backend_parameters

    valid = backend_parameters(backend)
    if valid is None:  # an unknown name or a backend whose options cannot be listed: checked when built
        return
    unknown = [k for k in options if k not in valid]
    if unknown:
        raise unknown_names_error(f"backend {backend!r} (in 'backend_options' of {type(owner).__name__})", "option",
                                  unknown, valid)


def _resolve_backend(owner: Any, backend: Any, options: dict | None, kind: str = "grover") -> Any:
    """The backend instance an optimizer runs on, built once per (backend, options) and reused."""
    key = (id(backend), tuple(sorted((options or {}).items(), key=lambda kv: kv[0])) if options else ())
    cached = getattr(owner, "_backend_cache", None)
    if cached is not None and cached[0] == key and cached[1] is backend:
        return cached[2]  # built from this very name (checked then) and options: every block step asks
    from quark.backends.registry import backend_names, get_backend

    if isinstance(backend, str) and backend not in backend_names():
        raise ValueError(f"'backend' of {type(owner).__name__} must be one of {backend_names(kind)} or a backend "
                         f"instance; got {backend!r}")
    try:
        instance = get_backend(backend, **(options or {}))
    except TypeError as exc:
        if not options or "unexpected" not in str(exc):
            raise
        # an unknown keyword reached the backend: say it was the optimizer's options that held it
        own = sorted(set(owner._param_names()) - {"random_state", "verbose", "callback", "backend_options"})
        raise ValueError(
            f"unknown option(s) {sorted(options)} for {type(owner).__name__}: options go to the optimizer "
            f"({own}) or, when they are not its own, to its backend {getattr(backend, 'name', backend)!r} — {exc}"
        ) from None
    try:
        owner._backend_cache = (key, backend, instance)
    except TypeError as exc:  # pragma: no cover - unhashable option values: correct, but rebuilt per search
        logger.debug("%s: backend %r is not cached (%s)", type(owner).__name__, backend, exc)
    return instance
