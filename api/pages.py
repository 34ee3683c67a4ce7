"""Rendering HTML pages with the shared layout, in the reader's language."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import pass_context
from markupsafe import Markup, escape

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
    if template == "report.html" and context.get("community") and "community_label" not in context:
        context["community_label"] = _community_label(request, context["community"])
    return templates.TemplateResponse(
        request,
        template,
        {"lang": lang, "dir": "rtl" if lang in RTL_LANGS else "ltr", **context},
        status_code=status_code,
    )


def _community_label(request: Request, community_id: str) -> str | None:
    """A registered community's name, for a report's heading (None when it is not registered)."""
    from lcc_graph import access

    stores = getattr(request.app.state, "stores", None)
    if stores is None or community_id == "validate":
        return None
    try:
        return access.registered(stores.private).get(community_id)
    except Exception:  # the heading falls back to the id: a report is never lost to its title
        return None


def install(env) -> None:
    """The template helpers every page uses: ``t``, ``href``, ``lang_url`` and the drawing filter
    (none of them reads the store: pages are given their data)."""
    from .report_view import report_page

    install_i18n(env)
    env.filters.setdefault("label_layout", label_layout)
    env.globals.setdefault("report_page", report_page)
    env.globals.setdefault("sparkline", sparkline)
    env.filters.setdefault("link_paths", link_paths)


_PATH = re.compile(r"(?<![\w/.:])/(?:communities|criteria|queries|sparql|framework|upload|docs)(?:/[a-z0-9-]+)*(?![\w/])")


@pass_context
def link_paths(context, text: str) -> Markup:
    """A message with the service's paths in it (``see /communities``) as links to them, in the page's language."""
    lang = context.get("lang") or "en"
    out, last = [], 0
    for m in _PATH.finditer(text or ""):
        href = f"{m.group(0)}?{urlencode({'lang': lang})}"
        out += [escape(text[last:m.start()]), Markup('<a href="{}" dir="ltr">{}</a>').format(href, m.group(0))]
        last = m.end()
    out.append(escape((text or "")[last:]))
    return Markup("").join(out)
