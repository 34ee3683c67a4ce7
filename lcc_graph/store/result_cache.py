"""Answers of deterministic reads, kept per checkpoint so that paging a report does not rerun it.

A named query over every community returns up to 21,000 rows and takes one to a few seconds on
1,000 communities; the API serves it 100 rows a page. The query pool keeps the answer, keyed by
the checkpoint it was read from (a new one is published with every committed write, so a cached
answer is never stale) and everything else that shapes it. Only callers that know their query
is deterministic ask for the cache (the catalogue's queries: no ``NOW()``, ``RAND()``,
``BNODE()`` or ``UUID()``); ``GET /sparql`` keeps its deterministic answers itself, in the HTTP
layer (``api.answer_cache``), as response bytes. Bounded by total bytes (each answer counted
with its key and an allowance for the entry) and by number of entries, least recently used out
first; an answer larger than ``max_entry_bytes`` is not kept.

The bound is resident memory of the server: 24 MB holds the largest answer kept over 1,000
communities (``criteria-coverage``, 11 MB) with a few others, which is what paging one report
needs. The former 48 MB held no more hits when the benchmark went through the catalogue's
all-communities queries in turn (98 MB of answers: least recently used out first, each was gone
before it was asked again), only 24 MB more memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from .base import QueryResult


class ResultCache:
    """A thread-safe LRU of query results, bounded in total bytes."""

    #: What an entry costs besides its answer's bytes (the key, the dict slot, the objects).
    ENTRY_OVERHEAD = 512

    def __init__(self, max_bytes: int = 24 * 1024 * 1024, max_entry_bytes: int = 16 * 1024 * 1024,
                 max_entries: int = 1024) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, QueryResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> QueryResult | None:
        """The cached result, or None (counted as a miss)."""
        with self._lock:
            result = self._entries.get(key)
            if result is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return result

    def put(self, key: Hashable, result: QueryResult) -> None:
        """Keep a result unless it alone is over ``max_entry_bytes``; evict the oldest to fit."""
        if len(result.data) > self.max_entry_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= self._cost(key, old)
            self._entries[key] = result
            self._bytes += self._cost(key, result)
            while self._entries and (self._bytes > self.max_bytes or len(self._entries) > self.max_entries):
                evicted_key, evicted = self._entries.popitem(last=False)
                self._bytes -= self._cost(evicted_key, evicted)

    def _cost(self, key: Hashable, result: QueryResult) -> int:
        return len(result.data) + len(repr(key)) + self.ENTRY_OVERHEAD

    def forget_except(self, checkpoint: str) -> None:
        """Drop the answers read from any other checkpoint (they can never be asked for again)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] != checkpoint]:  # type: ignore[index]
                self._bytes -= self._cost(key, self._entries.pop(key))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """The bytes held."""
        return self._bytes
