"""Logging and reading back: tb_eval against the tools a user would otherwise use.

Side by side in one process, alternating, each writer from construction to ``close()``:

* scalars end to end: tb_eval ``run.log`` vs ``torch.utils.tensorboard.SummaryWriter.add_scalar``
  (and tensorboardX when installed) — target >= 25x SummaryWriter (aim: 40x);
* 256x256 RGB images end to end: ``run.log_image`` vs ``add_image`` — target >= 3x;
* reading a 200k-scalar run: ``get_metrics()`` (via ``tb_eval.open_run``) vs TensorBoard's
  ``EventAccumulator`` — target >= 5x.

Run: ``python benchmarks/bench_logging.py [--quick]`` (torch is an optional extra:
``pip install torch==2.13.0``; without it the SummaryWriter columns are skipped).
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import tempfile
import time
from collections.abc import Callable

import numpy as np

import tb_eval


def _optional_writers() -> dict[str, Callable[[str], object]]:
    writers: dict[str, Callable[[str], object]] = {}
    try:
        from torch.utils.tensorboard import SummaryWriter

        writers["torch SummaryWriter"] = SummaryWriter
    except ImportError:
        print("torch not installed: SummaryWriter skipped (pip install torch==2.13.0)")
    try:
        from tensorboardX import SummaryWriter as XWriter

        writers["tensorboardX"] = XWriter
    except ImportError:
        print("tensorboardX not installed: skipped")
    return writers


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def scalars_tb_eval(logdir: str, values: list[float]) -> None:
    run = tb_eval.start_logging(logdir)
    for value in values:
        run.log("train/loss", value)
    run.complete()


def scalars_writer(factory, logdir: str, values: list[float]) -> None:
    writer = factory(logdir)
    for step, value in enumerate(values):
        writer.add_scalar("train/loss", value, step)
    writer.close()


def images_tb_eval(logdir: str, images: list[np.ndarray]) -> None:
    run = tb_eval.start_logging(logdir)
    for image in images:
        run.log_image("sample", image=image)
    run.complete()


def images_writer(factory, logdir: str, images: list[np.ndarray]) -> None:
    writer = factory(logdir)
    for step, image in enumerate(images):
        writer.add_image("sample", image, step, dataformats="HWC")
    writer.close()


def photo_like_images(count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Smooth 256x256 RGB images (upsampled noise plus grain), like real photos compress."""
    from PIL import Image

    images = []
    for _ in range(count):
        small = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
        smooth = np.asarray(Image.fromarray(small).resize((256, 256), Image.BICUBIC), np.int16)
        grain = rng.integers(-4, 5, smooth.shape)
        images.append(np.clip(smooth + grain, 0, 255).astype(np.uint8))
    return images


def report(title: str, unit: str, count: int, times: dict[str, list[float]], base: str) -> None:
    print(f"\n{title}")
    for name, samples in times.items():
        rate = count / statistics.median(samples)
        print(f"  {name:<24} {rate:>12,.0f} {unit}/s   median {statistics.median(samples):.3f} s")
    for name, samples in times.items():
        if name == base:
            continue
        ratios = [other / mine for other, mine in zip(samples, times[base])]
        print(f"  ratio {name} / {base}: {statistics.median(ratios):.1f}x (paired median)")


def threaded_scalars(writers: dict[str, Callable[[str], object]], repeats: int, count: int) -> None:
    """``run.log`` calls/s from one thread and from 8 threads sharing one run (the same total
    count), beside the same for the other writers; every value is checked to be on disk."""
    import threading

    threads = 8

    def one_writer(logger: Callable[[str, float, int], None], per_thread: int, n: int) -> None:
        def work(index: int) -> None:
            for i in range(per_thread):
                logger(f"t{index}", float(i), i)

        workers = [threading.Thread(target=work, args=(index,)) for index in range(n)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    times: dict[str, list[float]] = {}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as root:
            for n in (1, threads):
                per_thread = count // n
                run = tb_eval.start_logging(root, run_name=f"tb_eval-{n}")
                times.setdefault(f"tb_eval {n} thread(s)", []).append(
                    _timed(
                        lambda r=run, p=per_thread, k=n: one_writer(
                            lambda tag, value, step: r.log(tag, value), p, k
                        )
                    )
                )
                run.complete()
                metrics = tb_eval.open_run(run.directory).get_metrics()
                assert sum(len(metrics[f"t{i}"]) for i in range(n)) == per_thread * n
                for name, factory in writers.items():
                    writer = factory(f"{root}/{name}-{n}")
                    times.setdefault(f"{name} {n} thread(s)", []).append(
                        _timed(lambda w=writer, p=per_thread, k=n: one_writer(w.add_scalar, p, k))
                    )
                    writer.close()
    report(
        f"Scalars from 1 and {threads} threads ({count:,} calls)",
        "calls",
        count,
        times,
        f"tb_eval {threads} thread(s)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller workloads")
    args = parser.parse_args()
    repeats = 2 if args.quick else 5
    scalar_count = 50_000 if args.quick else 200_000
    image_count = 30 if args.quick else 100
    rng = np.random.default_rng(0)
    values = rng.normal(size=scalar_count).tolist()
    images = photo_like_images(image_count, rng)
    writers = _optional_writers()

    scalar_times: dict[str, list[float]] = {"tb_eval": [], **{name: [] for name in writers}}
    image_times: dict[str, list[float]] = {"tb_eval": [], **{name: [] for name in writers}}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as root:
            scalar_times["tb_eval"].append(_timed(lambda: scalars_tb_eval(root + "/a", values)))
            for name, factory in writers.items():
                scalar_times[name].append(
                    _timed(lambda f=factory, d=root + "/" + name: scalars_writer(f, d, values))
                )
            image_times["tb_eval"].append(_timed(lambda: images_tb_eval(root + "/ia", images)))
            for name, factory in writers.items():
                image_times[name].append(
                    _timed(lambda f=factory, d=root + "/i" + name: images_writer(f, d, images))
                )
    report(
        f"Scalars end to end ({scalar_count:,})", "scalars", scalar_count, scalar_times, "tb_eval"
    )
    report(
        f"256x256 RGB images end to end ({image_count})",
        "images",
        image_count,
        image_times,
        "tb_eval",
    )

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    read_count = 200_000
    read_times: dict[str, list[float]] = {"tb_eval get_metrics": [], "EventAccumulator": []}
    with tempfile.TemporaryDirectory() as root:
        run = tb_eval.start_logging(root, run_name="read")
        for value in rng.normal(size=read_count).tolist():
            run.log("train/loss", value)
        run.complete()
        for _ in range(repeats):
            read_times["tb_eval get_metrics"].append(
                _timed(lambda: tb_eval.open_run(run.directory).get_metrics())
            )

            def accumulate() -> None:
                (path,) = glob.glob(os.path.join(run.directory, "*tfevents*"))
                accumulator = EventAccumulator(path, size_guidance={"scalars": 0})
                accumulator.Reload()
                read = accumulator.Tags()["scalars"]
                if read != ["train/loss"] or len(accumulator.Scalars("train/loss")) != read_count:
                    raise RuntimeError(
                        f"EventAccumulator read scalars {read}, not all of train/loss"
                    )

            read_times["EventAccumulator"].append(_timed(accumulate))
    report(
        f"Reading a {read_count:,}-scalar run",
        "scalars",
        read_count,
        read_times,
        "tb_eval get_metrics",
    )
    threaded_scalars(writers, repeats, scalar_count)
    print("\nTargets: scalars >= 25x SummaryWriter (aim 40x); images >= 3x; get_metrics >= 5x")


if __name__ == "__main__":
    main()
