"""Answers of ad hoc ``GET /sparql`` reads, kept until the data changes and served before routing.

A read of the public graphs that calls no volatile function (the query worker's scan found no
``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()`` or ``BNODE()``: ``QueryResult.deterministic``)
gives the same answer as long as the query workers read the same checkpoint, and a new checkpoint
is published with every committed write. So a dashboard polling one query, or one lookup asked by
many clients, is answered from memory: no routing, no worker, no serialising.

An answer is kept under the request's raw query string and ``Accept`` header, which are all it
depends on (the query, ``default-graph-uri``, ``named-graph-uri``, ``format``; the language
changes only pages and error messages, which are never kept), for the checkpoint that was current
when the read was sent; a later checkpoint empties the cache. Only a 200 answer the route marks
(``scope["lcc.keep"]``) is kept, at most ``max_entry_bytes`` of it, ``max_bytes`` in all (the keys
counted), least recently used out first. A POSTed query is never kept: its text is in the body,
which this layer does not read.

It sits inside the guard and CORS middlewares (their headers go on every answer alike) and runs
on the event loop only: no lock, no I/O.
"""

from __future__ import annotations

from collections import OrderedDict

KEEP = "lcc.keep"  #: set True in the request's scope by the route when its answer may be kept


class AnswerCache:
    """ASGI middleware: a bounded LRU of ``GET /sparql`` answers for the current checkpoint."""

    ENTRY_OVERHEAD = 512  #: what an entry costs besides its key and body (the tuple, the headers)

    def __init__(self, app, *, path: str = "/sparql", max_bytes: int = 16 * 1024 * 1024,
                 max_entry_bytes: int = 1024 * 1024, max_entries: int = 4096) -> None:
        self.app = app
        self.path = path
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[bytes, bytes], tuple[list, bytes]] = OrderedDict()
        self._checkpoint: str | None = None  # the generation every kept answer was read from
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path \
                or not scope["query_string"]:
            await self.app(scope, receive, send)
            return
        checkpoint = _current_checkpoint(scope)
        if checkpoint is None:  # a remote engine, or not started yet: nothing to key answers on
            await self.app(scope, receive, send)
            return
        if checkpoint != self._checkpoint:
            self._forget_all(checkpoint)
        key = (scope["query_string"], _header(scope, b"accept"))
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            self.hits += 1
            headers, body = entry
            # a copy: the middlewares outside add their headers to the list they are given
            await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        await self._answer_and_keep(scope, receive, send, key, checkpoint)

    async def _answer_and_keep(self, scope, receive, send, key: tuple[bytes, bytes], checkpoint: str) -> None:
        """Let the route answer; keep its answer when it marked it and it is small enough."""
        start: dict | None = None
        parts: list[bytes] = []
        size = 0

        async def keeping_send(message: dict) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                start = {**message, "headers": list(message.get("headers", []))}  # before others add theirs
            elif message["type"] == "http.response.body" and size <= self.max_entry_bytes:
                parts.append(message.get("body", b""))
                size += len(parts[-1])
            await send(message)

        await self.app(scope, receive, keeping_send)
        if (start is not None and start["status"] == 200 and scope.get(KEEP) and size <= self.max_entry_bytes
                and checkpoint == self._checkpoint):
            self._put(key, start["headers"], b"".join(parts))

    def _put(self, key: tuple[bytes, bytes], headers: list, body: bytes) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= self._cost(key, old[1])
        self._entries[key] = (headers, body)
        self._bytes += self._cost(key, body)
        while self._entries and (self._bytes > self.max_bytes or len(self._entries) > self.max_entries):
            evicted_key, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= self._cost(evicted_key, evicted)

    def _cost(self, key: tuple[bytes, bytes], body: bytes) -> int:
        return len(key[0]) + len(key[1]) + len(body) + self.ENTRY_OVERHEAD

    def _forget_all(self, checkpoint: str) -> None:
        self._entries.clear()
        self._bytes = 0
        self._checkpoint = checkpoint

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """The bytes held (bodies, keys and each entry's allowance)."""
        return self._bytes


def _current_checkpoint(scope) -> str | None:
    """The public data's generation (the checkpoint the query workers read now: what ETags are
    made from), or None when it cannot be known (no query pool, or not started yet)."""
    stores = getattr(getattr(scope.get("app"), "state", None), "stores", None)
    return None if stores is None else stores.generation()


def _header(scope, name: bytes) -> bytes:
    """The request header's value (several joined by commas), or b""."""
    values = [value for key, value in scope["headers"] if key == name]
    return b", ".join(values)
