"""One self-contained HTML file with the evaluation dashboards of a logdir: no server, no network.

:func:`report` loads the logdir with TensorBoard's Python loader (``EventMultiplexer`` and
``MultiplexerDataProvider``), builds the real ``tb_eval`` plugin over it and calls its routes for
every URL the dashboards ask for (listings, reports, threshold tables, trends, comparisons,
importances, confusion matrices), so the report holds exactly what the plugin serves. The
answers, the frontend bundle and its fonts are inlined into one HTML page; the bundle answers
its requests from the page (report mode) instead of fetching them.

Safety: the data is embedded as ``<script type="application/json">`` with ``<``, ``>`` and
``&`` escaped, so no logged string can close the element; the page's Content-Security-Policy
allows only the one inline module (by its SHA-256) and no connection at all, and the frontend
renders every logged string as text. Documented in ``docs/report.md``.

Only the standard library is imported at module level; TensorBoard and the plugin are imported
when a report is built.
"""

from __future__ import annotations

import base64
import datetime as _dt
import fnmatch
import hashlib
import html
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["ReportError", "report"]

#: Rows of each threshold table, as the Classification dashboard asks for them
#: (``THRESHOLD_POINTS`` in ``frontend/src/dashboards/classification/state.ts``).
THRESHOLD_POINTS = 1000
#: Multiclass/multilabel reports carry the threshold tables of at most this many classes (the
#: first ones in label order; ~130 KB each); the others say "not in this report" in the
#: threshold panel.
DEFAULT_MAX_CLASSES = 10
#: ``id`` of the element that holds the data; the bundle boots in report mode when it exists
#: (``REPORT_DATA_ID`` in ``frontend/src/report/data.ts``).
DATA_ELEMENT_ID = "tbe-report-data"
#: Format of the embedded document (``version``).
FORMAT_VERSION = 1

_STEP_ROUTES = ("/evaluation", "/importance", "/confusion", "/regression_bins")
Params = list[tuple[str, str]]


class ReportError(ValueError):
    """A report cannot be written: bad arguments or nothing to report. The message names the
    argument and the value."""


def _js_string(value: Any) -> str:
    """``String(value)`` in JavaScript for a JSON label (the frontend's ``labels.map(String)``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _patterns(value: str | Iterable[str] | None, argument: str) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    for item in items:
        if not isinstance(item, str) or item == "":
            raise ReportError(f"{argument}: expected non-empty strings, got {item!r}")
    return items


def _select(names: Sequence[str], patterns: list[str], argument: str, what: str) -> set[str]:
    """The names matching any of ``patterns`` (glob syntax, case-sensitive); every pattern must
    match something."""
    if not patterns:
        return set(names)
    chosen: set[str] = set()
    for pattern in patterns:
        hits = {n for n in names if fnmatch.fnmatchcase(n, pattern)}
        if not hits:
            known = ", ".join(sorted(set(names))[:20]) or "none"
            raise ReportError(f"{argument} {pattern!r} matches no {what} (there are: {known})")
        chosen |= hits
    return chosen


class _Plugin:
    """The tb_eval plugin over ``logdir``, loaded once with TensorBoard's Python loader."""

    def __init__(self, logdir: str) -> None:
        import argparse

        from tensorboard.backend.event_processing import (
            data_ingester,
            plugin_event_multiplexer,
        )
        from tensorboard.backend.event_processing.data_provider import (
            MultiplexerDataProvider,
        )
        from tensorboard.plugins import base_plugin
        from werkzeug.test import Client

        from tb_plugin.loader import DEFAULT_CACHE_MB, PLUGIN_NAME
        from tb_plugin.plugin import TbEvalPlugin

        guidance = dict(data_ingester.DEFAULT_TENSOR_SIZE_GUIDANCE)
        guidance[PLUGIN_NAME] = 0  # keep every record, as the plugin's loader makes TensorBoard do
        multiplexer = plugin_event_multiplexer.EventMultiplexer(
            size_guidance=data_ingester.DEFAULT_SIZE_GUIDANCE,
            tensor_size_guidance=guidance,
            max_reload_threads=1,
        )
        multiplexer.AddRunsFromDirectory(logdir)
        multiplexer.Reload()
        provider = MultiplexerDataProvider(multiplexer, logdir)
        context = base_plugin.TBContext(
            data_provider=provider,
            flags=argparse.Namespace(tb_eval_cache_mb=DEFAULT_CACHE_MB, logdir=logdir),
            logdir=logdir,
            multiplexer=multiplexer,
            sampling_hints={PLUGIN_NAME: 0},
        )
        self._clients = {
            path: Client(app) for path, app in TbEvalPlugin(context).get_plugin_apps().items()
        }

    def get(self, path: str, params: Params) -> tuple[int, Any]:
        """Status and decoded JSON body of ``GET <path>?<params>``."""
        with warnings.catch_warnings():
            # numpy's overflow/invalid warnings inside the plugin's rounding are handled there
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="tb_plugin")
            response = self._clients[path].get(path, query_string=params)
        return response.status_code, json.loads(response.get_data())


