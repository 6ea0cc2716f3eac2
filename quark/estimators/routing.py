"""Which optimizer a problem runs: built from its name and the classifier's settings, or a clone of the
instance given."""

from __future__ import annotations

from typing import Any

from sklearn.base import clone

from quark._params import is_secret_key, unknown_names_error
from quark.optimizers import OPTIMIZERS, Optimizer, get_optimizer
from quark.optimizers.base import CLASSIFIER_SHARED

__all__ = ["build_optimizer", "optimizer_name"]


def optimizer_name(optimizer) -> str:
    """The name of the optimizer setting (a string as given, an instance's ``name``)."""
    return optimizer if isinstance(optimizer, str) else getattr(optimizer, "name", "custom")


def build_optimizer(params: dict, random_state=None) -> Optimizer:
    """The optimizer a problem runs: built from its name and the shared parameters, or a clone of the
    instance given (seeded by ``random_state`` when the instance has no seed of its own).

    ``params`` are the classifier's parameters (``get_params(deep=False)``); ``random_state`` overrides
    theirs (one seed per problem).
    """
    optimizer = params["optimizer"]
    seed = params["random_state"] if random_state is None else random_state
    if not isinstance(optimizer, str):
        for param in ("backend", "shots", "max_queries"):
            if params[param] is not None:
                raise ValueError(f"'{param}' applies only when 'optimizer' is given by name; "
                                 f"set it on the optimizer instance instead (optimizer__{param}=...)")
        if params["copies"] != 1 or params["optimizer_options"]:
            raise ValueError("'copies' and 'optimizer_options' apply only when 'optimizer' is given by name; "
                             "set them on the optimizer instance instead")
        opt = clone(optimizer)  # never mutate a hyper-parameter
        if opt.random_state is None and seed is not None:
            opt.set_params(random_state=seed)
        if params["verbose"] and not opt.verbose:
            opt.set_params(verbose=True)
        return opt
    cls = OPTIMIZERS[optimizer]
    accepted = set(cls._param_names())
    options = dict(params["optimizer_options"] or {})
    for param in ("random_state", "verbose"):  # the classifier's own: one route each
        if param in options:
            raise ValueError(f"'{param}' is set on QuarkClassifier itself, not in optimizer_options "
                             f"(got optimizer_options={{{param!r}: {options[param]!r}}})")
    own = sorted(accepted - {"random_state", "verbose", "callback"})
    _route_credentials(options, optimizer, own)
    unknown = [k for k in options if k not in own]
    if unknown:
        exc = unknown_names_error(f"optimizer={optimizer!r} (in 'optimizer_options')", "option", unknown, own)
        raise ValueError(str(exc))
    kwargs: dict[str, Any] = {}
    for param in CLASSIFIER_SHARED:  # the convenience parameters QuarkClassifier passes on
        value = params[param]
        if value is None or (param == "copies" and value == 1):
            continue
        if param not in accepted and optimizer == "block":
            _route_to_inner(options, param, value)
            continue
        if param not in accepted:
            takes = sorted(name for name, c in OPTIMIZERS.items() if param in c._param_names())
            raise ValueError(f"'{param}' does not apply to optimizer={optimizer!r} (it applies to {takes})")
        if param in options:
            raise ValueError(f"'{param}' is given twice: QuarkClassifier({param}={value!r}) and "
                             f"optimizer_options={{{param!r}: {options[param]!r}}}; give it once")
        kwargs[param] = value
    kwargs.update(options)
    if optimizer == "block" and "block_size" not in kwargs and params["max_qubits"] is not None:
        from quark.optimizers.block import DEFAULT_BLOCK_SIZE

        kwargs["block_size"] = min(DEFAULT_BLOCK_SIZE, int(params["max_qubits"]))  # blocks never pass max_qubits
    return get_optimizer(optimizer, random_state=seed, verbose=bool(params["verbose"]), **kwargs)


def _route_to_inner(options: dict, param: str, value) -> None:
    """A block search runs its blocks on the inner optimizer's backend: ``QuarkClassifier(optimizer="block",
    backend=..., shots=...)`` sets them on the inner search (``inner_options``), where that optimizer takes
    them; given there too, or for an inner search that does not take them: refused."""
    inner = options.get("inner", "grover")
    if not isinstance(inner, str):
        raise ValueError(f"'{param}' applies to optimizer='block' through its inner optimizer by name; the inner "
                         f"search given is an instance: set {param} on it instead")
    if inner in OPTIMIZERS and param not in OPTIMIZERS[inner]._param_names():
        takes = sorted(name for name, c in OPTIMIZERS.items() if param in c._param_names())
        raise ValueError(f"'{param}' does not apply to optimizer='block' with inner={inner!r} "
                         f"(it applies to inner searches {takes})")
    inner_options = dict(options.get("inner_options") or {})
    if param in inner_options:
        raise ValueError(f"'{param}' is given twice: QuarkClassifier({param}={value!r}) and "
                         f"optimizer_options={{'inner_options': {{{param!r}: {inner_options[param]!r}}}}}; give it once")
    inner_options[param] = value
    options["inner_options"] = inner_options


def _route_credentials(options: dict, optimizer: str, own: list[str]) -> None:
    """Credentials in ``optimizer_options`` (``{"token": ...}``, ``--option token=...``) are the backend's: moved
    into ``backend_options`` (no optimizer takes one itself). Given there too: refused, one route each."""
    creds = {k: options.pop(k) for k in list(options) if is_secret_key(k)}
    if not creds:
        return
    if "backend_options" not in own:
        raise ValueError(f"optimizer={optimizer!r} runs on no configurable backend: credentials {sorted(creds)} "
                         "in optimizer_options have nowhere to go")
    given = dict(options.get("backend_options") or {})
    twice = sorted(set(creds) & set(given))
    if twice:
        raise ValueError(f"{twice} given twice: in optimizer_options and in optimizer_options['backend_options']; "
                         "give it once")
    options["backend_options"] = {**given, **creds}
