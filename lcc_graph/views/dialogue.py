"""A community's stage and dialogue as plain data: its stage, the questions of that stage with the
answers it recorded, and its answers to other questions.

Questions and stage labels are read from the framework graphs only (:func:`framework_graphs`):
a community's upload cannot add a question to another community's page.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from ..framework import framework_graphs
from ..namespaces import sparql_prefixes
from ..store.stores import Stores
from .community import require_community, values_block
from .labels import pick

STAGE_ORDER = ("early", "mid", "mature", "crisis", "role-model")

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
SELECT ?stage WHERE { %s ?c lcc:stage ?stage } ORDER BY ?stage LIMIT 1"""

_STAGE_LABELS = sparql_prefixes() + """
SELECT ?label WHERE { %s ?stage skos:prefLabel ?label }"""


def _question_key(iri: str, pos: float) -> tuple:
    slug = iri.rsplit("/", 1)[-1]
    return (0 if slug.startswith("early") else 1, pos, slug)


def dialogue_context(stores: Stores, community_id: str, lang: str) -> dict[str, Any]:
    """The community's stage, the questions of that stage with its answers, and its other answers.

    NotFound for an unknown community (or a malformed id); the id is bound as an IRI term.
    """
    term, label = require_community(stores, community_id, lang)
    block = values_block("c", [term])
    framework = framework_graphs()
    stage_rows = stores.query_public(_STAGE % block).rows()
    stage = None
    if stage_rows:
        node = stage_rows[0]["stage"]
        labels = stores.query_public(_STAGE_LABELS % values_block("stage", [str(node)]),
                                     default_graph=framework).rows() if isinstance(node, ox.NamedNode) else []
        iri = node.value
        stage = {"iri": iri, "slug": iri.rsplit("/", 1)[-1], "label": pick([r["label"] for r in labels], lang)}
    questions: dict[str, dict[str, Any]] = {}
    for row in stores.query_public(_QUESTIONS, default_graph=framework).rows():
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
