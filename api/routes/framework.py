"""``/framework/versions``: the framework's versions, publishing a new one (admin), what changed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from lcc_graph import framework_versions
from lcc_graph.judgements import rejudge_all
from lcc_graph.rdf_input import normalise_media_type

from ..auth import AdminDep
from ..body import read_limited
from ..deps import LangDep, SettingsDep, StoresDep
from ..represent import represent
from .admin import ADMIN_ERRORS

router = APIRouter(tags=["framework"])
HTML_OR_JSON = ["application/json", "text/html"]

VERSIONS_EXAMPLE = {"current": "1.1", "versions": [
    {"version": "1.0", "iri": "https://w3id.org/lcc/criteria/", "issued": "2026-11-28", "published_at": None,
     "shipped": True, "note": None, "href": "/framework/versions/1.0"},
    {"version": "1.1", "iri": "https://w3id.org/lcc/criteria/v1.1", "issued": "2027-06-01",
     "published_at": "2027-06-01T09:00:00Z", "shipped": False, "note": "Adds COMMUNICATION, …",
     "href": "/framework/versions/1.1", "diff": "/framework/versions/1.0/diff/1.1"}]}
DIFF_EXAMPLE = {"from": {"version": "1.0"}, "to": {"version": "1.1"},
                "criteria": {"added": [{"iri": "https://w3id.org/lcc/criteria/communication", "label": "Communication"}],
                             "merged": [{"iri": "https://w3id.org/lcc/criteria/visibility", "label": "Visibility",
                                         "into": "https://w3id.org/lcc/criteria/openness"}],
                             "retired": [{"iri": "https://w3id.org/lcc/criteria/dynamics", "label": "Dynamics",
                                          "note": "…"}]},
                "shapes": {"moved": [{"iri": "https://w3id.org/lcc/shapes/visibility-no-channel", "label": "…",
                                      "criteria_before": ["https://w3id.org/lcc/criteria/visibility"],
                                      "criteria": ["https://w3id.org/lcc/criteria/openness"]}]}}
VERSION_MEDIA = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


def _names(stores, lang: str) -> dict[str, str]:
    """Criterion IRI -> its label in the reader's language, retired criteria included."""
    from lcc_graph.views.criteria import list_criteria

    return {c["iri"]: c["label"] for retired in (False, True) for c in list_criteria(stores, lang, retired=retired)}


def _listing(stores) -> dict:
    found = framework_versions.versions(stores)
    items = []
    for i, v in enumerate(found):
        entry = {**v.to_json(), "href": f"/framework/versions/{v.label}"}
        if i:
            entry["diff"] = f"/framework/versions/{found[i - 1].label}/diff/{v.label}"
        items.append(entry)
    return {"current": found[-1].label if found else None, "versions": items}


@router.get("/framework/versions", summary="The framework's versions, the shipped one first",
            responses={200: {"content": {"application/json": {"example": VERSIONS_EXAMPLE}, "text/html": {}}}})
def list_versions(request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """Every version of the framework: the one that shipped and those published since, each with a
    link to what it changed."""
    return represent(request, HTML_OR_JSON, lambda: _listing(stores), lang=lang,
                     html=lambda d: ("framework_versions.html", {"nav": "criteria", "data": d}))


def _publish(stores, data: bytes, media: str, assess: bool) -> JSONResponse:
    version, changes = framework_versions.publish(stores, data, media)
    body = {"version": version.to_json(), "changes": changes,
            "href": f"/framework/versions/{version.label}"}
    if assess:
        body["assessed"] = rejudge_all(stores)
    return JSONResponse(body, status_code=201, headers={"Location": f"/framework/versions/{version.label}"})


@router.post("/framework/versions", status_code=201, summary="Publish a new framework version (admin)",
             openapi_extra={"requestBody": {"required": True, "content": {m: {"schema": {"type": "string"}}
                                                                          for m in VERSION_MEDIA}}},
             responses={201: {"content": {"application/json": {"example": {
                 "version": {"version": "1.1"}, "changes": DIFF_EXAMPLE, "href": "/framework/versions/1.1",
                 "assessed": {"kept": 12, "findings": 590, "assessed": 12, "framework_version": "1.1"}}}}},
                 415: {"description": "not an RDF media type"},
                 422: {"description": "the version was refused; `problems` says every reason", "content": {
                     "application/json": {"example": {"error": "framework_version_refused", "message": "…",
                                                      "problems": ["criterion balances of version 1.0 is neither kept, "
                                                                   "merged nor retired"]}}}},
                 **ADMIN_ERRORS})
async def publish_version(_: AdminDep, request: Request, stores: StoresDep, settings: SettingsDep,
                          assess: bool = True) -> Response:
    """Check a version file (Turtle, or another RDF syntax) and make it the current framework;
    then judge every community again under it (``assess=false`` leaves that to ``lcc assess``),
    keeping what the earlier version said. Refused (422, every reason in ``problems``, nothing
    changed) when it drops a criterion without merging or retiring it, breaks the shapes, or would
    make a stored community's data invalid. docs/framework-versions.md says how to write one."""
    data = await read_limited(request, settings.max_upload_bytes)
    media = normalise_media_type(request.headers.get("content-type") or "text/turtle")
    return await run_in_threadpool(_publish, stores, data, media, assess)


@router.get("/framework/versions/{label}", summary="One framework version",
            responses={200: {"content": {"application/json": {"example": VERSIONS_EXAMPLE["versions"][1]},
                                         "text/html": {}}}, 404: {"description": "no such version"}})
def one_version(label: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """One version: its label, IRI, dates and note, and what it changed from the version before."""
    def build() -> dict:
        listing = _listing(stores)
        for i, v in enumerate(listing["versions"]):
            if v["version"] == label:
                changes = (framework_versions.diff(stores, listing["versions"][i - 1]["version"], label)
                           if i else None)
                return {**v, "current": label == listing["current"], "changes": changes}
        from lcc_graph.errors import NotFound

        raise NotFound(f"no framework version {label!r}: see /framework/versions")

    return represent(request, HTML_OR_JSON, build, lang=lang,
                     html=lambda d: ("framework_diff.html", {"nav": "criteria", "version": d, "diff": d["changes"],
                                                             "criterion_names": _names(stores, lang)}))


@router.get("/framework/versions/{a}/diff/{b}", summary="What changed from one framework version to another",
            responses={200: {"content": {"application/json": {"example": DIFF_EXAMPLE}, "text/html": {}}},
                       404: {"description": "no such version"}})
def version_diff(a: str, b: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """Criteria added, changed, merged and retired; statements, questions, indicators and shapes
    added, changed, moved to another criterion or retired, from version ``a`` to version ``b``."""
    return represent(request, HTML_OR_JSON, lambda: framework_versions.diff(stores, a, b), lang=lang,
                     html=lambda d: ("framework_diff.html", {"nav": "criteria", "version": None, "diff": d,
                                                             "criterion_names": _names(stores, lang)}))
