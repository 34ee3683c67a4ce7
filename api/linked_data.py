"""Linked data in the API: the RDF representations of an IRI's description and of the views, the
``Link`` headers that name the JSON-LD context, the other representations and the profiles."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from lcc_graph import linked_data as ld

from .negotiation import NotAcceptable, choose
from .represent import represent

RDF_MEDIA = list(ld.RDF_FORMATS)  # Turtle, JSON-LD, N-Triples, RDF/XML
RESOURCE_OFFERS = ["application/ld+json", "text/turtle", "application/n-triples", "application/rdf+xml", "text/html"]
CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
PROFILE_BASE = "https://w3id.org/lcc/profiles/"
RDF_CONTENT = {m: {} for m in RDF_MEDIA}


class UnknownProfile(NotAcceptable):
    """A ?profile= this URL does not offer (answered 406, as a format it does not offer)."""


def _link_path(request: Request) -> str:
    """The request's path as a link target may carry it: percent-encoded again (a community's own
    IRI may hold '>' or ';', which would otherwise end the target and add entries to Link)."""
    return quote(request.url.path, safe="/:@!$&'()*+,=-._~")


def rdf_renderers(media: Sequence[str] = RDF_MEDIA) -> dict[str, Callable[[list[ox.Triple]], bytes]]:
    """Serialisers of a list of triples, one per RDF media type."""
    return {m: (lambda triples, m=m: ld.serialize(triples, m)) for m in media}


def wants_rdf(request: Request, offers: Sequence[str]) -> bool:
    """Whether the representation chosen among ``offers`` is one of the RDF ones."""
    return choose(request, list(offers)) in RDF_MEDIA


def context_link(request: Request, lang: str, view: str = "community") -> str:
    """The ``Link`` header value naming the JSON-LD context the plain JSON is read with."""
    params = {k: v for k, v in (("view", view), ("lang", lang)) if v not in ("community", "en")}
    query = f"?{urlencode(params)}" if params else ""
    return f'</context.jsonld{query}>; rel="{CONTEXT_REL}"; type="application/ld+json"'


def alternates_link(request: Request, media: Sequence[str]) -> str:
    """``Link`` entries naming this URL in its other representations (rel="alternate")."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    out = []
    for m in media:
        query = urlencode([*params, ("format", _FORMAT_NAMES.get(m, m))])
        out.append(f'<{_link_path(request)}?{query}>; rel="alternate"; type="{m}"')
    return ", ".join(out)


_FORMAT_NAMES = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt",
                 "application/rdf+xml": "rdfxml", "text/html": "html", "application/json": "json"}


def profile_token(request: Request, profiles: dict[str, str], default: str) -> str:
    """The profile a client asks for with ``?profile=`` (its token or IRI; the query-string form of
    W3C content negotiation by profile), ``default`` when it asks for none; 406 for a profile this
    URL does not offer."""
    asked = request.query_params.get("profile")
    if asked is None:
        return default
    for token, iri in profiles.items():
        if asked in (token, iri):
            return token
    raise UnknownProfile(f"profile {asked[:100]!r} is not offered here; use one of {', '.join(profiles)}",
                         offers=list(profiles))


