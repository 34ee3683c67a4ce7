"""``/framework/proposals``: communities propose changes to the framework and comment on them;
``/framework/drafts``: the administrator accepts proposals into a draft version (docs/proposals.md).

Reading is public. Writing takes a community's token (proposals, comments) or the admin's
(drafts): the token is checked by a (plain ``def``) dependency before the body is read; a writing
handler only reads the body, no further than its limit, and hands it to the thread pool, where it
is checked, stored and answered (as the uploads do).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from lcc_graph import access, proposals
from lcc_graph.errors import UnsupportedFormat

from ..auth import AdminDep, bearer, is_admin
from ..body import read_limited
from ..deps import LangDep, SettingsDep, StoresDep
from ..represent import represent

HTML_OR_JSON = ["application/json", "text/html"]
MAX_BODY = 32 * 1024  # every text of a proposal together, escaped, is well under this

router = APIRouter(tags=["framework"])


class ProposalBody(BaseModel):
    """A proposed change to the framework. Which fields a kind takes: statement (text), example
    (text, successful, lesson), question (text, stage: mid, mature, crisis or role-model), merge
    (into), retirement (none); every kind names its criterion and its reason."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["statement", "example", "question", "merge", "retirement"]
    criterion: str = Field(max_length=64, examples=["penetration"], description="the criterion's slug")
    reason: str = Field(max_length=proposals.LIMITS.max_reason, description="why the change is proposed")
    lang: Literal["en", "he", "ar"] = Field("en", description="the language of text, lesson and reason")
    text: str | None = Field(None, max_length=proposals.LIMITS.max_text,
                             description="the statement, example or question")
    successful: StrictBool | None = Field(None, description="example: whether it worked")
    lesson: str | None = Field(None, max_length=proposals.LIMITS.max_text, description="example: what was learnt")
    stage: Literal["mid", "mature", "crisis", "role-model"] | None = Field(None, description="question: its stage")
    into: str | None = Field(None, max_length=64, description="merge: the criterion that takes the merged one over")


class CommentBody(BaseModel):
    """A comment on a proposal."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=proposals.LIMITS.max_comment)
    lang: Literal["en", "he", "ar"] = "en"


class DraftBody(BaseModel):
    """The proposals a draft version accepts, and its label."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(max_length=32, examples=["1.1"], description="numbers and dots")
    proposals: list[StrictInt] = Field(min_length=1, max_length=proposals.LIMITS.draft_size, examples=[[1, 3]])


