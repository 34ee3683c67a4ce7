"""Pages for people that have no API twin: the upload form, a community's stage and dialogue.

Also the page data the shared URLs need for their HTML form: a community page's network picture,
findings and indicators, and the SPARQL editor. The data
comes from the library's views (``lcc_graph.views``); this module only renders it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lcc_graph.errors import ParseError
from lcc_graph.namespaces import check_slug
from lcc_graph.store.stores import Stores
from lcc_graph.views.assessment import assessment, for_reading
from lcc_graph.views.community import list_communities
from lcc_graph.views.dialogue import dialogue_context
from lcc_graph.views.network import build_network, svg_drawing
from lcc_graph.namespaces import PREFIXES
from lcc_graph.views.sparql_examples import editor_examples, vocabulary_terms

from ..charts import change_text
from ..deps import LangDep, StoresDep
from ..pages import render

router = APIRouter(tags=["pages"])


# --------------------------------------------------------------------------- community page


def community_page_extras(request: Request, stores: Stores, community_id: str, lang: str) -> dict[str, Any]:
    """What the community page shows beyond the profile: the network picture, and the findings and
    indicators of the community's assessment (the same one ``/communities/{id}/assessment`` gives),
    in reading order, within the peer group of the ``?peers=`` nearest communities (10 by default)."""
    graph = build_network(stores, community_id, lang=lang)
    body = assessment(stores, community_id, lang, getattr(request.app.state, "catalogue", None),
                      k=request.query_params.get("peers"))
    reading = for_reading(body)
    for entry in reading["indicators"]:
        entry["change_shown"] = change_text(entry["change"], entry["base"] is not None) if entry.get("change") else None
    return {
        "drawing": svg_drawing(graph) if graph.number_of_nodes() else None,
        "network_nodes": graph.number_of_nodes(),
        "network_edges": graph.number_of_edges(),
        "findings": reading["findings"],
        "framework_change": body.get("framework_change"),
        "indicators": reading["indicators"],
        "peer_group": body["peer_group"],
        "versions": len(body["versions"]),
        "network_metrics": [dict(m, change_shown=change_text(m["change"], False) if m.get("change") else None)
                            for m in body.get("metrics", []) if m["value"] is not None],
    }


# --------------------------------------------------------------------------- dialogue


@router.get("/communities/{id}/dialogue", summary="A community's stage and dialogue (HTML page)",
            response_class=Response, include_in_schema=False)
def dialogue_page(id: str, request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """The stage, its dialogue questions with the answers recorded, and a form for a new answer."""
    context = dialogue_context(stores, id, lang)
    return render(request, "dialogue.html", lang, nav="communities", recorded=request.query_params.get("recorded") == "1",
                  **context)


# --------------------------------------------------------------------------- upload


@router.get("/upload", summary="The upload form (HTML page)", include_in_schema=False)
def upload_page(request: Request, stores: StoresDep, lang: LangDep) -> Response:
    """A form (community, token, file) posting to ``/communities/{id}/data``."""
    items = list_communities(stores, lang)
    chosen = request.query_params.get("community") or ""
    return render(request, "upload.html", lang, nav="upload", communities=items, chosen=chosen)


@router.post("/upload", summary="The upload form without JavaScript: on to the community's upload route",
             include_in_schema=False)
async def upload_redirect(request: Request) -> Response:
    """Send the same form on to ``POST /communities/{id}/data`` (307 keeps the method and body)."""
    form = await request.form()
    community = str(form.get("community") or "").strip()
    try:
        check_slug(community)
    except ValueError as exc:
        raise ParseError(f"choose a community: {exc}") from exc
    suffix = f"?lang={request.query_params['lang']}" if request.query_params.get("lang") in ("he", "ar") else ""
    return RedirectResponse(f"/communities/{community}/data{suffix}", status_code=307)


# --------------------------------------------------------------------------- SPARQL editor


def sparql_editor(request: Request, lang: str, query: str | None = None) -> Response:
    """The SPARQL editor page: YASGUI (served from here, asking no outside host) over ``/sparql``, with
    the service's prefixes, its classes and properties for completion, and the examples; without
    JavaScript, a form that sends the query."""
    from ..i18n import translate

    examples = editor_examples(getattr(request.app.state, "catalogue", None))
    terms = vocabulary_terms(request.app.state.stores)
    words = {w: f"sparql.{w}" for w in ("running", "rows", "chart", "table", "no_chart", "label_column", "value_column")}
    words["empty"] = "query.empty"
    config = {
        "lang": lang, "endpoint": "/sparql", "prefixes": PREFIXES, "classes": terms["class"],
        "properties": terms["property"], "query": query, "runNow": query is not None,
        "examples": {e["id"]: e["query"] for e in examples},
        "strings": {w: translate(key, lang) for w, key in words.items()},
    }
    return render(request, "sparql.html", lang, nav="sparql", query=query or examples[0]["query"],
                  run_now=query is not None, examples=examples, config=config,
                  examples_map={e["id"]: e["query"] for e in examples})
