"""Regression metrics (matching scikit-learn / scipy) and bounded-size regression charts."""

from __future__ import annotations

import numpy as np

__all__ = [
    "regression_metrics",
    "regression_curves",
    "rankdata_average",
    "density_2d",
    "norm_ppf",
    "normal_qq",
    "error_by_bin",
    "UNDEFINED_REASONS",
]

#: Most bins per axis of the ``predicted_vs_true_density`` histogram (60 x 60 = 3,600 cells).
MAX_DENSITY_BINS = 60
#: Fewest bins per axis (small ``n``).
MIN_DENSITY_BINS = 10
#: Most points of the normal Q-Q plot of the residuals.
MAX_QQ_POINTS = 200

#: Why a regression metric is undefined (``NaN``); the default reason is a constant target.
UNDEFINED_REASONS = {
    "mean_squared_log_error": "y_true or y_pred has values <= -1 (log1p is undefined there)",
    "root_mean_squared_log_error": "y_true or y_pred has values <= -1 (log1p is undefined there)",
}
CONSTANT_TARGET = "y_true is constant (zero variance)"


def _avg(values: np.ndarray, weight: np.ndarray | None) -> float:
    return float(np.average(values, weights=weight))


def rankdata_average(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (``scipy.stats.rankdata``)."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    starts = np.concatenate([[True], xs[1:] != xs[:-1]])
    run = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.append(first[1:], xs.size) - 1
    avg = (first + last) / 2.0 + 1.0
    ranks = np.empty(x.size)
    ranks[order] = avg[run]
    return ranks


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    den = np.sqrt(np.dot(a, a) * np.dot(b, b))
    return float(np.dot(a, b) / den) if den > 0 else float("nan")


def regression_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, weight: np.ndarray | None
) -> dict[str, float]:
    """Regression metrics; NaN marks an undefined value (e.g. R^2 of a constant target,
    MSLE/RMSLE when a value is <= -1; :data:`UNDEFINED_REASONS` says why).

    ``median_absolute_error`` and ``spearman`` ignore weights when none are given and
    otherwise use the weighted lower median / unweighted ranks (documented).
    """
    err = y_pred - y_true
    abs_err = np.abs(err)
    mse = _avg(err * err, weight)
    y_mean = _avg(y_true, weight)
    dev = y_true - y_mean
    den = _avg(dev * dev, weight)
    resid = y_true - y_pred
    resid_c = resid - _avg(resid, weight)
    eps = np.finfo(np.float64).eps
    if weight is None:
        med = float(np.median(abs_err))
    else:
        order = np.argsort(abs_err)
        cw = np.cumsum(weight[order])
        med = float(abs_err[order][np.searchsorted(cw, 0.5 * cw[-1])])
    if bool((y_true > -1).all() and (y_pred > -1).all()):
        d = np.log1p(y_true) - np.log1p(y_pred)
        msle = _avg(d * d, weight)
    else:  # scikit-learn raises: log1p of a value <= -1 is -inf or NaN
        msle = float("nan")
    return {
        "mean_squared_error": mse,
        "root_mean_squared_error": float(np.sqrt(mse)),
        "mean_absolute_error": _avg(abs_err, weight),
        "r2": 1.0 - mse / den if den > 0 else float("nan"),
        "explained_variance": 1.0 - _avg(resid_c * resid_c, weight) / den
        if den > 0
        else float("nan"),
        "mean_absolute_percentage_error": _avg(abs_err / np.maximum(np.abs(y_true), eps), weight),
        "median_absolute_error": med,
        "max_error": float(abs_err.max()),
        "spearman": _pearson(rankdata_average(y_true), rankdata_average(y_pred)),
        "mean_squared_log_error": msle,
        "root_mean_squared_log_error": float(np.sqrt(msle)),
    }


