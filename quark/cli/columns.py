"""``--categorical auto`` / ``--impute median``: the file's columns prepared by a scikit-learn
``ColumnTransformer`` in front of the classifier, learned on the training rows only.

The same pipeline a Python user builds (docs/your_data.md): string columns one-hot encoded
(a category the training rows never had is all zeros, and ``quark predict`` says which), missing numbers filled with the training median and missing categories with the most
frequent one. Saved with the model, so ``quark predict`` prepares new files the same way.
"""

from __future__ import annotations

__all__ = ["column_pipeline", "prepared_names", "unknown_categories"]


def column_pipeline(feature_names: list[str], categorical: list[str], impute: str | None, classifier):
    """A ``Pipeline(ColumnTransformer, classifier)`` for an object array whose columns are ``feature_names``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    numbers = [j for j, n in enumerate(feature_names) if n not in categorical]
    strings = [j for j, n in enumerate(feature_names) if n in categorical]
    onehot = OneHotEncoder(handle_unknown="warn", sparse_output=False)
    steps = []
    if numbers:
        steps.append(("numbers", SimpleImputer(strategy="median") if impute else "passthrough", numbers))
    if strings:
        steps.append(("categories", make_pipeline(SimpleImputer(strategy="most_frequent"), onehot) if impute else onehot,
                      strings))
    columns = ColumnTransformer(steps, sparse_threshold=0.0)
    return Pipeline([("columns", columns), ("classifier", classifier)])


def prepared_names(pipeline, feature_names: list[str]) -> list[str]:
    """The classifier's input columns, by name: numeric columns as they are, one-hot ones as ``column=value``."""
    names: list[str] = []
    columns = pipeline.named_steps["columns"]
    for label, step, idx in columns.transformers_:
        if label == "numbers":
            names += [feature_names[j] for j in idx]
        elif label == "categories":
            names += [f"{feature_names[j]}={c}" for j, cats in zip(idx, _encoder(step).categories_) for c in cats]
    return names


def _encoder(step):
    return step if not hasattr(step, "steps") else step.steps[-1][1]


def unknown_categories(pipeline, X) -> dict[int, list]:
    """Per categorical column of ``X`` (by index), the values its training rows never had (missing ones aside)."""
    import numpy as np

    out = {}
    for label, step, idx in pipeline.named_steps["columns"].transformers_:
        if label != "categories":
            continue
        for j, cats in zip(idx, _encoder(step).categories_):
            values = [v for v in X[:, j] if isinstance(v, str)]
            new = sorted(set(values) - set(np.asarray(cats, dtype=object).tolist()))
            if new:
                out[j] = new
    return out
