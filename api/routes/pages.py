"""Pages for people that have no API twin: the upload form, a community's stage and dialogue.

Also the page data the shared URLs need for their HTML form: a community page's network picture,
findings and indicators, the home page's counts and the SPARQL editor.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lcc_graph.errors import ParseError
from lcc_graph.namespaces import check_slug, community_iri, sparql_prefixes
from lcc_graph.store.stores import Stores
from lcc_graph.views.community import list_communities, require_community, values_block
from lcc_graph.views.criteria import list_criteria
from lcc_graph.views.labels import pick
from lcc_graph.views.network import build_network, svg_drawing

from ..deps import LangDep, StoresDep
from ..pages import render
from ..report_view import shape_name

router = APIRouter(tags=["pages"])

SEVERITY_ORDER = ("Violation", "Warning", "Info")
STAGE_ORDER = ("early", "mid", "mature", "crisis", "role-model")


# --------------------------------------------------------------------------- home


def home_counts(request: Request, stores: Stores, criteria: list[dict[str, Any]]) -> dict[str, int]:
    """The numbers the home page shows."""
    query = sparql_prefixes() + """
SELECT (COUNT(DISTINCT ?c) AS ?communities) (COUNT(DISTINCT ?p) AS ?partners) WHERE {
  { ?c a lcc:Community } UNION { ?p a lcc:Partner }
}"""
    row = stores.query_public(query).values()[0]
    catalogue = getattr(request.app.state, "catalogue", None)
    return {
        "criteria": len(criteria),
        "statements": sum(len(c["statements"]) for c in criteria),
        "communities": int(row.get("communities", 0)),
        "partners": int(row.get("partners", 0)),
        "queries": len(catalogue) if catalogue is not None else 0,
    }


# --------------------------------------------------------------------------- community page


_FINDINGS = sparql_prefixes() + """
SELECT ?r ?criterion ?severity ?shape ?focus ?message ?flabel ?slabel ?hint WHERE {
  %s
  ?r a sh:ValidationResult ; lcc:community ?c ; sh:resultSeverity ?severity .
  OPTIONAL { ?r lcc:criterion ?criterion }
  OPTIONAL { ?r sh:sourceShape ?shape .
             OPTIONAL { ?shape rdfs:label ?slabel } OPTIONAL { ?shape lcc:hint ?hint } }
  OPTIONAL { ?r sh:focusNode ?focus . OPTIONAL { ?focus rdfs:label ?flabel } }
  OPTIONAL { ?r sh:resultMessage ?message }
}"""


def community_findings(stores: Stores, term: str, lang: str) -> list[dict[str, Any]]:
    """The community's current findings, grouped by criterion then shape, most severe first."""
    rows = stores.query_public(_FINDINGS % values_block("c", [term])).rows()
    results: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = str(row["r"])
        entry = results.setdefault(key, {
            "criterion": row["criterion"].value if "criterion" in row else None,
            "severity": row["severity"].value.rsplit("#", 1)[-1],
            "shape": row["shape"].value if "shape" in row else None,
            "focus": row["focus"].value if "focus" in row and not isinstance(row["focus"], ox.BlankNode) else None,
            "flabel": [], "slabel": [], "hint": [], "message": []})
        for k in ("flabel", "slabel", "hint", "message"):
            if k in row and isinstance(row[k], ox.Literal) and row[k] not in entry[k]:
                entry[k].append(row[k])
    labels = {c["iri"]: c for c in list_criteria(stores, lang)}
    groups: dict[str | None, dict[str | None, dict[str, Any]]] = defaultdict(dict)
    for entry in results.values():
        shape = groups[entry["criterion"]].setdefault(entry["shape"], {
            "iri": entry["shape"], "label": pick(entry["slabel"], lang) or shape_name(entry["shape"]),
            "hint": pick(entry["hint"], lang),
            "severity": entry["severity"], "results": []})
        shape["results"].append({"focus": entry["focus"], "label": pick(entry["flabel"], lang),
                                 "message": pick(entry["message"], lang), "severity": entry["severity"]})
    out = []
    for criterion, shapes in groups.items():
        info = labels.get(criterion or "", {})
        items = sorted(shapes.values(), key=lambda s: (_rank(s["severity"]), s["label"] or s["iri"] or ""))
        for s in items:
            s["results"].sort(key=lambda r: (r["label"] or r["focus"] or ""))
            messages = {r["message"] for r in s["results"]}
            s["message"] = messages.pop() if len(messages) == 1 else None
        counts: dict[str, int] = defaultdict(int)
        for s in items:
            counts[s["severity"]] += len(s["results"])
        out.append({"iri": criterion, "slug": info.get("slug"), "label": info.get("label") or criterion,
                    "shapes": items, "counts": dict(counts)})
    return sorted(out, key=lambda g: (g["label"] is None, g["label"] or ""))


