"""Reading a run back from its event files: ``get_metrics`` and :func:`open_run`.

This is a direct reader of the files tb_eval writes (and of any TensorBoard event file): framing
with the C CRC, ``Event`` parsing with protobuf's C backend, and columns gathered per tag. It
keeps every record, unlike TensorBoard's loaders, which sample.
"""

from __future__ import annotations

import contextlib
import glob
import os
import struct
import warnings
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tensorboard.compat.proto import event_pb2

from tb_eval import azureml, kinds, validation
from tb_eval.io import remote
from tb_eval.io.records import iter_records
from tb_eval.kinds import common, image, scalar, text
from tb_eval.record import RecordSurface, append_record


class CorruptRunError(ValueError):
    """Data of a run that cannot be decoded (a table or prediction blob, or a row history);
    the message names the event file and the tag. Damage that only loses records (a cut or
    garbled tail, a record that does not parse) is skipped with a :class:`CorruptRecordWarning`
    naming the file, and the rest of the run is read."""


class CorruptRecordWarning(UserWarning):
    """Records of an event file were skipped as unreadable; the message names the file."""


_FLOAT_STRUCT = struct.Struct("<f")


def event_files(directory: str) -> list[str]:
    """The event files directly inside ``directory``, in TensorBoard's (lexicographic) order."""
    if remote.is_url(directory):
        return remote.event_files(directory)
    return sorted(
        path
        for path in glob.glob(os.path.join(glob.escape(directory), "*tfevents*"))
        if os.path.isfile(path)
    )


