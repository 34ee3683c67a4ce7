"""The query catalogue: named SPARQL queries with typed parameters, bound the same way for every engine."""

from .loader import (
    QUERIES,
    Catalogue,
    CatalogueError,
    NamedQuery,
    default_catalogue,
    load_catalogue,
    load_query,
)
from .params import PARAM_TYPES, Param

__all__ = [
    "QUERIES",
    "Catalogue",
    "CatalogueError",
    "NamedQuery",
    "PARAM_TYPES",
    "Param",
    "default_catalogue",
    "load_catalogue",
    "load_query",
]
