"""``/graphs``: the Graph Store Protocol, read-only, over the public graphs."""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from lcc_graph.errors import NotFound, ParseError
from lcc_graph.store.base import GRAPH_FORMATS

from ..deps import StoresDep
from ..negotiation import choose

router = APIRouter(tags=["sparql"])

_LIST = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"


@router.get("/graphs", summary="Graph Store Protocol (read): one public graph, or the list of them",
            responses={200: {"description": "the graph in the format Accept or ?format= asks for; without "
                                             "?graph, the list of public graphs as JSON",
                             "content": {**{m: {} for m in GRAPH_FORMATS}, "application/json": {"example": {
                                 "graphs": ["https://w3id.org/lcc/graphs/framework/criteria"]}}}},
                       400: {"description": "not an absolute IRI"}, 404: {"description": "no such public graph"}})
def graphs(
    request: Request,
    stores: StoresDep,
    graph: Annotated[str | None, Query(min_length=1, description="the IRI of a public named graph (absolute)",
                                       json_schema_extra={"format": "iri"})] = None,
) -> Response:
    """A public graph's triples (history, tokens and provenance are never public graphs)."""
    known = [row["g"] for row in stores.query_public(_LIST).values()]
    if graph is None:
        return JSONResponse({"count": len(known), "graphs": known})
    try:
        term = ox.NamedNode(graph)
    except ValueError as exc:
        raise ParseError(f"graph must be an absolute IRI: {exc}") from exc
    if graph not in known:
        raise NotFound(f"no public graph {graph!r}: GET /graphs lists them")
    result = stores.query_public(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {term} {{ ?s ?p ?o }} }}")
    media = choose(request, list(GRAPH_FORMATS))
    return Response(result.serialize(media), media_type=media)
