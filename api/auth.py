"""Bearer tokens as dependencies: the admin's (from the environment) and each community's (hashed,
revocable). They are plain ``def`` dependencies, so the token look-up in the private store runs on
the thread pool, never on the event loop, and before any request body is read."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from lcc_graph import access
from lcc_graph.errors import NotFound

from .deps import CommunityId, SettingsDep, StoresDep
from .settings import Settings


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def check_admin(token: str | None, settings: Settings) -> None:
    """401 without a token, 403 with a wrong one or when no admin token is configured."""
    if not token:
        raise access.Unauthorized("send the admin token: Authorization: Bearer <token>")
    expected = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if not expected:
        raise access.Forbidden("administration is disabled: set LCC_ADMIN_TOKEN")
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise access.Forbidden("this is not the admin token")


def is_admin(token: str | None, settings: Settings) -> bool:
    """True when the token is the configured admin token."""
    expected = settings.admin_token.get_secret_value() if settings.admin_token else ""
    return bool(token and expected and hmac.compare_digest(token.encode(), expected.encode()))


def require_admin(request: Request, settings: SettingsDep) -> None:
    """Dependency: the request carries the admin token."""
    check_admin(bearer(request), settings)


def registered_community(id: CommunityId, stores: StoresDep) -> str:
    """Dependency: a community the service has registered; 404 for everyone otherwise (the admin too)."""
    if id not in access.registered(stores.private):
        raise NotFound(f"no community {id!r} is registered: an administrator creates it first (POST /communities)")
    return id


def authorise(stores, settings: Settings, community_id: str, token: str | None) -> str:
    """The token id that may write this community (the admin counts as 'admin'); 401/403 otherwise."""
    if is_admin(token, settings):
        return "admin"
    return access.authorise(stores.private, token, community_id)


def community_writer(id: Annotated[str, Depends(registered_community)], request: Request, stores: StoresDep,
                     settings: SettingsDep) -> str:
    """Dependency: the id of the header token that may write this registered community."""
    return authorise(stores, settings, id, bearer(request))


def maybe_community_writer(id: Annotated[str, Depends(registered_community)], request: Request, stores: StoresDep,
                           settings: SettingsDep) -> str | None:
    """Dependency: as ``community_writer`` when the request has an Authorization header, else None
    (an HTML form sends its token in the body, checked once the body is read within its limit)."""
    token = bearer(request)
    return None if token is None else authorise(stores, settings, id, token)


AdminDep = Annotated[None, Depends(require_admin)]
RegisteredId = Annotated[str, Depends(registered_community)]
WriterDep = Annotated[str, Depends(community_writer)]
MaybeWriterDep = Annotated[str | None, Depends(maybe_community_writer)]
