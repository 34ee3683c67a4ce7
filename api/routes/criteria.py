"""``/criteria``: the framework, in JSON and as pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lcc_graph.framework import framework_version_label
from lcc_graph.views.criteria import criterion_details, list_criteria

from lcc_graph.linked_data import checked_iri
from lcc_graph.namespaces import CRITERIA, SLUG_RE
from lcc_graph.views.community import community_labels
from lcc_graph.views.rdf_views import criteria_triples, criterion_exists, criterion_triples

from ..deps import LangDep, StoresDep
from ..linked_data import RDF_CONTENT, resource_response, view_response

HTML_OR_JSON = ["application/json", "text/html"]

router = APIRouter(tags=["framework"])

LIST_EXAMPLE = {"count": 21, "criteria": [{"slug": "balances", "iri": "https://w3id.org/lcc/criteria/balances",
                                           "label": "Balances", "definition": "…",
                                           "statements": [{"iri": "https://w3id.org/lcc/criteria/balances/statements/1",
                                                           "text": "The learning community or city does not produce …"}],
                                           "dimensions": []}]}
ONE_EXAMPLE = {"slug": "penetration", "label": "Penetration", "statements": [{"iri": "…", "text": "…"}],
               "dimensions": [{"iri": "https://w3id.org/lcc/criteria/penetration/horizontal", "label": "Horizontal"}],
               "shapes": [{"iri": "https://w3id.org/lcc/shapes/…", "severity": "Warning", "message": "…", "hint": "…"}],
               "questions": [{"id": "lc-3", "text": "To what extent are different sectors collaborating, …"}],
               "evidence": [{"id": "riverside", "evidence": 2, "unsuccessful": 1, "dialogues": 1}],
               "findings": {"Warning": {"results": 12, "communities": 5}},
               "queries": [{"id": "penetration", "href": "/queries/penetration", "question": "…"}]}


@router.get("/criteria", summary="The current criteria with their statements, and the retired ones",
            responses={200: {"content": {"application/json": {"example": LIST_EXAMPLE}, "text/html": {}, **RDF_CONTENT}}})
def criteria(request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """Every criterion of the current framework version with its statements and dimensions; the
    criteria earlier versions retired or merged come apart, in ``retired``, each saying in which
    version and into which criterion."""
    def build() -> dict:
        items = list_criteria(stores, lang)
        return {"count": len(items), "framework_version": framework_version_label(stores), "criteria": items,
                "retired": list_criteria(stores, lang, retired=True)}

    return view_response(request, HTML_OR_JSON, build, lambda: criteria_triples(stores), lang=lang,
                         context_view="framework",
                         html=lambda d: ("criteria.html", {"nav": "criteria", "criteria": d["criteria"],
                                                       "retired": d["retired"], "version": d["framework_version"]}))


@router.get("/criteria/{slug}", summary="One criterion: statements, dimensions, shapes, questions, evidence", responses={
    200: {"content": {"application/json": {"example": ONE_EXAMPLE}, "text/html": {}, **RDF_CONTENT}},
    404: {"description": "no such criterion (nor another IRI under https://w3id.org/lcc/criteria/)"}})
def criterion(slug: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """One criterion by its slug (e.g. ``penetration``)."""
    def build() -> dict:
        item = criterion_details(stores, slug, lang)
        item["queries"] = [{"id": q.id, "href": f"/queries/{q.id}", "question": q.question, "summary": q.summary}
                           for q in request.app.state.catalogue.by_criterion(slug)]
        return item

    def page(item: dict) -> tuple[str, dict]:
        return "criterion.html", {"nav": "criteria", "criterion": item, "names": community_labels(stores, lang)}

    if not SLUG_RE.fullmatch(slug) or not criterion_exists(stores, slug):
        # another IRI minted under criteria/ (a framework version, e.g. v1.1): described by the path rule
        return resource_response(request, stores, checked_iri(CRITERIA + slug), lang)
    return view_response(request, HTML_OR_JSON, build, lambda: criterion_triples(stores, slug), lang=lang,
                         context_view="framework", html=page)
