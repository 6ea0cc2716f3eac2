"""A D-Wave QPU as a dimod sampler: ``EmbeddingComposite(DWaveSampler())`` behind the ``dwave`` extra.

Configuration is D-Wave's standard one (dwave-cloud-client): a ``dwave.conf`` file written by
``dwave config create``, or the ``DWAVE_API_TOKEN`` environment variable (plus optional
``DWAVE_API_SOLVER`` / ``DWAVE_API_REGION``...). Keyword options (``solver``, ``token``,
``profile``, ``config_file``, ``region``...) go to ``DWaveSampler`` unchanged.

For work without a QPU, :func:`structured_stand_in` builds a classical sampler restricted to a real
Pegasus or Zephyr graph; ``dwave_sampler(child=structured_stand_in())`` then runs the whole QPU path
— minor embedding, chains, unembedding — except the network call.
"""

from __future__ import annotations

from typing import Any

from quark._optional import is_available, require
from quark.exceptions import BackendConfigurationError

__all__ = ["dwave_sampler", "structured_stand_in", "check_dwave", "DWaveConfigurationError"]

_FEATURE = "backend 'dwave' (a D-Wave QPU)"


class DWaveConfigurationError(BackendConfigurationError):
    """No D-Wave API token is configured; the message says how to set one."""


def _token(config: dict) -> str | None:
    if config.get("token"):
        return str(config["token"])
    from dwave.cloud.config import load_config

    keys = ("config_file", "profile")
    loaded = load_config(**{k: config[k] for k in keys if k in config})
    return loaded.get("token")


def _missing_token_message() -> str:
    return (
        "No D-Wave API token is configured for backend 'dwave'. Set the DWAVE_API_TOKEN environment "
        "variable, or run `dwave config create` to write a dwave.conf file (token from "
        "https://cloud.dwavesys.com/leap), or pass token=... to get_backend('dwave', ...)"
    )


def dwave_sampler(*, child: Any = None, embedding_parameters: dict | None = None, **config: Any):
    """A QPU sampler with automatic minor embedding: ``EmbeddingComposite(DWaveSampler(**config))``.

    Parameters
    ----------
    child : dimod structured sampler, optional
        Use this instead of ``DWaveSampler`` (e.g. :func:`structured_stand_in` for offline runs);
        no credentials are needed then.
    embedding_parameters : dict, optional
        Passed to minorminer's ``find_embedding`` (e.g. ``{"random_seed": 0, "timeout": 10}``).
    **config
        ``DWaveSampler`` options: ``solver``, ``token``, ``profile``, ``config_file``, ``region``...

    Raises
    ------
    MissingDependencyError
        Without dwave-system (``pip install 'quark-qml[dwave]'``).
    DWaveConfigurationError
        Without an API token (set ``DWAVE_API_TOKEN`` or run ``dwave config create``).

    Examples
    --------
    >>> s = dwave_sampler(child=structured_stand_in("pegasus", 2))
    >>> type(s).__name__
    'EmbeddingComposite'
    """
    system = require("dwave.system", extra="dwave", feature=_FEATURE, package="dwave-system")
    if child is None:
        token = _token(config)
        if not token:
            raise DWaveConfigurationError(_missing_token_message())
        try:
            child = system.DWaveSampler(**config)
        except Exception as exc:  # noqa: BLE001 - the cloud client's errors vary; say what to check, once
            message = str(exc).replace(str(token), "***")
            raise DWaveConfigurationError(
                f"could not reach the D-Wave Leap API ({type(exc).__name__}: {message}); check the network, the "
                "solver/region settings and the token (DWAVE_API_TOKEN, or `dwave config create`)"
            ) from None
    else:
        import dimod

        if config:
            raise TypeError(f"DWaveSampler options {sorted(config)} do not apply when 'child' is given")
        if not isinstance(child, dimod.Structured):
            raise TypeError(
                "'child' must be a structured dimod sampler (with nodelist/edgelist), e.g. "
                f"structured_stand_in(); got {type(child).__name__}"
            )
    return system.EmbeddingComposite(child, embedding_parameters=embedding_parameters)


def _graphs():
    require("dwave.system", extra="dwave", feature=_FEATURE, package="dwave-system")
    if is_available("dwave.graphs"):
        import dwave.graphs as graphs  # dwave-networkx's successor, installed with dwave-system
    else:  # pragma: no cover - older Ocean
        import dwave_networkx as graphs
    return graphs


def structured_stand_in(topology: str = "pegasus", size: int | None = None, sampler: Any = None):
    """A classical sampler restricted to a real QPU graph: a stand-in for ``DWaveSampler``.

    Parameters
    ----------
    topology : {"pegasus", "zephyr"}
        Advantage (Pegasus) or Advantage2 (Zephyr) graph.
    size : int, optional
        Graph size parameter (``pegasus_graph(size)`` / ``zephyr_graph(size)``); default 6 / 4
        (small enough to embed quickly, large enough for the tests' problems).
    sampler : dimod sampler, optional
        What samples the embedded model; default simulated annealing (``neal``).

    Returns
    -------
    dimod.StructureComposite
    """
    import dimod

    graphs = _graphs()
    if topology == "pegasus":
        g = graphs.pegasus_graph(6 if size is None else size)
    elif topology == "zephyr":
        g = graphs.zephyr_graph(4 if size is None else size)
    else:
        raise ValueError(f"'topology' must be 'pegasus' or 'zephyr'; got {topology!r}")
    if sampler is None:
        from quark.backends.samplers import neal_sampler

        sampler = neal_sampler()
    return dimod.StructureComposite(sampler, list(g.nodes), list(g.edges))


def check_dwave() -> str:
    """'' when a QPU could be used here (dwave-system installed and a token configured), else why not.

    Reads the local configuration only; makes no network call.
    """
    if not is_available("dwave.system"):
        return "the 'dwave-system' package is not installed (pip install 'quark-qml[dwave]')"
    try:
        token = _token({})
    except Exception as exc:  # a malformed config file
        return f"could not read the D-Wave configuration: {exc}"
    if not token:
        return "no D-Wave API token (set DWAVE_API_TOKEN or run `dwave config create`)"
    return ""
