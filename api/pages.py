"""Rendering HTML pages with the shared layout."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

RTL_LANGS = {"he", "ar"}


def render(request: Request, template: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page in the reader's language, right-to-left for Hebrew and Arabic."""
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        template,
        {"lang": lang, "dir": "rtl" if lang in RTL_LANGS else "ltr", **context},
        status_code=status_code,
    )
