"""tb_eval.integrations.sklearn against scikit-learn itself and TensorBoard's two loaders."""

from __future__ import annotations

import json
import urllib.parse

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_iris,
    make_multilabel_classification,
)
from sklearn.ensemble import RandomForestClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    RandomizedSearchCV,
    train_test_split,
)
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

import tb_eval
from tb_eval.integrations.sklearn import log_estimator, log_search
from tb_eval.reader import event_files, read_run
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"
CANCER_LABELS = ["malignant", "benign"]


def _f32(value) -> float:
    return float(np.float32(value))


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def _run(tmp_path, name="r"):
    return tb_eval.start_logging(tmp_path, experiment="e", run_name=name)


def _importance(directory, name):
    ((_, document),) = read_run(directory).documents_of("importance", name)
    return document


def test_binary_forest_logs_params_probabilities_and_importances(tmp_path, cancer):
    X_train, X_test, y_train, y_test = cancer
    model = RandomForestClassifier(n_estimators=20, max_depth=4, random_state=0)
    model.fit(X_train, y_train)
    with _run(tmp_path) as run:
        report = log_estimator(run, model, X_test, y_test, labels=CANCER_LABELS)
    proba = model.predict_proba(X_test)[:, 1]
    assert report.task == "binary"
    assert report.metrics["roc_auc"] == pytest.approx(roc_auc_score(y_test, proba), rel=1e-12)
    stored = tb_eval.open_run(run.directory)
    predictions = stored.get_predictions("test")
    assert predictions.labels == CANCER_LABELS
    np.testing.assert_array_equal(predictions.y_score, proba)
    np.testing.assert_array_equal(predictions.y_true, y_test.to_numpy())
    params = stored.get_params()
    expected = model.get_params()
    assert params["n_estimators"] == 20 and params["max_depth"] == 4
    assert params["max_features"] == expected["max_features"] == "sqrt"
    assert params["class_weight"] is None and set(params) == set(expected)
    document = _importance(run.directory, "feature_importances_")
    assert document["features"] == list(X_train.columns)
    np.testing.assert_allclose(document["importances"], model.feature_importances_, rtol=1e-15)


def test_pipeline_multiclass_coefficients_per_class_with_pipeline_names(tmp_path):
    X, y = load_iris(return_X_y=True, as_frame=True)
    species = ["setosa", "versicolor", "virginica"]
    X = X.assign(colour=np.where(np.arange(len(X)) % 2, "red", "blue"))
    prep = ColumnTransformer(
        [("num", StandardScaler(), list(X.columns[:4])), ("cat", OneHotEncoder(), ["colour"])]
    )
    model = make_pipeline(prep, LogisticRegression(max_iter=1000)).fit(X, y)
    with _run(tmp_path) as run:
        report = log_estimator(run, model, X, y, labels=species, name="train")
    assert report.task == "multiclass"
    assert report.metrics["accuracy"] == pytest.approx(accuracy_score(y, model.predict(X)))
    stored = tb_eval.open_run(run.directory)
    predictions = stored.get_predictions("train")
    assert predictions.labels == species
    np.testing.assert_array_equal(predictions.y_score, model.predict_proba(X))
    assert stored.get_params()["logisticregression__max_iter"] == 1000
    assert stored.get_params()["columntransformer__remainder"] == "drop"
    document = _importance(run.directory, "coef_")
    assert document["features"] == list(model[:-1].get_feature_names_out())
    coef = model[-1].coef_
    for label, row in zip(species, coef):
        np.testing.assert_allclose(document["per_class"][label], row, rtol=1e-15)
    np.testing.assert_allclose(document["importances"], np.abs(coef).mean(axis=0), rtol=1e-15)


