"""scikit-learn in one call: a fitted estimator, or every candidate of a hyper-parameter search.

::

    from tb_eval.integrations.sklearn import log_estimator, log_search

    with tb_eval.start_logging("runs", experiment="cancer", run_name="forest") as run:
        report = log_estimator(run, model, X_test, y_test, labels=["malignant", "benign"])

    search = GridSearchCV(pipeline, {"clf__C": [0.1, 1, 10]}, cv=5).fit(X_train, y_train)
    log_search(search, "runs", experiment="cancer-grid", X_test=X_test, y_test=y_test)

:func:`log_estimator` logs the estimator's params, its predictions on ``X`` (for the evaluation
dashboards) and its feature importances; :func:`log_search` writes one run per candidate of a
fitted ``GridSearchCV`` / ``RandomizedSearchCV`` / ``HalvingGridSearchCV`` /
``HalvingRandomSearchCV``, with its params and every score of ``cv_results_``, so the candidates
compare in TensorBoard's HParams dashboard.

This module imports scikit-learn; ``import tb_eval`` does not import it.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from tb_eval import validation
from tb_eval.evaluation import Report, evaluate, prepare
from tb_eval.run import Run, start_logging

__all__ = ["log_estimator", "log_search"]

_IMPORTANCE_CHOICES = ("auto", "permutation", "none", None)
#: Repeats of each feature's shuffle for ``importance="permutation"`` (scikit-learn's default).
PERMUTATION_REPEATS = 5


# ---------------------------------------------------------------------------- arguments
def _check_run(run: Any) -> Run:
    if not isinstance(run, Run):
        raise TypeError(f"run: expected a tb_eval Run, got {type(run).__name__}")
    if run.status != "running":
        raise ValueError(f"run: {run.name!r} has ended ({run.status}); start a new run")
    return run


def _check_fitted(estimator: Any, argument: str) -> None:
    if not hasattr(estimator, "get_params") or not hasattr(estimator, "predict"):
        raise TypeError(
            f"{argument}: expected a fitted scikit-learn estimator, got {type(estimator).__name__}"
        )
    try:
        check_is_fitted(estimator)
    except Exception as error:  # NotFittedError, or a TypeError for odd objects
        raise ValueError(
            f"{argument}: {type(estimator).__name__} is not fitted ({error})"
        ) from None


def _columns(data: Any) -> list[str] | None:
    columns = getattr(data, "columns", None)
    return None if columns is None else [str(column) for column in columns]


def _n_columns(X: Any) -> int:
    shape = getattr(X, "shape", None)
    if shape is None:
        shape = np.shape(X)
    if len(shape) != 2:
        raise ValueError(f"X: expected a 2-D array of samples x features, got shape {shape}")
    return int(shape[1])


def _input_names(estimator: Any, X: Any, feature_names: Sequence[str] | None) -> list[str]:
    """The names of ``X``'s columns: given, else ``feature_names_in_``, else a DataFrame's."""
    n = _n_columns(X)
    for candidates in (
        feature_names,
        getattr(estimator, "feature_names_in_", None),
        _columns(X),
    ):
        if candidates is not None and len(candidates) == n:
            return [str(name) for name in candidates]
    return [f"x{i}" for i in range(n)]


# ---------------------------------------------------------------------------- predictions
def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(values, dtype=np.float64)))


def _positive_column(proba: np.ndarray, classes: Any) -> np.ndarray:
    """P(label = 1) from one output's ``predict_proba`` ([n, 2], or [n, 1] if one class seen)."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 2 and proba.shape[1] == 2:
        return proba[:, 1]
    only = np.asarray(classes).ravel()[0] if classes is not None else 0
    return np.full(proba.shape[0], 1.0 if only == 1 else 0.0)


