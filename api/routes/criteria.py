"""``/criteria``: the framework, in JSON and as pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from lcc_graph.views.criteria import criterion_details, list_criteria

from ..deps import LangDep, StoresDep
from ..negotiation import choose
from ..pages import render

router = APIRouter(tags=["framework"])

HTML_OR_JSON = {200: {"content": {"application/json": {}, "text/html": {}}}}


@router.get("/criteria", summary="The 21 criteria with their statements", responses=HTML_OR_JSON)
def criteria(request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """Every criterion of the framework with its statements and dimensions."""
    items = list_criteria(stores, lang)
    if choose(request, ["application/json", "text/html"]) == "text/html":
        return render(request, "criteria.html", lang, nav="criteria", criteria=items)
    return JSONResponse({"count": len(items), "criteria": items})


@router.get("/criteria/{slug}", summary="One criterion: statements, dimensions, shapes, questions, evidence", responses={
    **HTML_OR_JSON, 404: {"description": "no such criterion"}})
def criterion(slug: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """One criterion by its slug (e.g. ``penetration``)."""
    item = criterion_details(stores, slug, lang)
    item["queries"] = [{"id": q.id, "href": f"/queries/{q.id}", "question": q.question, "summary": q.summary}
                       for q in request.app.state.catalogue.by_criterion(slug)]
    if choose(request, ["application/json", "text/html"]) == "text/html":
        return render(request, "criterion.html", lang, nav="criteria", criterion=item)
    return JSONResponse(item)