def test_decision_function_scores_rank_exactly_and_predictions_are_the_models(tmp_path, cancer):
    X_train, X_test, y_train, y_test = (np.asarray(part) for part in cancer)
    model = make_pipeline(StandardScaler(), LinearSVC()).fit(X_train, y_train)
    with _run(tmp_path) as run:
        report = log_estimator(run, model, X_test, y_test)
        log_estimator(run, model, X_test, y_test, name="again", importance=None)
    decision = model.decision_function(X_test)
    assert report.metrics["roc_auc"] == pytest.approx(roc_auc_score(y_test, decision), rel=1e-12)
    assert report.metrics["accuracy"] == pytest.approx(
        accuracy_score(y_test, model.predict(X_test))
    )
    # numpy input: the names are x0, x1, ...; importance=None logged no second record
    (record,) = read_run(run.directory).documents_of("importance", "coef_")
    assert record[1]["features"] == [f"x{i}" for i in range(X_train.shape[1])]
    np.testing.assert_allclose(record[1]["importances"], model[-1].coef_[0], rtol=1e-15)


def test_regression_and_multi_output_regression(tmp_path):
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    single = Ridge(alpha=0.1).fit(X, y)
    Y = np.column_stack([y, np.sqrt(y)])
    multi = Ridge(alpha=0.1).fit(X, Y)
    with _run(tmp_path) as run:
        report = log_estimator(run, single, X, y, step=3)
        reports = log_estimator(run, multi, X, Y, name="both", labels=["target", "sqrt"])
    assert report.task == "regression"
    assert report.metrics["r2"] == pytest.approx(r2_score(y, single.predict(X)), rel=1e-12)
    assert set(reports) == {"both/target", "both/sqrt"}
    stored = tb_eval.open_run(run.directory)
    np.testing.assert_array_equal(
        stored.get_predictions("both/sqrt").y_pred, multi.predict(X)[:, 1]
    )
    assert stored.get_predictions("test", step=3).task == "regression"
    ((step, first), (next_step, second)) = read_run(run.directory).documents_of(
        "importance", "coef_"
    )
    assert (step, next_step) == (3, 4)  # the second call's step continues after the first's
    assert first["features"] == list(X.columns) and first["per_class"] == {}
    np.testing.assert_allclose(second["per_class"]["sqrt"], multi.coef_[1], rtol=1e-15)


def test_multilabel_and_multiclass_multioutput(tmp_path):
    X, Y = make_multilabel_classification(n_samples=200, n_classes=3, random_state=0)
    wrapped = MultiOutputClassifier(LogisticRegression(max_iter=2000)).fit(X, Y)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, Y)
    colours = np.stack([Y[:, 0], Y[:, 1] + Y[:, 2]], axis=1)  # binary and 3-class outputs
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, colours)
    with _run(tmp_path) as run:
        assert log_estimator(run, wrapped, X, Y, labels=["a", "b", "c"]).task == "multilabel"
        assert log_estimator(run, tree, X, Y, name="tree").task == "multilabel"
        reports = log_estimator(run, forest, X, colours, name="mo", labels=["first", "second"])
    stored = tb_eval.open_run(run.directory)
    expected = np.column_stack([p[:, 1] for p in wrapped.predict_proba(X)])
    np.testing.assert_array_equal(stored.get_predictions("test").y_score, expected)
    assert stored.get_predictions("test").labels == ["a", "b", "c"]
    assert {name: r.task for name, r in reports.items()} == {
        "mo/first": "binary",
        "mo/second": "multiclass",
    }
    np.testing.assert_array_equal(
        stored.get_predictions("mo/second").y_score, forest.predict_proba(X)[1]
    )
    per_output = _importance(run.directory, "coef_")["per_class"]
    for label, estimator in zip("abc", wrapped.estimators_):
        np.testing.assert_allclose(per_output[label], estimator.coef_[0], rtol=1e-15)


