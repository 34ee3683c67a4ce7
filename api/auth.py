"""Bearer tokens: the admin's (from the environment) and each community's (hashed, revocable)."""

from __future__ import annotations

import hmac

from fastapi import Request

from lcc_graph import access

from .settings import Settings


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def require_admin(request: Request, settings: Settings) -> None:
    """401 without a token, 403 with a wrong one or when no admin token is configured."""
    token = bearer(request)
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