def _bin_ids(key: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The bin of each item of ``key`` (the last bin is closed)."""
    return np.clip(np.searchsorted(edges, key, side="right") - 1, 0, edges.size - 2)


def _weighted(values: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    return values if weight is None else values * weight


def _binned_stats(key, values, weight, edges):
    nb = edges.size - 1
    ids = _bin_ids(key, edges)
    w = np.ones(key.shape) if weight is None else weight
    cnt = np.bincount(ids, weights=w, minlength=nb)
    s1 = np.bincount(ids, weights=w * values, minlength=nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s1 / cnt
        var = np.bincount(ids, weights=w * (values - mean[ids]) ** 2, minlength=nb) / cnt
    return ids, cnt, mean, np.sqrt(var)


def _edges(x: np.ndarray, n_bins: int) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if hi <= lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, n_bins + 1)


def density_bins(n: int) -> int:
    """Bins per axis of the density histogram: ``sqrt(n) / 2`` within [10, 60]."""
    return int(min(MAX_DENSITY_BINS, max(MIN_DENSITY_BINS, round(np.sqrt(n) / 2))))


def density_2d(
    y_true: np.ndarray, y_pred: np.ndarray, weight: np.ndarray | None, n_bins: int | None = None
) -> dict:
    """2-D histogram of (true, predicted) on one shared range, so y = x is the diagonal.

    Bins follow ``numpy.histogram2d``: half-open ``[a, b)`` except the last, which is
    closed; ``counts[i][j]`` is the number (or summed weight) of samples whose true value
    is in x bin ``i`` and prediction in y bin ``j``. O(n): an arithmetic bin index checked
    against the edges (binary search only for values it misses) and one ``bincount``.

    Returns
    -------
    dict
        ``x_edges``, ``y_edges`` (equal), ``counts`` (``[bins, bins]``, int64 without
        weights, float64 weighted sums with them) and ``n`` (number of samples).
    """
    n = int(y_true.size)
    nb = density_bins(n) if n_bins is None else int(n_bins)
    lo = float(min(y_true.min(), y_pred.min()))
    hi = float(max(y_true.max(), y_pred.max()))
    if hi <= lo:
        # numpy.histogram2d's rule for an empty range: widen by 0.5 either side
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, nb + 1)

    scale = nb / (hi - lo)

    def index(values: np.ndarray) -> np.ndarray:
        # Arithmetic bin (2.7x faster than searchsorted at 1e6), corrected by one step
        # against the edges so it equals numpy's searchsorted rule; any value still off
        # (extreme magnitudes) falls back to searchsorted.
        if not np.isfinite(scale):  # a subnormal range
            ids = np.searchsorted(edges, values, side="right") - 1
            ids[values == edges[-1]] = nb - 1
            return ids
        ids = ((values - lo) * scale).astype(np.intp)
        np.clip(ids, 0, nb - 1, out=ids)
        ids -= values < edges[ids]
        np.clip(ids, 0, nb - 1, out=ids)
        ids += values >= edges[ids + 1]
        ids[values == edges[-1]] = nb - 1  # the last bin is closed
        np.clip(ids, 0, nb - 1, out=ids)
        bad = (values < edges[ids]) | ((values >= edges[ids + 1]) & (ids < nb - 1))
        if bad.any():
            ids[bad] = np.searchsorted(edges, values[bad], side="right") - 1
        return ids

    flat = index(y_true) * nb + index(y_pred)
    counts = np.bincount(flat, weights=weight, minlength=nb * nb).reshape(nb, nb)
    if weight is None:
        counts = counts.astype(np.int64)
    return {"x_edges": edges, "y_edges": edges.copy(), "counts": counts, "n": n}


# Wichura (1988), algorithm AS 241 (PPND16): the normal quantile to ~1e-16 relative.
_A = (3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3,
      1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
      3.3430575583588128105e4, 2.5090809287301226727e3)  # fmt: skip
_B = (1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
      2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
      5.2264952788528545610e3)  # fmt: skip
_C = (1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
      3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
      2.27238449892691845833e-2, 7.74545014278341407640e-4)  # fmt: skip
_D = (1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
      1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
      1.05075007164441684324e-9)  # fmt: skip
_E = (6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
      2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
      2.71155556874348757815e-5, 2.01033439929228813265e-7)  # fmt: skip
_F = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
      7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
      2.04426310338993978564e-15)  # fmt: skip


def _poly(coef: tuple, x: np.ndarray) -> np.ndarray:
    out = np.full_like(x, coef[-1])
    for c in coef[-2::-1]:
        out = out * x + c
    return out


def norm_ppf(p: np.ndarray) -> np.ndarray:
    """Standard normal quantile (``scipy.stats.norm.ppf``) for ``p`` in (0, 1), pure numpy.

    Wichura's AS 241 rational approximations (relative error ~1e-16); 0 and 1 give -inf
    and +inf.
    """
    p = np.asarray(p, dtype=np.float64)
    q = p - 0.5
    out = np.empty_like(p)
    mid = np.abs(q) <= 0.425
    r = 0.180625 - q[mid] * q[mid]
    out[mid] = q[mid] * _poly(_A, r) / _poly(_B, r)
    tail = ~mid
    with np.errstate(divide="ignore"):
        r = np.sqrt(-np.log(np.where(q[tail] < 0, p[tail], 1.0 - p[tail])))
    near = r <= 5.0
    v = np.empty_like(r)
    v[near] = _poly(_C, r[near] - 1.6) / _poly(_D, r[near] - 1.6)
    with np.errstate(invalid="ignore"):
        v[~near] = _poly(_E, r[~near] - 5.0) / _poly(_F, r[~near] - 5.0)
    v[np.isinf(r)] = np.inf
    out[tail] = np.where(q[tail] < 0, -v, v)
    return out


def order_statistic_medians(n: int) -> np.ndarray:
    """Filliben's uniform order-statistic medians (the positions of ``scipy.stats.probplot``)."""
    v = np.empty(n, dtype=np.float64)
    v[-1] = 0.5 ** (1.0 / n)
    v[0] = 1 - v[-1]
    i = np.arange(2, n)
    v[1:-1] = (i - 0.3175) / (n + 0.365)
    return v


def normal_qq(
    resid: np.ndarray, weight: np.ndarray | None, max_points: int = MAX_QQ_POINTS
) -> dict:
    """Normal Q-Q plot of the residuals, at most ``max_points`` exact points.

    The residuals are standardised, ``z = (r - mean) / std`` (population std; weighted mean
    and std with weights; when ``std == 0`` they are only centred, so every point is 0).

    * Unweighted: the points are those of ``scipy.stats.probplot(z)`` — sorted ``z`` against
      ``norm.ppf`` of Filliben's order-statistic medians — all of them for ``n <= max_points``,
      else the order statistics at ``round(linspace(0, n - 1, max_points))`` (each an exact
      point of the full plot; ``z[i]`` equals ``np.quantile(z, i / (n - 1))``).
    * Weighted: probabilities ``p_k = (k - 0.5) / m``, ``m = min(n, max_points)``,
      theoretical ``norm.ppf(p_k)`` and the exact weighted quantile
      ``np.quantile(z, p_k, weights=w, method="inverted_cdf")``.

    Returns
    -------
    dict
        ``theoretical``, ``sample`` (equal length, ascending), ``probability`` (the
        plotting positions), and scalars ``mean``, ``std`` (of the raw residuals: a raw
        residual quantile is ``mean + std * sample``) and ``n``.
    """
    n = int(resid.size)
    mean = _avg(resid, weight)
    dev = resid - mean
    std = float(np.sqrt(_avg(dev * dev, weight)))
    if n and std <= 16 * np.finfo(np.float64).eps * float(np.max(np.abs(resid))):
        std = 0.0  # constant residuals: what is left is the rounding of the (weighted) mean
    z = dev / std if std > 0 else dev
    if weight is None:
        pos = order_statistic_medians(n)
        if n > max_points:
            idx = np.unique(np.round(np.linspace(0, n - 1, max_points)).astype(np.intp))
            sample = np.partition(z, idx)[idx]
            pos = pos[idx]
        else:
            sample = np.sort(z)
    else:
        m = min(n, max_points)
        pos = (np.arange(1, m + 1) - 0.5) / m
        keep = weight > 0
        sample = np.quantile(z[keep], pos, weights=weight[keep], method="inverted_cdf")
    if std == 0:
        sample = np.zeros_like(sample)  # exactly 0, whatever the rounding of the mean
    return {
        "theoretical": norm_ppf(pos),
        "sample": np.asarray(sample, dtype=np.float64),
        "probability": pos,
        "mean": mean,
        "std": std,
        "n": n,
    }


def error_by_bin(
    key: np.ndarray,
    err: np.ndarray,
    weight: np.ndarray | None,
    edges: np.ndarray,
    ids: np.ndarray | None = None,
) -> dict:
    """Per bin of ``key`` (the bins of ``predicted_vs_true``): ``count`` (or summed weight),
    ``mean_error`` (bias, ``err = y_pred - y_true``), ``mae`` and ``rmse``; NaN when empty."""
    nb = edges.size - 1
    if ids is None:  # the bin of each item, when the caller has not found it already
        ids = _bin_ids(key, edges)
    w = np.ones(key.shape) if weight is None else weight
    cnt = np.bincount(ids, weights=w, minlength=nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(ids, weights=w * err, minlength=nb) / cnt
        mae = np.bincount(ids, weights=w * np.abs(err), minlength=nb) / cnt
        rmse = np.sqrt(np.bincount(ids, weights=w * err * err, minlength=nb) / cnt)
    return {"bin_edges": edges, "count": cnt, "mean_error": mean, "mae": mae, "rmse": rmse}


def regression_curves(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    weight: np.ndarray | None,
    n_bins: int = 20,
    max_points: int | None = 1000,
) -> dict[str, dict]:
    """Azure-style regression charts of bounded size.

    Returns
    -------
    dict
        ``predicted_vs_true`` (binned by true value: ``bin_edges``, ``true_mean``,
        ``predicted_mean``, ``predicted_std``, ``count``), ``residual_histogram``
        (``bin_edges``, ``count``; residual = y_true - y_pred) and ``residuals_vs_predicted``
        (binned by prediction: ``bin_edges``, ``residual_mean``, ``residual_std``, ``count``,
        plus a deterministic sample ``sample_predicted``/``sample_residual`` of at most
        ``max_points`` points), ``predicted_vs_true_density`` (:func:`density_2d`),
        ``qq`` (:func:`normal_qq`, at most :data:`MAX_QQ_POINTS` points) and
        ``error_by_target_bin`` (:func:`error_by_bin` over the bins of ``predicted_vs_true``).
    """
    resid = y_true - y_pred
    e_true = _edges(y_true, n_bins)
    true_ids, cnt, pmean, pstd = _binned_stats(y_true, y_pred, weight, e_true)
    with np.errstate(divide="ignore", invalid="ignore"):
        tmean = np.bincount(true_ids, weights=_weighted(y_true, weight), minlength=cnt.size) / cnt
    e_res = _edges(resid, 2 * n_bins)
    hist = np.bincount(_bin_ids(resid, e_res), weights=weight, minlength=e_res.size - 1)
    e_pred = _edges(y_pred, n_bins)
    _, rcnt, rmean, rstd = _binned_stats(y_pred, resid, weight, e_pred)
    n = y_true.size
    limit = n if max_points is None else max_points
    if n > limit:
        # A fixed seed keeps the sample stable across re-renders of the same data.
        sel = np.sort(np.random.default_rng(0).choice(n, size=limit, replace=False))
    else:
        sel = np.arange(n)
    return {
        "predicted_vs_true": {
            "bin_edges": e_true,
            "true_mean": tmean,
            "predicted_mean": pmean,
            "predicted_std": pstd,
            "count": cnt,
        },
        "residual_histogram": {"bin_edges": e_res, "count": hist},
        "residuals_vs_predicted": {
            "bin_edges": e_pred,
            "residual_mean": rmean,
            "residual_std": rstd,
            "count": rcnt,
            "sample_predicted": y_pred[sel],
            "sample_residual": resid[sel],
        },
        "predicted_vs_true_density": density_2d(y_true, y_pred, weight),
        "qq": normal_qq(resid, weight),
        "error_by_target_bin": error_by_bin(y_true, -resid, weight, e_true, true_ids),
    }
