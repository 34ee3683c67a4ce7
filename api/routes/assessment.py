"""``/communities/{id}/assessment``: findings by criterion, indicators relative to resources, peer bands."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from lcc_graph.errors import NotFound
from lcc_graph.views.assessment import assessment

from ..deps import CommunityId, LangDep, StoresDep
from ..negotiation import choose
from ..represent import represent

router = APIRouter(tags=["communities"])


@router.get("/communities/{id}/assessment", summary="Criteria findings and indicators, relative to resources",
            responses={200: {"content": {"application/json": {"example": {
                "community": "riverside",
                "findings": {"counts": {"Warning": 3, "Info": 1}, "total": 4, "by_criterion": [
                    {"slug": "partnerships", "label": "Partnerships", "counts": {"Warning": 1}, "shapes": [
                        {"shape": "https://w3id.org/lcc/shapes/partnerships-single-sector", "severity": "Warning",
                         "hint": "Invite a partner from another sector", "message": "…",
                         "results": [{"focus": "…", "label": "…", "message": "…"}]}]}]},
                "indicators": [{"slug": "partnerships-cross-sector", "criterion": "https://w3id.org/lcc/criteria/partnerships",
                                "criterion_slug": "partnerships", "criterion_label": "Partnerships",
                                "values": {"raw": 0.5, "per-1000-inhabitants": 0.2},
                                "peers": {"raw": {"percentile": 62, "band": "third quarter", "peers": 7,
                                                  "quarter": "upper-mid"}}}],
                "peer_group": {"k": 10, "size": 10, "enough": True, "distance": {"nearest": 0.21, "farthest": 1.4},
                               "wider": 20, "narrower": 5,
                               "normalisations": [{"slug": "raw", "label": "Raw"}]}}},
                "text/html": {}}},
                404: {"description": "no such community"}})
def community_assessment(
    id: CommunityId, request: Request, stores: StoresDep, lang: LangDep,
    peers: Annotated[int | None, Query(ge=5, le=50, description=(
        "the size of the peer group: the nearest communities in size and resources (10 by default)"))] = None,
) -> Response:
    """The community's current assessment (recomputed at every accepted upload): findings, and each
    indicator with the community's own figure, its band among its nearest peers and whether it is
    above, as or below what its resources predict."""
    if choose(request, ["application/json", "text/html"]) == "text/html":
        # people read the assessment on the community's page, beside its network
        return RedirectResponse(f"/communities/{id}?lang={lang}#findings", status_code=303)

    def build() -> dict:
        try:
            return assessment(stores, id, lang, request.app.state.catalogue, k=peers)
        except ValueError as exc:
            raise NotFound(f"no community {id!r}: {exc}") from exc

    return represent(request, ["application/json"], build, lang=lang)
