"""Rendering HTML pages with the shared layout, in the reader's language."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from .charts import sparkline
from .drawing import label_layout
from .i18n import install as install_i18n

RTL_LANGS = {"he", "ar"}


def render(request: Request, template: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page in the reader's language, right-to-left for Hebrew and Arabic.

    A caller that does not know the reader's language passes ``"en"``: the language is then
    read from the request (``?lang=`` or ``Accept-Language``), as ``LangDep`` would.
    """
    from .deps import get_lang

    if lang == "en":
        lang = get_lang(request)
    templates = request.app.state.templates
    install(templates.env)
    return templates.TemplateResponse(
        request,
        template,
        {"lang": lang, "dir": "rtl" if lang in RTL_LANGS else "ltr", **context},
        status_code=status_code,
    )


def install(env) -> None:
    """The template helpers every page uses: ``t``, ``href``, ``lang_url`` and the drawing filter
    (none of them reads the store: pages are given their data)."""
    from .report_view import report_page

    install_i18n(env)
    env.filters.setdefault("label_layout", label_layout)
    env.globals.setdefault("report_page", report_page)
    env.globals.setdefault("sparkline", sparkline)