def test_permutation_importance_equals_sklearns_and_shows_progress(tmp_path, cancer, capsys):
    X_train, X_test, y_train, y_test = cancer
    columns = list(X_train.columns[:6])
    model = LogisticRegression(max_iter=2000).fit(X_train[columns], y_train)
    with _run(tmp_path) as run:
        log_estimator(run, model, X_test[columns], y_test, importance="permutation")
    expected = permutation_importance(model, X_test[columns], y_test, n_repeats=5, random_state=0)
    document = _importance(run.directory, "test/permutation_importance")
    assert document["features"] == columns
    np.testing.assert_allclose(document["importances"], expected.importances_mean, rtol=1e-12)
    progress = capsys.readouterr().err
    assert "6/6 features" in progress and f"1/6 features, last {columns[0]!r}" in progress
    assert "coef_" not in read_run(run.directory).documents.get("importance", {})


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"importance": "shap"}, "importance: expected one of"),
        ({"labels": ["only-one"]}, "labels: 1 labels for 2 classes"),
        ({"labels": "malignant"}, "labels: expected a list"),
        ({"step": 1.5}, "step: expected an int"),
        ({"step": -1}, "step: must be from 0"),
        ({"step": 2**63}, "step: must be from 0"),
    ],
)
def test_bad_arguments_are_named_and_nothing_is_written(tmp_path, cancer, arguments, message):
    X_train, X_test, y_train, y_test = cancer
    model = DecisionTreeClassifier(max_depth=2).fit(X_train, y_train)
    run = _run(tmp_path)
    with pytest.raises((TypeError, ValueError), match=message):
        log_estimator(run, model, X_test, y_test, **arguments)
    run.complete()
    data = read_run(run.directory)
    assert not data.blobs and not data.documents and data.record["params"] == {}


def test_unfitted_estimator_and_ended_run_are_refused(tmp_path, cancer):
    X_train, X_test, y_train, y_test = cancer
    run = _run(tmp_path)
    with pytest.raises(ValueError, match="estimator: LogisticRegression is not fitted"):
        log_estimator(run, LogisticRegression(), X_test, y_test)
    with pytest.raises(TypeError, match="run: expected a tb_eval Run"):
        log_estimator("runs", LogisticRegression(), X_test, y_test)
    run.complete()
    model = DecisionTreeClassifier().fit(X_train, y_train)
    with pytest.raises(ValueError, match="run: 'r' has ended"):
        log_estimator(run, model, X_test, y_test)


# ---------------------------------------------------------------------------- log_search
@pytest.fixture(scope="module")
def grid(cancer):
    X_train, X_test, y_train, y_test = cancer
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    search = GridSearchCV(
        pipeline,
        {"logisticregression__C": [0.01, 0.1, 1.0], "logisticregression__fit_intercept": [True]},
        cv=3,
        scoring={"accuracy": "accuracy", "auc": "roc_auc"},
        refit="auc",
        return_train_score=True,
    )
    return search.fit(X_train, y_train)


@pytest.fixture(scope="module")
def search_logdir(tmp_path_factory, grid, cancer):
    X_train, X_test, y_train, y_test = cancer
    root = tmp_path_factory.mktemp("searches")
    log_search(grid, root, experiment="grid", X_test=X_test, y_test=y_test)
    return root


def test_grid_search_candidates_hold_every_cv_result(search_logdir, grid, cancer):
    results = grid.cv_results_
    runs = sorted((search_logdir / "grid").iterdir())
    assert [path.name for path in runs] == ["candidate-000", "candidate-001", "candidate-002"]
    score_keys = [key for key in results if key != "params" and not key.startswith("param_")]
    assert "split2_train_accuracy" in score_keys and "rank_test_auc" in score_keys
    for index, path in enumerate(runs):
        stored = tb_eval.open_run(path)
        assert stored.status == "success"
        assert stored.get_params() == results["params"][index]
        best = index == grid.best_index_
        assert stored.get_tags() == {"best": "yes" if best else "no"}
        metrics = stored.get_metrics()
        assert set(metrics) == set(score_keys)
        for key in score_keys:
            # scalars are float32: equal to cv_results_ rounded to float32, exactly
            assert np.float32(metrics[key]) == np.float32(results[key][index]), key
    best_run = tb_eval.open_run(runs[grid.best_index_])
    X_test = cancer[1]
    predictions = best_run.get_predictions("test")
    np.testing.assert_array_equal(
        predictions.y_score, grid.best_estimator_.predict_proba(X_test)[:, 1]
    )
    assert best_run.get_params() == grid.best_params_  # the refit's own params are not added
    assert "coef_" in read_run(str(runs[grid.best_index_])).documents["importance"]


