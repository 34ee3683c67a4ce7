"""``/sparql``: the SPARQL 1.1 Protocol, read-only, over the public current graphs.

The handlers only read the request and await the answer: the query is scanned, parsed, run and
serialised in a query worker (``Stores.query_untrusted_async``), never on the event loop or in the
server process; without a query pool (a remote engine), on a thread.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from lcc_graph.errors import QueryError, UnsupportedFormat
from lcc_graph.sparql_guard import QueryLimits
from lcc_graph.store.base import GRAPH_FORMATS, SOLUTION_FORMATS

from ..answer_cache import KEEP
from ..body import read_limited
from ..deps import SettingsDep, StoresDep, get_lang, get_settings, get_stores
from ..negotiation import NotAcceptable, choose, wants_html

router = APIRouter(tags=["sparql"])

SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:resultFormat fmt:SPARQL_Results_JSON, fmt:SPARQL_Results_XML, fmt:SPARQL_Results_CSV,
                  fmt:SPARQL_Results_TSV, fmt:Turtle, fmt:N-Triples, fmt:JSON-LD, fmt:RDF_XML ;
  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .
"""

ERROR = {"application/json": {"schema": {"type": "object", "required": ["error", "message"], "properties": {
    "error": {"type": "string"}, "message": {"type": "string"}}}}}
RESPONSES = {
    200: {
        "description": "Query results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE), by Accept or ?format=",
        "content": {m: {} for m in list(SOLUTION_FORMATS) + list(GRAPH_FORMATS)},
    },
    400: {"description": "malformed query, an update, SERVICE, two queries, or over the size/nesting limits",
          "content": {"application/json": {"example": {"error": "query_error", "message": "updates are not allowed"}}}},
    406: {"description": "no result format the client accepts", "content": ERROR},
    413: {"description": "the body is over the size limit", "content": ERROR},
    415: {"description": "a body that is neither application/sparql-query nor a form", "content": ERROR},
    429: {"description": "long-running queries hold every worker the service shares; try again", "content": ERROR},
    503: {"description": "the query passed its deadline, or the engine is unreachable", "content": ERROR},
}


def _offered(request: Request, offers: list[str]) -> str | None:
    try:
        return choose(request, offers)
    except NotAcceptable:
        return None


# A client that accepts only one kind's formats (rdflib's SPARQLStore asks a CONSTRUCT for SPARQL
# JSON results) gets the other kind in the format of the same family.
SAME_FAMILY = {"application/sparql-results+json": "application/ld+json",
               "application/sparql-results+xml": "application/rdf+xml"}


def result_media(request: Request) -> dict[str, str]:
    """The media type for each kind of result the client accepts; 406 when it accepts none."""
    solutions = _offered(request, list(SOLUTION_FORMATS))
    graph = _offered(request, list(GRAPH_FORMATS))
    if solutions is None and graph is None:
        raise NotAcceptable("none of the result formats asked for is offered: SPARQL results as "
                            f"{', '.join(SOLUTION_FORMATS)}; graphs as {', '.join(GRAPH_FORMATS)}")
    if "format" not in request.query_params:
        graph = graph or SAME_FAMILY.get(solutions or "")
        solutions = solutions or next((s for s, g in SAME_FAMILY.items() if g == graph), None)
    media = {"graph": graph} if graph else {}
    if solutions:
        media.update(solutions=solutions, boolean=solutions)
    return media


