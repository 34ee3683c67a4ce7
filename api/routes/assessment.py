"""``/communities/{id}/assessment``: findings by criterion, indicators relative to resources, peer bands."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from lcc_graph.errors import NotFound
from lcc_graph.views.assessment import assessment
from lcc_graph.views.assessment_series import series, to_csv
from lcc_graph.views.rdf_views import assessment_triples

from ..deps import CommunityId, LangDep, StoresDep
from ..negotiation import choose
from ..charts import change_text
from ..linked_data import UnknownProfile, PROFILE_BASE, RDF_CONTENT, RDF_MEDIA, add_links, profile_links, profile_token, view_response
from ..represent import represent

router = APIRouter(tags=["communities"])
ASSESSMENT_PROFILES = {"current": PROFILE_BASE + "assessment-current", "figures": PROFILE_BASE + "assessment-figures"}


@router.get("/communities/{id}/assessment", summary="Criteria findings and indicators, relative to resources",
            responses={200: {"content": {"application/json": {"example": {
                "community": "riverside",
                "findings": {"counts": {"Warning": 3, "Info": 1}, "total": 4, "by_criterion": [
                    {"slug": "partnerships", "label": "Partnerships", "counts": {"Warning": 1}, "shapes": [
                        {"shape": "https://w3id.org/lcc/shapes/partnerships-single-sector", "severity": "Warning",
                         "hint": "Invite a partner from another sector", "message": "…",
                         "results": [{"focus": "…", "label": "…", "message": "…"}]}]}]},
                "version": 2, "current": True,
                "indicators": [{"indicator": "partnerships-cross-sector", "iri": "https://w3id.org/lcc/indicators/partnerships-cross-sector",
                                "count": 12, "base": 17, "value": 0.705882, "share": 71,
                                "expected": 0.61, "verdict": "above", "verdict_reason": None,
                                "change": {"since_version": 1, "delta": -0.058823, "count_delta": -1},
                                "slug": "partnerships-cross-sector", "criterion": "https://w3id.org/lcc/criteria/partnerships",
                                "criterion_slug": "partnerships", "criterion_label": "Partnerships",
                                "values": {"raw": 0.5, "per-1000-inhabitants": 0.2},
                                "peers": {"raw": {"percentile": 62, "band": "third quarter", "peers": 7,
                                                  "quarter": "upper-mid"}}}],
                "peer_group": {"k": 10, "size": 10, "enough": True, "distance": {"nearest": 0.21, "farthest": 1.4},
                               "wider": 20, "narrower": 5,
                               "normalisations": [{"slug": "raw", "label": "Raw"}]},
                "resources": [{"kind": "funding", "unit": "eur-per-year", "unit_label": "Euros per year",
                               "available": 250000, "potential": 0, "per_1000": 20251.1, "resources": 2}],
                "metrics": [{"metric": "ei-index-sector", "label": "E-I index of sector mixing", "value": 0.6,
                             "change": None}],
                "plan": "https://w3id.org/lcc/plans/theil-sen-resources",
                "framework_version": "https://w3id.org/lcc/criteria/",
                "framework_current": "https://w3id.org/lcc/criteria/", "framework_change": None}},
                "text/html": {}, **RDF_CONTENT}},
                404: {"description": "no such community"}})
def community_assessment(
    id: CommunityId, request: Request, stores: StoresDep, lang: LangDep,
    peers: Annotated[int | None, Query(ge=5, le=50, description=(
        "the size of the peer group: the nearest communities in size and resources (10 by default)"))] = None,
    version: Annotated[int | None, Query(ge=1, le=10**9, description=(
        "the assessment of this version of the community's data (the current one by default); an earlier "
        "version has its figures and their change, without findings, peer bands or verdicts"))] = None,
    profile: Annotated[str | None, Query(description=(
        "current (findings, peer bands, verdicts: the current version only) or figures (a version's figures "
        "and their change; the current version's without version=), or their IRIs"))] = None,
) -> Response:
    """The community's assessment (recomputed at every accepted upload, and kept for every version):
    findings, and each indicator with the community's own figure, its change since the previous
    version, its band among its nearest peers and whether it is above, as or below what its
    resources predict; its resources as quantities. JSON-LD, Turtle, N-Triples and RDF/XML give the
    assessment's DQV measurements, findings and the labels they name; the two shapes are profiles
    (``Link``, ``Content-Profile``, ``?profile=``)."""
    chosen = profile_token(request, ASSESSMENT_PROFILES, "current" if version is None else "figures")
    if chosen == "current" and version is not None:
        raise UnknownProfile("the current profile is the current version's only: leave out version=, or ask "
                             "for profile=figures", offers=["figures"])
    offers = ["application/json", "text/html", *RDF_MEDIA]
    if choose(request, offers) == "text/html":
        # people read the assessment on the community's page, beside its network; earlier
        # versions on the history page
        if version is not None:
            return RedirectResponse(f"/communities/{id}/assessment/history?lang={lang}#v{version}", status_code=303)
        return RedirectResponse(f"/communities/{id}?lang={lang}#findings", status_code=303)

    def build() -> dict:
        try:
            body = assessment(stores, id, lang, request.app.state.catalogue, k=peers, version=version)
            if chosen == "figures" and version is None:
                body = assessment(stores, id, lang, request.app.state.catalogue, k=peers, version=body["version"])
            return body
        except ValueError as exc:
            raise NotFound(f"no community {id!r}: {exc}") from exc

    def triples() -> list:
        try:
            return assessment_triples(stores, id, version)
        except ValueError as exc:
            raise NotFound(f"no community {id!r}: {exc}") from exc

    response = view_response(request, ["application/json"], build, triples, lang=lang,
                             profile=ASSESSMENT_PROFILES[chosen], context_view="assessment")
    return add_links(response, profile_links(request, ASSESSMENT_PROFILES, chosen))


def history_rows(body: dict) -> list[dict]:
    """The history page's rows: per indicator, its figure at each version (None where it had none)
    in the order of ``versions``, with its change, and the points of its chart."""
    numbers = [v["version"] for v in body["versions"]]
    rows = []
    for entry in body["indicators"]:
        share = any(p["base"] is not None for p in entry["series"])
        cells = {}
        for p in entry["series"]:
            cells[p["version"]] = dict(p, share=round(100 * p["count"] / p["base"]) if p["base"] and p["count"] is not None
                                       else None, change=change_text(p, share))
        rows.append({"indicator": entry, "cells": [cells.get(n) for n in numbers],
                     "points": [(n, cells[n]["value"] if n in cells else None) for n in numbers]})
    return rows


HISTORY_OFFERS = ["application/json", "text/csv", "text/html"]


@router.get("/communities/{id}/assessment/history", summary="Each indicator over the community's versions",
            responses={200: {"content": {"application/json": {"example": {
                "community": "riverside", "versions": [
                    {"version": 1, "assessed_at": "2026-11-28T10:00:00Z", "framework_version": "…", "current": False},
                    {"version": 2, "assessed_at": "2026-12-01T09:00:00Z", "framework_version": "…", "current": True}],
                "indicators": [{"indicator": "partnerships-cross-sector", "criterion": "partnerships",
                                "label": "Cross-sector partnerships", "series": [
                                    {"version": 1, "count": 12, "base": 17, "value": 0.705882, "delta": None},
                                    {"version": 2, "count": 11, "base": 17, "value": 0.647059, "delta": -0.058823,
                                     "count_delta": -1}]}]}},
                "text/csv": {}, "text/html": {}}},
                404: {"description": "no such community"}})
def assessment_history(
    id: CommunityId, request: Request, stores: StoresDep, lang: LangDep,
    format: Annotated[str | None, Query(description="json, csv or html (overrides Accept)")] = None,
) -> Response:
    """Every indicator of the community as a time series over its accepted versions: each version's
    count, base and value (and per 1,000 inhabitants and per resource), and the change from the
    version before. Kept as DQV measurements in the community's public assessment-history graph."""
    def build() -> dict:
        try:
            return series(stores, id, lang)
        except ValueError as exc:
            raise NotFound(f"no community {id!r}: {exc}") from exc

    def page(body: dict) -> tuple[str, dict]:
        return "assessment_history.html", {"nav": "communities", "h": body, "rows": history_rows(body)}

    return represent(request, HISTORY_OFFERS, build, lang=lang, html=page, renderers={"text/csv": to_csv})
