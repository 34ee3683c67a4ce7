"""``/sparql``: the SPARQL 1.1 Protocol, read-only, over the public current graphs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from lcc_graph.errors import QueryError
from lcc_graph.sparql_guard import QueryLimits, check_read_query
from lcc_graph.store.base import GRAPH_FORMATS, SOLUTION_FORMATS

from ..deps import LangDep, SettingsDep, StoresDep
from ..negotiation import choose, wants_html

router = APIRouter(tags=["sparql"])

SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:resultFormat fmt:SPARQL_Results_JSON, fmt:SPARQL_Results_XML, fmt:SPARQL_Results_CSV,
                  fmt:SPARQL_Results_TSV, fmt:Turtle, fmt:N-Triples, fmt:JSON-LD, fmt:RDF_XML ;
  sd:feature sd:BasicFederatedQuery ;
  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .
"""

RESPONSES = {
    200: {
        "description": "Query results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE), by Accept or ?format=",
        "content": {m: {} for m in list(SOLUTION_FORMATS) + list(GRAPH_FORMATS)},
    },
    400: {"description": "malformed query, an update, SERVICE, or over the size/nesting limits",
          "content": {"application/json": {"example": {"error": "query_error", "message": "updates are not allowed"}}}},
    503: {"description": "the query passed its deadline, or the engine is unreachable"},
}


def run_query(request: Request, stores, settings, query: str, default_graphs: list[str], named_graphs: list[str]) -> Response:
    """Check, run and serialise one read query."""
    if not query.strip():
        raise QueryError("the query is empty")
    limits = QueryLimits(max_bytes=settings.max_query_bytes, max_depth=settings.max_query_depth)
    checked = check_read_query(query, limits)
    result = stores.query_public(
        query,
        default_graph=default_graphs or None,
        named_graphs=named_graphs or None,
        query_dataset=checked.has_dataset and not default_graphs and not named_graphs,
    )
    offers = list(GRAPH_FORMATS) if result.kind == "graph" else list(SOLUTION_FORMATS)
    media = choose(request, offers)
    body = result.serialize(media)
    if result.kind == "solutions":
        rows = body.count(b"\n") if media in ("text/csv", "text/tab-separated-values") else None
        if rows is not None and rows - 1 > settings.max_result_rows:
            raise QueryError(f"the result has more than {settings.max_result_rows} rows: add a LIMIT")
    return Response(body, media_type=media)


@router.get("/sparql", summary="SPARQL 1.1 Protocol query (GET)", responses=RESPONSES)
def sparql_get(
    request: Request,
    stores: StoresDep,
    settings: SettingsDep,
    lang: LangDep,
    query: Annotated[str | None, Query(description="the SPARQL query; without it, the service description")] = None,
    default_graph_uri: Annotated[list[str], Query(alias="default-graph-uri")] = [],
    named_graph_uri: Annotated[list[str], Query(alias="named-graph-uri")] = [],
) -> Response:
    """Run a read-only query over the public current graphs (a browser without a query, or asking
    ``?format=html``, gets the SPARQL editor page)."""
    if wants_html(request) and (query is None or request.query_params.get("format") == "html"):
        from .pages import sparql_editor

        return sparql_editor(request, lang, query)
    if query is None:
        endpoint = str(request.url).split("?", 1)[0]
        return Response(SERVICE_DESCRIPTION.format(endpoint=endpoint), media_type="text/turtle")
    return run_query(request, stores, settings, query, default_graph_uri, named_graph_uri)


@router.post(
    "/sparql",
    summary="SPARQL 1.1 Protocol query (POST, form-encoded or application/sparql-query)",
    responses=RESPONSES,
    openapi_extra={"requestBody": {"content": {
        "application/sparql-query": {"schema": {"type": "string"}, "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"},
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "query": {"type": "string"},
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}}}, "required": ["query"]}},
    }, "required": True}},
)
async def sparql_post(request: Request, stores: StoresDep, settings: SettingsDep) -> Response:
    """Run a read-only query sent in the body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > settings.max_query_bytes * 4:
        raise QueryError(f"the request body is over {settings.max_query_bytes * 4} bytes")
    default_graphs = request.query_params.getlist("default-graph-uri")
    named_graphs = request.query_params.getlist("named-graph-uri")
    if media == "application/sparql-query":
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QueryError("the query is not UTF-8") from exc
    elif media == "application/x-www-form-urlencoded":
        form = await request.form()
        query = str(form.get("query") or "")
        if form.get("update"):
            raise QueryError("updates are not allowed: this endpoint is read-only")
        default_graphs += [str(v) for v in form.getlist("default-graph-uri")]
        named_graphs += [str(v) for v in form.getlist("named-graph-uri")]
    else:
        from lcc_graph.errors import UnsupportedFormat

        raise UnsupportedFormat(
            "send the query as application/sparql-query or application/x-www-form-urlencoded")
    return run_query(request, stores, settings, query, default_graphs, named_graphs)
