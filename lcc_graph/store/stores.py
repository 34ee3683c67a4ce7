"""The public store (what every route may read) and the private one (tokens, history, provenance)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError
from ..sandbox import Sandbox, upload_sandbox
from ..sparql_guard import QueryLimits, ReadQuery, check_query_text, check_read_query
from .base import QueryResult, Term
from .embedded import EmbeddedStore
from .workers import QueryPool, ReadLimits, _trimmer


# a query that may read named graphs (GRAPH) or name its dataset (FROM, FROM NAMED): on a remote
# engine it is given the public named graphs explicitly
_NAMES_GRAPHS = re.compile(r"\b(GRAPH|FROM)\b", re.IGNORECASE)


@dataclass
class Stores:
    """The two stores of a data directory. Public routes only ever read ``public``.

    With a ``pool``, public reads run in killable worker processes over checkpoints, and every
    public write publishes a new checkpoint once committed. ``sandbox`` (created on first use,
    or assigned) runs the untrusted steps of uploads in killable worker processes.
    """

    public: EmbeddedStore
    private: EmbeddedStore
    pool: QueryPool | None = None
    write_lock: threading.RLock = field(default_factory=threading.RLock)
    data_dir: Path | None = None  # where files that go with the stores live (the framework in use)
    _sandbox: Sandbox | None = field(default=None, repr=False)
    _sandbox_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _graph_count: tuple[str, int] | None = field(default=None, repr=False)  # (generation, count)
    #: called after every publish, on the writer's thread: each only signals work to do elsewhere
    #: (``lcc_graph.expected.LineWarmer``)
    after_publish: list = field(default_factory=list, repr=False)

    @property
    def sandbox(self) -> Sandbox:
        """The worker processes that parse and check uploads (started on first use)."""
        with self._sandbox_lock:
            if self._sandbox is None:
                self._sandbox = upload_sandbox()
            return self._sandbox

    @sandbox.setter
    def sandbox(self, value: Sandbox) -> None:
        with self._sandbox_lock:
            old, self._sandbox = self._sandbox, value
        if old is not None and old is not value:
            old.close()

    def restart_sandbox(self) -> None:
        """Replace the upload workers by new ones with the same limits (they read the framework
        once, when they start: after a framework version is published)."""
        with self._sandbox_lock:
            old = self._sandbox
        if old is not None:
            self.sandbox = Sandbox(warm=old.warm, max_workers=old.max_workers, timeout_s=old.timeout_s,
                                   memory_bytes=old.memory_bytes, preload=old.preload, idle_s=old.idle_s)

    def public_graphs(self) -> list[str]:
        """Every graph of the public store: each holds *current* data only."""
        return self.public.graphs()

    def public_graph_count(self) -> int:
        """How many graphs the public store has. With a query pool, counted once per checkpoint
        (every committed write publishes one): listing 3,000 graphs takes RocksDB 10-12 ms, and
        ``/health`` asks on every poll."""
        generation = self.generation()
        known = self._graph_count
        if generation is not None and known is not None and known[0] == generation:
            return known[1]
        count = len(self.public.graphs())
        if generation is not None:
            self._graph_count = (generation, count)
        return count

    def query_public(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout_s: float | None = None,
        query_dataset: bool = False,
        substitutions: Mapping[str, Term] | None = None,
        cache: bool = False,
    ) -> QueryResult:
        """Query the public current graphs, all of them merged as the default graph.

        The public store holds current graphs only, each subject described in one graph, so the
        union of its graphs is the merge (measured 3x faster than an explicit list of 1,000
        graphs, which pyoxigraph counts per graph all the same). ``default_graph`` /
        ``named_graphs`` may narrow the dataset; a graph the public store lacks is simply empty.
        With ``query_dataset`` the query's own FROM / FROM NAMED choose the graphs (never fetched).
        ``substitutions`` (a named query's bound, projected parameters) let the embedded engine
        start from them in subqueries too; a remote engine relies on the VALUES block alone.
        ``cache`` (deterministic queries only) lets the query pool answer a repeated read of the
        same checkpoint from memory (:mod:`.result_cache`).
        """
        if self.pool is not None:
            return self.pool.query(sparql, default_graph=default_graph, named_graphs=named_graphs,
                                   timeout_s=timeout_s, query_dataset=query_dataset, substitutions=substitutions,
                                   cache=cache)
        if not isinstance(self.public, EmbeddedStore):
            default_graph, named_graphs = self._public_dataset(sparql, default_graph, named_graphs)
            return self.public.query(sparql, default_graph=default_graph, named_graphs=named_graphs,
                                     union=default_graph is None)
        return self.public.query(sparql, default_graph=default_graph, named_graphs=named_graphs,
                                 union=default_graph is None and not query_dataset, substitutions=substitutions)

    def _public_dataset(self, sparql: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None,
                        checked: ReadQuery | None = None) -> tuple[list[str] | None, list[str] | None]:
        """The dataset a read on a remote engine is given, always within the public graphs: the
        engine holds other graphs (the private ones, with LCC_PRIVATE_STORE=remote), and a query's
        own FROM, FROM NAMED or GRAPH would otherwise reach them. The protocol's dataset wins over
        the query's (SPARQL 1.1 Protocol, 2.1.4), so the query's FROM graphs are sent as the
        protocol's, those that are public; the default graph is every public graph otherwise (None:
        the store lists them)."""
        if checked is not None and checked.has_dataset and default_graph is None and named_graphs is None:
            # some engines (Virtuoso) let a query's FROM win over the protocol's dataset: a FROM
            # must name public graphs only, written out in full. A graph of the public store's own
            # namespace that it lacks (a community with no answers yet: the editor's text of a
            # scoped query names it) is empty, as on the embedded store; other graphs are refused
            public = set(self.public.graphs())
            prefix = getattr(self.public, "graph_prefix", None)
            outside = [g for g in (*checked.from_default, *checked.from_named)
                       if g not in public and not (prefix and g.startswith(prefix))]
            if outside or checked.from_unresolved:
                raise QueryError("FROM and FROM NAMED may name only public graphs (GET /graphs lists them), "
                                 "written as full IRIs" + (f": {outside[0]} is not one" if outside else ""))
            return list(checked.from_default), list(checked.from_named)
        if default_graph is None and named_graphs is None and checked is None and not _NAMES_GRAPHS.search(sparql):
            return None, None  # a trusted query of ours that names no graph (an untrusted one always gets them)
        public = set(self.public.graphs())
        keep = (lambda graphs: [g for g in graphs if g in public])
        default = keep(default_graph) if default_graph is not None else None
        named = keep(named_graphs) if named_graphs is not None else sorted(public)
        return default, named

    def query_untrusted(
        self,
        sparql: str,
        limits: QueryLimits,
        media: Mapping[str, str],
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """An ad hoc read query from outside: scanned here (size, nesting, updates, SERVICE, its
        FROM graphs: a linear scan, well under a millisecond a kilobyte), then parsed, run and
        serialised as ``media[kind]`` by the engine: in a killable query worker when there is a
        pool, so a query slow to run or to serialise never holds the server.
        """
        checked = check_read_query(sparql, limits)
        if self.pool is not None:
            return self.pool.query(sparql, default_graph=default_graph, named_graphs=named_graphs, adhoc=True,
                                   query_dataset=checked.has_dataset and default_graph is None and named_graphs is None,
                                   media=media)
        if not isinstance(self.public, EmbeddedStore):
            default_graph, named_graphs = self._public_dataset(sparql, default_graph, named_graphs, checked)
            result = self.public.query(sparql, default_graph=default_graph, named_graphs=named_graphs,
                                       union=default_graph is None)
        else:
            result = self.query_public(sparql, default_graph=default_graph, named_graphs=named_graphs,
                                       query_dataset=checked.has_dataset and default_graph is None and named_graphs is None)
        wanted = media.get(result.kind)
        return QueryResult(result.kind, result.serialize(wanted), wanted) if wanted else result

    async def query_untrusted_async(
        self,
        sparql: str,
        limits: QueryLimits,
        media: Mapping[str, str],
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """:meth:`query_untrusted`, awaited: with a query pool the query goes to a worker as it
        came (its size checked here), is scanned, run and serialised there, and its answer is
        awaited on the event loop; without one, all of it runs on a thread."""
        if self.pool is None:
            import asyncio  # here: the query workers import this module and need no asyncio

            return await asyncio.to_thread(self.query_untrusted, sparql, limits, media,
                                           default_graph=default_graph, named_graphs=named_graphs)
        check_query_text(sparql, limits)
        return await self.pool.query_async(sparql, default_graph=default_graph, named_graphs=named_graphs,
                                           check=(limits.max_bytes, limits.max_depth), media=media)

    def generation(self) -> str | None:
        """A name for the public data as readers see it now (the current checkpoint), or None
        when it cannot be known (no query pool): what ETags are made from."""
        current = self.pool.current if self.pool is not None else None
        return None if current is None else current.name

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple] | None]) -> None:
        """Replace public graphs in one transaction, then publish a checkpoint for readers."""
        with self.write_lock:
            self.public.replace_graphs(graphs)
            self.publish()

    def patch_graphs(self, changes: Mapping[str, tuple[Iterable[ox.Triple], Iterable[ox.Triple]]]) -> None:
        """Turn public graphs from their old content into their new one (graph -> (old, new)) in
        one transaction, then publish: only the differences are written on the embedded store; a
        remote engine has the graphs replaced whole (its literals may not read back as written)."""
        with self.write_lock:
            patch_or_replace(self.public, changes)
            self.publish()

    def publish(self) -> None:
        """Let readers see what is committed (a new checkpoint when reads run in workers)."""
        if self.pool is not None:
            self.pool.publish(self.public)
        for hook in list(self.after_publish):
            hook()

    def start_readers(self, checkpoint_dir: str | Path, *, size: int = 2, limits: ReadLimits = ReadLimits()) -> None:
        """Run public reads in a pool of worker processes from now on (called before the service
        answers: the embedded stores are then reopened, see :meth:`_reopen_embedded`)."""
        self.pool = QueryPool(checkpoint_dir, size=size, limits=limits)
        self.publish()
        self.pool.warm()
        self._reopen_embedded()

    def _reopen_embedded(self) -> int:
        """Close the embedded stores and open them again; returns how many were.

        Start-up reads much of both stores in this process (the framework, crash recovery, the
        assessments' shape); RocksDB keeps what it read (block cache, table readers) for as long
        as a store is open, and once the workers serve the public reads the server reads little
        of it again. At 1,000 communities the server held 126 MB resident after start-up, 97 MB
        once the stores were reopened and what they freed given back (``malloc_trim``), 107 MB
        after its first ``/health`` (which lists the graphs); 121 MB with the trim alone. Opening
        both takes 0.1 s. Only where nothing else holds the pyoxigraph store (a reference would
        keep it open, and RocksDB refuses a second opening), and only before the service
        answers: a read in between would find no store.
        """
        reopened = 0
        for store in (self.public, self.private):
            if not isinstance(store, EmbeddedStore) or store.read_only:
                continue
            with self.write_lock:
                reopened += store.reopen()
        trim = _trimmer()
        if reopened and trim is not None:
            trim(0)
        return reopened

    def close(self) -> None:
        """Stop the readers and the sandbox, and close both stores."""
        with self._sandbox_lock:
            sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            sandbox.close()
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        self.public.close()
        self.private.close()


def open_remote_stores(data_dir: str | Path, public) -> Stores:
    """A remote public engine (a RemoteStore) with the private store kept embedded under data_dir.

    Reads then go straight to the engine, bounded by its own timeout and the client's.
    """
    return Stores(public=public, private=EmbeddedStore(Path(data_dir) / "private"), data_dir=Path(data_dir))


def open_stores(data_dir: str | Path) -> Stores:
    """Open (or create) ``public/`` and ``private/`` under a data directory."""
    data_dir = Path(data_dir)
    public = EmbeddedStore(data_dir / "public")
    try:
        private = EmbeddedStore(data_dir / "private")
    except Exception:
        public.close()
        raise
    return Stores(public=public, private=private, data_dir=data_dir)


def patch_or_replace(store, changes: Mapping[str, tuple[Iterable[ox.Triple], Iterable[ox.Triple]]]) -> None:
    """``store.patch_graphs(changes)`` where the engine can patch, else each graph replaced by its new content."""
    if hasattr(store, "patch_graphs"):
        store.patch_graphs(changes)
    else:
        store.replace_graphs({g: list(new) for g, (_, new) in changes.items()})

