"""Remote logdirs: ``s3://``, ``gs://`` and any other fsspec URL.

Object stores have no append, so a run logging to a URL writes its files to a local *staging*
directory, exactly as it would to a local logdir, and a :class:`Mirror` uploads them:

- an event file is uploaded in *segments*: each upload sends only the complete records written
  since the previous one, as a new object named ``<event file name>.<segment, 6 digits>``. The
  names sort in writing order, and both TensorBoard loaders read a run's files in name order
  (the Python loader moves on to a name that sorts after the file it is on, as soon as it
  appears), so TensorBoard sees each segment as it lands, and nothing is ever uploaded twice;
- every other file (uploaded artifacts) is uploaded once, whole, before the event segments of
  the same pass (a run record never names a file that is not there yet).

Uploads happen in a background thread every :data:`UPLOAD_SECS` seconds
(``TB_EVAL_UPLOAD_SECS``), and synchronously in ``run.flush()``, ``run.complete()`` (and
``fail``/``cancel``), and ``upload_file``. What a crash can lose, and the time-outs, are in
``docs/guides/remote.md``.

Reading (:func:`event_files`, :func:`read_bytes`) and the plugin's ``/file`` route use the same
fsspec filesystems. Nothing here imports fsspec until a URL is used.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import struct
import tempfile
import threading
import uuid
import warnings
import weakref
from collections.abc import Callable
from typing import Any

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
#: Seconds between background uploads of a remote run (``TB_EVAL_UPLOAD_SECS`` overrides).
UPLOAD_SECS = 15.0
#: Longest time ``start_logging`` waits for the store to answer its probe.
PROBE_TIMEOUT_SECS = 30.0
#: botocore's connection and read time-outs (seconds) and attempts for ``s3://``.
S3_CONNECT_TIMEOUT, S3_READ_TIMEOUT, S3_ATTEMPTS = 10, 60, 3
#: Largest segment uploaded in one object (a single larger record still goes whole).
SEGMENT_BYTES = 64 << 20
#: The package to install for a URL scheme, and the extra that pulls it in.
_PACKAGES = {
    "s3": ("s3fs", "tb-eval[s3]"),
    "s3a": ("s3fs", "tb-eval[s3]"),
    "gs": ("gcsfs", "tb-eval[gcs]"),
    "gcs": ("gcsfs", "tb-eval[gcs]"),
}
_CREDENTIALS = {
    "s3": "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)",
    "gs": "GOOGLE_APPLICATION_CREDENTIALS (or run `gcloud auth application-default login`)",
}
_LENGTH = struct.Struct("<Q")
_STAMP = re.compile(r"(tfevents\.)(\d+)(\.)")
_mirrors: weakref.WeakSet[Mirror] = weakref.WeakSet()
_instances: dict[tuple, Any] = {}
_CONFIG_PREFIXES = ("AWS_", "GOOGLE_", "GCS", "FSSPEC", "S3_")


class RemoteLogdirError(OSError):
    """A remote logdir cannot be used: what is missing (a package, credentials, an endpoint)."""


def scheme(path: Any) -> str | None:
    """The URL scheme of ``path`` (``s3``, ``gs``, ...), ``None`` for a local path."""
    if not isinstance(path, str):
        return None
    found = _SCHEME.match(path.split("::")[-1])
    if found is None:
        return None
    name = found.group(1).lower()
    return None if name == "file" and "::" not in path else name


def is_url(path: Any) -> bool:
    """True for a remote (non-``file://``) URL."""
    return scheme(path) is not None


def local_path(path: str) -> str:
    """``file:///x`` is the local path ``/x``; anything else is returned as it is."""
    if isinstance(path, str) and path.lower().startswith("file://"):
        return path[len("file://") :] or "/"
    return path


def join(base: str, *parts: str) -> str:
    """``base/part/...`` for a URL (``os.path.join`` for a local path)."""
    if not is_url(base):
        return os.path.join(base, *parts)
    return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts if p)])


def parent(path: str) -> str:
    """The directory holding ``path`` (a local path or a URL)."""
    if not is_url(path):
        return os.path.dirname(os.path.normpath(path))
    return path.rstrip("/").rsplit("/", 1)[0]