def _schema(model: type[BaseModel], example: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": model.model_json_schema(), "example": example}}}}


def proposing_community(request: Request, stores: StoresDep, settings: SettingsDep) -> str:
    """Dependency: the community whose token the request carries (401 without one, 403 for the
    admin's: proposals and comments are the communities' words)."""
    token = bearer(request)
    if not token:
        raise access.Unauthorized("send your community's token: Authorization: Bearer <token>; "
                                  "an administrator issues it (POST /communities/{id}/tokens)")
    if is_admin(token, settings):
        raise access.Forbidden("proposals and comments come from communities: send a community's token, "
                               "not the admin token")
    community, _ = access.token_community(stores.private, token)
    return community


ProposerDep = Annotated[str, Depends(proposing_community)]


def _parse(model: type[BaseModel], request: Request, data: bytes):
    """The body as ``model``: 415 for a body that is not JSON, 400 naming each problem."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media not in ("application/json", "") and not media.endswith("+json"):
        raise UnsupportedFormat(f"send the body as application/json, not {media}")
    if not data.strip():
        raise proposals.ProposalRefused("the body is empty: send a JSON object")
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False, include_input=False)[:10]:
            where = ".".join(str(p) for p in err.get("loc", ())) or "body"
            problems.append(f"{where}: {err.get('msg')}")
        raise proposals.ProposalRefused("the body is not a valid " + model.__name__.removesuffix("Body").lower()
                                        + ": " + "; ".join(problems), problems=problems) from None


LIST_EXAMPLE = {"count": 1, "proposals": [{
    "number": 1, "iri": "https://w3id.org/lcc/framework/proposals/1", "href": "/framework/proposals/1",
    "kind": "statement", "status": "open", "community": "riverside", "criterion": "penetration",
    "text": {"text": "…", "lang": "en"}, "reason": {"text": "…", "lang": "en"}, "created": "2027-01-02T10:00:00Z",
    "accepted_in": None, "comments": 2}]}
PROPOSAL_EXAMPLE = {"kind": "example", "criterion": "sharing", "lang": "en", "successful": False,
                    "text": "A peer visit to a partner city, planned by the municipality alone.",
                    "lesson": "Plan a peer visit with the partners who are to learn from it.",
                    "reason": "The seed asks for examples that did not work."}
WRITE_ERRORS = {
    400: {"description": "a malformed body, a missing or extra field, a text too long, or an unknown or retired "
                         "criterion (the message names it)"},
    401: {"description": "no token"},
    403: {"description": "the admin token: proposals and comments come from communities"},
    413: {"description": "the body is over its limit (32 KB)"},
    429: {"description": "the community has written its share for today (Retry-After says when to try again)"},
}


@router.get("/framework/proposals", summary="Proposed changes to the framework, for everyone to read",
            responses={200: {"content": {"application/json": {"example": LIST_EXAMPLE}, "text/html": {}}}})
def list_proposals(request: Request, stores: StoresDep, lang: LangDep,
                   status: Annotated[Literal["open", "accepted", "declined"] | None, Query()] = None) -> Response:
    """Every proposal in the order filed (``?status=`` keeps one status), with its status; an accepted
    one names the framework version that accepted it."""
    def build() -> dict:
        items = proposals.list_proposals(stores, lang, status)
        return {"count": len(items), "proposals": items}

    return represent(request, HTML_OR_JSON, build, lang=lang,
                     html=lambda d: ("proposals.html", {"nav": "criteria", "proposals": d["proposals"],
                                                        "status": status}))


@router.post("/framework/proposals", status_code=201, summary="Propose a change to the framework (a community's token)",
             responses={201: {"content": {"application/json": {"example": {"number": 1, "href": "/framework/proposals/1"}}}},
                        **WRITE_ERRORS},
             openapi_extra=_schema(ProposalBody, PROPOSAL_EXAMPLE))
async def propose(community: ProposerDep, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """A new statement, an example (successful or not, with its lesson), a question for the mid,
    mature, crisis or role-model stage, a merge or a retirement, with its reason. It is public at once."""
    data = await read_limited(request, MAX_BODY)
    return await run_in_threadpool(_propose, community, data, request, stores, lang)


def _propose(community: str, data: bytes, request: Request, stores, lang: str) -> JSONResponse:
    body = _parse(ProposalBody, request, data)
    new = proposals.NewProposal(kind=body.kind, criterion=body.criterion, reason=body.reason, text=body.text,
                                lang=body.lang, lesson=body.lesson, successful=body.successful, stage=body.stage,
                                into=body.into)
    filed = proposals.file_proposal(stores, community, new)
    filed = proposals.get_proposal(stores, filed["number"], lang)
    return JSONResponse(filed, status_code=201, headers={"Location": filed["href"]})


@router.get("/framework/proposals/{n}", summary="One proposal with its comments",
            responses={200: {"content": {"application/json": {"example": {**LIST_EXAMPLE["proposals"][0], "comments": []}},
                                         "text/html": {}}}, 404: {"description": "no such proposal"}})
def one_proposal(n: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """A proposal by its number, with every comment in the order written."""
    number = proposals.parse_number(n)

    return represent(request, HTML_OR_JSON, lambda: proposals.get_proposal(stores, number, lang), lang=lang,
                     html=lambda d: ("proposal.html", {"nav": "criteria", "p": d}))


@router.post("/framework/proposals/{n}/comments", status_code=201,
             summary="Comment on a proposal (any community's token)",
             responses={201: {"content": {"application/json": {"example": {
                 "number": 1, "iri": "https://w3id.org/lcc/framework/proposals/1/comments/1", "proposal": 1}}}},
                 404: {"description": "no such proposal"}, **WRITE_ERRORS},
             openapi_extra=_schema(CommentBody, {"text": "We tried this in 2025: it worked once the partners led it.",
                                                 "lang": "en"}))
async def comment(n: str, community: ProposerDep, request: Request, stores: StoresDep) -> Response:
    """Any community may comment on any proposal, with its own token: no anonymous writes."""
    data = await read_limited(request, MAX_BODY)
    return await run_in_threadpool(_comment, n, community, data, request, stores)


def _comment(n: str, community: str, data: bytes, request: Request, stores) -> JSONResponse:
    number = proposals.parse_number(n)
    body = _parse(CommentBody, request, data)
    written = proposals.add_comment(stores, number, community, body.text, body.lang)
    return JSONResponse(written, status_code=201, headers={"Location": written["href"]})


@router.post("/framework/drafts", summary="Accept proposals into a draft framework version (admin)",
             responses={200: {"description": "the version file, to check and publish (POST /framework/versions)",
                              "content": {"text/turtle": {"schema": {"type": "string"}}}},
                        401: {"description": "no admin token"}, 403: {"description": "not the admin token"},
                        400: {"description": "a malformed body"},
                        422: {"description": "proposals that cannot make a version together (every reason given)"}},
             openapi_extra=_schema(DraftBody, {"version": "1.1", "proposals": [1, 3]}))
async def make_draft(_: AdminDep, request: Request, stores: StoresDep) -> Response:
    """A Turtle version file that accepts these open proposals; nothing is stored until it is
    published."""
    data = await read_limited(request, MAX_BODY)
    return await run_in_threadpool(_draft, data, request, stores)


def _draft(data: bytes, request: Request, stores) -> Response:
    body = _parse(DraftBody, request, data)
    turtle = proposals.draft(stores, body.proposals, body.version, dt.datetime.now(dt.timezone.utc).date())
    return Response(turtle, media_type="text/turtle", headers={
        "Content-Disposition": f'attachment; filename="framework-v{body.version}.ttl"'})