@dataclass
class RunData:
    """Everything read from one run directory, grouped by kind and tag."""

    directory: str
    scalars: dict[str, tuple[list[int], list[float]]] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)
    lists: dict[str, list[np.ndarray]] = field(default_factory=dict)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    tables: dict[str, list[tuple[int, bytes]]] = field(default_factory=dict)
    images: dict[str, int] = field(default_factory=dict)
    blobs: dict[str, dict[str, list[tuple[int, bytes]]]] = field(default_factory=dict)
    documents: dict[str, dict[str, list[tuple[int, Any]]]] = field(default_factory=dict)
    record: dict[str, Any] = field(default_factory=dict)
    #: Every tag's plugin name, last step, and (for our own tags) parsed metadata content.
    plugins: dict[str, str] = field(default_factory=dict)
    last_steps: dict[str, int] = field(default_factory=dict)
    contents: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The event file each of our tags was last read from (named by decoding errors).
    sources: dict[str, str] = field(default_factory=dict)
    #: HParams' experiment config (``_hparams_/experiment``, first record not dropped by a
    #: restart) as ``(domains, metrics)`` (see :func:`tb_eval.kinds.hparams.parse_experiment`).
    experiment: tuple[dict[str, dict], list] | None = None
    #: The step of each entry of ``texts``, ``lists``, ``rows`` (keyed by field and key) and of
    #: each image record, so a restart (``SessionLog.START``) can drop the later ones.
    entry_steps: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def metrics(self, name: str | None = None) -> dict[str, Any]:
        """Azure's ``get_metrics`` shape: one value alone, several as a list; tables as columns;
        confusion matrices, accuracy tables, residuals and binned predictions as Azure's JSON
        documents."""
        out: dict[str, Any] = {}
        for tag, (_, values) in self.scalars.items():
            exact = self.lists.get(tag)
            if exact is not None and sum(len(part) for part in exact) == len(values):
                numbers = np.concatenate(exact).tolist()  # logged only via log_list: exact float64
            else:
                numbers = scalar.shortest_float32(np.asarray(values, dtype=np.float32))
            out[tag] = numbers[0] if len(numbers) == 1 and exact is None else numbers
        table_names = set(self.tables)
        for tag, strings in self.texts.items():
            if tag not in table_names:
                out[tag] = strings[0] if len(strings) == 1 else strings
        for tag, rows in self.rows.items():
            with self._decoding("rows", kinds.row.KIND, tag):
                out[tag] = kinds.row.rows_to_table(rows).to_dict()
        for tag, payloads in self.tables.items():
            with self._decoding("table", kinds.table.KIND, tag):
                tables = [kinds.table.decode(payload).to_dict() for _, payload in payloads]
            out[tag] = tables[0] if len(tables) == 1 else tables
        for tag, documents in self._azure_documents().items():
            out[tag] = documents[0] if len(documents) == 1 else documents
        if name is not None:
            if name not in out:
                raise KeyError(
                    f"name: no metric {name!r} in run {self.directory!r}{self._held(name)}"
                )
            return {name: out[name]}
        return out

    def _held(self, name: str) -> str:
        """What ``name`` holds when it is not a metric, for ``get_metrics``'s ``KeyError``."""
        kind = self.names_held().get(name)
        if kind == kinds.predictions.KIND:
            return f"; {name!r} holds predictions: use get_predictions({name!r})"
        if kind is None:
            return ""
        return f"; {name!r} holds {kind.replace('_', ' ')} data, which get_metrics does not return"

    def _azure_documents(self) -> dict[str, list[dict[str, Any]]]:
        """Per name, in step order, Azure's JSON documents of what ``log_confusion_matrix``,
        ``log_accuracy_table``, ``log_residuals`` and ``log_predictions(name, value)`` logged
        (a binned summary counts only when it holds the accuracy table it was logged from)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for tag, logged in self.documents.get(kinds.confusion.KIND, {}).items():
            out[tag] = [azureml.confusion_document(document) for _, document in logged]
        for tag, logged in self.documents.get(kinds.regression_bins.KIND, {}).items():
            out[tag] = [azureml.regression_document(document) for _, document in logged]
        summary = kinds.binned_summary
        for tag, payloads in self.blobs.get(summary.KIND, {}).items():
            with self._decoding("binned summary", summary.KIND, tag):
                metas = [summary.decode_meta(payload) for _, payload in payloads]
                tables = [
                    meta[summary.ACCURACY_TABLE] for meta in metas if summary.ACCURACY_TABLE in meta
                ]
                if not all(isinstance(table, dict) for table in tables):
                    raise ValueError("its accuracy table is not a JSON object")
            if tables:
                out[tag] = tables
        return out

    def predictions(self, name: str, step: int | None = None):
        """The predictions logged under ``name`` at ``step`` (default: the last one)."""
        from tb_eval.evaluation import Prepared

        logged = self.blobs.get(kinds.predictions.KIND, {}).get(name)
        if not logged:
            raise KeyError(f"name: no predictions {name!r} in run {self.directory!r}")
        if step is None:
            with self._decoding("predictions", kinds.predictions.KIND, name):
                return kinds.predictions.decode(logged[-1][1], Prepared.from_arrays)
        for logged_step, payload in logged:
            if logged_step == step:
                with self._decoding("predictions", kinds.predictions.KIND, name):
                    return kinds.predictions.decode(payload, Prepared.from_arrays)
        steps = [logged_step for logged_step, _ in logged]
        raise KeyError(f"step: no predictions {name!r} at step {step}; logged steps: {steps}")

    @contextlib.contextmanager
    def _decoding(self, what: str, kind: str, name: str) -> Iterator[None]:
        """Turn a decoding failure of ``name``'s data into a :class:`CorruptRunError` naming
        the event file it came from."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - whatever a damaged blob raises
            path = self.sources.get(common.our_tag(kind, name), self.directory)
            raise CorruptRunError(
                f"{path}: {what} {name!r} cannot be read ({type(error).__name__}: "
                f"{error!s:.200}); move the file out of the run, or log it again"
            ) from error

    def names_held(self) -> dict[str, str]:
        """The kind each logged name holds, as ``Run`` claims names (a table's Text tag shares
        its name: the table wins; kinds whose ``CLAIMS_NAME`` is false, such as lists and the
        run record, claim nothing of their own; a kind this version does not know claims its
        name)."""
        held: dict[str, str] = {}
        for tag, plugin in self.plugins.items():
            found = kinds.for_tag(plugin, tag)
            if found is None:
                continue
            if plugin != common.PLUGIN_NAME:
                held.setdefault(found.name, found.kind)
            elif found.module is None or found.module.CLAIMS_NAME:
                held[found.name] = found.kind
        return held

    def prediction_tasks(self) -> dict[str, str]:
        """The task of each predictions name (from its metadata)."""
        return {
            common.split_our_tag(tag)[1]: content["task"]
            for tag, content in self.contents.items()
            if content.get("task") and common.split_our_tag(tag)
        }

    @property
    def has_session(self) -> bool:
        """Whether the run holds an HParams session-start record (not dropped by a restart)."""
        start = kinds.hparams.START_TAG
        return self.plugins.get(start) == kinds.hparams.PLUGIN_NAME and start in self.last_steps

    def documents_of(self, kind: str, name: str) -> list[tuple[int, Any]]:
        """``(step, document)`` pairs of a JSON kind (``importance``, ``confusion``,
        ``regression_bins``)."""
        return list(self.documents.get(kind, {}).get(name, []))


