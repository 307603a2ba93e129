"""Input validation, normalisation and task inference for the evaluation engine.

Everything downstream (metrics, curves, the logger's stored predictions) works on a
:class:`Prepared`, so all checks live here and every error names the offending argument.
Torch tensors and pandas objects are accepted by duck typing; nothing heavy is imported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from tb_eval.kinds.common import tensor_to_numpy

__all__ = ["TASKS", "Prepared", "as_array", "prepare"]

TASKS = ("binary", "multiclass", "multilabel", "regression")
_FORMAT_VERSION = 1


def as_array(value: Any, name: str) -> np.ndarray:
    """Convert array-likes (numpy, lists, pandas, torch by duck typing) to a numpy array."""
    if isinstance(value, np.ndarray):
        return value
    # torch tensors of any device and dtype, without importing torch.
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        try:
            return np.asarray(tensor_to_numpy(value))
        except Exception as exc:  # pragma: no cover - exotic tensor types
            raise TypeError(f"{name}: could not convert tensor to numpy ({exc})") from exc
    # pandas Series/DataFrame: to_numpy() keeps extension dtypes sane.
    if hasattr(value, "to_numpy"):
        return np.asarray(value.to_numpy())
    if np.isscalar(value) or value is None:
        raise TypeError(f"{name} must be array-like, got {type(value).__name__}")
    try:
        return np.asarray(value)
    except Exception as exc:
        raise TypeError(f"{name}: could not convert to an array ({exc})") from exc


def _squeeze_column(arr: np.ndarray) -> np.ndarray:
    """Turn an [n, 1] column into a 1-D array (common for DataFrames and model outputs)."""
    if arr.ndim == 2 and arr.shape[1] == 1:
        return arr[:, 0]
    return arr


def _float_array(arr: np.ndarray, name: str) -> np.ndarray:
    """Return a float64 copy-or-view, rejecting non-numeric and non-finite values."""
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        _check_finite(arr, name, arr.min(), arr.max())
    return np.asarray(arr, dtype=np.float64)


def _check_finite(arr: np.ndarray, name: str, lo: Any, hi: Any) -> None:
    # min/max (on the original dtype) propagate NaN and reveal +-inf without a mask pass.
    if not (np.isfinite(lo) and np.isfinite(hi)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")


def _probability_vector(arr: np.ndarray, name: str, keep_float32: bool) -> np.ndarray:
    """Validate 1-D probabilities with one min and one max on the original dtype.

    Returns the input itself when it is float64 (or float32 with ``keep_float32``: every
    float32 is exact in float64, so results are unchanged), else one converted copy.
    """
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    lo, hi = arr.min(), arr.max()
    if arr.dtype.kind == "f":
        _check_finite(arr, name, lo, hi)
    if lo < 0 or hi > 1:
        raise ValueError(
            f"{name} must contain probabilities in [0, 1]; found values in "
            f"[{float(lo):g}, {float(hi):g}]"
        )
    if arr.dtype == np.float64 or (keep_float32 and arr.dtype == np.float32):
        out = arr
    elif keep_float32 and arr.dtype == np.float16:
        out = arr.astype(np.float32)
    else:
        out = arr.astype(np.float64)
    if lo == 0 and out.dtype.kind == "f":
        # -0.0 -> +0.0, only when a zero occurs (copying the caller's array if needed).
        out = np.add(out, out.dtype.type(0), out=None if out is arr else out)
    return out


def _check_probabilities(arr: np.ndarray, name: str) -> None:
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{name} must contain probabilities in [0, 1]; found values in [{lo:g}, {hi:g}]"
        )


def _check_rows_sum_to_one(arr: np.ndarray, name: str, source_dtype: np.dtype) -> None:
    # float32 softmax outputs carry ~C * 6e-8 rounding error; float64 ones far less.
    eps = np.finfo(source_dtype).eps if source_dtype.kind == "f" else np.finfo(np.float64).eps
    tol = max(1e-6, 4.0 * arr.shape[1] * float(eps))
    err = np.abs(arr.sum(axis=1, dtype=np.float64) - 1.0)
    if err.max() > tol:
        bad = np.flatnonzero(err > tol)
        raise ValueError(
            f"{name} rows must sum to 1 (tolerance {tol:g}); {bad.size} row(s) do not, "
            f"e.g. row {int(bad[0])} sums to {float(arr[bad[0]].sum()):.9g}"
        )


def _py_label(value: Any) -> str | int | float:
    """Make a label JSON-friendly: numpy scalars to Python, integral floats to int."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def _normalise_labels(labels: Any) -> list[str | int | float]:
    arr = as_array(labels, "labels")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D sequence, got shape {arr.shape}")
    out = [_py_label(v) for v in arr.tolist()]
    if len(set(out)) != len(out):
        raise ValueError(f"labels must be unique, got {out}")
    return out