def _rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


BANDS = {"bottom quarter": "low", "second quarter": "lower-mid", "third quarter": "upper-mid", "top quarter": "high"}
NORMALISATION_ORDER = ("raw", "per-1000-inhabitants", "per-available-resource", "per-potential-resource")
PEER_QUERY = "peer-comparison"

_INDICATOR_LABELS = sparql_prefixes() + """
SELECT ?x ?label WHERE {
  { ?x a lcc:Indicator ; rdfs:label ?label }
  UNION
  { ?x skos:inScheme <https://w3id.org/lcc/normalisations/> ; skos:prefLabel ?label }
}"""


def community_indicators(request: Request, stores: Stores, community_id: str, lang: str) -> dict[str, Any]:
    """The community's indicators as percentile bands within its peer group, one row per indicator
    and one band per normalisation, from the catalogue's ``peer-comparison`` query (which names no
    other community). Empty when the community has no assessment yet."""
    catalogue = getattr(request.app.state, "catalogue", None)
    if catalogue is None or PEER_QUERY not in catalogue:
        return {"rows": [], "normalisations": []}
    query = catalogue.get(PEER_QUERY)
    factor = request.query_params.get("peer_factor")
    try:
        factor = str(min(max(float(factor), 1.1), 100.0)) if factor else None
    except ValueError:
        factor = None
    values = {"community": community_iri(community_id)}
    if factor and "factor" in query.params:
        values["factor"] = factor
    rows = stores.query_public(query.bind(values)).values()
    default = float(query.params["factor"].default) if "factor" in query.params and query.params["factor"].default else 2.0
    current = float(factor) if factor else default
    if not rows:
        return {"rows": [], "normalisations": [], "factor": current}
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in stores.query_public(_INDICATOR_LABELS).rows():
        labels[row["x"].value].append(row["label"])
    criteria = {c["iri"]: c for c in list_criteria(stores, lang)}
    by_indicator: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for row in rows:
        norm = row["normalisation"].rsplit("/", 1)[-1]
        seen.add(norm)
        item = by_indicator.setdefault(row["indicator"], {
            "iri": row["indicator"], "label": pick(labels[row["indicator"]], lang) or row["indicator"].rsplit("/", 1)[-1],
            "criterion": criteria.get(row.get("criterion", ""), {}), "bands": {}})
        band = BANDS.get(row.get("band", ""), "few")
        item["bands"][norm] = {"band": band, "peers": int(float(row.get("peers", "0") or 0)),
                               "percentile": float(row["percentile"]) if row.get("percentile") else None}
    norms = [n for n in NORMALISATION_ORDER if n in seen] + sorted(seen - set(NORMALISATION_ORDER))
    columns = [{"slug": n, "label": pick(labels[f"https://w3id.org/lcc/normalisations/{n}"], lang) or n} for n in norms]
    items = sorted(by_indicator.values(), key=lambda i: ((i["criterion"] or {}).get("label") or "", i["label"]))
    return {"rows": items, "normalisations": columns, "factor": _fmt(current),
            "wider": _fmt(current * 2) if current * 2 <= 100 else None,
            "narrower": _fmt(current / 2) if current / 2 >= 1.1 else None}