class _Collector:
    """Calls routes and keeps ``[path, params, status, body]`` for each, once per URL."""

    def __init__(self, plugin: _Plugin) -> None:
        self._plugin = plugin
        self.responses: list[list[Any]] = []
        self._seen: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[int, Any]] = {}

    def get(self, path: str, **params: Any) -> tuple[int, Any]:
        pairs: Params = []
        for key, value in params.items():
            if value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                pairs.append((key, str(item)))
        key = (path, tuple(pairs))
        if key not in self._seen:
            status, body = self._plugin.get(path, pairs)
            self._seen[key] = (status, body)
            self.responses.append([path.lstrip("/"), [list(p) for p in pairs], status, body])
        return self._seen[key]


def _check_output(output: str | os.PathLike[str]) -> Path:
    if not isinstance(output, (str, os.PathLike)) or os.fspath(output) == "":
        raise ReportError(f"output (-o): expected a file path, got {output!r}")
    path = Path(os.fspath(output)).expanduser()
    if path.is_dir():
        raise ReportError(f"output (-o) {os.fspath(output)!r} is a directory, expected a file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ReportError(
            f"output (-o) {os.fspath(output)!r}: directory {str(parent)!r} does not exist"
        )
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ReportError(f"output (-o) {os.fspath(output)!r} is not writable")
    return path


def _write_atomically(path: Path, text: str, output: Any) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``: a
    failure leaves ``path`` as it was."""
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        raise ReportError(
            f"output (-o) {os.fspath(output)!r} cannot be written: {error.strerror or error}"
        ) from error
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)


def _static_file(name: str) -> bytes:
    from importlib import resources

    resource = resources.files("tb_plugin").joinpath("static", *name.split("/"))
    try:
        return resource.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"the frontend bundle is missing: tb_plugin/static/{name} (build it with "
            "`cd frontend && npm ci && npm run build`)"
        ) from None


def _script_safe(text: str) -> str:
    """JavaScript source that cannot end its ``<script>`` element early: ``</script`` and ``<!--``
    become the same characters spelled with ``\\u`` escapes (which mean the same inside JavaScript
    strings, templates and regular expressions, the only places they can occur)."""
    import re

    text = re.sub(r"</(script)", r"<\\u002f\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "\\u003c!--")


def _json_safe(document: Any) -> str:
    """``document`` as JSON that is inert inside ``<script type="application/json">``."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _font_css() -> str:
    rules = []
    for weight in (400, 500):
        data = base64.b64encode(_static_file(f"fonts/roboto-latin-{weight}-normal.woff2"))
        rules.append(
            f"@font-face{{font-family:Roboto;font-style:normal;font-weight:{weight};"
            f"font-display:swap;src:url(data:font/woff2;base64,{data.decode('ascii')}) "
            "format('woff2')}"
        )
    return "\n".join(rules)


def render_html(document: dict[str, Any], title: str) -> str:
    """The report page: ``document`` (the embedded data), the bundle and the fonts inlined."""
    bundle = _script_safe(_static_file("index.js").decode("utf-8"))
    digest = base64.b64encode(hashlib.sha256(bundle.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; font-src data:; img-src data: blob:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="tb-eval report">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{_font_css()}\nhtml,body{{margin:0;height:100%}}</style>\n"
        '</head>\n<body>\n<div id="tbe-app"></div>\n'
        f'<script id="{DATA_ELEMENT_ID}" type="application/json">{_json_safe(document)}</script>\n'
        f'<script type="module">{bundle}</script>\n'
        "</body>\n</html>\n"
    )


#: The keys of ``/evaluations`` a report keeps entries of (``regression_bins`` only when listed).
DOCUMENT_KEYS = ("evaluations", "importances", "confusions", "regression_bins")


def _filter_listing(
    listing: dict[str, list[dict[str, Any]]],
    runs: set[str],
    names: list[str],
    step: int | None,
    note: Callable[[str], None],
) -> dict[str, list[dict[str, Any]]]:
    keys = [key for key in DOCUMENT_KEYS if key in listing]
    everything = [e for key in keys for e in listing[key]]
    chosen_names = _select(
        [e["name"] for e in everything if e["run"] in runs],
        names,
        "names (--name) pattern",
        "evaluation name in the chosen runs",
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for key in keys:
        kept = [e for e in listing[key] if e["run"] in runs and e["name"] in chosen_names]
        if step is not None:
            lacking = [e for e in kept if step not in e["steps"]]
            for e in lacking:
                note(f"left out {e['run']}: {e['name']} (no step {step}; it has {e['steps']})")
            kept = [e for e in kept if step in e["steps"]]
        out[key] = kept
    return out


def _collect(
    get: Callable[..., tuple[int, Any]],
    listing: dict[str, list[dict[str, Any]]],
    step: int | None,
    max_classes: int,
    note: Callable[[str], None],
) -> None:
    """Request every URL the dashboards ask for, for the entries of ``listing``."""
    evaluations = listing["evaluations"]
    tasks: dict[tuple[str, str], str | None] = {}
    for i, entry in enumerate(evaluations, 1):
        run, name = entry["run"], entry["name"]
        note(f"[{i}/{len(evaluations)}] {run}: {name}")
        status, body = get("/evaluation", run=run, name=name, step=step)
        if status != 200:
            continue
        task = body.get("task")
        tasks[(run, name)] = task
        get("/evaluation/trend", run=run, name=name)
        if task == "binary":
            get("/evaluation/thresholds", run=run, name=name, step=body["step"],
                points=THRESHOLD_POINTS)  # fmt: skip
        elif task in ("multiclass", "multilabel"):
            labels = [_js_string(label) for label in body.get("labels", [])]
            if len(labels) > max_classes:
                note(f"  threshold tables of the first {max_classes} of {len(labels)} classes")
            for label in labels[:max_classes]:
                get("/evaluation/thresholds", run=run, name=name, step=body["step"],
                    points=THRESHOLD_POINTS, **{"class": label})  # fmt: skip
    for entry in listing["importances"]:
        get("/importance", run=entry["run"], name=entry["name"], step=step)
    for entry in listing["confusions"]:
        get("/confusion", run=entry["run"], name=entry["name"], step=step)
    for entry in listing.get("regression_bins", []):
        get("/regression_bins", run=entry["run"], name=entry["name"], step=step)
    # Compare runs: one request per name over every run (the report answers any subset of it);
    # a task shown for a single run compares its first and last step.
    by_name: dict[str, list[dict[str, Any]]] = {}
    for entry in evaluations:
        by_name.setdefault(entry["name"], []).append(entry)
    for name, entries in by_name.items():
        note(f"compare {name}: {len(entries)} run(s)")
        get("/evaluation/compare", run=[e["run"] for e in entries], name=name, step=step)
        by_task: dict[str, list[dict[str, Any]]] = {}
        for e in entries:
            by_task.setdefault(e["task"] or "unknown", []).append(e)
        for group in by_task.values():
            if len(group) == 1 and group[0]["steps"]:
                only = group[0]
                for s in {only["steps"][0], only["steps"][-1]}:
                    get("/evaluation", run=only["run"], name=name, step=s)


def report(
    logdir: str | os.PathLike[str],
    output: str | os.PathLike[str] = "report.html",
    *,
    runs: str | Iterable[str] | None = None,
    names: str | Iterable[str] | None = None,
    step: int | None = None,
    title: str | None = None,
    max_classes: int = DEFAULT_MAX_CLASSES,
    progress: bool | Callable[[str], None] = False,
) -> Path:
    """Write one self-contained HTML file with the evaluation dashboards of ``logdir``.

    The file holds the frontend bundle, its fonts and the data inlined: opened from disk it
    needs no server and makes no request. It shows the Classification, Regression, Feature
    importance, Compare runs and Runs dashboards of the chosen runs and evaluations at their
    newest step (or ``step``), with the data the ``tb_eval`` TensorBoard plugin serves for them.

    Parameters
    ----------
    logdir : str or os.PathLike
        A directory of runs, as given to ``tensorboard --logdir``.
    output : str or os.PathLike, default "report.html"
        The HTML file to write (replaced atomically; its directory must exist).
    runs : str or iterable of str, optional
        Glob patterns (``fnmatch``, case-sensitive) of TensorBoard run names to include, e.g.
        ``"sweep/*"``; default every run. Each pattern must match a run.
    names : str or iterable of str, optional
        Glob patterns of evaluation, feature-importance and confusion-matrix names to include;
        default every name. Each pattern must match a name.
    step : int, optional
        Show this step instead of each evaluation's newest; entries without it are left out.
    title : str, optional
        The page title; default ``"tb-eval report: <logdir name>"``.
    max_classes : int, default 10
        Multiclass and multilabel evaluations carry the threshold tables (the threshold
        slider's data, ~130 KB each) of at most this many classes, the first in label order.
    progress : bool or callable, default False
        ``True`` prints progress lines to stderr; a callable receives each line instead.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    FileNotFoundError
        ``logdir`` does not exist, or the frontend bundle was not built.
    ReportError
        (a ``ValueError``) a bad argument, a pattern matching nothing, no runs or no evaluations
        to report, or an output that cannot be written. Nothing is written then.
    """
    if not isinstance(logdir, (str, os.PathLike)) or os.fspath(logdir) == "":
        raise ReportError(f"logdir: expected a directory path, got {logdir!r}")
    root = os.path.abspath(os.path.expanduser(os.fspath(logdir)))
    if not os.path.exists(root):
        raise FileNotFoundError(f"logdir {os.fspath(logdir)!r} does not exist")
    if not os.path.isdir(root):
        raise ReportError(f"logdir {os.fspath(logdir)!r} is not a directory")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0):
        raise ReportError(f"step (--step): expected a non-negative integer, got {step!r}")
    if isinstance(max_classes, bool) or not isinstance(max_classes, int) or max_classes < 0:
        raise ReportError(
            f"max_classes (--max-classes): expected a non-negative integer, got {max_classes!r}"
        )
    if title is not None and not isinstance(title, str):
        raise ReportError(f"title (--title): expected a string, got {title!r}")
    run_patterns = _patterns(runs, "runs (--run)")
    name_patterns = _patterns(names, "names (--name)")
    path = _check_output(output)
    if callable(progress):
        note = progress
    elif progress:

        def note(line: str) -> None:
            print(f"tb_eval report: {line}", file=sys.stderr, flush=True)

    else:

        def note(line: str) -> None:
            return None

    _static_file("index.js")  # fail before the long part when the bundle is missing

    note(f"loading {root}")
    collector = _Collector(_Plugin(root))
    status, all_runs = collector.get("/runs")
    if status != 200 or not all_runs["runs"]:
        raise ReportError(f"logdir {os.fspath(logdir)!r} has no runs")
    run_names = [r["run"] for r in all_runs["runs"]]
    chosen_runs = _select(run_names, run_patterns, "runs (--run) pattern", "run")
    status, full_listing = collector.get("/evaluations")
    if status != 200:
        raise ReportError(f"logdir {os.fspath(logdir)!r}: {full_listing.get('error')}")
    listing = _filter_listing(full_listing, chosen_runs, name_patterns, step, note)
    if not any(listing.values()):
        at = "" if step is None else f" at step {step}"
        raise ReportError(
            f"logdir {os.fspath(logdir)!r} has no evaluations{at} in the chosen runs and names "
            "(log some with run.log_predictions, log_feature_importance or log_confusion_matrix)"
        )
    runs_body = {"runs": [r for r in all_runs["runs"] if r["run"] in chosen_runs]}
    _collect(collector.get, listing, step, max_classes, note)

    answered = [["runs", [], 200, runs_body], ["evaluations", [], 200, listing]]
    answered += [r for r in collector.responses if r[0] not in ("runs", "evaluations")]
    # Identical answers (the newest step asked for with and without ``step``) are stored once.
    bodies: list[Any] = []
    index: dict[str, int] = {}
    responses = []
    for route_path, params, status, body in answered:
        key = json.dumps(body, sort_keys=True, separators=(",", ":"))
        if key not in index:
            index[key] = len(bodies)
            bodies.append(body)
        responses.append([route_path, params, status, index[key]])
    page_title = title if title is not None else f"tb-eval report: {os.path.basename(root) or root}"
    document = {
        "version": FORMAT_VERSION,
        "title": page_title,
        "logdir": os.path.basename(root) or root,
        "generated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "step": step,
        "maxClasses": max_classes,
        "stepRoutes": [r.lstrip("/") for r in _STEP_ROUTES] + ["evaluation/compare"],
        "responses": responses,
        "bodies": bodies,
    }
    text = render_html(document, page_title)
    _write_atomically(path, text, output)
    note(f"wrote {path} ({len(text.encode('utf-8')) / 1024:.0f} KB, {len(responses)} responses)")
    return path
