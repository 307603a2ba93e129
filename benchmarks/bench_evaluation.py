"""Benchmark: tb_eval.evaluation against the scikit-learn calls a user would make.

Run ``python benchmarks/bench_evaluation.py [--quick] [--sizes 1e5,1e6] [--repeats 5]``.
Methods are interleaved within each repeat; we print medians and the median of the
per-repeat time ratios, and the peak extra memory of one call (tracemalloc, measured in a
separate pass so that tracing does not distort the timings). Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
from sklearn import calibration as skc
from sklearn import metrics as M

from tb_eval.evaluation import BinnedSummary, Prepared, evaluate, evaluate_prepared, prepare
from tb_eval.kinds import predictions


def binary_data(n: int, seed: int = 0, overconfident: bool = False):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int64)
    scale, noise = (3.0, 4.0) if overconfident else (1.2, 1.5)
    z = scale * (2 * y - 1) + rng.normal(0, noise, n)
    return y, (1 / (1 + np.exp(-z))).astype(np.float32)


def multiclass_data(n: int, k: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(0, 1.5, (n, k))
    logits[np.arange(n), y] += 1.5
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return y, (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def sk_binary(y, s):
    M.roc_curve(y, s)
    M.precision_recall_curve(y, s)
    M.average_precision_score(y, s)
    M.roc_auc_score(y, s)
    skc.calibration_curve(y, s, n_bins=10)
    M.confusion_matrix(y, s >= 0.5)


def sk_multiclass(y, S):
    k = S.shape[1]
    Y = np.eye(k, dtype=np.int8)[y]
    for j in range(k):
        M.roc_curve(Y[:, j], S[:, j])
        M.precision_recall_curve(Y[:, j], S[:, j])
    M.roc_curve(Y.ravel(), S.ravel())
    M.precision_recall_curve(Y.ravel(), S.ravel())
    M.roc_auc_score(y, S, multi_class="ovr", average="macro")
    M.roc_auc_score(y, S, multi_class="ovr", average="micro")
    M.average_precision_score(Y, S, average="macro")
    M.average_precision_score(Y, S, average="micro")
    M.confusion_matrix(y, S.argmax(axis=1))


def peak_mb(fn) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1e6


def compare(title: str, methods: dict, repeats: int, memory: bool = True) -> None:
    names = list(methods)
    times = {k: [] for k in names}
    for _ in range(repeats):
        for k in names:  # interleaved
            t0 = time.perf_counter()
            methods[k]()
            times[k].append(time.perf_counter() - t0)
    ref = names[0]
    print(f"\n## {title}")
    peaks = {k: peak_mb(methods[k]) for k in names} if memory else {}
    for k in names:
        mem = f"  peak {peaks[k]:7.1f} MB" if memory else ""
        print(f"  {k:34s} median {statistics.median(times[k]):8.4f} s{mem}")
    for k in names[1:]:
        ratios = [a / b for a, b in zip(times[ref], times[k])]
        mem = f"; peak MB {peaks[ref]:.0f} / {peaks[k]:.0f}" if memory else ""
        print(
            f"  ratio {ref} / {k}: {statistics.median(ratios):.1f}x "
            f"(min {min(ratios):.1f}, max {max(ratios):.1f}){mem}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="skip n = 1e7")
    ap.add_argument("--sizes", default=None, help="comma-separated binary sizes, e.g. 1e5,1e6")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--multiclass-n", type=float, default=1e6, help="0 skips the multiclass case")
    args = ap.parse_args()
    sizes = (
        [int(float(v)) for v in args.sizes.split(",")]
        if args.sizes
        else [100_000, 1_000_000] + ([] if args.quick else [10_000_000])
    )
    for n in sizes:
        y, s = binary_data(n)
        compare(
            f"binary report, n={n:.0e}",
            {
                "sklearn (6 calls)": lambda y=y, s=s: sk_binary(y, s),
                "tb_eval evaluate (full report)": lambda y=y, s=s: evaluate(y, s),
                "tb_eval BinnedSummary": lambda y=y, s=s: BinnedSummary.from_predictions(
                    y, s
                ).metrics(),
            },
            args.repeats if n < 10_000_000 else max(3, args.repeats // 2),
        )
        if n <= 1_000_000:
            for over in (False, True):
                yy, ss = binary_data(n, 1, over)
                b = BinnedSummary.from_predictions(yy, ss).metrics()
                auc_err = abs(b["roc_auc"] - M.roc_auc_score(yy, ss))
                ap_err = abs(b["average_precision"] - M.average_precision_score(yy, ss))
                kind = "overconfident" if over else "moderate"
                print(f"  binned error ({kind}): |dAUC| {auc_err:.2e}  |dAP| {ap_err:.2e}")
    n = int(args.multiclass_n)
    if n <= 0:
        return
    y, S = multiclass_data(n)
    wide = prepare(y, S)  # float64 scores, as prepare() returns them
    stored = predictions.decode(  # float32, as the plugin reads them
        predictions.encode_payload(*wide.to_arrays()), Prepared.from_arrays
    )
    compare(
        f"10-class one-vs-rest + micro/macro, n={n:.0e}",
        {
            "sklearn (per-class + micro curves, AUC, AP)": lambda: sk_multiclass(y, S),
            "tb_eval evaluate (full report)": lambda: evaluate(y, S),
            "tb_eval evaluate_prepared (float64)": lambda: evaluate_prepared(wide),
            "tb_eval evaluate_prepared (decoded)": lambda: evaluate_prepared(stored),
            "tb_eval plugin report (100 points)": lambda: evaluate_prepared(stored, max_points=100),
            "tb_eval BinnedSummary": lambda: BinnedSummary.from_predictions(y, S).metrics(),
        },
        max(3, args.repeats // 2),
    )


if __name__ == "__main__":
    main()