def read_run(directory: str, *, restart_at: int | None = None) -> RunData:
    """Read every event file of the run at ``directory``.

    A ``SessionLog.START`` record (torch's ``purge_step``) drops what was read before it at
    its step or later, as TensorBoard's EventAccumulator does; ``restart_at`` reads the run as
    if one more followed its last file.

    Damaged files are read as far as they can be: a record that does not parse or does not
    hold what its tag promises is skipped, a corrupt record header ends its file (past it,
    record boundaries cannot be trusted), and each file with skipped records gives one
    :class:`CorruptRecordWarning` naming it.
    """
    if not remote.isdir(directory):
        raise FileNotFoundError(f"directory: no run at {directory!r}")
    data = RunData(directory)
    reader = _RecordReader(data)
    for path in event_files(directory):
        buffer = remote.read_bytes(path)
        records = iter_records(buffer, check_data_crc=False)
        skipped: list[str] = []
        while True:  # a record that raises is skipped; the generator goes on after it
            try:
                reader.read(path, records)
            except Exception as error:  # noqa: BLE001 - any damage in one record
                skipped.append(f"{type(error).__name__}: {error!s:.200}")
                continue
            break
        if skipped:
            warnings.warn(
                f"{path}: skipped {len(skipped)} unreadable record(s) (first: {skipped[0]})",
                CorruptRecordWarning,
                stacklevel=3,
            )
    if restart_at is not None:
        reader.restart(restart_at)
    last_steps = data.last_steps
    for tag, steps in reader.scalar_steps.items():
        values = reader.scalar_values[tag]
        if not steps:
            continue
        if any(b < a for a, b in zip(steps, steps[1:])):  # several writers: order by step
            order = np.argsort(np.asarray(steps), kind="stable")
            steps = [steps[i] for i in order]
            values = [values[i] for i in order]
        data.scalars[tag] = (steps, values)
        last_steps[tag] = max(last_steps.get(tag, -1), steps[-1])
    return data


