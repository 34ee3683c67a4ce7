"""``/queries``: the named queries of the catalogue, each its own documented route."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from lcc_graph.catalogue import Catalogue, NamedQuery
from lcc_graph.errors import QueryError
from lcc_graph.views.sparql_examples import editor_text

from ..linked_data import RDF_MEDIA, named_query_rdf, wants_rdf
from ..negotiation import choose
from ..pages import render

router = APIRouter(tags=["queries"])

RESERVED = {"limit", "offset", "format", "lang"}
MAX_LIMIT = 10_000
SLUG_PATTERN = "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
OPENAPI_TYPES = {"iri": ("string", "uri"), "literal": ("string", None), "integer": ("integer", None),
                 "decimal": ("number", None), "boolean": ("boolean", None), "date": ("string", "date")}


def describe(q: NamedQuery) -> dict:
    """A query as the catalogue lists it."""
    return {
        "id": q.id, "iri": q.iri, "summary": q.summary, "question": q.question, "criteria": list(q.criteria),
        "kind": q.kind, "href": f"/queries/{q.id}", "scope": list(q.scope),
        "params": {name: {"type": p.type, "required": p.required, "default": p.default, "description": p.description}
                   for name, p in q.params.items()},
    }


@router.get("/queries", summary="The catalogue of named queries", responses={200: {"content": {
    "application/json": {"example": {"count": 1, "queries": [{"id": "cross-sector-partnerships",
                                                              "question": "To what extent are different sectors collaborating?"}]}},
    "text/html": {}}}})
def list_queries(request: Request) -> Response:
    """Every named query with its question, criteria and parameters."""
    catalogue: Catalogue = request.app.state.catalogue
    items = [describe(q) for q in catalogue]
    if choose(request, ["application/json", "text/html"]) == "text/html":
        from ..deps import get_lang
        return render(request, "queries.html", get_lang(request), queries=items)
    return JSONResponse({"count": len(items), "queries": items})


def _page_links(request: Request, offset: int, limit: int, total: int) -> str:
    params = dict(request.query_params)
    links = []
    for rel, start in (("first", 0), ("prev", max(0, offset - limit) if offset > 0 else None),
                       ("next", offset + limit if offset + limit < total else None)):
        if start is None:
            continue
        params.update(offset=str(start), limit=str(limit))
        links.append(f'<{request.url.path}?{urlencode(params)}>; rel="{rel}"')
    return ", ".join(links)


NAMED_OFFERS = ["application/json", "text/csv", "text/html", *RDF_MEDIA]


def run_named(request: Request, query: NamedQuery) -> Response:
    """Bind the parameters from the query string, run, paginate and represent the result."""
    stores = request.app.state.stores
    qp = request.query_params
    repeated = sorted({k for k, _ in qp.multi_items() if len(qp.getlist(k)) > 1})
    if repeated:
        raise QueryError(f"parameter {repeated[0]} is given {len(qp.getlist(repeated[0]))} times: send one value",
                         parameter=repeated[0])
    values = {k: v for k, v in qp.items() if k not in RESERVED}
    for name, value in values.items():
        if not value.strip():
            raise QueryError(f"parameter {name} is empty: leave it out, or give it a value", parameter=name)
    try:
        limit = int(qp.get("limit", "100"))
        offset = int(qp.get("offset", "0"))
    except ValueError:
        raise QueryError("limit and offset are whole numbers", parameter="limit") from None
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise QueryError(f"limit is 1 to {MAX_LIMIT}, offset 0 or more", parameter="limit")
    if wants_rdf(request, NAMED_OFFERS):
        return named_query_rdf(request, stores, query, "en", values, limit, offset)
    media = choose(request, ["application/json", "text/csv", "text/html"])
    if media == "text/html" and not values and any(p.required for p in query.params.values()):
        return _page(request, query, None, {}, {})
    result = query.run(stores, values)
    if result.kind == "boolean":
        return JSONResponse({"query": query.id, "boolean": result.boolean})
    if result.kind == "graph":
        return Response(result.serialize("text/turtle"), media_type="text/turtle")
    variables = result.variables
    total = result.row_count  # an answer from the query pool is indexed by row: only the page is read
    shown = result.page(offset, limit)
    page = shown.values()
    headers = {"X-Total-Count": str(total)}
    link = _page_links(request, offset, limit, total)
    if link:
        headers["Link"] = link
    if media == "text/csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=variables, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(page)
        return Response(out.getvalue(), media_type="text/csv",
                        headers={**headers, "Content-Disposition": f'inline; filename="{query.id}.csv"'})
    body = {"query": query.id, "params": {k: v for k, v in values.items()}, "total": total, "limit": limit,
            "offset": offset, "variables": variables, "rows": page}
    if media == "text/html":
        return _page(request, query, body, values, headers, rows=shown.rows())
    return JSONResponse(body, headers=headers)


def _page(request: Request, query: NamedQuery, body: dict | None, values: dict[str, str], headers: dict[str, str],
          rows: list | None = None) -> Response:
    """A named query's page: its form (a control fitting each parameter) and the page of results for reading."""
    from ..deps import get_lang
    from ..query_view import parameter_controls, result_cells

    lang = get_lang(request)
    stores = request.app.state.stores
    cells = result_cells(stores, rows or [], body["variables"], lang) if body else []
    return render(request, "query.html", lang, query=describe(query), result=body, values=values, headers=headers,
                  controls=parameter_controls(stores, query, lang), cells=cells,
                  sparql_text=editor_text(query, values))


