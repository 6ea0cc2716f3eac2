"""Every two-class problem of a task searched, in parallel where asked: the step between preparing the
data and assembling the fitted classifier."""

from __future__ import annotations

import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.weights import weight_encoding
from quark.estimators.binary import always_blocks, fit_binary
from quark.exceptions import BackendError
from quark.optimizers import Optimizer

__all__ = ["fit_problems", "problem_seeds", "check_circuit"]


def _with_earlier(exc: BackendError, fits: list, label, index: int, n: int) -> BackendError:
    """``exc`` of problem ``index`` (0-based) of ``n``, its ledger with every earlier problem's spending added."""
    if n == 1:
        return exc
    from quark.optimizers import CostLedger

    ledger = CostLedger()
    for f in fits:
        ledger.add(f.result.ledger)
    if exc.ledger is not None:
        ledger.add(exc.ledger)
    return BackendError(f"problem {label!r} ({index + 1} of {n}; the ledger adds the {len(fits)} fitted before it): {exc}",
                        backend=exc.backend, ledger=ledger, best_bits=exc.best_bits, best_loss=exc.best_loss,
                        optimizer=exc.optimizer)


def problem_seeds(random_state, n: int) -> list:
    """One seed per problem: ``random_state`` itself for a single problem (a binary task fits exactly as
    the search alone would), independent streams spawned from it otherwise."""
    if n == 1 or random_state is None:
        return [random_state] * n
    if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        from quark._random import as_generator

        return as_generator(random_state).integers(0, 2**31 - 1, size=n).tolist()
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(int(random_state)).spawn(n)]


def check_circuit(optimizer: Optimizer, land: LossLandscape, max_qubits: int | None) -> None:
    """Gate-level searches of the whole register count every qubit of their circuit against ``max_qubits``."""
    if not optimizer.exponential_cost or max_qubits is None or land.n_qubits > max_qubits:
        return
    qubits, what = optimizer.qubits_needed(land)
    if qubits > max_qubits:
        raise ValueError(
            f"optimizer {optimizer.name!r} would simulate {what}: a statevector of {16 * 2.0**qubits / 1024**3:.2f} GiB "
            f"in double precision, each gate a pass over it; max_qubits={max_qubits} counts every qubit of the "
            "circuit on gate-level backends. Raise max_qubits knowingly, or use the exact kernel (backend='statevector')"
        )


class _Problems:
    """The problems as ``(problem, optimizer, X rows, sample weights)``, sliced when one is taken."""

    def __init__(self, subs: list, optimizers: list, rows) -> None:
        self.subs, self.optimizers, self.rows = subs, optimizers, rows

    def __len__(self) -> int:
        return len(self.subs)

    def __getitem__(self, i: int) -> tuple:
        return (self.subs[i], self.optimizers[i], *self.rows(self.subs[i]))


def _joblib_configured() -> bool:
    """Whether the caller chose joblib's parallelism (``parallel_config``, ``parallel_backend("dask")``): then
    ``n_jobs=None`` is joblib's, as everywhere in scikit-learn."""
    from joblib.parallel import get_active_backend

    backend, n_jobs = get_active_backend()
    return n_jobs is not None or type(backend).__name__ != "LokyBackend"


def fit_problems(subs: list, optimizers: list[Optimizer], model, X: np.ndarray, *, loss: str, alpha, sample_weight,
                 weight_bits, max_qubits: int | None, start: str, n_jobs, verbose: bool, scheme: str) -> list:
    """Fit every two-class problem ``subs`` (one optimizer each, seeded by the caller), in parallel with
    ``n_jobs``; returns one :class:`~quark.estimators.binary.BinaryFit` per problem, in order."""
    # one progress bar per fit: a single problem shows its search's own bar, several one bar of problems
    many_bars = len(subs) > 1 and verbose
    if many_bars:
        for opt in optimizers:
            opt.set_params(verbose=False)

    def rows(p) -> tuple:  # a problem's own samples: what travels to a worker, never the whole X
        return X[p.rows], None if sample_weight is None else sample_weight[p.rows]

    def one(p, opt, Xp, sw):
        # one BLAS thread: the block search's products are small, and a threaded BLAS competing for
        # cores makes them an order of magnitude slower; parallelism comes from n_jobs instead
        from quark._blas import one_blas_thread

        with one_blas_thread():
            return _one(p, opt, Xp, sw)

    def _one(p, opt, Xp, sw):
        if sw is not None and not sw.sum() > 0:
            raise ValueError(f"'sample_weight' is zero on every sample of problem {p.label!r}: nothing to fit")
        fitted_model = model.prepare(Xp, p.positive, sw)
        probe = LossLandscape(fitted_model, weight_encoding(fitted_model, Xp.shape[1], weight_bits), Xp, p.positive,
                              loss, alpha=0.0 if alpha == "auto" else alpha, sample_weight=sw)
        if not always_blocks(fitted_model, loss):  # a block-wise fit sizes its blocks to max_qubits itself
            check_circuit(opt, probe, max_qubits)
        return fit_binary(fitted_model, Xp, p.positive, loss=loss, alpha=alpha, weight_bits=weight_bits,
                          optimizer=opt, max_qubits=max_qubits, sample_weight=sw, start=start)

    from joblib import Parallel, delayed

    from quark._params import secrets_travel
    from quark._progress import progress_bar
    from quark.estimators.workers import ProblemFailed, fit_here_and_in_workers

    with progress_bar(many_bars, total=len(subs), desc=f"QuarkClassifier ({scheme})", unit="problem") as bar:
        if len(subs) == 1 or n_jobs == 1:
            fits = []
            for p, opt in zip(subs, optimizers):
                try:
                    fits.append(one(p, opt, *rows(p)))
                except BackendError as exc:
                    raise _with_earlier(exc, fits, p.label, len(fits), len(subs)) from exc.__cause__
                bar.set_postfix(problem=str(p.label), loss=f"{fits[-1].result.loss:.4g}", refresh=False)
                bar.update(1)
        elif n_jobs is None and not _joblib_configured():
            # here, and in workers too where the idle cores make them pay (quark.estimators.workers)
            try:
                with secrets_travel():  # the workers need the credentials the optimizers hold (never saved)
                    fits = fit_here_and_in_workers(_Problems(subs, optimizers, rows), lambda item: one(*item),
                                                   on_done=lambda i: bar.update(1))
            except ProblemFailed as failed:
                if not isinstance(failed.error, BackendError):
                    raise failed.error from failed.error.__cause__
                exc = failed.error
                raise _with_earlier(exc, failed.earlier(), subs[failed.index].label, failed.index,
                                    len(subs)) from exc.__cause__
        else:
            # results arrive in order as they finish (joblib's generator), so the bar moves during the fit
            fits = []
            try:
                with secrets_travel():
                    for f in Parallel(n_jobs=n_jobs, return_as="generator")(
                            delayed(one)(p, opt, *rows(p)) for p, opt in zip(subs, optimizers)):
                        fits.append(f)
                        bar.update(1)
            except BackendError as exc:
                raise _with_earlier(exc, fits, subs[len(fits)].label, len(fits), len(subs)) from exc.__cause__
    for f in fits:
        f.result.ledger.callback = None  # keep the fitted estimator picklable (a callback may be a lambda)
    return fits

