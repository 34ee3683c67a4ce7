"""Community writes: uploads (validated first, all or nothing), the dry run, history, answers.

Every handler reads the request only: the token is checked by a dependency (on the thread pool)
before the body is read, the body is read no further than its limit, and parsing, validation,
storing and rendering run on the thread pool (the untrusted bytes themselves in the sandbox).
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response

from lcc_graph import answers, history, uploads
from lcc_graph.errors import ParseError, PayloadTooLarge, UnsupportedFormat, ValidationRejected
from lcc_graph.rdf_input import XLSX, media_type_for, normalise_media_type

from ..auth import MaybeWriterDep, RegisteredId, WriterDep, authorise
from ..body import read_limited
from ..deps import SLUG_PATTERN, SettingsDep, StoresDep, get_lang
from ..negotiation import wants_html
from ..pages import render

FORM_OVERHEAD = 64 * 1024  # a multipart form's own bytes around the file
ANSWER_BYTES = 100_000

router = APIRouter(tags=["uploads"])

RDF_BODY = {"requestBody": {"required": True, "content": {
    "text/turtle": {"schema": {"type": "string"}, "example": "@prefix lcc: <https://w3id.org/lcc#> .\n<../riverside> a lcc:Community ."},
    "application/ld+json": {"schema": {"type": "object"}},
    "application/rdf+xml": {"schema": {"type": "string"}},
    "application/n-triples": {"schema": {"type": "string"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}},
    "application/zip": {"schema": {"type": "string", "format": "binary"}},
}}}
UPLOAD_RESPONSES = {
    200: {"description": "accepted: the version and the criteria findings", "content": {"application/json": {"example": {
        "status": "accepted", "community": "riverside", "version": {"version": 2, "triples": 812},
        "report": {"conforms": True, "counts": {"Violation": 0, "Warning": 3, "Info": 1}}}}}},
    400: {"description": "malformed data (the message names line and column), a bad encoding or DOCTYPE; "
                 "a file that is not a workbook or zip of CSV files, or one that declares XML entities"},
    401: {"description": "no token"},
    403: {"description": "another community's token"},
    413: {"description": "the body is over the size limit; a workbook or zip that unpacks past its limits "
                 "(size, files, rows)"},
    415: {"description": "an unsupported media type"},
    422: {"description": "rejected: structure violations (with the report; for a spreadsheet each result names "
                 "its sheet, row, column and cell value) or subjects the community does not own"},
}


def _upload_answer(request: Request, stores, settings, id: str, data: bytes, media: str, token_id: str) -> Response:
    """Upload, then represent the verdict (runs on the thread pool: store, parse and render work)."""
    lang = get_lang(request)  # the report's messages and hints in the reader's language
    try:
        accepted = uploads.upload(stores, id, data, media, token_id, max_triples=settings.max_upload_triples)
    except ValidationRejected as exc:
        if wants_html(request):
            return render(request, "report.html", "en", status_code=422, community=id, accepted=False,
                          report=exc.report.to_json(lang))
        raise
    if wants_html(request):
        return render(request, "report.html", "en", community=id, accepted=True,
                      report=accepted.prepared.report.to_json(lang), version=accepted.version.to_json())
    return JSONResponse(accepted.to_json(lang))


@router.put("/communities/{id}/data", summary="Replace the community's data (its token)",
            responses=UPLOAD_RESPONSES, openapi_extra=RDF_BODY)
async def put_data(id: RegisteredId, token_id: WriterDep, request: Request, stores: StoresDep,
                   settings: SettingsDep) -> Response:
    """Validate the upload, then replace the community's data, findings and indicators at once.
    The token is checked before the body is read, and the body is read no further than its limit."""
    data = await read_limited(request, settings.max_upload_bytes)
    return await run_in_threadpool(_upload_answer, request, stores, settings, id, data,
                                   request.headers.get("content-type", ""), token_id)


async def _form_upload(request: Request, stores, settings, id: str, token_id: str | None) -> Response:
    """A multipart form: read within the limit, then the token (a header's, or the form's field) and the file."""
    data = await read_limited(request, settings.max_upload_bytes + FORM_OVERHEAD)

    async def replay() -> dict:
        return {"type": "http.request", "body": data, "more_body": False}

    form = await Request(request.scope, replay).form(max_files=1, max_fields=20)
    upload_file = form.get("file")
    if upload_file is None or isinstance(upload_file, str):
        raise ParseError("the form has no file")
    if token_id is None:
        token = str(form.get("token") or "") or None
        token_id = await run_in_threadpool(authorise, stores, settings, id, token)
    content = await upload_file.read()
    if len(content) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"the file is over the limit of {settings.max_upload_bytes} bytes")
    file_media = upload_file.content_type or ""
    try:
        normalise_media_type(file_media)
    except ParseError:
        file_media = media_type_for(upload_file.filename or "")
    return await run_in_threadpool(_upload_answer, request, stores, settings, id, content, file_media, token_id)


@router.post("/communities/{id}/data", summary="Replace the community's data (HTML form or raw body)",
             responses=UPLOAD_RESPONSES, openapi_extra={"requestBody": {"required": True, "content": {
                 **RDF_BODY["requestBody"]["content"],
                 "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                     "token": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}}}}})
async def post_data(id: RegisteredId, token_id: MaybeWriterDep, request: Request, stores: StoresDep,
                    settings: SettingsDep) -> Response:
    """As PUT; a multipart form may send the token as a field instead of a header."""
    media = request.headers.get("content-type", "")
    if media.startswith("multipart/form-data"):
        return await _form_upload(request, stores, settings, id, token_id)
    if token_id is None:
        token_id = await run_in_threadpool(authorise, stores, settings, id, None)  # 401: no token
    data = await read_limited(request, settings.max_upload_bytes)
    return await run_in_threadpool(_upload_answer, request, stores, settings, id, data, media, token_id)


@router.delete("/communities/{id}/data", summary="Remove the community's data and its history (its token)",
               responses={200: {"content": {"application/json": {"example": {"deleted_versions": 3}}}},
                          401: {"description": "no token"}, 403: {"description": "another community's token"},
                          404: {"description": "no such community"}})
def delete_data(id: RegisteredId, _: WriterDep, stores: StoresDep) -> JSONResponse:
    """Remove the data, findings, assessment, answers and every earlier version."""
    removed = uploads.delete_data(stores, id)
    return JSONResponse({"community": id, "deleted_versions": removed})


def _dry_run(request: Request, stores, settings, cid: str, data: bytes, media: str, check_owner: bool) -> Response:
    prepared = uploads.prepare(stores, cid, data, media, max_triples=settings.max_upload_triples, reject=False,
                               check_owner=check_owner)
    report = prepared.report.to_json(get_lang(request))
    if wants_html(request):
        return render(request, "report.html", "en", community=cid, accepted=prepared.report.conforms, report=report)
    return JSONResponse(report)


@router.post("/validate", summary="Dry run: the report an upload would get; nothing is stored",
             responses={200: {"content": {"application/json": {"example": {"conforms": False, "counts": {"Violation": 1}}}}},
                        400: {"description": "malformed data"}, 413: {"description": "too large"},
                        415: {"description": "unsupported media type"}, 422: {"description": "foreign subjects"}},
             openapi_extra=RDF_BODY)
async def validate(request: Request, stores: StoresDep, settings: SettingsDep,
                   community: Annotated[str | None, Query(pattern=SLUG_PATTERN, description=(
                       "the community the data is for: sets the base IRI and checks ownership"))] = None) -> Response:
    """Parse, check and validate without storing; ``community`` sets the base IRI and ownership."""
    cid = community or "validate"
    data = await read_limited(request, settings.max_upload_bytes)
    return await run_in_threadpool(_dry_run, request, stores, settings, cid, data,
                                   request.headers.get("content-type", ""), community is not None)


@router.get("/communities/{id}/history", summary="The community's versions (its token)",
            responses={200: {"content": {"application/json": {"example": {"community": "riverside", "versions": [
                {"version": 1, "uploaded_at": "2026-11-28T10:00:00+00:00", "triples": 800, "checksum": "sha256:…",
                 "framework_version": "1.0", "findings": 12}]}}}}, 401: {}, 403: {}})
def get_history(id: RegisteredId, _: WriterDep, stores: StoresDep) -> JSONResponse:
    """Every accepted upload, oldest first. Earlier data is private: the community's token is needed."""
    found = history.versions(stores.private, id)
    return JSONResponse({"community": id, "versions": [v.to_json() for v in found]})


