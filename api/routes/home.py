"""The home page: what the service is, in one screen."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from lcc_graph.views.criteria import list_criteria
from lcc_graph.views.overview import service_counts

from ..deps import LangDep, StoresDep
from ..negotiation import choose
from ..pages import render

router = APIRouter(tags=["service"])


@router.get("/", summary="What the service is and where to go", responses={200: {"content": {"application/json": {"example": {
                "service": "lcc-graph", "criteria": 21,
                "links": {"criteria": "/criteria", "sparql": "/sparql", "openapi": "/openapi.json"}}}, "text/html": {}}}})
def home(request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """Counts and ways in."""
    items = list_criteria(stores, lang)
    links = {"criteria": "/criteria", "communities": "/communities", "queries": "/queries", "sparql": "/sparql", "health": "/health", "openapi": "/openapi.json", "docs": "/docs"}
    if choose(request, ["application/json", "text/html"]) == "text/html":
        catalogue = getattr(request.app.state, "catalogue", None)
        counts = service_counts(stores, items, queries=len(catalogue) if catalogue is not None else 0)
        return render(request, "home.html", lang, nav="home", criteria=items, links=links, counts=counts)
    return JSONResponse({"service": "lcc-graph", "criteria": len(items), "links": links})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The icon browsers ask for by this name: the service's SVG icon."""
    return FileResponse(Path(__file__).resolve().parents[1] / "static" / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})
