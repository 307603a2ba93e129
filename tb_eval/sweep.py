"""Sweeps as a whole: the experiment root (HParams' experiment config and our sweep record),
and the trial runs' directories.

A sweep's runs share ``<logdir>/<experiment>/``; its root directory holds one event file (no
run record) with TensorBoard's HParams experiment config (``_hparams_/experiment``: the params
with their types and domains, the metrics) and our sweep record (``tb_eval/sweep/record``, see
:mod:`tb_eval.kinds.sweep`: the metric the sweep optimises and its direction). Writing it again
replaces that file: the new one is complete, renamed into place, and the older ones removed, so
a reader sees the old config or the new one, never a mix. On an object-store logdir
(``s3://...``) the new file is one object, put under a name sorting after the old ones, which
are then removed; trial names are claimed there with a conditional put
(:func:`tb_eval.io.remote.claim_run`) instead of ``mkdir``.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tb_eval import validation
from tb_eval.io import remote
from tb_eval.io.events import encode_event, file_version_event
from tb_eval.io.writer import event_file_name
from tb_eval.kinds import common, hparams, run_record
from tb_eval.kinds import sweep as sweep_kind

#: A numeric param with at most this many distinct values seen gets a discrete domain.
MAX_DISCRETE = 12


def log_sweep(
    logdir: str | os.PathLike,
    experiment: str,
    *,
    metric: str | Sequence[str],
    mode: str | Sequence[str] = "max",
    params: Mapping[str, Any] | None = None,
    extra_metrics: Sequence[str] = (),
) -> str:
    """Record what the sweep ``<logdir>/<experiment>`` optimises, for a sweep you run yourself.

    Parameters
    ----------
    logdir, experiment:
        As given to :func:`tb_eval.start_logging` for the sweep's runs.
    metric:
        The scalar each run logs that the sweep optimises (``run.log(metric, value)``); a list
        for several objectives, the primary first. Compare runs sorts by it and stars the best.
    mode:
        ``"max"`` or ``"min"`` (one per metric for several objectives).
    params:
        The search space, shown by HParams with these types and domains: per param a list of
        values (a discrete domain: all numbers, all str or all bool), a ``(low, high)`` tuple
        (an interval), or one of the types ``float``, ``int``, ``str``, ``bool`` (no domain).
        Without it HParams infers types and domains from the runs, and shows every scalar as
        a metric column.
    extra_metrics:
        Further scalar tags HParams shows as metric columns. Only with ``params``: given an
        experiment config, HParams shows exactly its metrics (the objectives and these).

    Returns
    -------
    str
        The experiment's root directory.

    Examples
    --------
    >>> tb_eval.log_sweep("runs", "diabetes-ridge", metric="mse", mode="min",
    ...                   params={"alpha": (0.001, 1.0)})  # doctest: +SKIP
    """
    metrics = _objectives(metric, mode)
    domains = None if params is None else check_domains(params)
    if isinstance(extra_metrics, str) or not isinstance(extra_metrics, Iterable):
        raise TypeError(f"extra_metrics: expected a list of scalar names, got {extra_metrics!r}")
    extra = [validation.check_name(tag, "extra_metrics") for tag in extra_metrics]
    if extra and domains is None:
        raise ValueError("extra_metrics: only used with params (the HParams experiment config)")
    shown = [entry["name"] for entry in metrics] + [tag for tag in extra if tag not in metrics]
    return write_experiment_root(
        logdir, experiment, metrics, domains, shown if domains is not None else None, "user"
    )


def _objectives(metric: Any, mode: Any) -> list[dict[str, str]]:
    """``[{"name", "mode"}, ...]`` from a metric (or list) and a mode (or list)."""
    metric_list = [metric] if isinstance(metric, str) else metric
    if not isinstance(metric_list, Sequence) or not metric_list:
        raise ValueError(f"metric: expected a scalar name or a list of them, got {metric!r}")
    for entry in metric_list:
        validation.check_name(entry, "metric")
    if isinstance(mode, str):
        modes = [mode] * len(metric_list)
    elif isinstance(mode, Sequence) and len(mode) == len(metric_list):
        modes = list(mode)
    else:
        raise ValueError(
            f"mode: expected 'max', 'min' or one of them per metric ({len(metric_list)}), "
            f"got {mode!r}"
        )
    for entry in modes:
        sweep_kind.check_mode(entry)
    if len(set(metric_list)) != len(metric_list):
        raise ValueError(f"metric: a metric appears more than once in {list(metric_list)}")
    return [{"name": m, "mode": d} for m, d in zip(metric_list, modes, strict=True)]


# ---------------------------------------------------------------------- domains
def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, numbers.Real):
        return "float"
    return "str"


def check_domains(params: Any) -> dict[str, dict]:
    """User-given domains (see :func:`log_sweep`) as :func:`hparams.experiment_value` takes."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params: expected a dict of param name to domain, got {params!r:.80}")
    out: dict[str, dict] = {}
    for name, spec in params.items():
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"params: names must be non-empty str, got {name!r}")
        where = f"params[{name!r}]"
        if spec in (float, int):
            out[name] = {"type": "float"}
        elif spec is str:
            out[name] = {"type": "str"}
        elif spec is bool:
            out[name] = {"type": "bool"}
        elif isinstance(spec, tuple):
            if len(spec) != 2 or not all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
                for v in spec
            ):
                raise ValueError(
                    f"{where}: an interval is (low, high) of finite numbers, got {spec!r}"
                )
            low, high = float(spec[0]), float(spec[1])
            if not low <= high:
                raise ValueError(f"{where}: low {spec[0]!r} is above high {spec[1]!r}")
            out[name] = {"type": "float", "min": low, "max": high}
        elif isinstance(spec, list):
            if not spec:
                raise ValueError(f"{where}: a discrete domain needs at least one value")
            kinds = {_value_type(v) for v in spec}
            if len(kinds) != 1:
                raise ValueError(
                    f"{where}: the values of a discrete domain are all numbers, all str or all "
                    f"bool, got {spec!r:.80}"
                )
            (kind,) = kinds
            if kind == "float" and not all(math.isfinite(v) for v in spec):
                raise ValueError(f"{where}: values must be finite, got {spec!r:.80}")
            values = [float(v) if kind == "float" else v for v in spec]
            out[name] = {"type": kind, "values": _unique(values)}
        else:
            raise TypeError(
                f"{where}: expected a list of values, a (low, high) tuple or a type, "
                f"got {spec!r:.80}"
            )
    return out


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def infer_domains(trial_params: Iterable[Mapping[str, Any]]) -> dict[str, dict]:
    """Domains from the params the trials had: discrete for str, bool and numbers with few
    distinct values (at most :data:`MAX_DISCRETE`), else the interval of the numbers seen."""
    seen: dict[str, list[Any]] = {}
    for params in trial_params:
        for name, value in params.items():
            seen.setdefault(name, []).append("None" if value is None else value)
    out: dict[str, dict] = {}
    for name, values in seen.items():
        kinds = {_value_type(v) for v in values}
        distinct = _unique(float(v) if kinds == {"float"} else v for v in values)
        if len(kinds) != 1:
            out[name] = {"type": "str", "values": sorted(str(v) for v in distinct)}
        elif kinds == {"float"} and len(distinct) > MAX_DISCRETE:
            out[name] = {"type": "float", "min": min(distinct), "max": max(distinct)}
        elif kinds == {"str"} and len(distinct) > 10 * MAX_DISCRETE:
            out[name] = {"type": "str"}
        else:
            out[name] = {"type": next(iter(kinds)), "values": sorted(distinct)}
    return out


