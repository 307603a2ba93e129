"""A thread-safe LRU cache bounded by the bytes its values take.

Decoded tables, their sort orders and filter results are costly to compute and large, so the
plugin keeps the recently used ones up to a memory budget. Concurrent requests for the same key
compute it once (the others wait for that result).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


def size_of(value: Any) -> int:
    """A rough size in bytes: ``value.nbytes`` for arrays, else its ``nbytes`` attribute or 64."""
    nbytes = getattr(value, "nbytes", None)
    return int(nbytes) if isinstance(nbytes, int) else 64


class LruCache:
    """Keeps values until their total size passes ``max_bytes``, dropping the least recent first.

    A value bigger than the whole budget is returned but not kept.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    @property
    def total_bytes(self) -> int:
        """Bytes currently held."""
        return self._total

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any | None:
        """The value for ``key`` (marking it recently used), or ``None``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, nbytes: int | None = None) -> None:
        """Keep ``value`` under ``key``, evicting old entries to stay within the budget."""
        size = size_of(value) if nbytes is None else nbytes
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._total -= old[1]
            if size > self.max_bytes:
                return
            self._entries[key] = (value, size)
            self._total += size
            while self._total > self.max_bytes and self._entries:
                _, (_, evicted) = self._entries.popitem(last=False)
                self._total -= evicted

    def get_or_compute(
        self, key: Hashable, compute: Callable[[], T], nbytes: Callable[[T], int] = size_of
    ) -> T:
        """The cached value for ``key``, computing (once, even under concurrency) when missing."""
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            try:
                value = self.get(key)
                if value is None:
                    value = compute()
                    self.put(key, value, nbytes(value))
                return value
            finally:
                with self._lock:
                    self._pending.pop(key, None)

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._entries.clear()
            self._total = 0
