"""Schemathesis hooks for the fuzz test: send a SPARQL query body as the text it is."""

from __future__ import annotations

import schemathesis


@schemathesis.serializer("application/sparql-query")
def sparql_query(ctx, value) -> bytes:
    """A generated query (a string) as UTF-8 bytes."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
