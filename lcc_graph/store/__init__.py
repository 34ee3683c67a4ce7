"""The store: one interface, several engines (embedded pyoxigraph; remote SPARQL endpoints)."""

from .base import GraphStore, QueryResult
from .embedded import EmbeddedStore
from .stores import Stores, open_stores

__all__ = ["GraphStore", "QueryResult", "EmbeddedStore", "Stores", "open_stores"]