def _display_truth(y: np.ndarray, classes: list, labels: list | None, argument: str) -> Any:
    """``y`` (values of ``classes``) as display labels when ``labels`` renames the classes."""
    if labels is None or labels == classes:
        return y
    if len(labels) != len(classes):
        raise ValueError(
            f"labels: {len(labels)} labels for {len(classes)} classes {classes[:10]}; give one "
            "label per class, in the order of estimator.classes_"
        )
    index = {value: position for position, value in enumerate(classes)}
    try:
        codes = np.array([index[value] for value in np.asarray(y).tolist()])
    except KeyError as error:
        raise ValueError(
            f"{argument}: holds the class {error.args[0]!r}, not one of the estimator's "
            f"classes {classes[:10]}"
        ) from None
    return np.asarray(labels, dtype=object)[codes]


def _classes_list(classes: Any) -> list:
    return np.asarray(classes).tolist()


def _single_output_classification(estimator, X, y, labels, name):
    """One record for a binary or multiclass classifier."""
    classes = getattr(estimator, "classes_", None)
    classes = _classes_list(classes) if classes is not None else sorted(set(np.asarray(y).tolist()))
    display = [str(label) for label in labels] if labels is not None else classes
    y_true = _display_truth(np.asarray(y), classes, None if labels is None else display, "y")
    y_pred = _display_truth(np.asarray(estimator.predict(X)), classes, display, "y_pred")
    y_score = None
    if hasattr(estimator, "predict_proba"):
        y_score = np.asarray(estimator.predict_proba(X), dtype=np.float64)
    elif hasattr(estimator, "decision_function") and len(classes) == 2:
        # A monotone map of the decision values: ROC and PR curves are exact, calibration is not.
        y_score = _sigmoid(np.asarray(estimator.decision_function(X)).ravel())
    task = "binary" if len(classes) == 2 else "multiclass"
    return [(name, {"y_true": y_true, "y_score": y_score, "y_pred": y_pred, "labels": display,
                    "task": task})]  # fmt: skip


def _multilabel(estimator, X, y, labels, name):
    columns = _columns(y)
    y = np.asarray(y)
    n_labels = y.shape[1]
    display = list(labels) if labels is not None else columns or list(range(n_labels))
    y_score = None
    if hasattr(estimator, "predict_proba"):
        proba = estimator.predict_proba(X)
        if isinstance(proba, list):  # one [n, 2] array per label (MultiOutputClassifier, forests)
            classes = getattr(estimator, "classes_", [None] * n_labels)
            y_score = np.column_stack([_positive_column(p, c) for p, c in zip(proba, classes)])
        else:
            y_score = np.asarray(proba, dtype=np.float64)
    elif hasattr(estimator, "decision_function"):
        y_score = _sigmoid(estimator.decision_function(X))
    y_pred = np.asarray(estimator.predict(X))
    return [(name, {"y_true": y, "y_score": y_score, "y_pred": y_pred, "labels": display,
                    "task": "multilabel"})]  # fmt: skip


def _output_names(y: Any, n_outputs: int, labels: Sequence[Any] | None) -> list[str]:
    if labels is not None and len(labels) == n_outputs:
        return [str(label) for label in labels]
    columns = _columns(y)
    return columns if columns is not None else [str(i) for i in range(n_outputs)]


def _multioutput_classification(estimator, X, y, labels, name):
    """One record per output (``<name>/<output>``), each binary or multiclass."""
    outputs = _output_names(y, np.shape(y)[1], labels)
    y = np.asarray(y)
    proba = estimator.predict_proba(X) if hasattr(estimator, "predict_proba") else None
    predicted = np.asarray(estimator.predict(X))
    records = []
    for k, output in enumerate(outputs):
        classes = _classes_list(estimator.classes_[k])
        score = None if proba is None else np.asarray(proba[k], dtype=np.float64)
        task = "binary" if len(classes) == 2 else "multiclass"
        records.append(
            (
                f"{name}/{output}",
                {
                    "y_true": y[:, k],
                    "y_score": score,
                    "y_pred": predicted[:, k],
                    "labels": classes,
                    "task": task,
                },
            )  # fmt: skip
        )
    return records