def _fmt(number: float) -> str:
    """2.0 -> "2", 2.5 -> "2.5"."""
    return f"{round(number, 2):g}"


def community_page_extras(request: Request, stores: Stores, community_id: str, lang: str) -> dict[str, Any]:
    """What the community page shows beyond the profile: the network picture, findings, indicators."""
    term, _label = require_community(stores, community_id, lang)
    graph = build_network(stores, community_id, lang=lang)
    return {
        "drawing": svg_drawing(graph) if graph.number_of_nodes() else None,
        "network_nodes": graph.number_of_nodes(),
        "network_edges": graph.number_of_edges(),
        "findings": community_findings(stores, term, lang),
        "indicators": community_indicators(request, stores, community_id, lang),
    }


# --------------------------------------------------------------------------- dialogue


_QUESTIONS = sparql_prefixes() + """
SELECT ?q ?stage ?label ?text ?pos WHERE {
  ?q a lcc:DialogueQuestion .
  OPTIONAL { ?q lcc:stage ?stage }
  OPTIONAL { ?q rdfs:label ?label }
  OPTIONAL { ?q rdf:value ?text }
  OPTIONAL { ?q schema:position ?pos }
}"""

_ANSWERS = sparql_prefixes() + """
SELECT ?a ?q ?text ?date WHERE {
  %s
  ?a a lcc:DialogueAnswer ; lcc:community ?c ; lcc:answers ?q .
  OPTIONAL { ?a lcc:text ?text }
  OPTIONAL { ?a lcc:date ?date }
}"""

_STAGE = sparql_prefixes() + """
SELECT ?stage ?label WHERE { %s ?c lcc:stage ?stage . OPTIONAL { ?stage skos:prefLabel ?label } }"""


def _question_key(iri: str, pos: float) -> tuple:
    slug = iri.rsplit("/", 1)[-1]
    return (0 if slug.startswith("early") else 1, pos, slug)


def dialogue_context(stores: Stores, community_id: str, lang: str) -> dict[str, Any]:
    """The community's stage, the questions of that stage with its answers, and its other answers."""
    term, label = require_community(stores, community_id, lang)
    block = values_block("c", [term])
    stage_rows = stores.query_public(_STAGE % block).rows()
    stage = None
    if stage_rows:
        iri = stage_rows[0]["stage"].value
        stage = {"iri": iri, "slug": iri.rsplit("/", 1)[-1],
                 "label": pick([r["label"] for r in stage_rows if "label" in r and r["stage"].value == iri], lang)}
    questions: dict[str, dict[str, Any]] = {}
    for row in stores.query_public(_QUESTIONS).rows():
        q = questions.setdefault(row["q"].value, {"iri": row["q"].value, "id": row["q"].value.rsplit("/", 1)[-1],
                                                  "stages": set(), "label": [], "text": [], "pos": 0.0})
        if "stage" in row:
            q["stages"].add(row["stage"].value)
        for k in ("label", "text"):
            if k in row and row[k] not in q[k]:
                q[k].append(row[k])
        if "pos" in row:
            try:
                q["pos"] = float(row["pos"].value)
            except ValueError:
                pass
    answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in stores.query_public(_ANSWERS % block).rows():
        answers[row["q"].value].append({"iri": row["a"].value, "text": row["text"].value if "text" in row else "",
                                        "date": row["date"].value if "date" in row else None})
    for items in answers.values():
        items.sort(key=lambda a: (a["date"] or "", a["iri"]), reverse=True)

    def item(q: dict[str, Any]) -> dict[str, Any]:
        return {"iri": q["iri"], "id": q["id"], "label": pick(q["label"], lang), "text": pick(q["text"], lang),
                "answers": answers.get(q["iri"], [])}

    ordered = sorted(questions.values(), key=lambda q: _question_key(q["iri"], q["pos"]))
    of_stage = [item(q) for q in ordered if stage and stage["iri"] in q["stages"]]
    shown = {q["iri"] for q in of_stage}
    others = [item(q) for q in ordered if q["iri"] not in shown and q["iri"] in answers]
    return {"id": community_id, "label": label or community_id, "stage": stage, "questions": of_stage,
            "other_questions": others, "all_questions": [item(q) for q in ordered]}


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


