"""What the service holds, in a few numbers (the home page's counts)."""

from __future__ import annotations

from typing import Any

from ..namespaces import sparql_prefixes
from ..store.stores import Stores

_COUNTS = sparql_prefixes() + """
SELECT (COUNT(DISTINCT ?c) AS ?communities) (COUNT(DISTINCT ?p) AS ?partners) WHERE {
  { ?c a lcc:Community } UNION { ?p a lcc:Partner }
}"""


def service_counts(stores: Stores, criteria: list[dict[str, Any]], queries: int = 0) -> dict[str, int]:
    """The criteria and their statements (from ``criteria``, as :func:`list_criteria` gives them), the
    communities and partners in the public store, and ``queries`` (the size of the catalogue)."""
    row = stores.query_public(_COUNTS).values()[0]
    return {
        "criteria": len(criteria),
        "statements": sum(len(c["statements"]) for c in criteria),
        "communities": int(row.get("communities", 0)),
        "partners": int(row.get("partners", 0)),
        "queries": queries,
    }