def profile_links(request: Request, profiles: dict[str, str], chosen: str) -> str:
    """``Link`` entries for the profiles of this URL: the one answered (rel="profile") and the
    others (rel="alternate" with their profile), as the W3C note on content negotiation by profile says."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "profile"]
    out = [f'<{profiles[chosen]}>; rel="profile"']
    for token, iri in profiles.items():
        query = urlencode([*params, ("profile", token)])
        out.append(f'<{_link_path(request)}?{query}>; rel="alternate"; profile="{iri}"; token="{token}"')
    return ", ".join(out)


def add_links(response: Response, *links: str) -> Response:
    """Append ``Link`` header values to a response."""
    values = [v for v in (response.headers.get("link"), *links) if v]
    if values:
        response.headers["Link"] = ", ".join(values)
    return response


def view_response(request: Request, offers: Sequence[str], build: Callable[[], Any], triples: Callable[[], list],
                  *, lang: str, html=None, renderers=None, json=None, profile: str | None = None,
                  context_view: str | None = "community") -> Response:
    """A view's answer with its RDF representations added: the RDF media types answer ``triples()``
    (a CONSTRUCT of what the view shows), the others go to :func:`represent` as before; the plain
    JSON names the JSON-LD context it is read with, and every answer its alternates."""
    offers = list(offers) + [m for m in RDF_MEDIA if m not in offers]
    if choose(request, offers) in RDF_MEDIA:
        response = represent(request, offers, triples, lang=lang, renderers=rdf_renderers())
    else:
        response = represent(request, offers, build, lang=lang, html=html, renderers=renderers, json=json)
        if context_view and response.headers.get("content-type", "").startswith("application/json"):
            add_links(response, context_link(request, lang, context_view))
    if profile is not None:
        response.headers["Content-Profile"] = f"<{profile}>"
    return add_links(response, alternates_link(request, [m for m in offers if m != "application/json"]))


def resource_response(request: Request, stores, term: ox.NamedNode, lang: str) -> Response:
    """An IRI's description: a page, JSON-LD, Turtle, N-Triples or RDF/XML."""
    def page(description: ld.Description) -> tuple[str, dict]:
        return "resource.html", {"r": ld.page_data(stores, description, lang), "view": view_path(description.iri),
                                 "rpath": link_path, "self_url": link_path(description.iri)}

    response = represent(request, RESOURCE_OFFERS, lambda: ld.describe(stores, term), lang=lang, html=page,
                         renderers={m: (lambda d, m=m: ld.serialize(d.triples, m)) for m in RDF_MEDIA})
    return add_links(response, alternates_link(request, RESOURCE_OFFERS))


def link_path(iri: str) -> str:
    """Where the service serves an IRI's description: its own path by the path rule, else
    ``/resource?iri=`` (an ``lcc:`` term too, rather than the whole ontology)."""
    path = ld.path_for(iri)
    if path is None or iri.startswith(ld.LCC):
        return "/resource?" + urlencode({"iri": iri})
    return path


def view_path(iri: str) -> str | None:
    """The view that shows an IRI in full, when there is one (its community's page for a
    community's resource, a criterion's page), for the resource page to link to."""
    from lcc_graph.namespaces import COMMUNITIES, CRITERIA

    if iri.startswith(COMMUNITIES):
        community = iri[len(COMMUNITIES):].split("/", 1)[0]
        return f"/communities/{community}" if community else None
    if iri.startswith(CRITERIA):
        rest = iri[len(CRITERIA):].split("/", 1)[0]
        return "/criteria" if not rest or re.fullmatch(r"v\d[\w.-]*", rest) else f"/criteria/{rest}"
    return None


def named_query_rdf(request: Request, stores, query, lang: str, values: dict[str, str] | None = None,
                    limit: int = 100, offset: int = 0) -> Response:
    """A named query's page as RDF: what the catalogue says of it (title, question, the criteria it
    answers), what the public store says about its IRI (the indicators it computes), and, when it
    can run (its required parameters given), the page of its answer it shows, in the W3C
    result-set vocabulary (a graph query's answer is its graph)."""
    from lcc_graph.errors import NotFound
    from lcc_graph.namespaces import CRITERIA, DCTERMS, LCC
    from lcc_graph.views.rdf_views import result_set_triples

    def build() -> list[ox.Triple]:
        described = _described()
        values_given = values or {}
        if any(p.required and name not in values_given for name, p in query.params.items()):
            return described
        result = query.run(stores, values_given)
        if result.kind == "graph":
            return described + list(result.triples())
        if result.kind != "solutions":
            return described
        return described + result_set_triples(query.iri, result.variables, result.page(offset, limit).rows(),
                                              offset=offset, total=result.row_count)

    def _described() -> list[ox.Triple]:
        iri = ox.NamedNode(query.iri)
        triples = [ox.Triple(iri, ox.NamedNode(DCTERMS + "title"), ox.Literal(query.summary, language="en")),
                   ox.Triple(iri, ox.NamedNode(DCTERMS + "description"), ox.Literal(query.question, language="en"))]
        triples += [ox.Triple(iri, ox.NamedNode(LCC + "criterion"), ox.NamedNode(CRITERIA + c))
                    for c in getattr(query, "criteria", ()) or ()]
        try:
            triples += [t for t in ld.describe(stores, iri).triples if t not in set(triples)]
        except NotFound:
            pass
        return triples

    offers = ["application/json", "text/csv", "text/html", *RDF_MEDIA]
    return represent(request, offers, build, lang=lang, renderers=rdf_renderers())