def _regression(estimator, X, y, labels, name):
    y_values = np.asarray(y, dtype=np.float64)
    predicted = np.asarray(estimator.predict(X), dtype=np.float64)
    if y_values.ndim == 2 and y_values.shape[1] == 1:
        y_values, predicted = y_values[:, 0], predicted.reshape(len(predicted), -1)[:, 0]
    if y_values.ndim == 1:
        return [(name, {"y_true": y_values, "y_pred": predicted.ravel(), "task": "regression"})]
    outputs = _output_names(y, y_values.shape[1], labels)
    return [
        (
            f"{name}/{output}",
            {"y_true": y_values[:, k], "y_pred": predicted[:, k], "task": "regression"},
        )  # fmt: skip
        for k, output in enumerate(outputs)
    ]


def _prediction_records(estimator, X, y, labels, name) -> list[tuple[str, dict]]:
    target = type_of_target(y, input_name="y")
    if is_regressor(estimator) or target in ("continuous", "continuous-multioutput"):
        return _regression(estimator, X, y, labels, name)
    if target == "multilabel-indicator":
        return _multilabel(estimator, X, y, labels, name)
    if target == "multiclass-multioutput":
        return _multioutput_classification(estimator, X, y, labels, name)
    if target in ("binary", "multiclass"):
        return _single_output_classification(estimator, X, y, labels, name)
    raise ValueError(f"y: cannot evaluate a target of type {target!r}")


# ---------------------------------------------------------------------------- importance
def _final_step(estimator: Any) -> Any:
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def _final_names(estimator: Any, inputs: list[str], n: int, given: Sequence[str] | None):
    """Names of the ``n`` features the final step of a pipeline sees."""
    if given is not None and len(given) == n:
        return [str(name) for name in given]
    if isinstance(estimator, Pipeline) and len(estimator) > 1:
        head = estimator[:-1]
        for attempt in (lambda: head.get_feature_names_out(inputs), head.get_feature_names_out):
            try:
                found = [str(name) for name in attempt()]
            except Exception:  # a step without get_feature_names_out, or names it refuses
                continue
            if len(found) == n:
                return found
        final_names = getattr(estimator[-1], "feature_names_in_", None)
        if final_names is not None and len(final_names) == n:
            return [str(name) for name in final_names]
    if len(inputs) == n:
        return inputs
    return [f"x{i}" for i in range(n)]


def _builtin_importance(estimator, final, inputs, feature_names, class_labels, output_names):
    """``(record name, features, importances, per_class)`` from ``feature_importances_`` /
    ``coef_``, or of a multi-output wrapper's estimators; ``None`` when the model has neither."""
    source = None
    if hasattr(final, "feature_importances_"):
        source, values = "feature_importances_", np.asarray(final.feature_importances_, float)
    elif getattr(final, "coef_", None) is not None:
        source, values = "coef_", np.asarray(final.coef_, dtype=np.float64)
    else:
        parts = getattr(final, "estimators_", None)
        if isinstance(parts, list) and parts:
            for attribute in ("feature_importances_", "coef_"):
                if all(getattr(part, attribute, None) is not None for part in parts):
                    rows = [np.asarray(getattr(part, attribute), float).ravel() for part in parts]
                    if len({row.size for row in rows}) == 1:
                        source, values = attribute, np.vstack(rows)
                    break
    if source is None:
        return None
    if hasattr(values, "toarray"):
        values = values.toarray()
    values = np.atleast_2d(values)
    features = _final_names(estimator, inputs, values.shape[1], feature_names)
    if values.shape[0] == 1:
        return source, features, values[0], None
    row_names = class_labels if class_labels and len(class_labels) == values.shape[0] else None
    if row_names is None:
        row_names = output_names if output_names and len(output_names) == values.shape[0] else None
    if row_names is None:
        row_names = [str(i) for i in range(values.shape[0])]
    per_class = {str(label): row for label, row in zip(row_names, values)}
    return source, features, np.abs(values).mean(axis=0), per_class