# ---------------------------------------------------------------------- filesystems
def _options(protocol: str) -> dict[str, Any]:
    if protocol in ("s3", "s3a"):
        return {
            "config_kwargs": {
                "connect_timeout": S3_CONNECT_TIMEOUT,
                "read_timeout": S3_READ_TIMEOUT,
                "retries": {"max_attempts": S3_ATTEMPTS, "mode": "standard"},
            }
        }
    return {}


def _install_hint(protocol: str) -> str:
    package, extra = _PACKAGES.get(protocol, (None, None))
    if package:
        return f"install {package}: pip install '{extra}'"
    return f"install fsspec and the fsspec implementation for {protocol}://"


def filesystem(url: str, argument: str = "logdir") -> tuple[Any, str]:
    """``(fsspec filesystem, path inside it)`` for ``url``; a clear error naming what to
    install when the scheme has no installed implementation."""
    protocol = scheme(url) or "file"
    try:
        import fsspec
        import fsspec.core
    except ImportError:
        raise RemoteLogdirError(
            f"{argument}: {url!r} is a remote URL, which needs fsspec: {_install_hint(protocol)}"
        ) from None
    try:
        cls = fsspec.get_filesystem_class(protocol)
    except (ImportError, ValueError) as error:
        raise RemoteLogdirError(
            f"{argument}: {url!r}: no installed filesystem for {protocol}:// ({error}); "
            f"{_install_hint(protocol)}"
        ) from None
    try:
        if "::" in url:  # a chained URL (simplecache::s3://...): fsspec builds the chain
            return fsspec.core.url_to_fs(url, **_options(protocol))
        # One instance per process and configuration: fsspec's own cache ignores the
        # environment, so a changed endpoint or credentials would reuse a stale client.
        key = (protocol, os.getpid(), tuple(sorted(_configuration().items())))
        fs = _instances.get(key)
        if fs is None:
            fs = _instances[key] = cls(skip_instance_cache=True, **_options(protocol))
        return fs, fs._strip_protocol(url)
    except Exception as error:  # noqa: BLE001 - any construction failure, explained
        raise explain(error, url, argument) from error


def _configuration() -> dict[str, str]:
    """The environment variables that configure the stores' clients."""
    return {k: v for k, v in os.environ.items() if k.startswith(_CONFIG_PREFIXES)}


def explain(error: BaseException, url: str, argument: str = "logdir") -> RemoteLogdirError:
    """A :class:`RemoteLogdirError` saying what ``error`` means for ``url`` and what to set."""
    if isinstance(error, RemoteLogdirError):
        return error
    protocol = scheme(url) or "file"
    key = "s3" if protocol in ("s3", "s3a") else "gs" if protocol in ("gs", "gcs") else ""
    name = type(error).__name__
    text = f"{name}: {error}"
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if "Credential" in name or "credential" in str(error).lower():
        hint = f"no credentials were found; set {_CREDENTIALS.get(key, 'the credentials')}"
    elif isinstance(error, PermissionError) or "AccessDenied" in str(error):
        hint = "the credentials were refused; check them and the bucket's permissions"
    elif "Endpoint" in name or "Connect" in name or isinstance(error, ConnectionError):
        where = f"the endpoint {endpoint!r} (AWS_ENDPOINT_URL_S3)" if key == "s3" else "the store"
        hint = f"cannot reach {where}; check the URL and the network"
    elif isinstance(error, TimeoutError):
        hint = "the store did not answer in time; check the endpoint and the network"
    elif isinstance(error, FileNotFoundError):
        hint = "the bucket does not exist (or is not visible with these credentials); create it"
    else:
        hint = "see the error above"
    return RemoteLogdirError(f"{argument}: {url!r}: {hint} ({text})")


