"""``python -m tb_eval doctor LOGDIR``: find the files in a logdir that stop TensorBoard.

TensorBoard (2.21) takes any file whose name contains ``tfevents`` for an event file. Three
things in such files stop it, whatever wrote them (tb-eval never does):

- a frame whose valid, checksummed header claims an absurd length (more than 1 GiB beyond the
  end of the file): the Rust data server (``--load_fast=true``) allocates it and aborts at
  start-up, so TensorBoard does not start;
- a valid frame (both checksums right) holding bytes that are not an ``Event`` protobuf: the
  Python loader's reload thread (``--load_fast=false``) dies on it, and nothing reloads;
- a directory whose name contains ``tfevents``: the Python loader takes it for an event file
  and cannot load the run holding it.

Damage TensorBoard reads past is reported as a note: a record cut off at the end (a writer still
writing, or killed mid-record) is fine; a bad checksum makes both loaders stop reading that file
there. Only the standard library, ``crc32c`` and TensorBoard's protobufs are used.
"""

from __future__ import annotations

import json
import os
import shlex
import struct
from dataclasses import asdict, dataclass
from typing import Any, TextIO

#: A header claiming more than this many bytes past the end of its file is absurd.
ABSURD_LENGTH = 1 << 30
PROBLEM, NOTE = "problem", "note"

_HEADER = struct.Struct("<QI")
_CRC = struct.Struct("<I")


@dataclass(frozen=True)
class Finding:
    """One thing found in a logdir."""

    #: ``problem`` (stops TensorBoard) or ``note`` (TensorBoard reads past it).
    severity: str
    #: ``absurd_length``, ``not_protobuf``, ``tfevents_directory``, ``bad_header_crc``,
    #: ``bad_payload_crc``, ``truncated_tail`` or ``unreadable``.
    kind: str
    path: str
    #: Byte offset of the frame concerned (``None`` for a directory or an unreadable file).
    offset: int | None
    message: str
    fix: str


def _quoted(path: str) -> str:
    return shlex.quote(path)


def _move_out(path: str) -> str:
    return f"move it out of the logdir: mv {_quoted(path)} <somewhere outside the logdir>/"


def check_file(path: str, display: str | None = None) -> list[Finding]:
    """The findings for one event file (``display`` is the name shown for it)."""
    from crc32c import crc32c
    from google.protobuf.message import DecodeError
    from tensorboard.compat.proto import event_pb2

    def masked(data: bytes) -> int:
        crc = crc32c(data)
        return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF

    shown = display or path
    findings: list[Finding] = []
    try:
        size = os.path.getsize(path)
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        return [Finding(NOTE, "unreadable", shown, None, f"cannot be read ({error})", "")]
    with handle:
        offset = 0
        while offset < size:
            header = handle.read(12)
            if len(header) < 12:
                findings.append(_truncated(shown, offset, size))
                break
            length, header_crc = _HEADER.unpack(header)
            if masked(header[:8]) != header_crc:
                findings.append(
                    Finding(
                        NOTE,
                        "bad_header_crc",
                        shown,
                        offset,
                        f"the frame header at byte {offset} fails its checksum: TensorBoard stops "
                        f"reading this file there ({size - offset} bytes not shown)",
                        f"if the rest matters, cut the file before it: truncate -s {offset} "
                        f"{_quoted(path)}",
                    )
                )
                break
            remaining = size - offset - 12
            if length + 4 > remaining:
                if length - remaining > ABSURD_LENGTH:
                    findings.append(
                        Finding(
                            PROBLEM,
                            "absurd_length",
                            shown,
                            offset,
                            f"the frame at byte {offset} claims {length} bytes "
                            f"({_size(length)}) but the file has {remaining} left: TensorBoard's "
                            "data server (--load_fast=true) tries to allocate it and aborts at "
                            "start-up",
                            f"{_move_out(path)} (or keep what is before the frame: "
                            f"truncate -s {offset} {_quoted(path)})",
                        )
                    )
                else:
                    findings.append(_truncated(shown, offset, size))
                break
            payload = handle.read(length)
            (payload_crc,) = _CRC.unpack(handle.read(4))
            if masked(payload) != payload_crc:
                findings.append(
                    Finding(
                        NOTE,
                        "bad_payload_crc",
                        shown,
                        offset,
                        f"the record at byte {offset} fails its checksum: TensorBoard's Python "
                        "loader stops reading this file there; the data server skips the record",
                        f"if the rest matters, cut the file before it: truncate -s {offset} "
                        f"{_quoted(path)}",
                    )
                )
                break
            try:
                event_pb2.Event.FromString(payload)
            except DecodeError:
                findings.append(
                    Finding(
                        PROBLEM,
                        "not_protobuf",
                        shown,
                        offset,
                        f"the record at byte {offset} is a valid frame but not an Event protobuf: "
                        "TensorBoard's Python loader (--load_fast=false) stops reloading the "
                        "whole logdir on it; the data server skips the rest of the file",
                        f"{_move_out(path)}, then restart TensorBoard",
                    )
                )
                break
            offset += 12 + length + 4
    return findings


