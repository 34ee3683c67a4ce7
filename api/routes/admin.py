"""Administration: create communities, issue and revoke community tokens (admin token only)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lcc_graph import access
from lcc_graph.namespaces import community_iri

from ..auth import AdminDep
from ..deps import CommunityId, StoresDep

router = APIRouter(tags=["admin"])

ADMIN_ERRORS = {
    401: {"description": "no admin token", "content": {"application/json": {"example": {"error": "unauthorized", "message": "send the admin token"}}}},
    403: {"description": "not the admin token", "content": {"application/json": {"example": {"error": "forbidden", "message": "this is not the admin token"}}}},
}


class NewCommunity(BaseModel):
    """A community to register."""

    id: str = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", examples=["riverside"],
                    description="slug: lower-case letters, digits and '-'")
    label: str = Field(min_length=1, max_length=200, examples=["Riverside"])


@router.post("/communities", status_code=201, summary="Register a community (admin)",
             responses={201: {"content": {"application/json": {"example": {
                 "id": "riverside", "label": "Riverside", "iri": "https://w3id.org/lcc/communities/riverside"}}}},
                 409: {"description": "the id is taken"}, **ADMIN_ERRORS})
def create_community(_: AdminDep, body: NewCommunity, stores: StoresDep) -> JSONResponse:
    """Register a community by id and label; its data comes with its first upload."""
    with stores.write_lock:
        access.create_community(stores.private, body.id, body.label)
    return JSONResponse({"id": body.id, "label": body.label, "iri": community_iri(body.id)}, status_code=201)


@router.post("/communities/{id}/tokens", status_code=201, summary="Issue a community token (admin)",
             responses={201: {"content": {"application/json": {"example": {
                 "token": "lcc_1a2b3c4d5e6f_…", "token_id": "1a2b3c4d5e6f", "community": "riverside"}}}},
                 404: {"description": "no such community"}, **ADMIN_ERRORS})
def issue_token(_: AdminDep, id: CommunityId, stores: StoresDep) -> JSONResponse:
    """A new token for the community, answered once; only its hash is kept."""
    with stores.write_lock:
        issued = access.issue_token(stores.private, id)
    return JSONResponse({"token": issued.token, "token_id": issued.token_id, "community": id}, status_code=201)


@router.delete("/communities/{id}/tokens/{token_id}", status_code=204, summary="Revoke a community token (admin)",
               responses={404: {"description": "no such token"}, **ADMIN_ERRORS})
def revoke_token(_: AdminDep, id: CommunityId, token_id: str, stores: StoresDep) -> Response:
    """Revoke a token: it stops working at once."""
    with stores.write_lock:
        access.revoke_token(stores.private, id, token_id)
    return Response(status_code=204)
