"""``python tests/gcs_emulator.py start ...``: gcp-storage-emulator with its multipart uploads
read byte for byte.

The emulator parses a multipart upload (gcsfs's way of writing a small object) with Python's
``email`` parser, which is made for text lines: an object whose content ends with ``\\r`` loses
that byte. An event-file segment ends with a CRC, so about one segment in 256 was stored one
byte short and its last record was lost, which real GCS never does. Here the two parts (the
object's JSON metadata, then its content) are cut at the boundary instead.
"""

from __future__ import annotations

import json
import sys

from gcp_storage_emulator import server
from gcp_storage_emulator.__main__ import main

_read_data = server._read_data


def _parts(body: bytes, boundary: bytes) -> list[tuple[list[str], bytes]]:
    """``(header lines, content)`` of each part of a multipart ``body``, whose lines end with
    CRLF (RFC 2046) or LF (what gcsfs sends); the line end before a delimiter belongs to it."""
    newline = b"\r\n" if body.startswith(b"--" + boundary + b"\r\n") else b"\n"
    parts = []
    for chunk in (newline + body).split(newline + b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break  # the close delimiter
        headers, _, content = chunk.partition(newline * 2)
        lines = [line for line in headers.decode("latin-1").split(newline.decode()) if line]
        parts.append((lines, content))
    return parts


def _read_exact(request_handler, query):
    content_type = request_handler.headers.get("Content-Type") or ""
    if not content_type.startswith("multipart/related"):
        return _read_data(request_handler, query)
    raw = server._decode_raw_data(server._read_raw_data(request_handler), request_handler)
    boundary = content_type.split("boundary=", 1)[1].split(";", 1)[0].strip().strip('"')
    (_, meta), (headers, content) = _parts(raw, boundary.encode())
    part_type = "application/octet-stream"
    for line in headers:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-type":
            part_type = value.strip()
    return {"meta": json.loads(meta), "content": content, "content-type": part_type}


server._read_data = _read_exact

if __name__ == "__main__":
    main(sys.argv[1:])