def _permutation_importance(estimator, X, y, inputs: list[str], label: str) -> np.ndarray:
    """Mean permutation importances, a progress line on stderr updated after each feature."""
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import check_scoring

    score = check_scoring(estimator)
    calls = {"n": 0}
    total = len(inputs)

    def counting_scorer(model, X_scored, y_scored, **kwargs):
        value = score(model, X_scored, y_scored, **kwargs)
        calls["n"] += 1
        done = (calls["n"] - 1) // PERMUTATION_REPEATS  # the first call is the baseline
        if calls["n"] > 1 and (calls["n"] - 1) % PERMUTATION_REPEATS == 0:
            end = "\n" if done == total else ""
            print(
                f"\rpermutation importance ({label}): {done}/{total} features, "
                f"last {inputs[done - 1]!r}",
                end=end,
                file=sys.stderr,
                flush=True,
            )
        return value

    result = permutation_importance(
        estimator, X, y, scoring=counting_scorer, n_repeats=PERMUTATION_REPEATS, random_state=0
    )
    return np.asarray(result.importances_mean, dtype=np.float64)


# ---------------------------------------------------------------------------- log_estimator
def log_estimator(
    run: Run,
    estimator: Any,
    X: Any,
    y: Any,
    *,
    name: str = "test",
    feature_names: Sequence[str] | None = None,
    labels: Sequence[Any] | None = None,
    step: int | None = None,
    importance: str | None = "auto",
) -> Report | dict[str, Report]:
    """Log a fitted estimator's params, its predictions on ``X`` and its feature importances.

    Parameters
    ----------
    run : tb_eval.Run
        The running run to log into.
    estimator : fitted scikit-learn estimator
        A classifier, regressor, pipeline or multi-output model.
    X, y : array-like
        The data to evaluate on (a DataFrame's columns name the features).
    name : str, default "test"
        The evaluation's name in the dashboards. Multi-output targets that the evaluation engine
        takes one at a time (multiclass-multioutput, multi-output regression) are logged as
        ``<name>/<output>``.
    feature_names : list of str, optional
        Names of ``X``'s columns, or (for a pipeline) of the columns its final step sees; else
        ``estimator.feature_names_in_``, a DataFrame's columns, or ``x0, x1, ...``.
    labels : list, optional
        Display labels for ``estimator.classes_`` (same order), the columns of a multilabel
        ``y``, or the outputs of a multi-output ``y``.
    step : int, optional
        The step of the predictions and importances (e.g. an epoch).
    importance : {"auto", "permutation", "none", None}, default "auto"
        ``"auto"``: ``feature_importances_`` or ``coef_`` of the final step when it has them
        (logged as ``feature_importances_`` / ``coef_``; a multiclass linear model's ``coef_``
        also per class), nothing otherwise. ``"permutation"``: scikit-learn's permutation
        importance on ``X, y`` (5 repeats, progress on stderr), logged as
        ``<name>/permutation_importance``. ``"none"`` or ``None``: no importance.

    Returns
    -------
    Report or dict of str to Report
        The evaluation of the logged predictions (:func:`tb_eval.evaluate`); a dict by logged
        name when several records were logged.

    Raises
    ------
    TypeError, ValueError
        Naming the bad argument; nothing is logged then.

    Examples
    --------
    >>> with tb_eval.start_logging("runs", experiment="iris") as run:  # doctest: +SKIP
    ...     report = log_estimator(run, model, X_test, y_test)
    >>> report.metrics["accuracy"]                                     # doctest: +SKIP
    0.97
    """
    _check_run(run)
    plan = _plan_estimator(run, estimator, X, y, (name, feature_names, labels, step, importance))
    return _write_plan(run, plan, with_params=True)