def _with_deadline(call: Callable[[], Any], seconds: float, what: str) -> Any:
    """``call()`` in a helper thread, given up after ``seconds`` (a store that never answers
    must not hang the caller)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            box["error"] = error

    thread = threading.Thread(target=target, name="tb_eval-remote", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"{what} got no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def probe(url: str, argument: str = "logdir", timeout: float | None = None) -> tuple[Any, str]:
    """Check that ``url`` can be written now (package, endpoint, credentials, bucket): write a
    small object under it and delete it. Returns ``(filesystem, path)``."""
    fs, path = filesystem(url, argument)
    probe_path = f"{path.rstrip('/')}/.tb_eval-probe-{uuid.uuid4().hex[:12]}"

    def write() -> None:
        fs.pipe_file(probe_path, b"tb_eval probe\n")
        with contextlib.suppress(Exception):
            fs.rm_file(probe_path)

    try:
        _with_deadline(write, PROBE_TIMEOUT_SECS if timeout is None else timeout, "the probe")
    except Exception as error:  # noqa: BLE001 - explained
        raise explain(error, url, argument) from error
    return fs, path


# ---------------------------------------------------------------------- reading
def _listing(fs: Any, path: str) -> list[dict[str, Any]]:
    with contextlib.suppress(Exception):
        fs.invalidate_cache(path)
    try:
        return fs.ls(path, detail=True)
    except FileNotFoundError:
        return []


def event_files(url: str) -> list[str]:
    """The event files directly under ``url``, as URLs, in name order."""
    fs, path = filesystem(url, "directory")
    found = [
        entry["name"]
        for entry in _listing(fs, path)
        if entry.get("type") == "file" and "tfevents" in entry["name"].rsplit("/", 1)[-1]
    ]
    return sorted(_url(fs, name) for name in found)


def _url(fs: Any, path: str) -> str:
    return fs.unstrip_protocol(path)


def isdir(path: str) -> bool:
    """``os.path.isdir`` for a local path or a URL (a prefix holding objects is a folder)."""
    if not is_url(path):
        return os.path.isdir(path)
    fs, inner = filesystem(path, "directory")
    return bool(_listing(fs, inner))


def read_bytes(path: str) -> bytes:
    """The content of the file at ``path`` (local or URL)."""
    if not is_url(path):
        with open(path, "rb") as handle:
            return handle.read()
    fs, inner = filesystem(path, "directory")
    return fs.cat_file(inner)


def copy_file(source: str, destination: str) -> None:
    """``shutil.copyfile`` whose source may be a URL."""
    if not is_url(source):
        shutil.copyfile(source, destination)
        return
    fs, inner = filesystem(source, "directory")
    fs.get_file(inner, destination)


def open_for_serving(path: str) -> tuple[Any, int]:
    """``(binary handle, size)`` of a local file or an object (for the plugin's ``/file``)."""
    if not is_url(path):
        handle = open(path, "rb")  # noqa: SIM115 - the caller closes it
        return handle, os.fstat(handle.fileno()).st_size
    fs, inner = filesystem(path, "logdir")
    size = fs.size(inner)
    return fs.open(inner, "rb"), int(size)


def resolve_artifact(logdir: str, run: str, parts: list[str], artifacts_dir: str):
    """The URL of a run's uploaded file under a remote ``logdir`` (``parts`` already checked to
    be plain relative names), or ``None`` and the reason. Object stores have no symlinks: the
    URL is built from checked parts only, so it cannot leave the logdir."""
    run_parts = [] if run in ("", ".") else run.split("/")
    if any(part in ("", ".", "..") for part in run_parts):
        return None, "cannot be served: the run's name leads out of the logdir"
    target = join(logdir, *run_parts, artifacts_dir, *parts)
    try:
        fs, inner = filesystem(target, "logdir")
        if not fs.isfile(inner):
            return None, "is not a file in the run's artifacts"
    except Exception as error:  # noqa: BLE001 - a store that cannot be read: refused, not 500
        return None, f"cannot be read from the store ({explain(error, logdir)})"
    return target, ""


def _sorted_after(name: str, existing: list[str]) -> str:
    """``name`` with its time stamp raised so it sorts after every name in ``existing``."""
    stamps = [int(m.group(2)) for m in map(_STAMP.search, existing) if m]
    found = _STAMP.search(name)
    if not stamps or found is None or int(found.group(2)) > max(stamps):
        return name
    stamp = f"{max(stamps) + 1:0{len(found.group(2))}d}"
    return name[: found.start(2)] + stamp + name[found.end(2) :]


def append_event_file(url: str, write: Callable[[str], None]) -> None:
    """Upload a new event file of the run at ``url``: ``write(local_directory)`` writes it
    locally; it is uploaded under a name that sorts after the run's existing files."""
    fs, path = filesystem(url, "directory")
    existing = [name.rsplit("/", 1)[-1] for name in event_files(url)]
    with tempfile.TemporaryDirectory(prefix="tb_eval-") as local:
        write(local)
        for name in sorted(os.listdir(local)):
            target = f"{path.rstrip('/')}/{_sorted_after(name, existing)}"
            fs.put_file(os.path.join(local, name), target)


#: The object that claims a run's name in an object-store sweep (see :func:`claim_run`).
CLAIM_NAME = ".tb_eval-claim"


def _put_new(fs: Any, path: str, data: bytes) -> None:
    """Write the object ``path`` only if it does not exist (else ``FileExistsError``): a
    conditional put (``If-None-Match: *``) on S3, which the store decides atomically; on other
    stores (and S3-API stores answering ``NotImplemented`` to it) a check, then the write."""
    if {"s3", "s3a"} & set(_protocols(fs)):
        try:
            fs.pipe_file(path, data, IfNoneMatch="*")  # s3fs raises FileExistsError on 412
            return
        except FileExistsError:
            raise
        except Exception as error:  # noqa: BLE001 - a store without conditional writes
            if not isinstance(error, NotImplementedError) and "NotImplemented" not in str(error):
                raise
    if fs.exists(path):
        raise FileExistsError(path)
    fs.pipe_file(path, data)


def _protocols(fs: Any) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)


