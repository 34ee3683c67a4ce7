"""Community writes: uploads (validated first, all or nothing), the dry run, history, answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from lcc_graph import access, answers, history, uploads
from lcc_graph.errors import ParseError, ValidationRejected
from lcc_graph.namespaces import check_slug

from ..auth import bearer, is_admin
from ..body import read_limited
from ..deps import CommunityId, SettingsDep, StoresDep
from ..negotiation import wants_html
from ..pages import render

router = APIRouter(tags=["uploads"])

RDF_BODY = {"requestBody": {"required": True, "content": {
    "text/turtle": {"schema": {"type": "string"}, "example": "@prefix lcc: <https://w3id.org/lcc#> .\n<../riverside> a lcc:Community ."},
    "application/ld+json": {"schema": {"type": "object"}},
    "application/rdf+xml": {"schema": {"type": "string"}},
    "application/n-triples": {"schema": {"type": "string"}},
}}}
UPLOAD_RESPONSES = {
    200: {"description": "accepted: the version and the criteria findings", "content": {"application/json": {"example": {
        "status": "accepted", "community": "riverside", "version": {"version": 2, "triples": 812},
        "report": {"conforms": True, "counts": {"Violation": 0, "Warning": 3, "Info": 1}}}}}},
    400: {"description": "malformed data (the message names line and column), a bad encoding or DOCTYPE"},
    401: {"description": "no token"},
    403: {"description": "another community's token"},
    413: {"description": "the body is over the size limit"},
    415: {"description": "an unsupported media type"},
    422: {"description": "rejected: structure violations (with the report) or subjects the community does not own"},
}


def _community(id: str) -> str:
    try:
        return check_slug(id)
    except ValueError as exc:
        raise ParseError(str(exc)) from exc


async def _authorised(request: Request, stores, settings, community_id: str, token: str | None = None) -> str:
    """The token id that may write this community (the admin counts as 'admin')."""
    token = token or bearer(request)
    if is_admin(token, settings):
        return "admin"
    return access.authorise(stores.private, token, community_id)


async def _upload(request: Request, stores, settings, id: str, data: bytes, media: str, token_id: str) -> Response:
    try:
        accepted = await run_in_threadpool(uploads.upload, stores, id, data, media, token_id,
                                           max_triples=settings.max_upload_triples)
    except ValidationRejected as exc:
        if wants_html(request):
            return render(request, "report.html", "en", status_code=422, community=id, accepted=False,
                          report=exc.report.to_json())
        raise
    if wants_html(request):
        return render(request, "report.html", "en", community=id, accepted=True, report=accepted.prepared.report.to_json(),
                      version=accepted.version.to_json())
    return JSONResponse(accepted.to_json())


@router.put("/communities/{id}/data", summary="Replace the community's data (its token)",
            responses=UPLOAD_RESPONSES, openapi_extra=RDF_BODY)
async def put_data(id: CommunityId, request: Request, stores: StoresDep, settings: SettingsDep) -> Response:
    """Validate the upload, then replace the community's data, findings and indicators at once."""
    token_id = await _authorised(request, stores, settings, id)
    data = await read_limited(request, settings.max_upload_bytes)
    return await _upload(request, stores, settings, id, data, request.headers.get("content-type", ""), token_id)


@router.post("/communities/{id}/data", summary="Replace the community's data (HTML form or raw body)",
             responses=UPLOAD_RESPONSES, openapi_extra={"requestBody": {"required": True, "content": {
                 **RDF_BODY["requestBody"]["content"],
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "token": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}}}}})
async def post_data(id: CommunityId, request: Request, stores: StoresDep, settings: SettingsDep) -> Response:
    """As PUT; a multipart form sends the token and the file as fields."""
    media = request.headers.get("content-type", "")
    if media.startswith("multipart/form-data"):
        declared = request.headers.get("content-length", "0")
        if declared.isdigit() and int(declared) > settings.max_upload_bytes + 10_000:
            from lcc_graph.errors import PayloadTooLarge
            raise PayloadTooLarge(f"the body is {declared} bytes; the limit is {settings.max_upload_bytes}")
        form = await request.form()
        upload_file = form.get("file")
        if upload_file is None or isinstance(upload_file, str):
            raise ParseError("the form has no file")
        token_id = await _authorised(request, stores, settings, id, str(form.get("token") or "") or None)
        data = await upload_file.read()
        if len(data) > settings.max_upload_bytes:
            from lcc_graph.errors import PayloadTooLarge
            raise PayloadTooLarge(f"the file is over the limit of {settings.max_upload_bytes} bytes")
        from lcc_graph.rdf_input import media_type_for
        file_media = upload_file.content_type or ""
        try:
            from lcc_graph.rdf_input import normalise_media_type
            normalise_media_type(file_media)
        except ParseError:
            file_media = media_type_for(upload_file.filename or "")
        return await _upload(request, stores, settings, id, data, file_media, token_id)
    token_id = await _authorised(request, stores, settings, id)
    data = await read_limited(request, settings.max_upload_bytes)
    return await _upload(request, stores, settings, id, data, media, token_id)


