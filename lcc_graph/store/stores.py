"""The public store (what every route may read) and the private one (tokens, history, provenance)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .base import QueryResult
from .embedded import EmbeddedStore


@dataclass
class Stores:
    """The two stores of a data directory. Public routes only ever get ``public``."""

    public: EmbeddedStore
    private: EmbeddedStore

    def public_graphs(self) -> list[str]:
        """Every graph of the public store: each holds *current* data only."""
        return self.public.graphs()

    def query_public(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Query the public current graphs, merged as an explicit default graph.

        ``default_graph`` / ``named_graphs`` may narrow the dataset to some public graphs; a graph
        the public store does not hold is simply empty.
        """
        graphs = self.public_graphs()
        return self.public.query(
            sparql,
            default_graph=graphs if default_graph is None else list(default_graph),
            named_graphs=graphs if named_graphs is None else list(named_graphs),
        )

    def close(self) -> None:
        """Close both stores."""
        self.public.close()
        self.private.close()


def open_stores(data_dir: str | Path) -> Stores:
    """Open (or create) ``public/`` and ``private/`` under a data directory."""
    data_dir = Path(data_dir)
    public = EmbeddedStore(data_dir / "public")
    try:
        private = EmbeddedStore(data_dir / "private")
    except Exception:
        public.close()
        raise
    return Stores(public=public, private=private)