def claim_run(experiment_url: str, name: str, owner: str = "") -> tuple[str, str]:
    """``(run name, URL)`` of a run prefix ``<experiment_url>/<name>`` (``name-2``, ``name-3``,
    ... when taken) claimed by this call: a prefix is taken when it holds any object; else
    this call writes its claim object (``.tb_eval-claim``, holding ``owner``) with a
    conditional put, so on S3 two claimers of one name never both win (elsewhere the check and
    the write are two requests)."""
    fs, path = filesystem(experiment_url, "logdir")
    candidate, number = name, 1
    while True:
        inner = f"{path.rstrip('/')}/{candidate}"
        if not _listing(fs, inner):
            try:
                _put_new(fs, f"{inner}/{CLAIM_NAME}", f"{owner}\n".encode())
                return candidate, join(experiment_url, candidate)
            except FileExistsError:
                pass
        number += 1
        candidate = f"{name}-{number}"


def replace_event_file(url: str, write: Callable[[str], None]) -> None:
    """Replace the event files of ``url`` by the one ``write(local_directory)`` writes: it is
    uploaded (one whole object) under a name sorting after the old ones, which are then
    removed."""
    old = event_files(url)
    append_event_file(url, write)
    fs, _ = filesystem(url, "directory")
    for name in old:
        with contextlib.suppress(FileNotFoundError):  # another writer removed it first
            fs.rm_file(fs._strip_protocol(name))


# ---------------------------------------------------------------------- writing
def _complete_prefix(buffer: bytes) -> int:
    """Length of the longest prefix of ``buffer`` made of whole records."""
    position, end = 0, len(buffer)
    while position + 12 <= end:
        (length,) = _LENGTH.unpack_from(buffer, position)
        stop = position + 12 + length + 4
        if stop > end:
            break
        position = stop
    return position


def _upload_secs() -> float:
    from tb_eval import validation

    return validation.environment_seconds("TB_EVAL_UPLOAD_SECS", UPLOAD_SECS)