def merge_domains(old: Mapping[str, dict], new: Mapping[str, dict]) -> dict[str, dict]:
    """``old`` widened by ``new`` (a param's domain grows to hold both)."""
    out = dict(old)
    for name, domain in new.items():
        before = out.get(name)
        if before is None or before == domain:
            out[name] = domain
        elif before["type"] != domain["type"]:
            out[name] = {"type": "str"}
        elif "values" in before and "values" in domain:
            values = _unique([*before["values"], *domain["values"]])
            if before["type"] == "float" and len(values) > MAX_DISCRETE:
                out[name] = {"type": "float", "min": min(values), "max": max(values)}
            else:
                out[name] = {**before, "values": sorted(values)}
        elif before["type"] == "float" and ("min" in before or "values" in before):
            low = min(_bounds(before)[0], _bounds(domain)[0])
            high = max(_bounds(before)[1], _bounds(domain)[1])
            out[name] = {"type": "float", "min": low, "max": high}
        else:
            out[name] = {"type": before["type"]}
    return out


def _bounds(domain: Mapping[str, Any]) -> tuple[float, float]:
    if "values" in domain:
        return min(domain["values"]), max(domain["values"])
    if "min" in domain:
        return domain["min"], domain["max"]
    return math.inf, -math.inf


# ---------------------------------------------------------------------- the experiment root
def absolute_logdir(logdir: str | os.PathLike) -> str:
    """``logdir`` made absolute (trials run in other working directories); a URL such as
    ``s3://bucket/runs`` is kept as it is."""
    if not isinstance(logdir, (str, os.PathLike)):
        raise TypeError(f"logdir: expected a path, got {type(logdir).__name__}")
    text = os.fspath(logdir)
    return text if "://" in text else os.path.abspath(text)


def experiment_root(logdir: str | os.PathLike, experiment: Any) -> str:
    if not isinstance(logdir, (str, os.PathLike)):
        raise TypeError(f"logdir: expected a path, got {type(logdir).__name__}")
    name = validation.check_path_component(experiment, "experiment")
    return remote.join(os.fspath(logdir), name)


