"""Parameter objects in scikit-learn's convention: ``get_params(deep)``, ``set_params``, a readable repr.

Optimizers and backends store their constructor arguments unchanged under the same names, so
``sklearn.base.clone`` rebuilds them and meta-estimators reach nested parameters
(``optimizer__shots``, ``optimizer__backend__method``) exactly as with scikit-learn estimators.
Values wrapped in :class:`Secret` print as ``'***'`` in every repr.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import inspect
import threading
from typing import Any

__all__ = ["ParamsMixin", "Secret", "reveal", "mask_secrets", "secrets_travel", "SECRET_KEYS", "is_secret_key",
           "unknown_names_error"]

#: Option names whose values are credentials: kept as :class:`Secret` wherever Quark stores them.
SECRET_KEYS = ("token", "api_key", "apikey", "api_token", "password", "secret", "access_token")


class Secret(str):
    """A credential (an API token) that never shows itself: not in a repr, ``str``, JSON, a log or a pickle.

    The string itself is ``'***'`` — so ``str``, f-strings, ``json.dumps`` and ``.encode()`` all give the
    mask — and the value lives in memory only, read by :func:`reveal`. It compares and hashes as the
    value it holds, and copies (``copy``, ``deepcopy``, scikit-learn's ``clone``) share it. A pickle
    stores no value: an unpickled secret is *absent*, and :func:`reveal` then raises
    :class:`~quark.exceptions.MissingCredentialError` asking for the credential again. (Quark's own
    worker processes, ``n_jobs``, receive it through :func:`secrets_travel`.)

    Examples
    --------
    >>> import json, pickle
    >>> s = Secret("abc123")
    >>> repr(s), str(s), json.dumps({"token": s}), reveal(s), s == "abc123"
    ("Secret('***')", '***', '{"token": "***"}', 'abc123', True)
    >>> b"abc123" in pickle.dumps(s)
    False
    """

    def __new__(cls, value: Any = None, name: str = "token"):
        if isinstance(value, Secret):
            return value
        obj = super().__new__(cls, "***")
        obj._value = None if value is None else str(value)
        obj._name = str(name)
        return obj

    @property
    def present(self) -> bool:
        """Whether the value is here (``False`` after a pickle round trip)."""
        return self._value is not None

    def __repr__(self) -> str:
        return "Secret('***')" if self.present else "Secret(<not saved>)"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self._value == other._value
        if isinstance(other, str):
            return self._value == other
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self):
        if _TRAVEL[0] > 0:  # a worker process of this very fit (see secrets_travel)
            return (Secret, (self._value, self._name))
        return (Secret, (None, self._name))

    def __reduce_ex__(self, protocol):
        return self.__reduce__()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


# How many ``secrets_travel`` blocks are open (a list: mutable from the context manager).
_TRAVEL = [0]
_TRAVEL_LOCK = threading.Lock()


@contextlib.contextmanager
def secrets_travel():
    """Within this block, pickled secrets keep their values: for the worker processes of one fit.

    Quark's parallel fits (``n_jobs``) send their optimizers to joblib workers by pickle; a credential
    must reach them. Everything else that pickles (``save_model``, ``joblib.dump``) stores none.
    """
    with _TRAVEL_LOCK:
        _TRAVEL[0] += 1
    try:
        yield
    finally:
        with _TRAVEL_LOCK:
            _TRAVEL[0] -= 1


def reveal(value: Any) -> Any:
    """The plain value behind a :class:`Secret` (other values unchanged).

    Raises :class:`~quark.exceptions.MissingCredentialError` for a secret that was not saved (it
    came out of a pickle): credentials are never stored with a model and must be given again.
    """
    if not isinstance(value, Secret):
        return value
    if value._value is None:
        from quark.exceptions import MissingCredentialError

        raise MissingCredentialError(
            f"the credential {value._name!r} was not saved with this object (Quark never pickles credentials): give "
            f"it again, e.g. set_params(optimizer_options={{..., {value._name!r}: ...}}) on a loaded classifier, or set "
            "the service's own configuration (DWAVE_API_TOKEN, a saved IBM Quantum account)"
        )
    return value._value


def is_secret_key(key: object) -> bool:
    """Whether an option name holds a credential (``token``, ``api_key``, ``password``...)."""
    return isinstance(key, str) and any(k in key.lower() for k in SECRET_KEYS)


def mask_secrets(value: Any) -> Any:
    """``value`` with every credential-named entry of a mapping (recursively) wrapped in :class:`Secret`.

    Returns the very same object when nothing needed wrapping (so scikit-learn's ``clone``, which
    checks that constructors store what they are given, still recognizes it).

    Examples
    --------
    >>> mask_secrets({"method": "statevector", "token": "abc"})
    {'method': 'statevector', 'token': Secret('***')}
    """
    if isinstance(value, dict):
        out = {k: (Secret(v, k) if is_secret_key(k) and isinstance(v, str) and not isinstance(v, Secret) else mask_secrets(v))
               for k, v in value.items()}
        return value if all(out[k] is value[k] for k in value) else out
    return value


@functools.lru_cache(maxsize=None)
def _init_param_names(init) -> tuple[str, ...]:
    """The parameters of a constructor, in signature order (cached: block searches clone thousands of
    optimizers, and ``inspect.signature`` costs milliseconds)."""
    if init is object.__init__:
        return ()
    sig = inspect.signature(init)
    return tuple(  # in signature order, so that reprs read like the call
        p.name for p in sig.parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    )


def unknown_names_error(owner: str, what: str, unknown: list[str], valid: list[str]) -> TypeError:
    """``TypeError`` naming unknown option names, each with the closest valid one (difflib) when there is one.

    Examples
    --------
    >>> print(unknown_names_error("GroverAdaptiveSearch", "parameter", ["shot"], ["shots", "backend"]))
    GroverAdaptiveSearch got an unknown parameter 'shot' (did you mean 'shots'?); its parameters: ['backend', 'shots']
    """
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(str(name), valid, n=1)
        if is_secret_key(name) and "backend_options" in valid:  # a credential is the backend's
            parts.append(f"{name!r} (a credential: give it to the backend, backend_options={{{name!r}: ...}})")
        else:
            parts.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
    plural = "s" if len(unknown) > 1 else ""
    return TypeError(f"{owner} got an unknown {what}{plural} {', '.join(parts)}; its {what}s: {sorted(valid)}")


@functools.lru_cache(maxsize=None)
def _takes_var_keyword(init) -> bool:
    if init is object.__init__:
        return False
    return any(p.kind is p.VAR_KEYWORD for p in inspect.signature(init).parameters.values())


class ParamsMixin:
    """``get_params`` / ``set_params`` from the ``__init__`` signature, as scikit-learn's ``BaseEstimator``.

    Subclasses store every constructor argument as an attribute of the same name and do nothing
    else in ``__init__`` (validation happens where the object is used). A keyword the constructor
    does not take is refused where it is written, with the nearest valid name suggested.
    """

    def __new__(cls, *args: Any, **kwargs: Any):
        # runs before __init__ binds its arguments: names only, nothing stored
        if kwargs:
            names = cls._param_names()
            unknown = [k for k in kwargs if k not in names]
            if unknown and not _takes_var_keyword(cls.__init__):
                raise unknown_names_error(cls.__name__, "parameter", unknown, names)
        return super().__new__(cls)

    @classmethod
    def _param_names(cls) -> list[str]:
        return list(_init_param_names(cls.__init__))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor parameters; with ``deep``, those of nested parameter objects as ``name__param``."""
        out: dict[str, Any] = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params(deep=True).items())
            out[name] = mask_secrets(value)  # a credential reads as '***' (the value stays in memory)
        return out

    def set_params(self, **params: Any):
        """Set parameters (nested ones as ``name__param``); returns ``self``."""
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"invalid parameter {name!r} for {type(self).__name__}; valid parameters: {sorted(self._param_names())}"
                )
            if delim:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={mask_secrets(v)!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({body})"