class _RecordReader:
    """Gathers records into a :class:`RunData`; each record is taken whole or not at all."""

    def __init__(self, data: RunData) -> None:
        self.data = data
        self.kind_of: dict[str, tuple[str, str]] = {}
        self.scalar_steps: dict[str, list[int]] = defaultdict(list)
        self.scalar_values: dict[str, list[float]] = defaultdict(list)
        # Scalar records without metadata repeat the same bytes after the step: learn them
        # from the first fully parsed record of each tag and read the rest by slicing (4x
        # faster than protobuf).
        self.scalar_heads: dict[bytes, str] = {}
        #: Every step of each tag read through protobuf (scalars: ``scalar_steps``).
        self.tag_steps: dict[str, list[int]] = defaultdict(list)

    def read(self, path: str, records) -> None:
        data = self.data
        plugin_of = data.plugins
        last_steps = data.last_steps
        kind_of = self.kind_of
        scalar_steps, scalar_values = self.scalar_steps, self.scalar_values
        scalar_heads = self.scalar_heads
        parse = event_pb2.Event.FromString
        unpack_float = _FLOAT_STRUCT.unpack_from
        for payload in records:
            if payload[:1] == b"\x09" and len(payload) > 16:
                position = 9
                step = 0
                if payload[9] == 0x10:
                    if payload[10] < 0x80:
                        position, step = 11, payload[10]
                    elif payload[11] < 0x80:
                        position, step = 12, (payload[10] & 0x7F) | payload[11] << 7
                    else:
                        position, step = _read_varint(payload, 10)
                tag = scalar_heads.get(payload[position:-4])
                if tag is not None:
                    scalar_steps[tag].append(step)
                    scalar_values[tag].append(unpack_float(payload, len(payload) - 4)[0])
                    continue
            event = parse(payload)  # DecodeError: skipped by the caller
            if not event.HasField("summary"):
                if event.session_log.status == event_pb2.SessionLog.START:
                    self.restart(event.step)
                continue
            step = event.step
            for value in event.summary.value:
                tag = value.tag
                plugin = plugin_of.get(tag)
                if plugin is None:
                    if value.HasField("metadata"):
                        plugin = value.metadata.plugin_data.plugin_name
                    elif value.HasField("simple_value"):
                        plugin = scalar.PLUGIN_NAME
                    else:
                        continue
                    if plugin == common.PLUGIN_NAME:
                        found = kinds.for_tag(plugin, tag) or kinds.Found("", tag, None)
                        kind_of[tag] = found
                        data.contents[tag] = (found.module or common).parse_metadata(
                            value.metadata.plugin_data.content
                        )
                    plugin_of[tag] = plugin
                if plugin == scalar.PLUGIN_NAME:
                    scalar_steps[tag].append(step)
                    number = scalar.decode(value)
                    scalar_values[tag].append(number)
                    if len(event.summary.value) == 1 and not value.HasField("metadata"):
                        _learn_scalar_head(scalar_heads, payload, tag, value, number)
                    continue
                if plugin == text.PLUGIN_NAME:
                    string = text.decode(value.tensor)
                    if string is not None:
                        data.texts.setdefault(tag, []).append(string)
                        _note_step(data, "texts", tag, step)
                elif plugin == image.PLUGIN_NAME:
                    data.images[tag] = data.images.get(tag, 0) + 1
                    _note_step(data, "images", tag, step)
                elif plugin == common.PLUGIN_NAME:
                    _read_ours(data, kind_of[tag], step, value.tensor)
                    data.sources[tag] = path
                elif (
                    tag == kinds.hparams.EXPERIMENT_TAG
                    and data.experiment is None
                    and plugin == kinds.hparams.PLUGIN_NAME
                ):
                    data.experiment = kinds.hparams.parse_experiment(
                        value.metadata.plugin_data.content
                    )
                self.tag_steps[tag].append(step)
                if step > last_steps.get(tag, -1):
                    last_steps[tag] = step

    def restart(self, step: int) -> None:
        """A writer restarted at ``step`` (``SessionLog.START``, torch's ``purge_step``): drop
        every record read so far at ``step`` or later, in every tag, as TensorBoard's
        EventAccumulator does. The run record is a snapshot, not a series: the newest one
        read stays, and its sequence goes on."""
        data = self.data
        last_steps = data.last_steps
        for tag, steps in self.scalar_steps.items():
            if any(s >= step for s in steps):
                keep = [i for i, s in enumerate(steps) if s < step]
                values = self.scalar_values[tag]
                self.scalar_steps[tag] = [steps[i] for i in keep]
                self.scalar_values[tag] = [values[i] for i in keep]
        for tag, steps in self.tag_steps.items():
            if tag == kinds.run_record.TAG or not any(s >= step for s in steps):
                continue
            steps[:] = [s for s in steps if s < step]
            if steps:
                last_steps[tag] = max(steps)
            else:
                last_steps.pop(tag, None)
                if tag == kinds.hparams.EXPERIMENT_TAG:
                    data.experiment = None  # the next config read is the one kept
        for (where, key), steps in data.entry_steps.items():
            if not any(s >= step for s in steps):
                continue
            kept = [i for i, s in enumerate(steps) if s < step]
            if where == "images":
                data.images[key] = len(kept)
            else:
                entries = getattr(data, where)[key]
                getattr(data, where)[key] = [entries[i] for i in kept]
            steps[:] = [steps[i] for i in kept]
        for series in (data.tables, *data.blobs.values(), *data.documents.values()):
            for key, entries in series.items():
                series[key] = [entry for entry in entries if entry[0] < step]
        _drop_empty(data)


def _note_step(data: RunData, where: str, key: str, step: int) -> None:
    data.entry_steps.setdefault((where, key), []).append(step)


def _drop_empty(data: RunData) -> None:
    """Forget the names a restart left without records."""
    for series in (data.texts, data.lists, data.rows, data.images, data.tables):
        for key in [key for key, entries in series.items() if not entries]:
            del series[key]
    for by_kind in (data.blobs, data.documents):
        for series in by_kind.values():
            for key in [key for key, entries in series.items() if not entries]:
                del series[key]