def _is_name(label: Any) -> bool:
    """A label that no integer can equal: a string that does not spell an integer."""
    if not isinstance(label, str):
        return False
    try:
        int(label)
    except ValueError:
        return True
    return False


def _encode(values: np.ndarray, labels: list, name: str) -> np.ndarray:
    """Map label values (names or ints) to int64 indices into ``labels``.

    When every label is a name (a non-integer string), integer values cannot be labels, so
    they are read as indices into ``labels`` (scikit-learn's ``y`` ints with
    ``labels=target_names``) and must lie in ``[0, len(labels))``.
    """
    if values.dtype.kind == "f":
        if not np.isfinite(values).all():
            raise ValueError(f"{name} contains NaN or infinite values")
        if not np.all(values == np.round(values)):
            raise ValueError(f"{name} must contain class labels, got non-integer floats")
        values = values.astype(np.int64)
    if values.dtype.kind in "biu" and values.size and all(_is_name(v) for v in labels):
        lo, hi = int(values.min()), int(values.max())
        if lo < 0 or hi >= len(labels):
            bad = _unique(values[(values < 0) | (values >= len(labels))]).tolist()
            raise ValueError(
                f"{name} holds integers, read as indices into the names in labels "
                f"{labels[:10]}, but {bad[:10]} lie outside [0, {len(labels)})"
            )
        return values.astype(np.int64, copy=False)
    if values.dtype.kind in "biu" and values.size:
        # O(n) path for integer targets (no np.unique sort): a lookup table over the range.
        lo, hi = int(values.min()), int(values.max())
        if hi - lo <= 1_000_000:
            shifted = values.astype(np.int64) - lo
            present = np.flatnonzero(np.bincount(shifted.ravel(), minlength=hi - lo + 1)) + lo
            table = np.full(hi - lo + 1, -1, dtype=np.int64)
            lookup = {lab: i for i, lab in enumerate(labels)}
            missing = []
            for v in present.tolist():
                idx = lookup.get(v, lookup.get(str(v)))
                if idx is None:
                    missing.append(v)
                else:
                    table[v - lo] = idx
            if missing:
                raise ValueError(f"{name} contains values not in labels {labels}: {missing[:10]}")
            if np.array_equal(table, np.arange(lo, hi + 1)):
                return shifted + lo if lo else shifted
            return table[shifted]
    uniq, inverse = np.unique(values, return_inverse=True)
    lookup = {lab: i for i, lab in enumerate(labels)}
    # Labels may be given as strings of ints ("0", "1") or ints; try exact, then str form.
    mapping = np.empty(uniq.size, dtype=np.int64)
    missing = []
    for j, u in enumerate(uniq.tolist()):
        key = _py_label(u)
        idx = lookup.get(key)
        if idx is None:
            idx = lookup.get(str(key))
        if idx is None:
            missing.append(key)
        else:
            mapping[j] = idx
    if missing:
        raise ValueError(f"{name} contains values not in labels {labels}: {missing[:10]}")
    return mapping[inverse.reshape(values.shape)]


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values; O(n) via bincount for integers of modest range."""
    if values.dtype.kind in "biu" and values.size:
        lo, hi = int(values.min()), int(values.max())
        if hi - lo <= 1_000_000:
            counts = np.bincount((values.astype(np.int64) - lo).ravel(), minlength=hi - lo + 1)
            return np.flatnonzero(counts) + lo
    return np.unique(values)


def _infer_labels(y_true: np.ndarray, n_classes: int | None, name: str = "y_true") -> list:
    uniq = _unique(y_true)
    vals = [_py_label(v) for v in uniq.tolist()]
    is_int = y_true.dtype.kind in "biu" or (
        y_true.dtype.kind == "f" and np.all(uniq == np.round(uniq))
    )
    if is_int and (len(vals) == 0 or (min(vals) >= 0)):
        if n_classes is not None and max(vals) < n_classes:
            return list(range(n_classes))
        if n_classes is None and set(vals) <= {0, 1}:
            return [0, 1]
    if n_classes is not None and len(vals) != n_classes:
        raise ValueError(
            f"{name} has {len(vals)} distinct value(s) {vals[:10]} but y_score has "
            f"{n_classes} columns; pass labels=[...] to name all classes in column order"
        )
    return vals


@dataclasses.dataclass(frozen=True)
class Prepared:
    """Validated, normalised predictions ready for :func:`evaluate_prepared`.

    Attributes
    ----------
    task : str
        One of ``"binary"``, ``"multiclass"``, ``"multilabel"``, ``"regression"``.
    task_inferred : bool
        True when ``task`` was inferred rather than given.
    y_true : numpy.ndarray
        Binary/multiclass: int64 class indices into ``labels``; multilabel: uint8 [n, L];
        regression: float64.
    y_score : numpy.ndarray or None
        Binary: float64 positive-class probability; multiclass/multilabel: float64 [n, C]
        (multiclass scores rebuilt by :meth:`from_arrays` from float32 storage: float32).
    y_pred : numpy.ndarray or None
        Classification: class indices (multilabel: uint8 [n, L]); regression: float64.
    labels : list
        Display labels, length C (binary: 2, the second is the positive class) or L.
    sample_weight : numpy.ndarray or None
        Non-negative float64 weights.
    """

    task: str
    task_inferred: bool
    y_true: np.ndarray
    y_score: np.ndarray | None
    y_pred: np.ndarray | None
    labels: list
    sample_weight: np.ndarray | None

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.y_true.shape[0])

    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """Split into JSON-serialisable metadata and a dict of numpy arrays.

        Returns
        -------
        meta : dict
            ``{"version", "task", "task_inferred", "labels"}``; JSON-serialisable.
        arrays : dict of str to numpy.ndarray
            ``y_true`` and whichever of ``y_score``, ``y_pred``, ``sample_weight`` exist.
        """
        meta = {
            "version": _FORMAT_VERSION,
            "task": self.task,
            "task_inferred": bool(self.task_inferred),
            "labels": list(self.labels),
        }
        arrays = {"y_true": self.y_true}
        for key in ("y_score", "y_pred", "sample_weight"):
            value = getattr(self, key)
            if value is not None:
                arrays[key] = value
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta: dict, arrays: dict[str, np.ndarray]) -> Prepared:
        """Rebuild a :class:`Prepared` stored with :meth:`to_arrays` (lossless).

        Parameters
        ----------
        meta : dict
            Metadata returned by :meth:`to_arrays` (possibly after a JSON round trip).
        arrays : dict of str to numpy.ndarray
            Arrays returned by :meth:`to_arrays`. Scores stored at lower precision
            (e.g. float32) are accepted and widened to float64, except multiclass
            float32 scores, which stay float32 (every float32 is exact in float64, and the
            engine sorts them as uint32 keys).

        Returns
        -------
        Prepared
        """
        if meta.get("version", 1) > _FORMAT_VERSION:
            raise ValueError(f"meta: unsupported format version {meta.get('version')}")
        task = meta["task"]
        if task not in TASKS:
            raise ValueError(f"meta: unknown task {task!r}")
        y_true = np.asarray(arrays["y_true"])
        if task in ("binary", "multiclass"):
            y_true = y_true.astype(np.int64, copy=False)
        elif task == "multilabel":
            y_true = y_true.astype(np.uint8, copy=False)
        else:
            y_true = y_true.astype(np.float64, copy=False)

        def opt(key: str, dtype: Any) -> np.ndarray | None:
            v = arrays.get(key)
            return None if v is None else np.asarray(v).astype(dtype, copy=False)

        pred_dtype = {"regression": np.float64, "multilabel": np.uint8}.get(task, np.int64)
        score = arrays.get("y_score")
        if task == "multiclass" and score is not None and np.asarray(score).dtype == np.float32:
            score = np.ascontiguousarray(score)
        else:
            score = opt("y_score", np.float64)
        return cls(
            task=task,
            task_inferred=bool(meta.get("task_inferred", False)),
            y_true=y_true,
            y_score=score,
            y_pred=opt("y_pred", pred_dtype),
            labels=[_py_label(v) for v in meta["labels"]],
            sample_weight=opt("sample_weight", np.float64),
        )


def _infer_task(
    y_true: np.ndarray,
    y_score: np.ndarray | None,
    y_pred: np.ndarray | None,
    labels: list | None,
) -> str:
    """Infer the task; the rules are documented in docs/evaluation.md."""
    if y_true.ndim == 2:
        return "multilabel"
    if y_score is not None:
        if y_score.ndim == 2 and y_score.shape[1] > 2:
            return "multiclass"
        return "binary"
    # No scores: decide between classification (hard labels) and regression.
    if labels is not None:
        return "binary" if len(labels) <= 2 else "multiclass"
    non_integer = False
    for arr in (y_true, y_pred):
        if arr is not None and arr.dtype.kind == "f":
            finite = arr[np.isfinite(arr)]
            if finite.size and not np.all(finite == np.round(finite)):
                non_integer = True
    if non_integer or y_pred is None:
        if y_true.dtype.kind not in "biuf":
            raise ValueError("task: cannot infer a task from non-numeric y_true without y_score")
        return "regression"
    if y_true.dtype.kind == "f" and y_pred.dtype.kind == "f" and np.unique(y_true).size > 20:
        # Float targets with many distinct integral values (counts, prices) are regression.
        return "regression"
    n_distinct = np.unique(np.concatenate([np.unique(y_true), np.unique(y_pred)])).size
    return "binary" if n_distinct <= 2 else "multiclass"


def prepare(
    y_true: Any,
    y_score: Any = None,
    y_pred: Any = None,
    *,
    labels: Sequence | None = None,
    task: str | None = None,
    sample_weight: Any = None,
    keep_float32: bool = False,
) -> Prepared:
    """Validate and normalise predictions.

    Parameters
    ----------
    y_true : array-like
        True targets: class labels (names or integers), a [n, L] 0/1 indicator matrix
        for multilabel, or floats for regression.
    y_score : array-like, optional
        Scores: binary positive-class probability (1-D) or [n, 2]; multiclass [n, C]
        probabilities (rows sum to 1); multilabel [n, L] probabilities.
    y_pred : array-like, optional
        Hard predictions (class labels or indices; multilabel 0/1 matrix; regression floats).
    labels : sequence, optional
        Class display labels in column order of ``y_score``. Binary: ``labels[1]`` is positive.
        When every label is a name (a non-integer string), integer ``y_true``/``y_pred``
        are indices into ``labels`` (scikit-learn's ``labels=target_names`` case).
    task : {"binary", "multiclass", "multilabel", "regression"}, optional
        Inferred when omitted (see docs/evaluation.md); ``Prepared.task_inferred`` records it.
    sample_weight : array-like, optional
        Non-negative finite weights, one per sample.
    keep_float32 : bool, default False
        Keep float32 binary and multiclass scores as float32 instead of converting them to
        float64 (:func:`evaluate` and :class:`BinnedSummary` sort and bin them without a
        float64 copy).

    Returns
    -------
    Prepared
        Normalised arrays (see :class:`Prepared`).

    Raises
    ------
    ValueError, TypeError
        With a message naming the offending argument.

    Examples
    --------
    >>> p = prepare([0, 1, 1], [0.2, 0.7, 0.4])
    >>> p.task, p.labels, p.y_true.tolist()
    ('binary', [0, 1], [0, 1, 1])
    """
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {TASKS} or None, got {task!r}")
    yt = _squeeze_column(as_array(y_true, "y_true"))
    ys = None if y_score is None else as_array(y_score, "y_score")
    yp = None if y_pred is None else as_array(y_pred, "y_pred")
    lab = None if labels is None else _normalise_labels(labels)
    if yt.ndim == 1:
        # A single-column DataFrame or [n, 1] model output means a 1-D vector.
        ys = None if ys is None else _squeeze_column(ys)
        yp = None if yp is None else _squeeze_column(yp)

    if yt.size == 0 or yt.ndim == 0:
        raise ValueError(f"y_true must be a non-empty array, got shape {yt.shape}")
    if yt.ndim > 2:
        raise ValueError(f"y_true must be 1-D or 2-D, got {yt.ndim}-D shape {yt.shape}")
    n = yt.shape[0]
    for name, arr in (("y_score", ys), ("y_pred", yp)):
        if arr is None:
            continue
        if arr.ndim == 0 or arr.size == 0:
            raise ValueError(f"{name} must be a non-empty array, got shape {arr.shape}")
        if arr.ndim > 2:
            raise ValueError(f"{name} must be 1-D or 2-D, got {arr.ndim}-D shape {arr.shape}")
        if arr.shape[0] != n:
            raise ValueError(f"{name} has {arr.shape[0]} rows but y_true has {n} (length mismatch)")
    if ys is None and yp is None:
        raise ValueError("y_score and y_pred are both missing; pass at least one")

    sw = None
    if sample_weight is not None:
        swa = _squeeze_column(as_array(sample_weight, "sample_weight"))
        if swa.ndim != 1:
            raise ValueError(f"sample_weight must be 1-D, got shape {swa.shape}")
        if swa.shape[0] != n:
            raise ValueError(
                f"sample_weight has {swa.shape[0]} values but y_true has {n} (length mismatch)"
            )
        sw = _float_array(swa, "sample_weight")
        if (sw < 0).any():
            raise ValueError(f"sample_weight must be non-negative; min is {float(sw.min()):g}")
        if not sw.sum() > 0:
            raise ValueError("sample_weight must not sum to zero")

    inferred = task is None
    if task is None:
        task = _infer_task(yt, ys, yp, lab)

    builder = {
        "binary": _prepare_binary,
        "multiclass": _prepare_multiclass,
        "multilabel": _prepare_multilabel,
        "regression": _prepare_regression,
    }[task]
    if task in ("binary", "multiclass"):
        y_true_n, y_score_n, y_pred_n, labels_n = builder(yt, ys, yp, lab, keep_float32)
    else:
        y_true_n, y_score_n, y_pred_n, labels_n = builder(yt, ys, yp, lab)
    return Prepared(task, inferred, y_true_n, y_score_n, y_pred_n, labels_n, sw)


def _prepare_binary(yt, ys, yp, lab, keep_float32=False):
    if yt.ndim != 1:
        raise ValueError(f"y_true must be 1-D for binary, got shape {yt.shape}")
    score = None
    if ys is not None:
        if ys.ndim == 2:
            src_dtype = ys.dtype
            ys = _float_array(ys, "y_score")
            if ys.shape[1] != 2:
                raise ValueError(f"y_score for binary must be 1-D or [n, 2], got shape {ys.shape}")
            _check_probabilities(ys, "y_score")
            _check_rows_sum_to_one(ys, "y_score", src_dtype)
            ys = ys[:, 1]
        score = _probability_vector(ys, "y_score", keep_float32)
    if yp is None and yt.dtype.kind in "biu" and (lab is None or lab == [0, 1]):
        # 0/1 integer targets (the common case): one min and one max, no copy, no unique.
        lo, hi = yt.min(), yt.max()
        if lo >= 0 and hi <= 1:
            return yt.astype(np.int64, copy=False), score, None, [0, 1]
    if lab is None:
        lab = _infer_labels(yt if yp is None else np.concatenate([yt, yp]).astype(yt.dtype), None)
        if len(lab) == 1:
            raise ValueError(
                f"y_true has a single class {lab} that is not 0/1; pass labels=[negative, positive]"
            )
        if len(lab) > 2:
            raise ValueError(
                f"y_true has {len(lab)} distinct values {lab[:10]} but the task is binary "
                "(1-D or [n, 2] y_score); pass [n, C] scores for multiclass"
            )
    if len(lab) != 2:
        raise ValueError(f"labels must have exactly 2 entries for binary, got {lab}")
    y_true = _encode(yt, lab, "y_true")
    y_pred = _encode_pred(yp, lab, "binary")
    return y_true, score, y_pred, lab


def _encode_pred(yp: np.ndarray | None, lab: list, task: str) -> np.ndarray | None:
    """1-D hard predictions as label indices (None stays None)."""
    if yp is None:
        return None
    if yp.ndim != 1:
        raise ValueError(f"y_pred must be 1-D for {task}, got shape {yp.shape}")
    return _encode(yp, lab, "y_pred")


def _prepare_multiclass(yt, ys, yp, lab, keep_float32=False):
    if yt.ndim != 1:
        raise ValueError(f"y_true must be 1-D for multiclass, got shape {yt.shape}")
    score = None
    n_classes = None
    if ys is not None:
        if ys.ndim != 2:
            raise ValueError(f"y_score must be [n, C] for multiclass, got shape {ys.shape}")
        src_dtype = ys.dtype
        if keep_float32 and ys.dtype in (np.float32, np.float16):
            # Validated on its own dtype, kept float32 (exact in float64): see evaluate().
            _check_finite(ys, "y_score", ys.min(), ys.max())
            score = ys.astype(np.float32, copy=False)
        else:
            score = _float_array(ys, "y_score")
        _check_probabilities(score, "y_score")
        _check_rows_sum_to_one(score, "y_score", src_dtype)
        score = np.ascontiguousarray(score) + score.dtype.type(0)
        n_classes = score.shape[1]
    if lab is None:
        src = yt if yp is None else np.concatenate([yt, yp.astype(yt.dtype)])
        lab = _infer_labels(src, n_classes)
    if n_classes is not None and len(lab) != n_classes:
        raise ValueError(f"labels has {len(lab)} entries but y_score has {n_classes} columns")
    y_true = _encode(yt, lab, "y_true")
    y_pred = _encode_pred(yp, lab, "multiclass")
    return y_true, score, y_pred, lab


def _binary_matrix(arr: np.ndarray, name: str) -> np.ndarray:
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric 0/1 indicator matrix, got dtype {arr.dtype}")
    if not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{name} must contain only 0 and 1 for multilabel")
    return arr.astype(np.uint8)


def _prepare_multilabel(yt, ys, yp, lab):
    if yt.ndim != 2:
        raise ValueError(
            f"y_true must be an [n, L] indicator matrix for multilabel, got {yt.shape}"
        )
    y_true = _binary_matrix(yt, "y_true")
    n_labels = y_true.shape[1]
    score = None
    if ys is not None:
        if ys.shape != yt.shape:
            raise ValueError(f"y_score shape {ys.shape} must equal y_true shape {yt.shape}")
        score = np.ascontiguousarray(_float_array(ys, "y_score")) + 0.0
        _check_probabilities(score, "y_score")
    y_pred = None
    if yp is not None:
        if yp.shape != yt.shape:
            raise ValueError(f"y_pred shape {yp.shape} must equal y_true shape {yt.shape}")
        y_pred = _binary_matrix(yp, "y_pred")
    if lab is None:
        lab = list(range(n_labels))
    if len(lab) != n_labels:
        raise ValueError(f"labels has {len(lab)} entries but y_true has {n_labels} columns")
    return y_true, score, y_pred, lab


def _prepare_regression(yt, ys, yp, lab):
    if ys is not None and yp is None:
        yp = ys  # a regression "score" is the prediction itself
    elif ys is not None:
        raise ValueError("y_score is not used for regression; pass predictions as y_pred")
    if yp is None:
        raise ValueError("y_pred is required for regression")
    if yt.ndim != 1:
        raise ValueError(f"y_true must be 1-D for regression, got shape {yt.shape}")
    if yp.ndim != 1:
        raise ValueError(f"y_pred must be 1-D for regression, got shape {yp.shape}")
    return _float_array(yt, "y_true"), None, _float_array(yp, "y_pred"), []
