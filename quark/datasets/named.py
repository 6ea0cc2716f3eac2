"""The data sets the command line and the benchmarks know by name: Quark's own and scikit-learn's small ones."""

from __future__ import annotations

import numpy as np

from quark._validation import check_bool, check_int
from quark.datasets.table import Table

__all__ = ["NAMED", "load_named"]

#: Data sets available by name: Quark's own and scikit-learn's small ones.
NAMED = ("edge-detection", "tiny-mnist", "mnist", "digits", "breast-cancer", "iris")


def load_named(name: str, *, size: int | None = None, digits: tuple[int, int] | None = None,
               lines: str | None = None, dedupe: bool = False) -> tuple[Table, Table | None, str]:
    """A built-in data set by name: ``(train, test or None, description)``.

    Quark's Tiny-MNIST and MNIST come with their own train/test split; the others are returned whole
    (the caller splits them). Options that do not apply to the data set are errors.
    """
    if not isinstance(name, str) or name not in NAMED:
        raise ValueError(f"'name' must be one of {list(NAMED)} (a built-in data set; on the command line, "
                         f"--data FILE reads your own); got {name!r}")
    check_int(size, "size", minimum=2, allow_none=True)
    if check_bool(dedupe, "dedupe") is False:
        dedupe = False
    allowed = {"edge-detection": {"size", "lines"}, "tiny-mnist": {"size", "digits", "dedupe"}, "mnist": {"size"}}
    given = {k for k, v in {"size": size, "digits": digits, "lines": lines, "dedupe": dedupe or None}.items() if v is not None}
    extra = given - allowed.get(name, set())
    if extra:
        flags = ", ".join(f"'{k}' (--{k})" for k in sorted(extra))
        raise ValueError(f"{flags} does not apply to data set {name!r}" + (
            f" (it takes {', '.join(repr(a) for a in sorted(allowed[name]))})" if name in allowed else ""))
    import quark.datasets as datasets

    if name == "edge-detection":
        size, lines = 3 if size is None else size, "rows" if lines is None else lines
        X, y = datasets.load_edge_detection(size=size, lines=lines)
        names = [f"pixel_{r}_{c}" for r in range(size) for c in range(size)]
        return Table(X, y, names, "line", name), None, f"Edge Detection ({lines}, {size}x{size}): all {len(X)} images"
    if name == "tiny-mnist":
        size = 3 if size is None else size
        digits = (6, 7) if digits is None else datasets.tiny_mnist.check_digit_pair(digits)
        Xtr, ytr = datasets.load_tiny_mnist(digits=digits, size=size, subset="train", dedupe=dedupe)
        Xte, yte = datasets.load_tiny_mnist(digits=digits, size=size, subset="test")
        names = [f"pixel_{r}_{c}" for r in range(size) for c in range(size)]
        what = "unique training patterns" if dedupe else "training images"
        desc = f"Tiny-MNIST {digits[0]} vs {digits[1]} ({size}x{size}): {len(Xtr)} {what}, {len(Xte)} test images"
        return Table(Xtr, ytr, names, "digit", name), Table(Xte, yte, names, "digit", name), desc
    if name == "mnist":
        size = 28 if size is None else size
        Xtr, ytr = datasets.load_mnist(size, subset="train")
        Xte, yte = datasets.load_mnist(size, subset="test")
        names = [f"pixel_{r}_{c}" for r in range(size) for c in range(size)]
        return (Table(Xtr, ytr, names, "digit", name), Table(Xte, yte, names, "digit", name),
                f"MNIST ({size}x{size}, bundled): {len(Xtr)} training and {len(Xte)} test images, 10 digits")
    from sklearn import datasets as sk

    bunch = {"digits": sk.load_digits, "breast-cancer": sk.load_breast_cancer, "iris": sk.load_iris}[name]()
    names = [str(n) for n in getattr(bunch, "feature_names", [f"x{j}" for j in range(bunch.data.shape[1])])]
    y = np.asarray(bunch.target_names)[bunch.target] if name != "digits" else bunch.target
    return (Table(np.asarray(bunch.data, dtype=np.float64), y, names, "target", name), None,
            f"scikit-learn's {name}: {len(y)} samples, {bunch.data.shape[1]} features, {len(np.unique(y))} classes")