def _endpoint(query: NamedQuery) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        return run_named(request, query)

    endpoint.__name__ = "query_" + query.id.replace("-", "_")
    endpoint.__doc__ = f"{query.summary}\n\nQuestion: {query.question}\n\nCriteria: {', '.join(query.criteria)}"
    return endpoint


def _parameters(query: NamedQuery) -> list[dict]:
    params = []
    for name, p in query.params.items():
        kind, fmt = OPENAPI_TYPES[p.type]
        schema: dict = {"type": kind}
        if kind == "string":
            schema["minLength"] = 1
        if fmt:
            schema["format"] = fmt
        if p.type == "iri" and name == "community":  # a community's IRI, or its id as the API paths name it
            schema = {"anyOf": [schema, {"type": "string", "pattern": SLUG_PATTERN}]}
        if p.default is not None:
            schema["default"] = p.default
        params.append({"name": name, "in": "query", "required": p.required, "schema": schema,
                       "description": p.description or f"{p.type} parameter"})
    params += [
        {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "default": 100, "minimum": 1, "maximum": MAX_LIMIT}},
        {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "default": 0, "minimum": 0}},
        {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "csv", "html"]}},
    ]
    return params


def add_query_routes(app: FastAPI, catalogue: Catalogue) -> None:
    """One documented GET route per named query, then the catalogue's generic 404."""
    for query in catalogue:
        app.add_api_route(
            f"/queries/{query.id}", _endpoint(query), methods=["GET"], tags=["queries"], summary=query.question,
            openapi_extra={"parameters": _parameters(query)},
            responses={200: {"content": {"application/json": {"example": {
                "query": query.id, "total": 1, "limit": 100, "offset": 0, "variables": list(query.variables), "rows": [{}]}},
                "text/csv": {}, "text/html": {}}},
                400: {"description": "a parameter that is not of its type (the message names it)"},
                503: {"description": "the query passed its deadline"}},
        )

    @app.get("/queries/{id}", tags=["queries"], summary="A query that is not in the catalogue",
             responses={404: {"description": "no such query"}}, include_in_schema=False)
    def unknown(id: str) -> Response:
        catalogue.get(id)  # raises NotFound
        raise AssertionError("unreachable: known queries have their own routes")