def test_halving_search_logs_each_iteration_as_a_step(tmp_path, cancer):
    X_train, X_test, y_train, y_test = cancer
    search = HalvingGridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 2, 3, 4, 5, 6], "criterion": ["gini", "entropy"]},
        cv=3,
        factor=3,
        random_state=0,
    ).fit(X_train, y_train)
    results = search.cv_results_
    directories = log_search(search, tmp_path, experiment="halving")
    assert len(directories) == 12 and max(results["iter"]) >= 1
    rows_by_params: dict = {}
    for row, params in enumerate(results["params"]):
        rows_by_params.setdefault(tuple(sorted(params.items())), []).append(row)
    finalists = 0
    for directory in directories:
        stored = tb_eval.open_run(directory)
        rows = rows_by_params[tuple(sorted(stored.get_params().items()))]
        steps, values = read_run(directory).scalars["mean_test_score"]
        assert steps == [int(results["iter"][row]) for row in rows]
        np.testing.assert_array_equal(
            values, np.float32([results["mean_test_score"][row] for row in rows])
        )
        n_resources = read_run(directory).scalars["n_resources"][1]
        assert n_resources == [float(results["n_resources"][row]) for row in rows]
        finalists += stored.get_tags()["best"] == "yes"
        if stored.get_tags()["best"] == "yes":
            assert search.best_index_ in rows
    assert finalists == 1


def test_randomized_search_without_refit_tags_the_first_ranked(tmp_path, cancer):
    X_train, X_test, y_train, y_test = cancer
    search = RandomizedSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [None, 3], "min_samples_leaf": [1, 5, 20]},
        n_iter=4,
        cv=2,
        refit=False,
        random_state=0,
    ).fit(X_train, y_train)
    with pytest.raises(ValueError, match="X_test: the search has no best_estimator_"):
        log_search(search, tmp_path, experiment="random", X_test=X_test, y_test=y_test)
    assert not (tmp_path / "random").exists()
    directories = log_search(search, tmp_path, experiment="random")
    ranks = search.cv_results_["rank_test_score"]
    best = [tb_eval.open_run(d).get_tags()["best"] for d in directories]
    assert best.index("yes") == int(np.argmin(ranks)) and best.count("yes") == 1
    for directory, params in zip(directories, search.cv_results_["params"]):
        assert tb_eval.open_run(directory).get_params() == params
    with pytest.raises(FileExistsError, match="experiment: .* already holds runs"):
        log_search(search, tmp_path, experiment="random")
    with pytest.raises(ValueError, match="search: expected a fitted scikit-learn search"):
        log_search(DecisionTreeClassifier(), tmp_path, experiment="other")
    with pytest.raises(ValueError, match="experiment: '../up' is not usable"):
        log_search(search, tmp_path, experiment="../up")
    with pytest.raises(TypeError, match="logdir: expected a path"):
        log_search(search, None, experiment="other")
    with pytest.raises(ValueError, match="y_test: X_test and y_test go together"):
        log_search(search, tmp_path, experiment="other", X_test=X_test)
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_search_compares_in_hparams_and_in_the_plugin(search_logdir, grid, load_fast):
    results = grid.cv_results_
    runs = [f"grid/candidate-{i:03d}" for i in range(3)]
    best = runs[grid.best_index_]
    with TensorBoardServer(search_logdir, load_fast=load_fast) as tb:

        def complete_groups():
            groups = tb.hparams_session_groups()
            values = [{m["name"]["tag"] for m in g.get("metricValues", [])} for g in groups]
            return (
                groups if len(groups) == 3 and all("rank_test_auc" in v for v in values) else None
            )

        groups = tb.wait_for(complete_groups, timeout=60)
        by_run = {group["sessions"][0]["name"]: group for group in groups}
        assert set(by_run) == set(runs)
        for index, run in enumerate(runs):
            group = by_run[run]
            assert (
                group["hparams"]["logisticregression__C"]
                == results["params"][index]["logisticregression__C"]
            )
            assert group["hparams"]["best"] == ("yes" if run == best else "no")
            values = {m["name"]["tag"]: m["value"] for m in group["metricValues"]}
            for key in ("mean_test_auc", "std_test_accuracy", "split1_test_auc", "rank_test_auc"):
                assert values[key] == _f32(results[key][index]), key
        listed = tb.get_json(PREFIX + "/runs")["runs"]
        by_name = {entry["run"]: entry for entry in listed}
        assert set(by_name) == set(runs)
        assert by_name[best]["tags"] == {"best": "yes"}
        assert by_name[best]["params"] == grid.best_params_
        query = urllib.parse.urlencode({"run": runs, "name": "test"}, doseq=True)
        compared = tb.get_json(f"{PREFIX}/evaluation/compare?{query}")
        assert [entry["run"] for entry in compared["runs"]] == [best]
        assert compared["runs"][0]["params"] == grid.best_params_
        assert json.dumps(compared)