def read_sweep_record(directory: str) -> tuple[int, dict[str, Any] | None]:
    """``(last step, record)`` of the sweep record in ``directory`` (``(-1, None)`` if none)."""
    from tb_eval.reader import event_files, read_run

    if not remote.isdir(directory) or not event_files(directory):
        return -1, None
    documents = read_run(directory).documents.get(sweep_kind.KIND, {}).get("record", [])
    if not documents:
        return -1, None
    step, document = max(documents, key=lambda entry: entry[0])
    try:
        return step, sweep_kind.check(document)
    except ValueError:
        return step, None


def is_experiment_root(directory: str) -> bool:
    """True for a directory holding a sweep record or HParams' experiment config, and no run
    record (the sweep, not one of its runs)."""
    from tb_eval.reader import event_files, read_run

    if not remote.isdir(directory) or not event_files(directory):
        return False
    plugins = read_run(directory).plugins
    ours = sweep_kind.TAG in plugins or hparams.EXPERIMENT_TAG in plugins
    return ours and run_record.TAG not in plugins


def write_experiment_root(
    logdir: str | os.PathLike,
    experiment: str,
    metrics: list[dict[str, str]],
    domains: Mapping[str, dict] | None,
    shown_metrics: list[str] | None,
    source: str,
) -> str:
    """Write (or replace) the root event file of ``<logdir>/<experiment>``: the sweep record
    (with ``metrics``, the objectives) and, with ``domains``, HParams' experiment config
    showing ``shown_metrics``. Nothing is written when both are missing."""
    from tb_eval.reader import event_files, read_run

    directory = experiment_root(logdir, experiment)
    record = None
    if metrics:
        record = sweep_kind.check(
            {
                "experiment": experiment,
                "metric": metrics[0]["name"],
                "mode": metrics[0]["mode"],
                "metrics": metrics,
                "source": source,
            }
        )
    if record is None and domains is None:
        return directory
    if not remote.is_url(directory):
        os.makedirs(directory, exist_ok=True)
    old_files = event_files(directory)
    step = 0
    if old_files:
        data = read_run(directory)
        if run_record.TAG in data.plugins:
            raise FileExistsError(
                f"experiment: {directory!r} holds a run, not a sweep; choose another experiment"
            )
        step = data.last_steps.get(sweep_kind.TAG, -1) + 1
    now = time.time()
    content = file_version_event(now)
    if record is not None:
        tensor = sweep_kind.encode(record)
        content += encode_event(
            now, step, [common.summary_value(sweep_kind.TAG, tensor, sweep_kind.metadata())]
        )
    if domains is not None:
        config = hparams.experiment_value(dict(domains), list(shown_metrics or []), now)
        content += encode_event(now, 0, [config])
    if remote.is_url(directory):  # one whole object, sorting after the old ones they replace
        remote.replace_event_file(directory, lambda local: _write_file(local, content))
        return directory
    final = os.path.join(directory, event_file_name(directory=directory))
    partial = os.path.join(directory, f".sweep-{os.getpid()}-{time.monotonic_ns()}.partial")
    with open(partial, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, final)  # complete before it has a name TensorBoard reads
    for path in old_files:
        with contextlib.suppress(FileNotFoundError):  # another writer replaced it first
            os.remove(path)
    return directory


# ---------------------------------------------------------------------- trial directories
_UNSAFE = re.compile(r'[/\\"\x00-\x1f]')


def safe_run_name(text: str) -> str:
    """A framework's trial name as one directory name: ``/``, ``\\``, ``"`` and control
    characters become ``_`` (a name such as Ray's ``trial_name_creator`` may give)."""
    name = _UNSAFE.sub("_", str(text)).strip() or "trial"
    if name in (".", "..") or "tfevents" in name:
        name = f"trial-{name.replace('.', '_')}"
    return name


def claim_run_directory(experiment_dir: str, name: str, owner: str = "") -> tuple[str, str]:
    """``(run name, directory)`` of a new, empty directory ``<experiment_dir>/<name>`` made by
    this call (``name-2``, ``name-3``, ... when taken), so two trials of one name never share
    a run, even from two processes (``mkdir`` is atomic). ``experiment_dir`` may be a URL: the
    run's prefix is then claimed with a conditional put (:func:`tb_eval.io.remote.claim_run`,
    ``owner`` is written in the claim)."""
    base = validation.check_path_component(name, "run_name")
    if remote.is_url(experiment_dir):
        return remote.claim_run(experiment_dir, base, owner)
    os.makedirs(experiment_dir, exist_ok=True)
    candidate, number = base, 1
    while True:
        directory = os.path.join(experiment_dir, candidate)
        try:
            os.mkdir(directory)
            return candidate, directory
        except FileExistsError:
            number += 1
            candidate = f"{base}-{number}"


def _write_file(directory: str, content: bytes) -> None:
    with open(os.path.join(directory, event_file_name(directory=directory)), "wb") as handle:
        handle.write(content)