def _plan_estimator(run: Run | None, estimator: Any, X: Any, y: Any, options: tuple) -> dict:
    """Everything :func:`log_estimator` writes, computed and validated before the first write.

    ``options`` are its ``(name, feature_names, labels, step, importance)``; ``run`` is checked
    for steps that would go back (``None``: a run not started yet).
    """
    name, feature_names, labels, step, importance = options
    _check_fitted(estimator, "estimator")
    if importance not in _IMPORTANCE_CHOICES:
        raise ValueError(
            f"importance: expected one of 'auto', 'permutation', 'none' or None, got {importance!r}"
        )
    if not isinstance(name, str):
        raise TypeError(f"name: expected a str, got {type(name).__name__}")
    for argument, value in (("feature_names", feature_names), ("labels", labels)):
        if value is not None and (isinstance(value, (str, bytes)) or not hasattr(value, "__len__")):
            raise TypeError(f"{argument}: expected a list, got {type(value).__name__}")
    if step is not None:
        step = validation.check_step(step)
    if len(X) != len(y):
        raise ValueError(f"y: has {len(y)} rows but X has {len(X)}")
    inputs = _input_names(estimator, X, feature_names)
    params = validation.check_params(estimator.get_params(deep=True), "estimator")

    records = _prediction_records(estimator, X, y, labels, name)
    reports = {}
    for record_name, record in records:
        arguments = {key: value for key, value in record.items() if key != "y_true"}
        prepare(record["y_true"], **arguments)
        reports[record_name] = evaluate(record["y_true"], **arguments)
    importances = []
    if importance == "auto":
        class_labels = records[0][1].get("labels") if is_classifier(estimator) else None
        found = _builtin_importance(
            estimator,
            _final_step(estimator),
            inputs,
            feature_names,
            [str(label) for label in class_labels] if class_labels else None,
            _output_names(y, np.shape(y)[1], labels) if np.ndim(y) == 2 else None,
        )
        if found is not None:
            importances.append(found)
    elif importance == "permutation":
        values = _permutation_importance(estimator, X, y, inputs, name)
        importances.append((f"{name}/permutation_importance", inputs, values, None))
    if run is not None and step is not None:
        for logged in [record_name for record_name, _ in records] + [i[0] for i in importances]:
            last = run.last_step(logged)
            if last is not None and step <= last:
                raise ValueError(
                    f"step: {step} is not after {logged!r}'s last step {last} in this run"
                )
    return {
        "params": params,
        "records": records,
        "reports": reports,
        "importances": importances,
        "step": step,
    }


def _write_plan(run: Run, plan: dict[str, Any], with_params: bool) -> Report | dict[str, Report]:
    step = plan["step"]
    if with_params:
        run.log_params(plan["params"])
    for record_name, record in plan["records"]:
        run.log_predictions(record_name, step=step, **record)
    for record_name, features, values, per_class in plan["importances"]:
        run.log_feature_importance(record_name, features, values, step, per_class=per_class)
    reports = plan["reports"]
    return next(iter(reports.values())) if len(reports) == 1 else reports


# ---------------------------------------------------------------------------- log_search
def _scorer_names(results: Mapping[str, Any]) -> list[str]:
    return sorted(key[len("mean_test_") :] for key in results if key.startswith("mean_test_"))


def _candidate_groups(results: Mapping[str, Any]) -> list[list[int]]:
    """Rows of ``cv_results_`` per candidate: one row each, or (halving searches) one row per
    iteration the candidate took part in, in the order of first appearance."""
    groups: dict[str, list[int]] = {}
    halving = "iter" in results
    for row, params in enumerate(results["params"]):
        key = repr(sorted(params.items(), key=lambda item: item[0])) if halving else str(row)
        groups.setdefault(key, []).append(row)
    return list(groups.values())


def _score_columns(results: Mapping[str, Any]) -> list[str]:
    """The numeric per-candidate columns of ``cv_results_`` (scores, ranks, times)."""
    columns = []
    for key, values in results.items():
        if key == "params" or key.startswith("param_") or key == "iter":
            continue
        array = np.asarray(values)
        if array.ndim == 1 and array.dtype.kind in "biuf":
            columns.append(key)
    return columns


def _best_row(search: Any, results: Mapping[str, Any], scorers: list[str]) -> int | None:
    best = getattr(search, "best_index_", None)
    if best is not None:
        return int(best)
    if scorers == ["score"]:
        return int(np.argmin(np.asarray(results["rank_test_score"])))
    return None


def _default_experiment(search: Any) -> str:
    return f"{type(search).__name__}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}"


