"""``/criteria``: the framework, in JSON and as pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lcc_graph.framework import framework_version_label
from lcc_graph.views.criteria import criterion_details, list_criteria

from lcc_graph.views.community import community_labels

from ..deps import LangDep, StoresDep
from ..represent import represent

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
            responses={200: {"content": {"application/json": {"example": LIST_EXAMPLE}, "text/html": {}}}})
def criteria(request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """Every criterion of the current framework version with its statements and dimensions; the
    criteria earlier versions retired or merged come apart, in ``retired``, each saying in which
    version and into which criterion."""
    def build() -> dict:
        items = list_criteria(stores, lang)
        return {"count": len(items), "framework_version": framework_version_label(stores), "criteria": items,
                "retired": list_criteria(stores, lang, retired=True)}

    return represent(request, HTML_OR_JSON, build, lang=lang,
                     html=lambda d: ("criteria.html", {"nav": "criteria", "criteria": d["criteria"],
                                                       "retired": d["retired"], "version": d["framework_version"]}))


@router.get("/criteria/{slug}", summary="One criterion: statements, dimensions, shapes, questions, evidence", responses={
    200: {"content": {"application/json": {"example": ONE_EXAMPLE}, "text/html": {}}},
    404: {"description": "no such criterion"}})
def criterion(slug: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """One criterion by its slug (e.g. ``penetration``)."""
    def build() -> dict:
        item = criterion_details(stores, slug, lang)
        item["queries"] = [{"id": q.id, "href": f"/queries/{q.id}", "question": q.question, "summary": q.summary}
                           for q in request.app.state.catalogue.by_criterion(slug)]
        return item

    def page(item: dict) -> tuple[str, dict]:
        return "criterion.html", {"nav": "criteria", "criterion": item, "names": community_labels(stores, lang)}

    return represent(request, HTML_OR_JSON, build, lang=lang, html=page)