def stage_run(logdir: str, parts: list[str], resume: bool) -> tuple[str, Mirror]:
    """Prepare a run at ``<logdir>/<parts...>`` (``logdir`` a URL): probe the store, refuse an
    existing run unless ``resume`` (whose event files are then downloaded), and return the
    local staging directory to write the run in and the :class:`Mirror` that uploads it."""
    interval = _upload_secs()
    root_url = logdir.rstrip("/")
    run_url = join(root_url, *parts)
    fs, root = probe(root_url)
    existing = _with_deadline(lambda: event_files(run_url), PROBE_TIMEOUT_SECS, "listing the run")
    if existing and not resume:
        raise FileExistsError(
            f"run_name: {run_url!r} already holds a run; choose another run_name, or pass "
            "resume=True to continue it"
        )
    staging = tempfile.mkdtemp(prefix="tb_eval-remote-")
    directory = os.path.join(staging, *parts)
    os.makedirs(directory, exist_ok=True)
    mirror = Mirror(staging, root_url, fs, root, interval)
    for url in existing:  # resume: the run's files so far, already uploaded
        name = url.rsplit("/", 1)[-1]
        local = os.path.join(directory, name)
        copy_file(url, local)
        mirror.mark_uploaded(local)
    return directory, mirror


class Mirror:
    """Uploads a staging directory to a remote logdir: event files in new segments, other files
    once (see the module's docstring). Shared by a run and its child runs."""

    def __init__(self, staging: str, url: str, fs: Any, root: str, interval: float) -> None:
        self.staging = staging
        self.url = url
        self._fs = fs
        self._root = root.rstrip("/")
        self._interval = interval
        #: event file -> [bytes uploaded, next segment number]; other files -> (size, mtime).
        self._events: dict[str, list[int]] = {}
        self._files: dict[str, tuple[int, int]] = {}
        self._sync_lock = threading.Lock()
        self._wake = threading.Event()
        self._runs: list[weakref.ref] = []
        self._stopped = False
        #: Only the process that made the mirror uploads: a forked child's files land in the
        #: same staging directory and go up with the parent's next upload.
        self._pid = os.getpid()
        self.last_error: BaseException | None = None
        #: Objects written and bytes sent (the tests and the benchmark read them).
        self.uploads = 0
        self.uploaded_bytes = 0
        self._thread = threading.Thread(target=self._loop, name="tb_eval-upload", daemon=True)
        self._thread.start()
        _mirrors.add(self)
        _end_before_thread_pools_stop()

    def __repr__(self) -> str:
        return f"Mirror({self.staging!r} -> {self.url!r})"

    def attach(self, run: Any) -> None:
        """Make ``run`` (a run writing under the staging directory) upload through this."""
        run._mirror = self
        self._runs.append(weakref.ref(run))

    def mark_uploaded(self, local: str) -> None:
        """``local`` is already in the store (a resumed run's files)."""
        rel = os.path.relpath(local, self.staging)
        self._events[rel] = [os.path.getsize(local), 0]

    def remote_path(self, local: str) -> str:
        """The URL a staged file is mirrored to (its segments add a suffix)."""
        rel = os.path.relpath(local, self.staging).replace(os.sep, "/")
        return f"{self.url}/{rel}"

    # ------------------------------------------------------------------ uploading
    def sync(self, timeout: float | None = None) -> None:
        """Upload everything written so far; raises :class:`RemoteLogdirError` if it cannot
        (the data stays in the staging directory and later syncs retry)."""
        try:
            if timeout is None:
                self._sync_once()
            else:
                _with_deadline(self._sync_once, timeout, f"uploading to {self.url}")
        except Exception as error:  # noqa: BLE001 - explained, with where the data is
            self.last_error = error
            raise RemoteLogdirError(
                f"{explain(error, self.url)}; nothing is lost: the run's files are kept in "
                f"{self.staging!r} and are uploaded at the next flush()"
            ) from error

    def _sync_once(self) -> None:
        if os.getpid() != self._pid:
            return
        with self._sync_lock:
            others: list[str] = []
            events: list[str] = []
            for folder, dirs, files in os.walk(self.staging):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(".partial"):
                        continue  # an artifact being copied: uploaded once it is renamed
                    (events if "tfevents" in name else others).append(os.path.join(folder, name))
            for local in others:
                self._upload_file(local)
            for local in events:
                self._upload_segments(local)
            self.last_error = None

    def _target(self, local: str) -> str:
        rel = os.path.relpath(local, self.staging).replace(os.sep, "/")
        return f"{self._root}/{rel}"

    def _upload_file(self, local: str) -> None:
        rel = os.path.relpath(local, self.staging)
        try:
            stat = os.stat(local)
        except FileNotFoundError:
            return
        signature = (stat.st_size, stat.st_mtime_ns)
        if self._files.get(rel) == signature:
            return
        self._fs.put_file(local, self._target(local))
        self._files[rel] = signature
        self.uploads += 1
        self.uploaded_bytes += stat.st_size

    def _upload_segments(self, local: str) -> None:
        rel = os.path.relpath(local, self.staging)
        state = self._events.setdefault(rel, [0, 0])
        with open(local, "rb") as handle:
            while True:
                handle.seek(state[0])
                chunk = handle.read(SEGMENT_BYTES)
                size = _complete_prefix(chunk)
                if size == 0 and len(chunk) >= 12:  # one record larger than a segment
                    (length,) = _LENGTH.unpack_from(chunk, 0)
                    handle.seek(state[0])
                    chunk = handle.read(12 + length + 4)
                    size = _complete_prefix(chunk)
                if size == 0:
                    return
                self._fs.pipe_file(f"{self._target(local)}.{state[1]:06d}", bytes(chunk[:size]))
                state[0] += size
                state[1] += 1
                self.uploads += 1
                self.uploaded_bytes += size

    def _loop(self) -> None:
        while not self._stopped:
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stopped:
                return
            # A failure is kept in last_error and retried; flush() and complete() raise it.
            with contextlib.suppress(Exception):
                self.sync()

    # ------------------------------------------------------------------ lifecycle
    def run_ended(self, run: Any, timeout: float | None = None) -> None:
        """A run of this mirror ended: upload what it wrote; stop the background thread once
        every run of the mirror has ended."""
        try:
            self.sync(timeout)
        finally:
            if all(ref() is None or ref().status != "running" for ref in self._runs):
                self._stopped = True
                self._wake.set()

    def close(self) -> bool:
        """Final upload at interpreter exit; removes the staging directory if everything is in
        the store. Returns whether it was removed."""
        self._stopped = True
        self._wake.set()
        try:
            self.sync(PROBE_TIMEOUT_SECS * 4)
        except RemoteLogdirError as error:
            warnings.warn(str(error), RuntimeWarning, stacklevel=2)
            return False
        shutil.rmtree(self.staging, ignore_errors=True)
        return True