def _truncated(shown: str, offset: int, size: int) -> Finding:
    return Finding(
        NOTE,
        "truncated_tail",
        shown,
        offset,
        f"the last record (from byte {offset}, {size - offset} bytes) is cut off: fine -- a writer "
        "still writing, or one killed mid-record; TensorBoard ignores it",
        "nothing to do",
    )


def _size(length: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if length < 1024 or unit == "PiB":
            return f"{length:.1f} {unit}" if unit != "B" else f"{length} B"
        length /= 1024
    raise AssertionError  # pragma: no cover


def check_logdir(logdir: str | os.PathLike) -> list[Finding]:
    """Every finding for the event files (and ``tfevents`` directories) under ``logdir``."""
    root = os.fspath(logdir)
    if not os.path.isdir(root):
        raise FileNotFoundError(f"LOGDIR: no directory at {root!r}")
    findings: list[Finding] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in subdirectories:
            if "tfevents" in name:
                path = os.path.join(directory, name)
                renamed = os.path.join(directory, name.replace("tfevents", "tf-events"))
                findings.append(
                    Finding(
                        PROBLEM,
                        "tfevents_directory",
                        os.path.relpath(path, root),
                        None,
                        "a directory whose name contains 'tfevents': TensorBoard's Python loader "
                        "(--load_fast=false) takes it for an event file and cannot load its run "
                        "past it ('Unable to reload accumulator ... Is a directory' on every "
                        "reload); the data server skips it",
                        f"rename it: mv {_quoted(path)} {_quoted(renamed)}",
                    )
                )
        for name in sorted(files):
            if "tfevents" in name:
                path = os.path.join(directory, name)
                findings += check_file(path, os.path.relpath(path, root))
    return findings


def print_report(findings: list[Finding], logdir: str, out: TextIO, *, as_json: bool) -> None:
    """Write ``findings`` to ``out``, as text or as one JSON document."""
    problems = [f for f in findings if f.severity == PROBLEM]
    if as_json:
        document: dict[str, Any] = {
            "logdir": logdir,
            "ok": not problems,
            "problems": len(problems),
            "findings": [asdict(finding) for finding in findings],
        }
        out.write(json.dumps(document, indent=2) + "\n")
        return
    if not findings:
        out.write(f"{logdir}: no event file here stops TensorBoard.\n")
        return
    for finding in findings:
        label = "PROBLEM" if finding.severity == PROBLEM else "note"
        out.write(f"{label}: {finding.path}: {finding.message}\n")
        if finding.fix:
            out.write(f"  fix: {finding.fix}\n")
    notes = len(findings) - len(problems)
    verdict = (
        f"{len(problems)} problem(s) that stop TensorBoard"
        if problems
        else "nothing stops TensorBoard"
    )
    out.write(f"{logdir}: {verdict}; {notes} note(s).\n")
