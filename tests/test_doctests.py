"""Every docstring example in the package runs and prints what it says."""

import doctest
import importlib
import pkgutil

import pytest

import quark

_OPTIONAL = ("torch", "qiskit_ibm_runtime", "dwave.system", "qiskit_machine_learning")


def _modules():
    for info in pkgutil.walk_packages(quark.__path__, prefix="quark."):
        if info.name.endswith("__main__"):
            continue
        yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_docstring_examples(name):
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # modules behind an optional extra that is not installed
        if any(opt in str(exc) for opt in _OPTIONAL) or "quark-qml[" in str(exc):
            pytest.skip(f"{name} needs an optional extra: {exc}")
        raise
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