@router.get("/communities/{id}/history/{a}/diff/{b}", summary="What changed between two versions (its token)",
            responses={200: {"content": {"application/json": {"example": {"from": 1, "to": 2, "added": ["<…> <…> \"…\" ."], "removed": []}}}},
                       404: {"description": "no such version"}})
def get_diff(id: RegisteredId, _: WriterDep, a: int, b: int, stores: StoresDep) -> JSONResponse:
    """Triples added and removed from version a to version b (canonical N-Triples)."""
    return JSONResponse(history.diff(stores.private, id, a, b, sandbox=stores.sandbox))


@router.post("/communities/{id}/answers", status_code=201, summary="Record a dialogue answer (its token)",
             responses={201: {"content": {"application/json": {"example": {
                 "question": "https://w3id.org/lcc/questions/early-1", "text": "…", "date": "2026-11-28"}}}},
                 404: {"description": "no such question"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"type": "object", "required": ["question", "text"], "properties": {
                     "question": {"type": "string", "example": "early-1"},
                     "text": {"type": "string", "minLength": 1, "maxLength": 20000, "pattern": "\\S"},
                     "date": {"type": "string", "format": "date"}}}},
                 "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                     "question": {"type": "string"}, "text": {"type": "string", "minLength": 1, "maxLength": 20000, "pattern": "\\S"},
                     "token": {"type": "string"}}, "required": ["question", "text"]}}}}})
async def post_answer(id: RegisteredId, token_id: MaybeWriterDep, request: Request, stores: StoresDep,
                      settings: SettingsDep) -> Response:
    """Record the community's answer to a dialogue question."""
    media = request.headers.get("content-type", "").split(";")[0].strip()
    raw = await read_limited(request, ANSWER_BYTES)
    if media == "application/json":
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise ParseError(f"the body is not JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise ParseError("send a JSON object with question and text")
        token = None
    elif media in ("application/x-www-form-urlencoded", "multipart/form-data"):
        async def replay() -> dict:
            return {"type": "http.request", "body": raw, "more_body": False}

        body = dict(await Request(request.scope, replay).form(max_files=0, max_fields=20))
        token = str(body.get("token") or "") or None
    else:
        raise UnsupportedFormat("send application/json or a form")
    if token_id is None:
        token_id = await run_in_threadpool(authorise, stores, settings, id, token)
    question, text = body.get("question"), body.get("text")
    if not isinstance(question, str) or not isinstance(text, str):
        raise ParseError("question and text are required strings")
    date = body.get("date")
    if "date" in body and (not isinstance(date, str) or not date.strip()):
        raise ParseError("date is a day (YYYY-MM-DD); leave it out for today")
    result = await run_in_threadpool(answers.record_answer, stores, id, question, text, date)
    if wants_html(request):
        query = urlencode({"recorded": "1", "lang": get_lang(request)})
        return RedirectResponse(f"/communities/{id}/dialogue?{query}", status_code=303)
    return JSONResponse(result, status_code=201)
