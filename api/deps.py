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
    """The reader's language: ``?lang=``, else the best of ``Accept-Language``, else English."""
    from lcc_graph.views.labels import SUPPORTED_LANGS

    lang = request.query_params.get("lang")
    if lang in SUPPORTED_LANGS:
        return lang
    return negotiate_lang(request.headers.get("accept-language", ""), SUPPORTED_LANGS) or "en"


#: Older or wider codes of the supported languages (``iw`` is Hebrew's code before 1989).
LANG_ALIASES = {"iw": "he"}


def negotiate_lang(header: str, supported: tuple[str, ...]) -> str | None:
    """The supported language an ``Accept-Language`` header prefers most (RFC 9110, section 12.5.4):
    the highest ``q`` wins, the header's order breaks ties, ``he-IL`` counts as ``he``, ``q=0``
    refuses a language, and ``*`` stands for the first supported language not named otherwise."""
    ranked: list[tuple[float, int, str]] = []
    refused: set[str] = set()
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        code = LANG_ALIASES.get(code, code)
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if not 0 < q <= 1:
            if "-" not in tag:
                refused.add(code)
            continue
        ranked.append((-q, position, code))
    for _, _, code in sorted(ranked):
        if code in supported and code not in refused:
            return code
        if code == "*":
            named = {c for _, _, c in ranked} | refused
            return next((c for c in supported if c not in named), None)
    return None


# FastAPI runs a plain ``def`` dependency on the thread pool: a hand-off to a thread and back for
# every dependency of every request (a third of the server's time on a short query). These read
# the app state or a header only, so they are given to FastAPI as coroutines, run on the loop.
async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def _stores(request: Request) -> Stores:
    return get_stores(request)


async def _templates(request: Request) -> Jinja2Templates:
    return get_templates(request)


async def _lang(request: Request) -> str:
    return get_lang(request)


SettingsDep = Annotated[Settings, Depends(_settings)]
StoresDep = Annotated[Stores, Depends(_stores)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
LangDep = Annotated[str, Depends(_lang)]


SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"


def community_id(id: str) -> str:
    """A community id from the path; a malformed one names no community (404)."""
    from lcc_graph.errors import NotFound
    from lcc_graph.namespaces import SLUG_RE

    if not SLUG_RE.fullmatch(id):
        raise NotFound(f"no community {id!r}: community ids are lower-case letters, digits and '-'")
    return id


async def _community_id(id: str) -> str:
    return community_id(id)


CommunityId = Annotated[str, Depends(_community_id)]
