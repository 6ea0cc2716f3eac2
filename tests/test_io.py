"""The user's files: CSV and .npz tables, named data sets, saved models."""

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.datasets.named import NAMED, load_named
from quark.io import load_model, read_table, save_model


def _csv(tmp_path, text, name="d.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_csv_with_string_labels_and_a_chosen_target(tmp_path):
    p = _csv(tmp_path, "label,a,b\nyes,1,2.5\nno,3,4\n\nyes,5,6\n")
    t = read_table(p, "label")
    assert t.feature_names == ["a", "b"] and t.target == "label"
    assert t.X.tolist() == [[1.0, 2.5], [3.0, 4.0], [5.0, 6.0]]     # blank lines skipped
    assert t.y.tolist() == ["yes", "no", "yes"]
    numeric = read_table(_csv(tmp_path, "a,b,c\n1,2,0\n3,4,1\n", "n.csv"))   # default target: the last column
    assert numeric.y.dtype == np.int64 and numeric.y.tolist() == [0, 1]


@pytest.mark.parametrize("text, target, match", [
    ("a,b\n1,2\n", "c", "no column 'c'"),
    ("a,b,c\n1,x,0\n", "c", "column 'b' .* non-numeric value 'x'"),
    ("a,b,c\n1,2\n", "c", "every row must have 3 values"),
    ("a,a,c\n1,2,0\n", "c", "unique"),
    ("a,b,c\n", "c", "no data rows"),
])
def test_bad_csv_files_say_what_is_wrong(tmp_path, text, target, match):
    with pytest.raises(ValueError, match=match):
        read_table(_csv(tmp_path, text), target)


def test_missing_file_and_prediction_files_without_a_target(tmp_path):
    with pytest.raises(FileNotFoundError, match="no data file"):
        read_table(tmp_path / "absent.csv")
    t = read_table(_csv(tmp_path, "b,a\n2,1\n"), "label", require_target=False, feature_names=["a", "b"])
    assert t.y is None and t.X.tolist() == [[1.0, 2.0]]                      # columns in the model's order
    with pytest.raises(ValueError, match=r"lacks the feature columns \['c'\]"):
        read_table(_csv(tmp_path, "a,b\n1,2\n", "m.csv"), None, require_target=False, feature_names=["a", "c"])


def test_npz_tables(tmp_path):
    p = tmp_path / "d.npz"
    np.savez(p, X=np.arange(6.0).reshape(3, 2), y=np.array([0, 1, 0]))
    t = read_table(p)
    assert t.X.shape == (3, 2) and t.y.tolist() == [0, 1, 0] and t.feature_names == ["x0", "x1"]
    np.savez(tmp_path / "bad.npz", features=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="named 'X'"):
        read_table(tmp_path / "bad.npz")


def test_named_data_sets_and_their_options():
    for name in NAMED:
        if name == "mnist":
            continue
        train, test, desc = load_named(name)
        assert train.X.shape[0] == len(train.y) and train.X.shape[1] == len(train.feature_names) and desc
    train, test, _ = load_named("tiny-mnist", digits=(3, 5), size=4)
    assert train.X.shape[1] == 16 and set(test.y.tolist()) <= {0, 1}
    with pytest.raises(ValueError, match=r"'digits' \(--digits\) does not apply to data set 'iris'"):
        load_named("iris", digits=(1, 2))
    with pytest.raises(ValueError, match="'name' must be one of .*got 'cifar'"):
        load_named("cifar")


def test_saved_models_predict_like_the_original(tmp_path):
    train, _, _ = load_named("iris")
    clf = QuarkClassifier(random_state=0).fit(train.X, train.y)
    path = save_model(clf, tmp_path / "iris.joblib", feature_names=train.feature_names, target="species", source="iris")
    record = load_model(path)
    assert record["feature_names"] == train.feature_names and record["target"] == "species"
    np.testing.assert_array_equal(record["estimator"].predict(train.X), clf.predict(train.X))
    (tmp_path / "junk.joblib").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a saved Quark model"):
        load_model(tmp_path / "junk.joblib")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_model(clf, tmp_path / "no" / "m.joblib", feature_names=[], target=None, source="")


# -- tables as they come ----------------------------------------------------------------------------------------
def _rows(sep):
    return sep.join(["a", "b", "label"]) + "\n" + "".join(sep.join([f"{i}.5", f"{-i}", "yes" if i % 2 else "no"]) + "\n"
                                                         for i in range(6))


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_the_separator_is_sniffed_and_a_bom_dropped(tmp_path, sep):
    p = tmp_path / "d.csv"
    p.write_text(_rows(sep), encoding="utf-8-sig")
    t = read_table(p)
    assert t.feature_names == ["a", "b"] and t.target == "label" and t.extra["separator"] == sep
    assert t.X[:, 0].tolist() == [i + 0.5 for i in range(6)] and t.y[:2].tolist() == ["no", "yes"]
    assert read_table(p, sep="tab" if sep == "\t" else sep).X.tolist() == t.X.tolist()


def test_quoted_cells_keep_their_separators(tmp_path):
    t = read_table(_csv(tmp_path, 'a;b;label\n1;2;"x;y"\n3;4;"z"\n'))
    assert t.y.tolist() == ["x;y", "z"] and t.extra["separator"] == ";"


def test_a_wrong_separator_is_named(tmp_path):
    p = _csv(tmp_path, _rows(";"))
    with pytest.raises(ValueError, match=r"no feature column .*separator ','.*--sep"):
        read_table(p, sep=",")
    with pytest.raises(ValueError, match="'sep' must be one character"):
        read_table(p, sep=";;")


@pytest.mark.parametrize("text, match", [
    ("a,b,label\n1,2,yes\n3,4,\n", r"label column 'label' is empty in line 3"),
    ("a,b,label\n1,2,yes\n3,4,n\x00o\n", r"column 'label' holds the control character '\\x00' in line 3"),
    ("a,b,label\n1,2\x1b,yes\n3,4,no\n", r"column 'b' holds the control character '\\x1b' in line 2"),
    ("a,b,label\n1_000,2,yes\n3,4,no\n", r"column 'a' .* non-numeric value '1_000' in line 2"),
    ("a,b,label\n1e308,2,yes\n1e309,4,no\n", r"column 'a' .* '1e309' in line 3: it overflows"),
    ("a,b,label\n1,-inf,yes\n3,4,no\n", r"column 'b' .* '-inf' in line 2: an infinite value"),
    ("a,b,label\n1,,yes\n3,4,no\n", r"column 'b' .* missing value .* line 2: .*impute='median'"),
    ("a,b,label\n1,red,yes\n3,blue,no\n", r"column 'b' .* non-numeric value 'red' .*categorical='auto'"),
    ("a,,label\n1,2,yes\n", r"column 2 of the header .* has no name"),
    ('a,b,label\n1,"2"x,yes\n', r"not a well-formed CSV file \(line 2"),
])
def test_a_table_that_cannot_be_read_as_is_names_line_and_column(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        read_table(_csv(tmp_path, text))


def test_string_columns_and_gaps_are_kept_only_when_asked(tmp_path):
    p = _csv(tmp_path, "a,color,label\n1,red,yes\nNA,blue,no\n3,,yes\n")
    t = read_table(p, categorical="auto", impute="median")
    assert t.X.dtype == object and t.extra["categorical"] == ["color"]
    assert np.isnan(t.X[1, 0]) and t.X[0, 1] == "red" and t.X[2, 1] != t.X[2, 1]   # NaN, for an imputer
    with pytest.raises(ValueError, match=r"column 'a' .* missing value \('NA'\) in line 3"):
        read_table(p, categorical="auto")
    with pytest.raises(ValueError, match=r"column 'color' .* missing value .* line 4"):
        read_table(_csv(tmp_path, "a,color,label\n1,red,yes\n2,blue,no\n3,,yes\n", "c.csv"), categorical="auto")
    # a saved model's categorical columns stay strings, even where the new file holds numbers there
    t = read_table(_csv(tmp_path, "a,color\n1,7\n", "new.csv"), require_target=False, feature_names=["a", "color"],
                   categorical=["color"])
    assert t.X[0].tolist() == [1.0, "7"]


def test_a_blank_label_column_of_a_prediction_file_means_no_labels(tmp_path):
    t = read_table(_csv(tmp_path, "a,b,label\n1,2,\n3,4,\n"), "label", require_target=False, feature_names=["a", "b"])
    assert t.y is None and t.extra["empty_target"]
    with pytest.raises(ValueError, match="empty in line 2"):
        read_table(_csv(tmp_path, "a,b,label\n1,2,\n3,4,no\n", "half.csv"), "label", require_target=False)


def test_npz_labels_of_another_length_are_refused(tmp_path):
    np.savez(tmp_path / "d.npz", X=np.zeros((3, 2)), y=np.zeros(2))
    with pytest.raises(ValueError, match=r"one label per row .*shape \(2,\)"):
        read_table(tmp_path / "d.npz")


# -- saved models -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fitted():
    from quark.datasets import load_edge_detection

    X, y = load_edge_detection()
    return QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(X, y), X


def test_a_failed_save_keeps_the_old_model_file(tmp_path, fitted, monkeypatch):
    import joblib

    clf, X = fitted
    path = save_model(clf, tmp_path / "m.joblib", feature_names=[f"x{j}" for j in range(X.shape[1])], target="line",
                      source="edges")
    old = path.read_bytes()
    real_dump = joblib.dump

    def dump_then_fail(value, filename, *args, **kwargs):
        real_dump(value, filename, *args, **kwargs)
        with open(filename, "r+b") as fh:  # what a full disk leaves: a truncated file
            fh.truncate(100)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(joblib, "dump", dump_then_fail)
    with pytest.raises(OSError, match="No space left"):
        save_model(clf, path, feature_names=["x"], target=None, source="other")
    assert path.read_bytes() == old and sorted(p.name for p in tmp_path.iterdir()) == ["m.joblib"]
    np.testing.assert_array_equal(load_model(path)["classifier"].predict(X), clf.predict(X))


def test_unfitted_foreign_and_truncated_models_are_one_clear_error(tmp_path, fitted):
    import joblib
    from sklearn.linear_model import LogisticRegression

    clf, X = fitted
    with pytest.raises(ValueError, match="'clf' must be a fitted QuarkClassifier .*not fitted"):
        save_model(QuarkClassifier(), tmp_path / "u.joblib", feature_names=[], target=None, source="")
    record = {"format": 1, "estimator": QuarkClassifier(), "feature_names": ["a"]}
    joblib.dump(record, tmp_path / "unfitted.joblib")
    joblib.dump({**record, "estimator": LogisticRegression()}, tmp_path / "foreign.joblib")
    joblib.dump(clf, tmp_path / "bare.joblib")
    good = save_model(clf, tmp_path / "good.joblib", feature_names=["a"] * X.shape[1], target=None, source="")
    (tmp_path / "cut.joblib").write_bytes(good.read_bytes()[:500])
    for name, match in [("unfitted", "holds no fitted QuarkClassifier"), ("foreign", "holds LogisticRegression"),
                        ("bare", "not a saved Quark model"), ("cut", "not a saved Quark model, or is damaged")]:
        with pytest.raises(ValueError, match=match):
            load_model(tmp_path / f"{name}.joblib")


def test_csv_options_do_not_apply_to_npz(tmp_path):
    np.savez(tmp_path / "d.npz", X=np.zeros((2, 2)), y=np.array([0, 1]))
    for option in ({"sep": ";"}, {"categorical": "auto"}, {"impute": "median"}):
        with pytest.raises(ValueError, match=f"'{next(iter(option))}' applies to CSV files"):
            read_table(tmp_path / "d.npz", **option)