def _read_varint(buffer: bytes, position: int) -> tuple[int, int]:
    """``(position after, value)`` of the varint at ``position``."""
    result = shift = 0
    while True:
        byte = buffer[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return position, result
        shift += 7


def _learn_scalar_head(
    heads: dict[bytes, str], payload: bytes, tag: str, value, number: float
) -> None:
    """Remember the constant bytes of ``tag``'s scalar records if they end with the float32
    (a ``simple_value``, or the ``float_val`` of a tensor scalar written before 0.2)."""
    tensor = value.tensor
    if not value.HasField("simple_value") and (
        tensor.dtype != 1 or len(tensor.float_val) != 1 or tensor.tensor_content
    ):
        return
    position = 9
    if payload[9] == 0x10:
        position, _ = _read_varint(payload, 10)
    expected = _FLOAT_STRUCT.pack(number)
    if payload.endswith(expected):
        heads[payload[position:-4]] = tag


def split_tag(tag: str) -> tuple[str, str]:
    return common.split_our_tag(tag) or ("", tag)


def _read_ours(data: RunData, found: kinds.Found, step: int, tensor) -> None:
    """One record of our plugin, decoded by its kind (kinds this version does not know are
    skipped)."""
    kind, name, module = found
    if module is None:
        return
    stored = common.stored_data(module.STORAGE, tensor)
    if module is kinds.series:
        data.lists.setdefault(name, []).append(kinds.series.decode(stored))
        _note_step(data, "lists", name, step)
    elif module is kinds.row:
        data.rows.setdefault(name, []).append(kinds.row.decode(stored, f"a row of {name!r}"))
        _note_step(data, "rows", name, step)
    elif module is kinds.table:  # decoded when read (get_metrics), so damage names its file
        data.tables.setdefault(name, []).append((step, stored))
    elif module is kinds.run_record:
        data.record = kinds.run_record.decode(stored)
    elif module.STORAGE == common.JSON:  # importance, confusion, sweep, eval_summary, ...
        data.documents.setdefault(kind, {}).setdefault(name, []).append(
            (step, module.decode(stored))
        )
    elif module.STORAGE == common.BLOB:  # predictions, binned summaries: decoded when read
        data.blobs.setdefault(kind, {}).setdefault(name, []).append((step, stored))


class StoredRun(RecordSurface):
    """A run read from disk, possibly written by another process: the reading half of ``Run``,
    and its record can still change as in Azure ML (``tag``, ``set_tags``, ``remove_tags``,
    ``add_properties``, ``display_name``): each change is a new event file of the run, which
    TensorBoard reads after the others. Files can be downloaded (``download_file(s)``)."""

    def __init__(self, directory: str) -> None:
        self.directory = os.fspath(directory)
        self._data = read_run(self.directory)
        self.name = self._data.record.get("name", os.path.basename(self.directory.rstrip("/")))
        self.experiment = validation.experiment_name(self._data.record.get("experiment"))

    def __repr__(self) -> str:
        return f"StoredRun(directory={self.directory!r}, status={self.status!r})"

    def _record(self) -> dict[str, Any]:
        return self._data.record

    def _commit(self, **changes: Any) -> None:
        record = self._data.record
        if all(record.get(key) == value for key, value in changes.items()):
            return
        updated = {**record, **changes}
        step = self._data.last_steps.get(kinds.run_record.TAG, -1) + 1
        append_record(self.directory, updated, step)
        self._data.record = updated
        self._data.last_steps[kinds.run_record.TAG] = step

    @property
    def status(self) -> str:
        """``running``, ``success``, ``failure``, ``canceled`` or ``unknown``."""
        return self._data.record.get("status", "unknown")

    def _metrics(self, name: str | None) -> dict[str, Any]:
        return self._data.metrics(name)

    def get_predictions(self, name: str, step: int | None = None):
        """The predictions logged under ``name`` (the last step unless ``step`` is given)."""
        return self._data.predictions(name, step)

    @property
    def parent(self) -> StoredRun | None:
        """The parent run, read from disk (``None`` for a top-level run)."""
        parent_dir = remote.parent(self.directory)
        if self._data.record.get("parent") is None or not event_files(parent_dir):
            return None
        return StoredRun(parent_dir)


def open_run(directory: str | os.PathLike) -> StoredRun:
    """Open a run directory written by tb_eval (finished, or still running in another process)
    to read its metrics, params, tags and files, download its files, and tag it or add
    properties to it."""
    return StoredRun(os.fspath(directory))