EXAMPLES = [
    ("criteria", "The criteria and their number of statements", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?criterion ?label (COUNT(?statement) AS ?statements) WHERE {
  ?criterion a lcc:Criterion ; skos:prefLabel ?label ; lcc:statement ?statement .
  FILTER(LANG(?label) = "en")
} GROUP BY ?criterion ?label ORDER BY ?label"""),
    ("partners-by-sector", "Partners by sector in each community", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?community ?sector (COUNT(?partner) AS ?partners) WHERE {
  ?partner a lcc:Partner ; lcc:community ?community ; lcc:sector ?sector .
} GROUP BY ?community ?sector ORDER BY ?community ?sector"""),
    ("cross-sector", "Partnerships and the number of sectors among their members", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?partnership ?label (COUNT(DISTINCT ?sector) AS ?sectors) (COUNT(DISTINCT ?member) AS ?members) WHERE {
  ?partnership a lcc:Partnership ; org:hasMember ?member .
  OPTIONAL { ?partnership rdfs:label ?label }
  ?member lcc:sector ?sector .
} GROUP BY ?partnership ?label ORDER BY DESC(?sectors) LIMIT 50"""),
    ("unreached", "Citizen groups not reached, with their inclusion needs", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?community ?group ?label ?need WHERE {
  ?group a lcc:CitizenGroup ; lcc:community ?community ;
         lcc:engagement <https://w3id.org/lcc/engagement/disengaged> .
  OPTIONAL { ?group rdfs:label ?label }
  OPTIONAL { ?group lcc:inclusionNeed ?need }
} ORDER BY ?community LIMIT 100"""),
    ("findings", "Criteria findings by criterion and severity", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?criterion ?severity (COUNT(?result) AS ?findings) WHERE {
  ?result a sh:ValidationResult ; lcc:criterion ?criterion ; sh:resultSeverity ?severity .
} GROUP BY ?criterion ?severity ORDER BY ?criterion"""),
]


def sparql_editor(request: Request, lang: str, query: str | None = None) -> Response:
    """The SPARQL editor page: a text area, example queries, results as a table (no outside look-ups)."""
    examples = [{"id": i, "title": title, "query": text} for i, title, text in EXAMPLES]
    catalogue = getattr(request.app.state, "catalogue", None)
    for q in catalogue or []:
        examples.append({"id": "catalogue-" + q.id, "title": q.question or q.summary, "query": q.text.strip(),
                         "catalogue": True})
    return render(request, "sparql.html", lang, nav="sparql", query=query or examples[0]["query"],
                  run_now=query is not None, examples=examples,
                  examples_map={e["id"]: e["query"] for e in examples})


# --------------------------------------------------------------------------- small lookups for templates


_COMMUNITY_LABELS = sparql_prefixes() + """
SELECT ?c ?label WHERE { ?c a lcc:Community . OPTIONAL { ?c rdfs:label ?label } }"""


def community_names(request: Request, lang: str) -> dict[str, str]:
    """Every community's label in the reader's language, by id."""
    from lcc_graph.views.community import community_id_of

    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in request.app.state.stores.query_public(_COMMUNITY_LABELS).rows():
        cid = community_id_of(row["c"].value)
        if cid is None:
            continue
        labels[cid]
        if isinstance(row.get("label"), ox.Literal):
            labels[cid].append(row["label"])
    return {cid: pick(items, lang) or cid for cid, items in labels.items()}
