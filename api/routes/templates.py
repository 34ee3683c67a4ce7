"""Spreadsheets: the templates (``GET /templates``) and a community's data in them
(``GET /communities/{id}/data``), as one .xlsx workbook or CSV files in a zip, in en/he/ar.

Handlers are plain ``def``: reading the store and writing the workbook run on the thread pool.
The templates are made once per language and format; an export carries an ``ETag`` of the data
readers see, so a client that has it gets a 304.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from lcc_graph import tabular
from lcc_graph.errors import NotFound
from lcc_graph.namespaces import community_graph

from ..deps import CommunityId, StoresDep, get_lang
from ..negotiation import NotAcceptable, choose
from ..represent import CACHE_CONTROL, VARY, etag_for

router = APIRouter(tags=["spreadsheets"])

OFFERS = [tabular.XLSX, tabular.ZIP]
EXTENSION = {tabular.XLSX: "xlsx", tabular.ZIP: "zip"}
BINARY = {"schema": {"type": "string", "format": "binary"}}
FormatParam = Annotated[Literal["xlsx", "zip"] | None, Query(
    description="xlsx: one workbook, a sheet per table, with drop-down lists and an instructions sheet; "
                "zip: the same tables as CSV files (UTF-8), with their CSVW metadata. Overrides Accept.")]
LangParam = Annotated[Literal["en", "he", "ar"] | None, Query(
    description="the language of sheet and column names, descriptions and list values (else Accept-Language)")]


def _media(request: Request, format: str | None) -> str:
    if format is not None:
        return tabular.FORMATS[format]
    try:
        return choose(request, OFFERS)
    except NotAcceptable:
        raise NotAcceptable(f"ask for {tabular.XLSX} or {tabular.ZIP} (or ?format=xlsx|zip)", offers=OFFERS) from None


def _download(body: bytes, media: str, filename: str, headers: dict | None = None) -> Response:
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Vary": VARY, **(headers or {})})


@router.get("/templates", summary="The spreadsheet templates for a community's data",
            responses={200: {"description": "the empty templates, to fill in and upload to /communities/{id}/data",
                             "content": {tabular.XLSX: BINARY, tabular.ZIP: BINARY}},
                       406: {"description": "a format other than xlsx or zip", "content": {"application/json": {
                           "example": {"error": "not_acceptable",
                                       "message": "format 'pdf' is not offered here; use one of xlsx, zip"}}}}})
def get_templates(request: Request, format: FormatParam = None, lang: LangParam = None) -> Response:
    """One sheet (or CSV file) per table: the community, partners, partnerships, infrastructures,
    citizen groups, initiatives, needs, resources, policies, dialogues, evidence and answers, and
    other statements; every column named and described in the language asked for, typed, with the
    allowed values of vocabulary columns (from the ontology's SKOS schemes)."""
    media = _media(request, format)
    chosen = lang or get_lang(request)
    body = tabular.template_bytes(chosen, EXTENSION[media])
    return _download(body, media, f"lcc-template-{chosen}.{EXTENSION[media]}", {"Content-Language": chosen})


@router.get("/communities/{id}/data", summary="A community's data in the spreadsheet templates",
            responses={200: {"description": "the community's current data in the templates; uploading the file "
                             "again stores no new version. X-LCC-Not-Exported counts statements no cell could hold "
                             "(0 as a rule)", "content": {tabular.XLSX: BINARY, tabular.ZIP: BINARY}},
                       304: {"description": "the client's copy (If-None-Match) is current"},
                       404: {"description": "no such community, or no data yet", "content": {"application/json": {
                           "example": {"error": "not_found", "message": "no community 'atlantis'"}}}}})
def get_data(id: CommunityId, request: Request, stores: StoresDep, format: FormatParam = None,
             lang: LangParam = None) -> Response:
    """The community's current data written into the templates: a row per partner, partnership,
    initiative... and, in "Other statements", whatever no column carries exactly."""
    media = _media(request, format)
    chosen = lang or get_lang(request)
    etag = etag_for(request, media)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL} if etag else {}
    if etag and any(t.strip().removeprefix("W/") in (etag, "*") for t in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers={**headers, "Vary": VARY})
    triples = stores.public.get_graph(community_graph(id, "data"))
    if not triples:
        raise NotFound(f"no data for community {id!r}")
    body, missing = tabular.export_bytes(triples, id, chosen, EXTENSION[media])
    return _download(body, media, f"{id}-data-{chosen}.{EXTENSION[media]}",
                     {**headers, "Content-Language": chosen, "X-LCC-Not-Exported": str(missing)})