def log_search(
    search: Any,
    logdir: str | os.PathLike = "runs",
    experiment: str | None = None,
    X_test: Any = None,
    y_test: Any = None,
) -> list[str]:
    """Write every candidate of a fitted hyper-parameter search as a run.

    Parameters
    ----------
    search : fitted GridSearchCV, RandomizedSearchCV, HalvingGridSearchCV or HalvingRandomSearchCV
        Anything with scikit-learn's ``cv_results_``.
    logdir : path, default "runs"
        The directory ``tensorboard --logdir`` will be pointed at.
    experiment : str, optional
        The sweep's directory under ``logdir``; by default ``<SearchClass>-<time>-<hex>``. It
        must not hold runs yet.
    X_test, y_test : array-like, optional
        Test data: the refitted ``best_estimator_`` is evaluated on it with
        :func:`log_estimator` (name ``"test"``) into the best candidate's run.

    Returns
    -------
    list of str
        The run directories, ``<logdir>/<experiment>/candidate-000`` and on, in the order of
        ``cv_results_["params"]``.

    Notes
    -----
    Each run's params are the candidate's ``cv_results_["params"]`` (scikit-learn's names, e.g.
    ``clf__C``). Every numeric column of ``cv_results_`` (``mean_test_<scorer>``,
    ``std_test_<scorer>``, ``split<k>_test_<scorer>``, ``rank_test_<scorer>``, the train scores
    when ``return_train_score=True``, ``mean_fit_time``, ...) is a scalar of the same name, at
    step 0, or for a halving search at each iteration the candidate ran (``n_resources`` too).
    The best candidate (``best_index_``; without refit, the one ranked first by its only scorer)
    has the tag ``best="yes"``, the others ``best="no"``.
    """
    results = getattr(search, "cv_results_", None)
    if not isinstance(results, Mapping) or "params" not in results:
        raise ValueError(
            f"search: expected a fitted scikit-learn search (with cv_results_), got "
            f"{type(search).__name__}"
        )
    if (X_test is None) != (y_test is None):
        missing = "y_test" if y_test is None else "X_test"
        raise ValueError(f"{missing}: X_test and y_test go together; got only one of them")
    if X_test is not None and getattr(search, "best_estimator_", None) is None:
        raise ValueError(
            "X_test: the search has no best_estimator_ to evaluate (it was fitted with refit=False)"
        )
    if not isinstance(logdir, (str, os.PathLike)):
        raise TypeError(f"logdir: expected a path, got {type(logdir).__name__}")
    if experiment is None:
        experiment = _default_experiment(search)
    validation.check_path_component(experiment, "experiment")
    root = os.path.join(os.fspath(logdir), experiment)
    if os.path.isdir(root) and os.listdir(root):
        raise FileExistsError(
            f"experiment: {root!r} already holds runs; choose another experiment name"
        )
    scorers = _scorer_names(results)
    groups = _candidate_groups(results)
    columns = _score_columns(results)
    best_row = _best_row(search, results, scorers)
    width = max(3, len(str(len(groups) - 1)))
    planned = []
    for index, rows in enumerate(groups):
        params = validation.check_params(results["params"][rows[0]], "search")
        best = best_row is not None and best_row in rows
        planned.append((f"candidate-{index:0{width}d}", rows, params, best))
    iterations = np.asarray(results["iter"]) if "iter" in results else None
    # The test evaluation is computed (and its data checked) before any run is written.
    refit_plan = (
        None
        if X_test is None
        else _plan_estimator(
            None, search.best_estimator_, X_test, y_test, ("test", None, None, None, "auto")
        )
    )

    directories = []
    for run_name, rows, params, best in planned:
        with start_logging(
            logdir,
            experiment=experiment,
            run_name=run_name,
            params=params,
            tags={"best": "yes" if best else "no"},
        ) as run:
            for row in rows:
                step = int(iterations[row]) if iterations is not None else 0
                for column in columns:
                    run.log(column, float(results[column][row]), step=step)
            if best and refit_plan is not None:
                # the candidate's params stay the search's: HParams columns are what it varied
                _write_plan(run, refit_plan, with_params=False)
        directories.append(run.directory)
    return directories
