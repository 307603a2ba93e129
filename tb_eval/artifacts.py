"""Files uploaded to a run: copied in whole or not at all, read back by name.

An uploaded file ``name`` lives at ``<run directory>/artifacts/<name>``; the run record lists
``{"name", "size"}`` for each. Uploads are staged next to their destination and renamed into
place only once every file of the call is complete, so a failed call leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Sequence
from typing import Any

from tb_eval import validation
from tb_eval.io import remote
from tb_eval.kinds import run_record

_STAGED = ".partial"


def artifact_path(directory: str, name: str) -> str:
    """Where the uploaded file ``name`` of the run at ``directory`` lies."""
    return remote.join(directory, run_record.ARTIFACTS_DIR, *name.split("/"))


def check_source(path_or_stream: Any, argument: str = "path_or_stream") -> Any:
    """A path to an existing file, or a readable (binary or text) stream."""
    if isinstance(path_or_stream, (str, os.PathLike)):
        if not os.path.isfile(path_or_stream):
            raise FileNotFoundError(f"{argument}: no file at {os.fspath(path_or_stream)!r}")
        return path_or_stream
    if callable(getattr(path_or_stream, "read", None)):
        return path_or_stream
    raise TypeError(
        f"{argument}: expected a file path or a readable stream, got {path_or_stream!r}"
    )


def _copy(source: Any, destination: str, argument: str) -> None:
    if isinstance(source, (str, os.PathLike)):
        shutil.copyfile(source, destination)
        return
    with open(destination, "wb") as out:
        while True:
            chunk = source.read(1 << 20)
            if isinstance(chunk, str):
                chunk = chunk.encode("utf-8")
            elif not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise TypeError(
                    f"{argument}: the stream's read() returned {type(chunk).__name__}, "
                    "expected bytes or str"
                )
            if not chunk:
                return
            out.write(chunk)


def upload(
    directory: str,
    existing: Iterable[str],
    uploads: Sequence[tuple[str, Any]],
    argument: str = "path_or_stream",
) -> list[dict[str, Any]]:
    """Copy ``(name, path_or_stream)`` pairs into the run; their new record entries.

    Every name and source is checked before anything is written; the copies are staged and
    renamed into place only when all succeeded (no partial file is ever left).
    """
    taken = set(existing)
    checked: list[tuple[str, Any]] = []
    for name, source in uploads:
        clean = validation.check_artifact_name(name)
        if clean in taken:
            raise ValueError(f"name: a file named {clean!r} was already uploaded to this run")
        taken.add(clean)
        checked.append((clean, check_source(source, argument)))
    staged: list[tuple[str, str]] = []
    try:
        for clean, source in checked:
            destination = artifact_path(directory, clean)
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            partial = destination + _STAGED
            staged.append((partial, destination))
            _copy(source, partial, argument)
    except BaseException:
        for partial, _ in staged:
            with contextlib.suppress(OSError):
                os.remove(partial)
        raise
    entries = []
    for (clean, _), (partial, destination) in zip(checked, staged, strict=True):
        os.replace(partial, destination)
        entries.append({"name": clean, "size": os.path.getsize(destination)})
    return entries


def folder_uploads(name: str, path: str | os.PathLike) -> list[tuple[str, str]]:
    """``(artifact name, local path)`` for every file under the folder ``path``, named
    ``<name>/<relative path>``."""
    prefix = validation.check_artifact_name(name)
    if not isinstance(path, (str, os.PathLike)) or not os.path.isdir(path):
        raise FileNotFoundError(f"path: no folder at {path!r}")
    pairs = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for file_name in sorted(files):
            local = os.path.join(root, file_name)
            relative = os.path.relpath(local, path).replace(os.sep, "/")
            pairs.append((f"{prefix}/{relative}", local))
    if not pairs:
        raise ValueError(f"path: the folder {os.fspath(path)!r} holds no files")
    return pairs


def download(
    directory: str, uploaded: Sequence[str], name: Any, output_file_path: Any = None
) -> str:
    """Copy the uploaded file ``name`` to ``output_file_path`` (default: its base name in the
    working directory); returns the path written."""
    if not isinstance(name, str) or name not in uploaded:
        raise KeyError(f"name: no uploaded file {name!r} in run {directory!r}")
    if output_file_path is None:
        output_file_path = name.split("/")[-1]
    if not isinstance(output_file_path, (str, os.PathLike)):
        raise TypeError(f"output_file_path: expected a path, got {output_file_path!r}")
    target = os.fspath(output_file_path)
    if os.path.isdir(target):
        raise IsADirectoryError(f"output_file_path: {target!r} is a directory")
    parent = os.path.dirname(os.path.abspath(target))
    try:  # missing folders are made, as Azure ML's download_file does
        os.makedirs(parent, exist_ok=True)
    except OSError as error:
        raise OSError(
            f"output_file_path: cannot make the folder {parent!r} ({error.strerror})"
        ) from None
    partial = target + _STAGED
    try:
        remote.copy_file(artifact_path(directory, name), partial)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(partial)
        raise
    return target


def download_many(
    directory: str,
    uploaded: Sequence[str],
    prefix: Any = None,
    output_directory: Any = None,
    output_paths: Any = None,
    append_prefix: bool = True,
) -> list[str]:
    """Copy every uploaded file whose name starts with ``prefix`` (all when ``None``) under
    ``output_directory`` (default: the working directory), keeping their relative names."""
    if prefix is not None and not isinstance(prefix, str):
        raise TypeError(f"prefix: expected a str, got {prefix!r}")
    if output_directory is not None and not isinstance(output_directory, (str, os.PathLike)):
        raise TypeError(f"output_directory: expected a path, got {output_directory!r}")
    chosen = [name for name in uploaded if prefix is None or name.startswith(prefix)]
    if not chosen:
        raise KeyError(f"prefix: no uploaded file starts with {prefix!r} in run {directory!r}")
    if output_paths is not None:
        if isinstance(output_paths, (str, bytes)) or len(output_paths) != len(chosen):
            raise ValueError(
                f"output_paths: expected {len(chosen)} paths (one per file), got {output_paths!r}"
            )
        targets = [os.fspath(path) for path in output_paths]
    else:
        base = os.fspath(output_directory) if output_directory is not None else "."
        targets = []
        for name in chosen:
            relative = name if append_prefix or not prefix else name[len(prefix) :].lstrip("/")
            targets.append(os.path.join(base, *relative.split("/")))
    written = []
    for name, target in zip(chosen, targets, strict=True):
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        written.append(download(directory, uploaded, name, target))
    return written
