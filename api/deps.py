"""Request dependencies as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from lcc_graph.store.stores import Stores

from .settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


def get_stores(request: Request) -> Stores:
    """The stores the app owns."""
    return request.app.state.stores


def get_templates(request: Request) -> Jinja2Templates:
    """The jinja2 environment."""
    return request.app.state.templates


def get_lang(request: Request) -> str:
    """The reader's language: ``?lang=``, else Accept-Language, else English."""
    from lcc_graph.views.labels import SUPPORTED_LANGS

    lang = request.query_params.get("lang")
    if lang in SUPPORTED_LANGS:
        return lang
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED_LANGS:
            return code
    return "en"


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoresDep = Annotated[Stores, Depends(get_stores)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
LangDep = Annotated[str, Depends(get_lang)]


SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"


def community_id(id: str) -> str:
    """A community id from the path; a malformed one names no community (404)."""
    from lcc_graph.errors import NotFound
    from lcc_graph.namespaces import SLUG_RE

    if not SLUG_RE.fullmatch(id):
        raise NotFound(f"no community {id!r}: community ids are lower-case letters, digits and '-'")
    return id


CommunityId = Annotated[str, Depends(community_id)]