@router.delete("/communities/{id}/data", summary="Remove the community's data and its history (its token)",
               responses={200: {"content": {"application/json": {"example": {"deleted_versions": 3}}}},
                          401: {"description": "no token"}, 403: {"description": "another community's token"}})
async def delete_data(id: CommunityId, request: Request, stores: StoresDep, settings: SettingsDep) -> JSONResponse:
    """Remove the data, findings, assessment, answers and every earlier version."""
    await _authorised(request, stores, settings, id)
    removed = await run_in_threadpool(uploads.delete_data, stores, id)
    return JSONResponse({"community": id, "deleted_versions": removed})


@router.post("/validate", summary="Dry run: the report an upload would get; nothing is stored",
             responses={200: {"content": {"application/json": {"example": {"conforms": False, "counts": {"Violation": 1}}}}},
                        400: {"description": "malformed data"}, 413: {"description": "too large"},
                        415: {"description": "unsupported media type"}, 422: {"description": "foreign subjects"}},
             openapi_extra=RDF_BODY)
async def validate(request: Request, stores: StoresDep, settings: SettingsDep, community: str | None = None) -> Response:
    """Parse, check and validate without storing; ``community`` sets the base IRI and ownership."""
    cid = _community(community) if community else "validate"
    data = await read_limited(request, settings.max_upload_bytes)
    prepared = await run_in_threadpool(uploads.prepare, stores, cid, data, request.headers.get("content-type", ""),
                                       max_triples=settings.max_upload_triples, reject=False,
                                       check_owner=community is not None)
    report = prepared.report.to_json()
    if wants_html(request):
        return render(request, "report.html", "en", community=cid, accepted=prepared.report.conforms, report=report)
    return JSONResponse(report)


@router.get("/communities/{id}/history", summary="The community's versions (its token)",
            responses={200: {"content": {"application/json": {"example": {"community": "riverside", "versions": [
                {"version": 1, "uploaded_at": "2026-11-28T10:00:00+00:00", "triples": 800, "checksum": "sha256:…",
                 "framework_version": "1.0", "findings": 12}]}}}}, 401: {}, 403: {}})
async def get_history(id: CommunityId, request: Request, stores: StoresDep, settings: SettingsDep) -> JSONResponse:
    """Every accepted upload, oldest first. Earlier data is private: the community's token is needed."""
    await _authorised(request, stores, settings, id)
    found = history.versions(stores.private, id)
    return JSONResponse({"community": id, "versions": [v.to_json() for v in found]})


@router.get("/communities/{id}/history/{a}/diff/{b}", summary="What changed between two versions (its token)",
            responses={200: {"content": {"application/json": {"example": {"from": 1, "to": 2, "added": ["<…> <…> \"…\" ."], "removed": []}}}},
                       404: {"description": "no such version"}})
async def get_diff(id: CommunityId, a: int, b: int, request: Request, stores: StoresDep, settings: SettingsDep) -> JSONResponse:
    """Triples added and removed from version a to version b (canonical N-Triples)."""
    await _authorised(request, stores, settings, id)
    return JSONResponse(await run_in_threadpool(history.diff, stores.private, id, a, b))


@router.post("/communities/{id}/answers", status_code=201, summary="Record a dialogue answer (its token)",
             responses={201: {"content": {"application/json": {"example": {
                 "question": "https://w3id.org/lcc/questions/early-1", "text": "…", "date": "2026-11-28"}}}},
                 404: {"description": "no such question"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"type": "object", "required": ["question", "text"], "properties": {
                     "question": {"type": "string", "example": "early-1"}, "text": {"type": "string"},
                     "date": {"type": "string", "format": "date"}}}},
                 "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                     "question": {"type": "string"}, "text": {"type": "string"}, "token": {"type": "string"}}}}}}})
async def post_answer(id: CommunityId, request: Request, stores: StoresDep, settings: SettingsDep) -> Response:
    """Record the community's answer to a dialogue question."""
    media = request.headers.get("content-type", "").split(";")[0].strip()
    if media == "application/json":
        import json

        raw = await read_limited(request, 100_000)
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise ParseError(f"the body is not JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise ParseError("send a JSON object with question and text")
        token = None
    elif media in ("application/x-www-form-urlencoded", "multipart/form-data"):
        body = dict(await request.form())
        token = str(body.get("token") or "") or None
    else:
        from lcc_graph.errors import UnsupportedFormat
        raise UnsupportedFormat("send application/json or a form")
    await _authorised(request, stores, settings, id, token)
    question, text = body.get("question"), body.get("text")
    if not isinstance(question, str) or not isinstance(text, str):
        raise ParseError("question and text are required strings")
    date = body.get("date") if isinstance(body.get("date"), str) else None
    result = await run_in_threadpool(answers.record_answer, stores, id, question, text, date)
    if wants_html(request):
        from fastapi.responses import RedirectResponse
        from urllib.parse import urlencode

        from ..deps import get_lang
        query = urlencode({"recorded": "1", "lang": get_lang(request)})
        return RedirectResponse(f"/communities/{id}/dialogue?{query}", status_code=303)
    return JSONResponse(result, status_code=201)