def test_log_search_writes_nothing_outside_its_experiment(search_logdir):
    for path in search_logdir.rglob("*"):
        if path.is_file() and "tfevents" in path.name:
            assert path.parent.parent.name == "grid", path
    assert all(event_files(str(p)) for p in (search_logdir / "grid").iterdir())


def test_a_step_that_goes_back_and_bad_test_data_write_nothing(tmp_path, cancer, grid):
    X_train, X_test, y_train, y_test = cancer
    model = DecisionTreeClassifier(max_depth=2).fit(X_train, y_train)
    run = _run(tmp_path)
    log_estimator(run, model, X_test, y_test, step=5)
    with pytest.raises(ValueError, match="step: 5 is not after 'test'"):
        log_estimator(run, LogisticRegression(C=3).fit(X_train, y_train), X_test, y_test, step=5)
    assert "C" not in run.get_params()  # the refused call logged no params either
    run.complete()
    with pytest.raises(ValueError, match="y: has 10 rows but X has"):
        log_search(grid, tmp_path, experiment="bad-test", X_test=X_test, y_test=y_test[:10])
    assert not (tmp_path / "bad-test").exists()


def test_failed_fits_are_missing_values_not_errors(tmp_path, cancer):
    X_train, X_test, y_train, y_test = cancer
    search = GridSearchCV(
        LogisticRegression(max_iter=500),
        {"C": [1.0, -1.0]},  # C=-1 fails to fit: scikit-learn records NaN scores
        cv=2,
        error_score=np.nan,
    )
    with pytest.warns(UserWarning):
        search.fit(X_train, y_train)
    directories = log_search(search, tmp_path, experiment="failing")
    failed = read_run(directories[1]).scalars["mean_test_score"][1]
    assert np.isnan(failed).all() and np.isnan(search.cv_results_["mean_test_score"][1])
    assert tb_eval.open_run(directories[0]).get_tags() == {"best": "yes"}


def test_dataframe_targets_name_the_labels_and_outputs(tmp_path):
    import pandas as pd

    X, Y = make_multilabel_classification(n_samples=150, n_classes=3, random_state=1)
    topics = pd.DataFrame(Y, columns=["sport", "music", "art"])
    model = MultiOutputClassifier(LogisticRegression(max_iter=2000)).fit(X, topics)
    forest = RandomForestClassifier(n_estimators=3, random_state=0)
    outputs = pd.DataFrame({"left": Y[:, 0], "both": Y[:, 1] + Y[:, 2]})
    forest.fit(X, outputs)
    with _run(tmp_path) as run:
        log_estimator(run, model, X, topics)
        assert set(log_estimator(run, forest, X, outputs, name="mo")) == {"mo/left", "mo/both"}
    assert tb_eval.open_run(run.directory).get_predictions("test").labels == [
        "sport",
        "music",
        "art",
    ]
