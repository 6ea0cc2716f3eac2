"""Parameter objects in scikit-learn's convention: ``get_params(deep)``, ``set_params``, a readable repr.

Optimizers and backends store their constructor arguments unchanged under the same names, so
``sklearn.base.clone`` rebuilds them and meta-estimators reach nested parameters
(``optimizer__shots``, ``optimizer__backend__method``) exactly as with scikit-learn estimators.
Values wrapped in :class:`Secret` print as ``'***'`` in every repr.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from typing import Any

__all__ = ["ParamsMixin", "Secret", "reveal", "mask_secrets", "SECRET_KEYS", "unknown_names_error"]

#: Option names whose values are credentials: kept as :class:`Secret` wherever Quark stores them.
SECRET_KEYS = ("token", "api_key", "apikey", "api_token", "password", "secret", "access_token")


class Secret(str):
    """A string (an API token) that never shows itself in a repr, a log or an error message.

    It compares and hashes as the string it holds; ``reveal(secret)`` gives the plain value.

    Examples
    --------
    >>> s = Secret("abc123")
    >>> repr(s), str(s) == "***", reveal(s)
    ("Secret('***')", True, 'abc123')
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __reduce__(self):
        return (Secret, (reveal(self),))

    def __deepcopy__(self, memo):
        return self


def reveal(value: Any) -> Any:
    """The plain string behind a :class:`Secret` (other values unchanged)."""
    return str.__str__(value) if isinstance(value, Secret) else value


def _is_secret_key(key: object) -> bool:
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
        out = {k: (Secret(v) if _is_secret_key(k) and isinstance(v, str) and not isinstance(v, Secret) else mask_secrets(v))
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
            out[name] = value
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
