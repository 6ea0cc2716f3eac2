"""Quark's error types: each subclasses the built-in type a caller would catch."""

from __future__ import annotations

__all__ = ["ProblemTooLargeError", "MissingDependencyError", "BackendConfigurationError", "MissingCredentialError",
           "BackendError", "format_bytes", "advised", "keyword_advice"]


class ProblemTooLargeError(MemoryError, ValueError):
    """A computation would need more memory (or terms) than allowed; the message says how much."""


class MissingDependencyError(ImportError):
    """An optional dependency is missing; the message names the extra that installs it."""


class BackendConfigurationError(RuntimeError):
    """A service (IBM Quantum, D-Wave) is not configured or cannot be reached; the message says how to fix it."""


class MissingCredentialError(BackendConfigurationError):
    """A credential is needed but was not kept (credentials are never pickled): give it again."""


class BackendError(RuntimeError):
    """A backend or sampler failed in the middle of a search.

    The message names the backend and what the search had spent; the error carries what is needed to
    account for the run and to resume it: ``backend`` (its name), ``ledger`` (the
    :class:`~quark.optimizers.CostLedger` of everything spent up to the failure), ``best_bits`` and
    ``best_loss`` (the best setting measured so far, ``None`` when none was) and ``optimizer`` (its
    class name). The backend's own exception is the ``__cause__``.
    """

    def __init__(self, message: str, *, backend: str = "", ledger=None, best_bits=None, best_loss=None,
                 optimizer: str = "") -> None:
        super().__init__(message)
        self.backend, self.ledger, self.optimizer = backend, ledger, optimizer
        self.best_bits, self.best_loss = best_bits, best_loss

    def __reduce__(self):  # picklable (joblib workers raise it across processes)
        return (_rebuild_backend_error, (str(self), self.backend, self.ledger, self.best_bits, self.best_loss,
                                         self.optimizer))


def _rebuild_backend_error(message, backend, ledger, best_bits, best_loss, optimizer):
    return BackendError(message, backend=backend, ledger=ledger, best_bits=best_bits, best_loss=best_loss,
                        optimizer=optimizer)


def keyword_advice(alternatives) -> str:
    """Alternatives as keyword arguments: ``"encoding='surrogate' or max_terms=8"``."""
    return " or ".join(", ".join(f"{k}={v!r}" for k, v in alt.items()) for alt in alternatives)


def advised(error: type[Exception], reason: str, *alternatives: dict, note: str = "") -> Exception:
    """An error of type ``error``: ``reason``, then the settings that would avoid it.

    Each alternative is a dict of settings (``{"encoding": "surrogate"}``), spelled in the message as
    keyword arguments of the function that raised. The error keeps ``reason``, ``alternatives`` and
    ``note`` as attributes, so that a caller whose user sets these options elsewhere (an optimizer's
    parameters, the classifier's ``optimizer_options``, the command line's ``--option``) re-raises it
    spelled the way that user sets them: an error never suggests an argument that cannot be passed
    where the user is.

    Examples
    --------
    >>> str(advised(ValueError, "the polynomial has 9 terms, more than max_terms=8", {"max_terms": 9}))
    'the polynomial has 9 terms, more than max_terms=8; set max_terms=9'
    """
    text = f"; set {keyword_advice(alternatives)}" if alternatives else ""
    exc = error(f"{reason}{text}{f' ({note})' if note else ''}")
    exc.reason, exc.alternatives, exc.note = reason, tuple(dict(a) for a in alternatives), note
    return exc


def format_bytes(n: float) -> str:
    """``3.2 GiB``-style text for a byte count."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover
