"""Everything the plugin reads, read through TensorBoard's data provider only.

The same calls work under both loaders (``--load_fast=true``: the Rust data server over gRPC;
``false``: the Python multiplexer). Reads that may carry large payloads go one run and one tag per
call, and blobs are fetched by the keys the provider hands out (never built by us).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from tensorboard import errors
from tensorboard.data import provider

from tb_eval import kinds
from tb_eval.kinds import common, run_record

logger = logging.getLogger(__name__)

#: ``downsample`` meaning "every record": the providers take an int, and 0 means *none*.
UNBOUNDED = 2**31 - 1


#: What decoding a corrupt or foreign payload of ours can raise (reported as a ``DataError``).
DECODE_ERRORS = (ValueError, KeyError, TypeError, IndexError)


def datum_at(data: list[Any], step: int | None) -> Any | None:
    """The datum of ``data`` (sorted by step) at ``step``; the newest when ``step`` is None;
    ``None`` when that step was not logged."""
    if step is None:
        return data[-1] if data else None
    return next((datum for datum in data if datum.step == step), None)


class DataError(Exception):
    """Data under our plugin name that cannot be decoded (a foreign or corrupt record)."""


def newest_record(data: list[Any]) -> dict[str, Any]:
    """The newest of a run's run records, as a JSON object; ``DataError`` when it is not one
    (its fields are checked where they are shown: ``run_record.shown_fields``)."""
    record = tensor_json(max(data, key=lambda d: d.step).numpy, "run record")
    if not isinstance(record, dict):
        raise DataError(f"run record: expected a JSON object, got {type(record).__name__}")
    return record


@dataclass(frozen=True)
class TagInfo:
    """One of our time series: which run, tag, kind and name, its newest step, its parsed
    metadata (the kind's ``parse_metadata``) and, when asked for, its steps."""

    run: str
    tag: str
    kind: str
    name: str
    max_step: int
    max_wall_time: float
    blob: bool
    #: The description logged with the series (``log_table(..., description=...)``), or "".
    description: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Every kept step, oldest first (``None`` unless :meth:`DataAccess.listing` read them).
    steps: list[int] | None = None

    @property
    def fits(self) -> bool:
        """Whether the series is stored as its kind stores it (a blob sequence for blob kinds,
        a tensor series for the others), i.e. was written by us."""
        module = kinds.KINDS.get(self.kind)
        return module is not None and (module.STORAGE == common.BLOB) == self.blob


def downsample_for(hint: int | None) -> int:
    """The ``downsample`` to pass for a ``--samples_per_plugin`` hint: 0 or none -> unbounded."""
    return hint if isinstance(hint, int) and hint > 0 else UNBOUNDED


def _filter(run: str, tag: str) -> provider.RunTagFilter:
    return provider.RunTagFilter(runs=[run], tags=[tag])


def tensor_json(value: Any, what: str) -> Any:
    """The JSON document held by a rank-0 string tensor (as a provider returns it)."""
    array = np.asarray(value)
    if array.dtype.kind not in "OSU" or array.size != 1:
        raise DataError(f"{what}: expected one JSON string, got {array.dtype} {array.shape}")
    raw = array.reshape(-1)[0]
    try:
        return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
    except (ValueError, UnicodeDecodeError) as error:
        raise DataError(f"{what}: not valid JSON ({error})") from None


class DataAccess:
    """Reads our plugin's data from a ``tensorboard.data.provider.DataProvider``."""

    def __init__(self, data_provider: provider.DataProvider, downsample: int = UNBOUNDED) -> None:
        self._provider = data_provider
        self.downsample = downsample

    @property
    def provider(self) -> provider.DataProvider:
        """The underlying data provider, for listings that span many runs and tags."""
        return self._provider

    # ------------------------------------------------------------------ listing
    def listing(
        self, ctx: Any, eid: str, only: tuple[str, str] | None = None, steps_of: Collection = ()
    ) -> list[TagInfo]:
        """Every tensor and blob-sequence series of ours (only the ``(run, tag)`` given), in
        run then tag order, with its kind's parsed metadata; the steps of the kinds
        ``steps_of`` are read too (blob references and tensors of those series only: one
        provider call per storage, a series TensorBoard cannot decode listed without steps)."""
        found = []
        listings = (
            (self._provider.list_tensors, False),
            (self._provider.list_blob_sequences, True),
        )
        filters = {}
        if only is not None:
            filters["run_tag_filter"] = _filter(*only)
        for list_series, is_blob in listings:
            by_run = list_series(ctx, experiment_id=eid, plugin_name=common.PLUGIN_NAME, **filters)
            for run_name, by_tag in by_run.items():
                for tag_name, series in by_tag.items():
                    kind = kinds.for_tag(common.PLUGIN_NAME, tag_name)
                    if kind is None:
                        continue
                    parse = (kind.module or common).parse_metadata
                    found.append(
                        TagInfo(
                            run_name,
                            tag_name,
                            kind.kind,
                            kind.name,
                            int(series.max_step or 0),
                            float(series.max_wall_time or 0.0),
                            is_blob,
                            series.description or "",
                            parse(getattr(series, "plugin_content", b"") or b""),
                        )
                    )
        found.sort(key=lambda info: (info.run, info.tag))
        for blob in (False, True):
            wanted = [i for i in found if i.kind in steps_of and i.blob == blob and i.fits]
            if not wanted:
                continue
            # One undecodable tensor (another writer's) must not fail the whole listing.
            by_run, _ = self.read_each(
                ctx,
                eid,
                sorted({info.run for info in wanted}),
                sorted({info.tag for info in wanted}),
                blob=blob,
            )
            steps = {
                (info.run, info.tag): sorted(
                    datum.step for datum in by_run.get(info.run, {}).get(info.tag) or []
                )
                for info in wanted
            }
            found = [
                replace(info, steps=steps[(info.run, info.tag)])
                if (info.run, info.tag) in steps
                else info
                for info in found
            ]
        return found

    def tag(self, ctx: Any, eid: str, run: str, tag: str, blob: bool) -> TagInfo | None:
        """One series, or ``None`` if the run has no such tag of ours."""
        return next(
            (info for info in self.listing(ctx, eid, (run, tag)) if info.blob == blob),
            None,
        )

    # ------------------------------------------------------------------ reading
    def tensors(self, ctx: Any, eid: str, run: str, tag: str) -> list[provider.TensorDatum]:
        """Every kept datum of one tensor series, by step; empty when there is none."""
        return self._read_one(self._provider.read_tensors, ctx, eid, run, tag)

    def blob_steps(
        self, ctx: Any, eid: str, run: str, tag: str
    ) -> list[provider.BlobSequenceDatum]:
        """The blob references of one blob-sequence series, by step (no payloads read); empty
        when the run has no such series."""
        return self._read_one(self._provider.read_blob_sequences, ctx, eid, run, tag)

    def _read_one(self, read: Any, ctx: Any, eid: str, run: str, tag: str) -> list[Any]:
        """One run's one series through the provider method ``read``, sorted by step."""
        try:
            by_run = read(
                ctx,
                experiment_id=eid,
                plugin_name=common.PLUGIN_NAME,
                downsample=self.downsample,
                run_tag_filter=_filter(run, tag),
            )
        except DECODE_ERRORS as error:
            raise DataError(f"TensorBoard cannot decode {tag!r} ({error})") from None
        return sorted(by_run.get(run, {}).get(tag) or [], key=lambda datum: datum.step)

    def blob(self, ctx: Any, datum: provider.BlobSequenceDatum, what: str) -> bytes:
        """The first blob of ``datum`` (our one-blob kinds)."""
        if not datum.values:
            raise DataError(f"{what}: step {datum.step} holds no blob")
        try:
            return bytes(self._provider.read_blob(ctx, blob_key=datum.values[0].blob_key))
        except errors.InvalidArgumentError as error:
            # The Rust data server cannot parse its own keys for a run or tag name JSON must
            # escape (``"``, ``\\``, control characters): the request was fine, the name is not.
            raise DataError(
                f"{what}: TensorBoard's data server cannot read this blob ({error}); "
                "run and table names holding '\"' or '\\' are readable only with "
                "--load_fast=false"
            ) from None

    def read_each(
        self, ctx: Any, eid: str, runs: list[str] | None, tags: list[str], blob: bool = False
    ) -> tuple[dict[str, dict[str, list[Any]]], dict[tuple[str, str], str]]:
        """Every kept datum of our series ``tags`` in ``runs`` (``None``: every run), and why
        a series could not be read, by (run, tag).

        One provider call reads them all. TensorBoard's providers decode every tensor of a
        call and fail the whole call on one they cannot decode (``dtype=0``, two strings in a
        rank-0 tensor, ...); then each series is read on its own, so a bad record spoils only
        its own series.
        """
        read = self._provider.read_blob_sequences if blob else self._provider.read_tensors
        listing = self._provider.list_blob_sequences if blob else self._provider.list_tensors
        kwargs = {"experiment_id": eid, "plugin_name": common.PLUGIN_NAME}
        try:
            found = read(
                ctx,
                downsample=self.downsample,
                run_tag_filter=provider.RunTagFilter(runs=runs, tags=tags),
                **kwargs,
            )
            return found, {}
        except DECODE_ERRORS:
            pass
        out: dict[str, dict[str, list[Any]]] = {}
        problems: dict[tuple[str, str], str] = {}
        listed = listing(ctx, run_tag_filter=provider.RunTagFilter(runs=runs, tags=tags), **kwargs)
        for run, by_tag in sorted(listed.items()):
            for tag in sorted(by_tag):
                try:
                    one = read(
                        ctx, downsample=self.downsample, run_tag_filter=_filter(run, tag), **kwargs
                    )
                except DECODE_ERRORS as error:
                    problems[(run, tag)] = f"TensorBoard cannot decode {tag!r} ({error})"
                    continue
                out.setdefault(run, {}).update(one.get(run, {}))
        return out, problems

    def run_records(self, ctx: Any, eid: str) -> dict[str, dict[str, Any] | DataError]:
        """The newest run record of every run that has one, or the ``DataError`` saying why it
        cannot be read."""
        by_run, problems = self.read_each(ctx, eid, None, [run_record.TAG])
        records: dict[str, dict[str, Any] | DataError] = {
            run: DataError(f"run record: {problem}") for (run, _), problem in problems.items()
        }
        for run, by_tag in by_run.items():
            data = by_tag.get(run_record.TAG)
            if data:
                try:
                    records[run] = newest_record(data)
                except DataError as error:
                    records[run] = error
        return records

    def run_record(self, ctx: Any, eid: str, run: str) -> dict[str, Any]:
        """The newest run record of ``run``; ``NotFoundError`` if it has none, ``DataError``
        if it cannot be read."""
        try:
            data = self.tensors(ctx, eid, run, run_record.TAG)
        except DataError as error:
            raise DataError(f"run {run!r}: run record: {error}") from None
        if not data:
            raise errors.NotFoundError(f"no tb_eval run {run!r}")
        try:
            return newest_record(data)
        except DataError as error:
            raise DataError(f"run {run!r}: {error}") from None

    def logdir(self, ctx: Any, eid: str) -> str:
        """Where the runs live on disk (``--logdir``), as the provider reports it."""
        metadata = self._provider.experiment_metadata(ctx, experiment_id=eid)
        location = getattr(metadata, "data_location", "") if metadata is not None else ""
        if not location:
            raise errors.NotFoundError("TensorBoard does not report a log directory")
        return os.path.expanduser(location)
