"""The embedded engine: pyoxigraph (RocksDB) on disk."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError, StoreError, StoreLocked
from .base import QueryResult, Term, pyoxigraph_query_options


def _open(path: Path, read_only: bool) -> ox.Store:
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except OSError as exc:
        text = str(exc)
        if "LOCK" in text or "lock" in text or "Resource temporarily unavailable" in text:
            raise StoreLocked(
                f"the store at {path} is in use by another process (is `lcc serve` running?); "
                "stop it, or make this change through the API"
            ) from exc
        raise StoreError(f"cannot open the store at {path}: {text}") from exc


def nt_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A term in N-Triples syntax, as pyoxigraph writes it (safe to place in SPARQL)."""
    return str(term)


def insert_data_block(graph: str, triples: Iterable[ox.Triple]) -> str:
    """An ``INSERT DATA`` body for one named graph, terms written by pyoxigraph."""
    g = ox.NamedNode(graph)
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return f"INSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}"


class EmbeddedStore:
    """A pyoxigraph store in a directory. ``read_only=True`` opens a checkpoint."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._store = _open(self.path, read_only)

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for bulk work inside the library."""
        return self._store

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        union: bool = False,
        substitutions: Mapping[str, Term] | None = None,
    ) -> QueryResult:
        """Run a query over the listed graphs as default graph, all graphs (``union``), or the store's.

        ``substitutions`` (projected variable name -> term) are bound before evaluation, in
        subqueries too (see :meth:`lcc_graph.catalogue.NamedQuery.substitutions`).
        """
        kwargs = pyoxigraph_query_options(default_graph, named_graphs, union, substitutions)
        try:
            result = self._store.query(sparql, **kwargs)
            return QueryResult.from_pyoxigraph(result)
        except SyntaxError as exc:
            raise QueryError(f"malformed query: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def update(self, sparql: str) -> None:
        """Run an update; pyoxigraph applies it as one transaction."""
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"malformed update: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from exc

    def graphs(self) -> list[str]:
        """The named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs())

    def get_graph(self, graph: str) -> list[ox.Triple]:
        """The triples of a named graph."""
        g = ox.NamedNode(graph)
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, g)]

    def count(self, graph: str | None = None) -> int:
        """Number of quads in one graph, or in the whole store."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple] | None]) -> None:
        """Drop and refill several graphs in one ``update()``: all of it happens or none."""
        parts = []
        for graph, triples in graphs.items():
            g = ox.NamedNode(graph)
            parts.append(f"DROP SILENT GRAPH {g}")
            if triples is not None:
                triples = list(triples)
                if triples:
                    parts.append(insert_data_block(graph, triples))
        if parts:
            self.update(" ;\n".join(parts))

    def patch_graphs(self, changes: Mapping[str, tuple[Iterable[ox.Triple], Iterable[ox.Triple]]]) -> None:
        """Turn several graphs from their old content into their new one (graph -> (old, new)) by
        removing and adding only the triples that differ, in one ``update()``: all of it happens or
        none. ``old`` must be what the graph holds (as :meth:`get_graph` read it). Rewriting only
        what changed is what keeps reassessing a thousand communities fast: a write costs some 25
        microseconds a quad, a removal as much (measured on 74,000 quads)."""
        parts = []
        for graph, (old, new) in changes.items():
            old, new = set(old), set(new)
            removed, added = sorted(old - new, key=str), sorted(new - old, key=str)
            if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in removed):
                # DELETE DATA cannot name a blank node: such a graph is replaced whole
                parts += [f"DROP SILENT GRAPH {ox.NamedNode(graph)}"] + ([insert_data_block(graph, new)] if new else [])
                continue
            if removed:
                parts.append(insert_data_block(graph, removed).replace("INSERT DATA", "DELETE DATA", 1))
            if added:
                parts.append(insert_data_block(graph, added))
        if parts:
            self.update(" ;\n".join(parts))

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction (no SPARQL text)."""
        self._store.extend(list(quads))

    def quads(self, subject=None, predicate=None, obj=None, graph: str | None = None) -> list[ox.Quad]:
        """The quads matching a pattern (None: any), in one named graph when ``graph`` is given."""
        g = ox.NamedNode(graph) if graph is not None else None
        return list(self._store.quads_for_pattern(subject, predicate, obj, g))

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists."""
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def bulk_add(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Add triples to a graph without a transaction (initial loads only)."""
        g = ox.NamedNode(graph)
        self._store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)

    def canonical_nquads(self, graphs: Sequence[str] | None = None) -> bytes:
        """Canonical (RDFC-1.0) N-Quads of the listed graphs (all named graphs by default)."""
        names = self.graphs() if graphs is None else list(graphs)
        ds = ox.Dataset()
        for name in names:
            g = ox.NamedNode(name)
            for q in self._store.quads_for_pattern(None, None, None, g):
                ds.add(q)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        lines = sorted(str(q) + " .\n" for q in ds)
        return "".join(lines).encode()

    def checkpoint(self, target: str | Path) -> Path:
        """A hard-link checkpoint of the store that ``EmbeddedStore(.., read_only=True)`` opens."""
        target = Path(target)
        self._store.flush()
        self._store.backup(str(target))
        return target

    def reopen(self) -> bool:
        """Close the store and open it again, which gives back what RocksDB kept of the files read
        (block cache, table readers); False, and nothing done, while anything else holds the
        pyoxigraph store (RocksDB refuses a second opening). The caller keeps reads and writes
        away meanwhile."""
        if sys.getrefcount(self._store) > 2:  # the attribute and getrefcount's argument: nobody else
            return False
        self._store = None  # type: ignore[assignment]
        self._store = _open(self.path, self.read_only)
        return True

    def flush(self) -> None:
        """Write buffered data to disk."""
        self._store.flush()

    def close(self) -> None:
        """Close the store (pyoxigraph closes on garbage collection)."""
        if getattr(self, "_store", None) is not None:
            try:
                self._store.flush()
            except OSError:
                pass
            del self._store
            self._store = None  # type: ignore[assignment]