def _close_all() -> None:
    # Registered before tb_eval.run's own exit handler, so it runs after it (atexit is LIFO):
    # the runs have ended and written everything when the final upload starts.
    for mirror in list(_mirrors):
        if mirror._pid == os.getpid():
            _mirrors.discard(mirror)
            with contextlib.suppress(Exception):
                mirror.close()


def _end_remote_runs() -> None:
    """End the remote runs left open, then upload what is pending, while the store clients
    can still work."""
    from tb_eval import lifecycle

    lifecycle._end_live_runs(only=lambda run: getattr(run, "_mirror", None) is not None)
    _close_all()


_early_exit_registered = False


def _end_before_thread_pools_stop() -> None:
    """At interpreter exit Python stops its thread pools (threading's exit hooks) before it
    runs ``atexit`` handlers, and the store clients (s3fs's event loop, botocore) need them:
    the last upload of a remote run left open must happen first. Threading runs its hooks
    newest first, so this one, registered after ``concurrent.futures`` registered its own,
    runs before the pools stop. Only the registering process's runs and mirrors are ended
    (forked children check their pid)."""
    global _early_exit_registered
    if _early_exit_registered:
        return
    import concurrent.futures.thread  # noqa: F401  (its hook must be registered before ours)

    register = getattr(threading, "_register_atexit", None)
    if register is None:  # another Python: the atexit handlers below still try
        return
    with contextlib.suppress(RuntimeError):  # the interpreter is already shutting down
        register(_end_remote_runs)
        _early_exit_registered = True


atexit.register(_close_all)
