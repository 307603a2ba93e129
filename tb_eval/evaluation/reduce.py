"""Curve decimation at the distinct-threshold level, with a proven deviation bound.

A million distinct thresholds make a million-point curve, far more than a chart can show.
We pick the kept thresholds once (so ROC, PR, gains, lift, DET, KS and the threshold table
share them), by equal steps of arc length in normalised coordinates: half the budget along
the ROC curve (``fpr + tpr``, monotone, so no cumulative sum is needed) and half along the
PR curve (``recall + cumulative |delta precision|``, which spends points where the
low-recall precision zig-zags). Every kept point is an exact point, so the reduced curve
is a polyline through exact points.

The stated ``max_deviation`` is an upper bound on the distance from any exact point to the
reduced polyline, in coordinates where each axis is scaled to unit range: every exact
point between two kept points lies in that segment's bounding box, distance to a segment
is convex, so the worst case is a box corner — O(kept) work plus one ``reduceat`` pass for
non-monotone coordinates, instead of materialising every exact curve.
"""

from __future__ import annotations

import numpy as np

__all__ = ["arc_length_indices", "segment_deviation_bound", "exact_deviation"]


def arc_length_indices(param: np.ndarray, n_buckets: int) -> np.ndarray:
    """Indices where a non-decreasing ``param`` enters a new of ``n_buckets`` equal steps.

    Always includes the first and last index. Returns at most ``n_buckets + 1`` indices.
    O(n_buckets log n): one binary search per step boundary, no pass over ``param``.
    """
    d = param.size
    first, last = param[0], param[-1]
    total = float(last - first)
    if d <= 2 or total <= 0 or n_buckets <= 0:
        return np.array([0, d - 1], dtype=np.int64) if d > 1 else np.zeros(1, np.int64)
    steps = np.arange(1, n_buckets, dtype=np.float64) * (total / n_buckets)
    if param.dtype.kind in "iu":
        targets = np.ceil(steps).astype(param.dtype) + first
    else:
        targets = steps + first
    idx = np.searchsorted(param, targets, side="left")
    return np.unique(np.concatenate([[0], idx[idx < d], [d - 1]]).astype(np.int64))


def _point_segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(len2 > 0, ((px - ax) * dx + (py - ay) * dy) / len2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


def segment_deviation_bound(
    xk: np.ndarray,
    yk: np.ndarray,
    ylo: np.ndarray | None = None,
    yhi: np.ndarray | None = None,
    xscale: float | None = None,
    yscale: float | None = None,
) -> float:
    """Upper bound of the exact-to-reduced distance for a curve reduced to points ``(xk, yk)``.

    Parameters
    ----------
    xk, yk : numpy.ndarray
        The kept points in curve order (they include both end points of the exact curve);
        ``x`` must be monotone between kept points.
    ylo, yhi : numpy.ndarray, optional
        Per-segment min/max of the exact ``y`` between consecutive kept points (length
        ``len(xk) - 1``; use +inf/-inf for segments with nothing in between). Omit for
        monotone ``y`` (the box is spanned by the endpoints).
    xscale, yscale : float, optional
        Axis ranges used to normalise coordinates; by default the exact curve's ranges
        (computed from the end points and ``ylo``/``yhi``).

    Returns
    -------
    float
        The bound in normalised units (0 when nothing was dropped between kept points).
    """
    if xk.size < 2:
        return 0.0
    if xscale is None:
        xscale = float(np.nanmax(xk) - np.nanmin(xk))
    if yscale is None:
        lo_all = [np.nanmin(yk)] + ([np.min(ylo)] if ylo is not None and ylo.size else [])
        hi_all = [np.nanmax(yk)] + ([np.max(yhi)] if yhi is not None and yhi.size else [])
        yscale = float(max(hi_all) - min(lo_all))
    xs = xscale if xscale > 0 and np.isfinite(xscale) else 1.0
    ys = yscale if yscale > 0 and np.isfinite(yscale) else 1.0
    ax, bx = xk[:-1] / xs, xk[1:] / xs
    ay, by = yk[:-1] / ys, yk[1:] / ys
    lo = np.minimum(ay, by) if ylo is None else np.minimum(np.minimum(ay, by), ylo / ys)
    hi = np.maximum(ay, by) if yhi is None else np.maximum(np.maximum(ay, by), yhi / ys)
    xlo, xhi = np.minimum(ax, bx), np.maximum(ax, bx)
    worst = np.zeros(ax.shape)
    for cx in (xlo, xhi):
        for cy in (lo, hi):
            worst = np.maximum(worst, _point_segment_distance(cx, cy, ax, ay, bx, by))
    return float(worst.max())


def exact_deviation(
    x: np.ndarray, y: np.ndarray, keep: np.ndarray, xscale: float = 1.0, yscale: float = 1.0
) -> float:
    """Exact max distance from every point of a curve to its reduction through ``keep``.

    Used by the tests to check :func:`segment_deviation_bound`; O(n) memory.
    """
    xs = xscale if xscale > 0 else 1.0
    ys = yscale if yscale > 0 else 1.0
    seg = np.clip(np.searchsorted(keep, np.arange(x.size), side="right") - 1, 0, keep.size - 2)
    a, b = keep[seg], keep[seg + 1]
    d = _point_segment_distance(x / xs, y / ys, x[a] / xs, y[a] / ys, x[b] / xs, y[b] / ys)
    return float(d.max()) if d.size else 0.0


def minmax_between(values: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Min and max of ``values`` over each half-open range ``[keep[i], keep[i+1])``."""
    starts = keep[:-1]
    return np.minimum.reduceat(values, starts), np.maximum.reduceat(values, starts)
