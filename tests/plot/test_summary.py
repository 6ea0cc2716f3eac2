"""The summary figure of one fit: named features are drawn by name, pixels as images."""

import numpy as np
from sklearn.datasets import load_breast_cancer, load_iris

from quark import QuarkClassifier
from quark.plot.summary import MAX_BARS, plot_summary


def _labels(ax):
    return [t.get_text() for t in ax.get_yticklabels()] + [t.get_text() for t in ax.get_xticklabels()]


def test_two_classes_of_named_features_draw_the_largest_weights_as_bars():
    data = load_breast_cancer()
    clf = QuarkClassifier(random_state=0).fit(data.data, data.target)
    fig = plot_summary(clf, data.data, data.target, feature_names=list(data.feature_names))
    ax = fig.axes[-1]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ax.patches) == MAX_BARS and set(names) <= set(data.feature_names)
    top = data.feature_names[int(np.argmax(np.abs(clf.weights_[:30])))]
    assert top in names[:2]          # ties at the top: the largest weight is among the first bars
    assert "evidence for '1'" in ax.get_xlabel()      # classes_[1] of the 0/1 target


def test_several_problems_of_named_features_draw_a_heat_map_by_pair():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = QuarkClassifier(random_state=0).fit(X, names)
    fig = plot_summary(clf, X, names, feature_names=["sepal length", "sepal width", "petal length", "petal width"])
    labels = _labels(fig.axes[-1])
    assert "setosa vs virginica" in labels and "petal width" in labels
    assert fig.axes[-1].images[0].get_array().shape == (3, 4)
