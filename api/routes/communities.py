"""``/communities``: the communities, a community's profile and its partnership network.

One URL, several representations: JSON by default, HTML for browsers, and for the network
Cytoscape.js JSON, GraphML, JSON-LD and Turtle, by ``Accept`` or ``?format=``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from lcc_graph.views.community import get_community, list_communities
from lcc_graph.views.network import build_network, network_triples, serialize_triples, svg_drawing, to_cytoscape, to_graphml
from lcc_graph.views.rdf_views import communities_triples, community_triples
from lcc_graph.views.network_figures import figures_csv, metric_measurements, network_figures

from ..deps import LangDep, StoresDep
from ..negotiation import choose
from ..linked_data import PROFILE_BASE, RDF_CONTENT, add_links, profile_links, profile_token, view_response
from ..represent import represent

router = APIRouter(tags=["communities"])

CYTOSCAPE = "application/vnd.cytoscape+json"
GRAPHML = "application/graphml+xml"
HTML_OR_JSON = ["application/json", "text/html"]
NETWORK_PROFILES = {"partners": PROFILE_BASE + "network-partners", "bipartite": PROFILE_BASE + "network-bipartite"}
NETWORK_OFFERS = ["application/json", CYTOSCAPE, GRAPHML, "application/ld+json", "text/turtle", "text/html"]

NOT_FOUND = {404: {"description": "no such community (or a malformed id)", "content": {"application/json": {
    "example": {"error": "not_found", "message": "no community 'atlantis': see /communities for the communities"}}}}}
NOT_ACCEPTABLE = {406: {"description": "a ?format= this URL does not offer"}}

_REF = {"iri": "https://w3id.org/lcc/sectors/public", "slug": "public", "label": "Public sector"}
LIST_EXAMPLE = {"count": 1, "sort": "label", "order": "asc", "communities": [{
    "id": "riverside", "iri": "https://w3id.org/lcc/communities/riverside", "label": "Riverside",
    "population": 12345, "stage": {"iri": "https://w3id.org/lcc/stages/mid", "slug": "mid", "label": "Mid stage"},
    "counts": {"partners": 5, "partnerships": 3, "infrastructures": 1, "initiatives": 2, "citizenGroups": 2,
               "needs": 1, "resources": 3, "policies": 1, "dialogues": 1, "evidence": 1, "dialogueAnswers": 1},
    "resources": {
        "available": {"count": 2, "totals": [{"kind": "funding", "unit": "eur-per-year", "unitLabel": "Euros per year",
                                              "count": 2, "amount": 1500.5}]},
        "potential": {"count": 1, "totals": [{"kind": "space", "unit": "m2", "unitLabel": "Square metres",
                                              "count": 1, "amount": 200}]},
        "quantities": [
            {"kind": "funding", "unit": "eur-per-year", "unitLabel": "Euros per year", "available": 1500.5,
             "potential": 0, "per_1000": 121.5472, "count": 2},
            {"kind": "space", "unit": "m2", "unitLabel": "Square metres", "available": 0, "potential": 200,
             "per_1000": 0.0, "count": 1}]},
}]}
PROFILE_EXAMPLE = {
    "id": "riverside", "iri": "https://w3id.org/lcc/communities/riverside", "label": "Riverside",
    "labels": {"en": "Riverside"}, "population": 12345,
    "stage": {"iri": "https://w3id.org/lcc/stages/mid", "slug": "mid", "label": "Mid stage"},
    "partOf": [], "collaboratesWith": [{"iri": "https://w3id.org/lcc/communities/hillside", "id": "hillside",
                                        "label": "Hillside", "type": "Community"}],
    "counts": LIST_EXAMPLE["communities"][0]["counts"],
    "partners": {"count": 5, "bySector": [{"sector": _REF, "count": 2, "partners": [
        {"iri": "https://w3id.org/lcc/communities/riverside/partners/school", "label": "Riverside School"}]}],
        "byField": [], "items": []},
    "partnerships": [{"iri": "https://w3id.org/lcc/communities/riverside/partnerships/reading",
                      "label": "Reading Alliance", "memberCount": 3, "members": [], "sectors": ["public", "private"],
                      "crossSector": True, "hasAgenda": True, "agenda": "Monthly meetings", "citizenGroups": [],
                      "startDate": "2022-01-10", "endDate": None}],
    "infrastructures": [], "initiatives": [], "citizenGroups": [], "needs": [],
    "resources": {**LIST_EXAMPLE["communities"][0]["resources"], "items": []},
    "policies": [], "dialogues": [], "evidence": [], "dialogueAnswers": [],
}
NETWORK_EXAMPLE = {
    "data": {"community": "riverside", "iri": "https://w3id.org/lcc/communities/riverside", "label": "Riverside",
             "view": "partners",
             "nodeCount": 2, "edgeCount": 1},
    "directed": False, "multigraph": True,
    "elements": {
        "nodes": [{"data": {"id": "https://w3id.org/lcc/communities/riverside/partners/school",
                            "value": "https://w3id.org/lcc/communities/riverside/partners/school",
                            "name": "Riverside School", "label": "Riverside School", "kind": "partner",
                            "sector": "public", "sectorLabel": "Public sector", "fields": ["education"],
                            "fieldLabels": ["Education"]}},
                  {"data": {"id": "https://w3id.org/lcc/communities/riverside/partners/bank",
                            "value": "https://w3id.org/lcc/communities/riverside/partners/bank",
                            "name": "Riverside Bank", "label": "Riverside Bank", "kind": "partner",
                            "sector": "private", "sectorLabel": "Private sector", "fields": ["finance"],
                            "fieldLabels": ["Finance"]}}],
        "edges": [{"data": {"id": "e1", "kind": "partnership",
                            "source": "https://w3id.org/lcc/communities/riverside/partners/bank",
                            "target": "https://w3id.org/lcc/communities/riverside/partners/school",
                            "key": "https://w3id.org/lcc/communities/riverside/partnerships/reading",
                            "partnership": "https://w3id.org/lcc/communities/riverside/partnerships/reading",
                            "label": "Reading Alliance"}}],
    },
}


@router.get("/communities", summary="The communities, with counts and resource totals", responses={
    200: {"content": {"application/json": {"example": LIST_EXAMPLE}, "text/html": {}, **RDF_CONTENT}},
    **NOT_ACCEPTABLE})
def communities(
    request: Request,
    stores: StoresDep,
    lang: LangDep,
    sort: Annotated[Literal["label", "population", "partners"], Query(
        description="label (A to Z), population or partners (largest first)")] = "label",
    order: Annotated[Literal["asc", "desc"] | None, Query(
        description="override the sort's natural direction")] = None,
) -> Response:
    """Every community in the public store: label, population, stage, the numbers of its partners,
    partnerships, initiatives (and the rest), and its available and potential resources summed
    per kind and unit."""
    def build() -> dict:
        descending = None if order is None else order == "desc"
        items = list_communities(stores, lang, sort=sort, descending=descending)
        natural = "asc" if sort == "label" else "desc"
        return {"count": len(items), "sort": sort, "order": order or natural, "communities": items}

    return view_response(request, HTML_OR_JSON, build, lambda: communities_triples(stores), lang=lang,
                         html=lambda body: ("communities.html", {"nav": "communities", **body}))


@router.get("/communities/{id}", summary="A community's profile", responses={
    200: {"content": {"application/json": {"example": PROFILE_EXAMPLE}, "text/html": {}, **RDF_CONTENT}},
    **NOT_FOUND, **NOT_ACCEPTABLE})
def community(id: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """Who the community is (population, stage, part of, collaborates with), its partners by sector
    and by field, partnerships (members, sectors, agenda, citizen groups), infrastructures,
    initiatives, citizen groups, needs, resources (available and potential), policies, dialogues,
    evidence and dialogue answers."""
    def page(profile: dict) -> tuple[str, dict]:
        from .pages import community_page_extras

        return "community.html", {"nav": "communities", "c": profile,
                                  **community_page_extras(request, stores, id, lang)}

    return view_response(request, HTML_OR_JSON, lambda: get_community(stores, id, lang),
                         lambda: community_triples(stores, id), lang=lang, html=page)


@router.get("/communities/{id}/network", summary="A community's partnership network", responses={
    200: {"description": "Cytoscape.js JSON (default), GraphML, JSON-LD, Turtle or an HTML page with an SVG drawing",
          "content": {"application/json": {"example": NETWORK_EXAMPLE}, CYTOSCAPE: {"example": NETWORK_EXAMPLE},
                      GRAPHML: {}, "application/ld+json": {}, "text/turtle": {}, "text/html": {}}},
    **NOT_FOUND, **NOT_ACCEPTABLE})
def network(
    id: str,
    request: Request,
    stores: StoresDep,
    lang: LangDep,
    view: Annotated[Literal["partners", "bipartite"], Query(
        description="partners: an edge per partnership two partners share; bipartite: partnerships are nodes too")] = "partners",
    format: Annotated[str | None, Query(
        description="json, cytoscape, graphml, jsonld, turtle or html (overrides Accept)")] = None,
    profile: Annotated[str | None, Query(description=(
        "partners or bipartite (or their IRIs, " + PROFILE_BASE + "network-partners ...): the shape of the "
        "network, as view= says"))] = None,
) -> Response:
    """Partners as nodes (IRI, label, sector, fields), an edge between two partners for each
    partnership they share (two partnerships, two edges), labelled with the partnership.
    JSON-LD and Turtle carry the RDF of the community's partners and partnerships. The two shapes
    are profiles (W3C content negotiation by profile): named in ``Link`` and ``Content-Profile``,
    chosen with ``?profile=`` (or ``view=``)."""
    chosen = profile_token(request, NETWORK_PROFILES, view) if "view" not in request.query_params else view
    view = chosen  # type: ignore[assignment]
    links = profile_links(request, NETWORK_PROFILES, chosen)
    if choose(request, NETWORK_OFFERS) in ("application/ld+json", "text/turtle"):
        rdf = {m: (lambda triples, m=m: serialize_triples(triples, m)) for m in ("application/ld+json", "text/turtle")}
        response = represent(request, NETWORK_OFFERS, lambda: network_triples(stores, id), lang=lang, renderers=rdf)
        response.headers["Content-Profile"] = f"<{NETWORK_PROFILES[chosen]}>"
        return add_links(response, links)

    def page(graph) -> tuple[str, dict]:
        return "network.html", {
            "nav": "communities", "id": id, "label": graph.graph.get("label") or id, "view": view,
            "drawing": svg_drawing(graph), "graph": graph,
            "nodes": sorted((dict(a, id=n) for n, a in graph.nodes(data=True)),
                            key=lambda a: (a.get("kind") != "partner", a.get("label") or "")),
            "edges": sorted((dict(a, source=s, target=t) for s, t, a in graph.edges(data=True)),
                            key=lambda e: e.get("id", ""))}

    response = represent(request, NETWORK_OFFERS, lambda: build_network(stores, id, view=view, lang=lang), lang=lang,
                         html=page, renderers={GRAPHML: to_graphml}, json=to_cytoscape)
    response.headers["Content-Profile"] = f"<{NETWORK_PROFILES[chosen]}>"
    return add_links(response, links)


METRICS_OFFERS = ["application/json", "text/csv", "application/ld+json"]


@router.get("/communities/{id}/network/metrics", summary="A community's partnership-network metrics", responses={
    200: {"description": "JSON (default), CSV (one row per figure) or JSON-LD (the DQV measurements as stored)",
          "content": {"application/json": {"example": {
              "community": "riverside", "version": 2, "metrics": [
                  {"metric": "ei-index-sector", "label": "E-I index of sector mixing", "criteria": ["diversity", "partnerships"],
                   "value": 0.6, "change": {"since_version": 1, "delta": 0.2, "count_delta": None}}],
              "partners": [{"partner": "https://w3id.org/lcc/communities/riverside/partners/school", "label": "Riverside School",
                            "degree": 2, "weighted-degree": 2, "betweenness": 0.0, "constraint": 0.5, "cluster": 1,
                            "broker": False}]}},
                      "text/csv": {}, "application/ld+json": {}}},
    **NOT_FOUND, **NOT_ACCEPTABLE})
def network_metrics(
    id: str, request: Request, stores: StoresDep, lang: LangDep,
    format: Annotated[str | None, Query(description="json, csv or jsonld (overrides Accept)")] = None,
) -> Response:
    """The figures of the community's partner network (two partners tied when they share a
    partnership): partners, ties, density, components, degree centralisation, the E-I index of
    sector mixing, the share of cross-sector ties, clusters and modularity, brokers, each with its
    change since the previous version; and each partner's degree, weighted degree, betweenness,
    constraint, cluster and whether it is a broker. Stored as DQV measurements in the community's
    assessment at every accepted upload (docs/network-metrics.md)."""
    if choose(request, METRICS_OFFERS) == "application/ld+json":
        def triples():
            network_figures(stores, id, lang)  # 404 for an unknown community
            return metric_measurements(stores, id)

        return represent(request, METRICS_OFFERS, triples, lang=lang,
                         renderers={"application/ld+json": lambda t: serialize_triples(t, "application/ld+json")})
    return represent(request, METRICS_OFFERS, lambda: network_figures(stores, id, lang), lang=lang,
                     renderers={"text/csv": figures_csv})