async def answer_query(stores, settings, media: dict[str, str], query: str, default_graphs: list[str],
                       named_graphs: list[str], scope: dict | None = None) -> Response:
    """Check, run and serialise one read query: scanned, run and serialised in a query worker (or
    on a thread, without a pool); the loop only waits for the answer. A deterministic answer is
    marked in the request's ``scope`` as one the answer cache may keep (api.answer_cache)."""
    if not query.strip():
        raise QueryError("the query is empty")
    limits = QueryLimits(max_bytes=settings.max_query_bytes, max_depth=settings.max_query_depth)
    result = await stores.query_untrusted_async(query, limits, media, default_graph=default_graphs or None,
                                                named_graphs=named_graphs or None)
    if result.media is None:
        raise NotAcceptable(f"the query's answer is a {result.kind} result; ask for one of "
                            f"{', '.join(GRAPH_FORMATS if result.kind == 'graph' else SOLUTION_FORMATS)}")
    if scope is not None and result.deterministic:
        scope[KEEP] = True
    return Response(result.data, media_type=result.media)


MAX_FORM_FIELDS = 1000  #: fields a POSTed form may have


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise QueryError(f"send one {name} parameter, not {len(values)}")
    return values[0] if values else None


# GET /sparql reads its parameters itself (FastAPI resolving them and the dependencies was a tenth
# of the server's time on a short query); they are documented here for the OpenAPI description.
GET_PARAMETERS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string", "minLength": 1},
     "description": "the SPARQL query; without it, the service description (or the editor, for a browser)"},
    {"name": "default-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True},
    {"name": "named-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True},
]


@router.get("/sparql", summary="SPARQL 1.1 Protocol query (GET)", responses=RESPONSES,
            openapi_extra={"parameters": GET_PARAMETERS})
async def sparql_get(request: Request) -> Response:
    """Run a read-only query over the public current graphs (a browser without a query, or asking
    ``?format=html``, gets the SPARQL editor page)."""
    params = request.query_params
    if "update" in params:
        raise QueryError("updates are not allowed: this endpoint is read-only")
    query = _one(params.getlist("query"), "query")
    if wants_html(request) and (query is None or params.get("format") == "html"):
        from .pages import sparql_editor

        return await run_in_threadpool(sparql_editor, request, get_lang(request), query)
    if query is None:
        endpoint = str(request.url).split("?", 1)[0]
        return Response(SERVICE_DESCRIPTION.format(endpoint=endpoint), media_type="text/turtle")
    return await answer_query(get_stores(request), get_settings(request), result_media(request), query,
                              params.getlist("default-graph-uri"), params.getlist("named-graph-uri"), request.scope)


@router.post(
    "/sparql",
    summary="SPARQL 1.1 Protocol query (POST, form-encoded or application/sparql-query)",
    responses=RESPONSES,
    openapi_extra={"requestBody": {"content": {
        "application/sparql-query": {"schema": {"type": "string", "minLength": 1},
                                     "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"},
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "query": {"type": "string", "minLength": 1},
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}}}, "required": ["query"]}},
    }, "required": True}},
)
async def sparql_post(request: Request, stores: StoresDep, settings: SettingsDep) -> Response:
    """Run a read-only query sent in the body. Only the body is read here (within its limit);
    everything else runs off the event loop."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise UnsupportedFormat("send the query as application/sparql-query or application/x-www-form-urlencoded")
    if "query" in request.query_params or "update" in request.query_params:
        raise QueryError("a POSTed query comes in the body only, and updates are not allowed")
    media = result_media(request)
    body = await read_limited(request, settings.max_query_bytes * 4)
    default_graphs = request.query_params.getlist("default-graph-uri")
    named_graphs = request.query_params.getlist("named-graph-uri")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError("the query is not UTF-8") from exc
    if media_type == "application/sparql-query":
        query = text
    else:
        try:
            form = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
        except ValueError:  # over the fields allowed (was a 500)
            raise QueryError(f"the form has more than {MAX_FORM_FIELDS} fields") from None
        if "update" in form:
            raise QueryError("updates are not allowed: this endpoint is read-only")
        query = _one(form.get("query", []), "query") or ""
        default_graphs += form.get("default-graph-uri", [])
        named_graphs += form.get("named-graph-uri", [])
    return await answer_query(stores, settings, media, query, default_graphs, named_graphs)
