"""Every IRI the service mints dereferences: ``/resource?iri=``, ``/ontology``, ``/context.jsonld``
and the path rule (``https://w3id.org/lcc/{path}`` at ``/{path}``) for the paths no other route
serves (docs/linked-data.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match

from lcc_graph import linked_data as ld
from lcc_graph.errors import NotFound, ParseError
from lcc_graph.views.rdf_views import jsonld_context

from ..deps import LangDep, StoresDep
from ..linked_data import RDF_CONTENT, RDF_MEDIA, add_links, alternates_link, rdf_renderers, resource_response
from ..represent import represent

router = APIRouter(tags=["linked data"])

PARTNER = "https://w3id.org/lcc/communities/riverside/partners/school"
TURTLE_EXAMPLE = (f"<{PARTNER}> a <https://w3id.org/lcc#Partner> ;\n"
                  "  <http://www.w3.org/2000/01/rdf-schema#label> \"Riverside School\"@en ;\n"
                  "  <https://w3id.org/lcc#sector> <https://w3id.org/lcc/sectors/public> .\n")
JSONLD_EXAMPLE = [{"@id": PARTNER, "@type": ["https://w3id.org/lcc#Partner"],
                   "http://www.w3.org/2000/01/rdf-schema#label": [{"@value": "Riverside School", "@language": "en"}],
                   "https://w3id.org/lcc#sector": [{"@id": "https://w3id.org/lcc/sectors/public"}]}]
DESCRIPTION_CONTENT = {"application/ld+json": {"example": JSONLD_EXAMPLE}, "text/turtle": {"example": TURTLE_EXAMPLE},
                       "application/n-triples": {}, "application/rdf+xml": {}, "text/html": {}}
NOT_HELD = {404: {"description": "the public store holds nothing about this IRI (or it is a private one)",
                  "content": {"application/json": {"example": {
                      "error": "not_found", "message": "the public store holds nothing about this IRI"}}}}}


@router.get("/resource", summary="Any IRI the public store holds, described (a community's own IRIs too)",
            responses={200: {"description": "its triples, the blank nodes hanging off it and (at most 500) the "
                                            "triples pointing at it: JSON-LD (default), Turtle, N-Triples, RDF/XML, "
                                            "or a page with labels and links", "content": DESCRIPTION_CONTENT},
                       400: {"description": "iri is empty, over 2,048 characters or not an absolute IRI"},
                       **NOT_HELD, 406: {"description": "a format this URL does not offer"}})
def resource(
    request: Request, stores: StoresDep, lang: LangDep,
    iri: Annotated[str | None, Query(description="the absolute IRI of a resource, e.g. a community's own "
                                                 "https://riverside.example/partners/school",
                                     json_schema_extra={"format": "iri", "example": PARTNER})] = None,
    format: Annotated[str | None, Query(description="jsonld, ttl, nt, rdfxml or html (overrides Accept)")] = None,
) -> Response:
    """What the public store says about an IRI: framework terms from the framework graphs only,
    a community's resources from the public graphs. IRIs minted under ``https://w3id.org/lcc/``
    are also served at their own path (``https://w3id.org/lcc/{path}`` at ``/{path}``)."""
    return resource_response(request, stores, ld.checked_iri(iri), lang)


@router.get("/ontology", summary="The ontology (https://w3id.org/lcc and its lcc: terms)",
            responses={200: {"description": "Turtle (default), JSON-LD, N-Triples, RDF/XML",
                             "content": {**RDF_CONTENT, "text/turtle": {"example": (
                                 "<https://w3id.org/lcc> a owl:Ontology .\nlcc:Partner a owl:Class ; "
                                 "rdfs:subClassOf org:Organization .\n")}}},
                       406: {"description": "a format this URL does not offer"}})
def ontology(request: Request, stores: StoresDep, lang: LangDep,
             format: Annotated[str | None, Query(description="ttl, jsonld, nt or rdfxml (overrides Accept)")] = None,
             ) -> Response:
    """The ontology document, read from the framework graphs: every class and property of
    ``https://w3id.org/lcc#`` with its labels and comments in English, Hebrew and Arabic. A
    ``w3id.org/lcc`` redirect sends ``https://w3id.org/lcc`` here."""
    offers = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
    response = represent(request, offers, lambda: ld.ontology_triples(stores), lang=lang, renderers=rdf_renderers())
    return add_links(response, alternates_link(request, offers))


@router.get("/context.jsonld", summary="The JSON-LD context that reads the views' plain JSON as RDF",
            responses={200: {"content": {"application/ld+json": {"example": {"@context": {
                "iri": "@id", "label": {"@id": "http://www.w3.org/2000/01/rdf-schema#label", "@language": "en"}}}}}},
                       406: {"description": "a format this URL does not offer"}})
def context(request: Request, lang: LangDep,
            view: Annotated[Literal["community", "assessment", "framework"], Query(description=(
                "community (/communities, /communities/{id}), assessment or framework (/criteria)"))] = "community",
            ) -> Response:
    """The context every view's JSON links to (``Link: </context.jsonld>;
    rel="http://www.w3.org/ns/json-ld#context"``): with it, the JSON of ``/communities/{id}``,
    ``/communities/{id}/assessment``, ``/criteria`` and the other views is JSON-LD; labels are in
    the language the view was asked in (``?lang=``)."""
    return represent(request, ["application/ld+json", "application/json"], lambda: jsonld_context(lang, view), lang=lang)


# --------------------------------------------------------------------------- the path rule

_READ = ["GET", "HEAD"]
_OTHER = ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def _other_route(request: Request, path: str | None = None, *, full: bool = False):
    """A route other than the path rule's that matches this request's path (any method; or, with
    ``full``, this method too)."""
    scope = dict(request.scope)
    if path is not None:
        scope["path"] = path
    for route in request.app.router.routes:
        if getattr(route, "name", None) in ("path_rule", "path_rule_other"):
            continue
        match, _ = route.matches(scope)
        if match == Match.FULL or (match == Match.PARTIAL and not full):
            return route
    return None


def _iri_of(request: Request) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    return ld.iri_for_path(raw.decode("latin-1").split("?", 1)[0])


def path_rule(path: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """``/{path}`` describes ``https://w3id.org/lcc/{path}``; a path another route serves with
    another method is a 405 as before, and a path it serves with or without a final slash is
    redirected there as before."""
    if _other_route(request) is not None:
        raise HTTPException(405)
    try:
        term = ld.checked_iri(_iri_of(request))
        return resource_response(request, stores, term, lang)
    except NotFound:
        url = request.url.path
        other = url[:-1] if url.endswith("/") else url + "/"
        if len(other) > 1 and _other_route(request, other, full=True) is not None:
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(other + query, status_code=307)
        raise NotFound(f"nothing is served at {url[:200]}: see /communities, /criteria or /ontology") from None


def path_rule_other(path: str, request: Request, stores: StoresDep) -> Response:
    """Another method than GET on a path the path rule serves: 405 when the IRI is held (it is
    read-only) or another route serves the path, else 404 as before."""
    if _other_route(request) is not None:
        raise HTTPException(405)
    try:
        ld.describe(stores, ld.checked_iri(_iri_of(request)))
    except (NotFound, ParseError):
        raise HTTPException(404) from None
    return JSONResponse({"error": "method_not_allowed", "message": "Method Not Allowed"}, status_code=405,
                        headers={"Allow": "GET, HEAD"})


def add_path_rule(app: FastAPI) -> None:
    """Register the path rule after every other route, so that it never shadows one."""
    app.add_api_route("/{path:path}", path_rule, methods=_READ, include_in_schema=False, name="path_rule")
    app.add_api_route("/{path:path}", path_rule_other, methods=_OTHER, include_in_schema=False,
                      name="path_rule_other")


__all__ = ["router", "add_path_rule", "RDF_MEDIA"]
