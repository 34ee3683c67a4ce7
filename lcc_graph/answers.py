"""Dialogue answers a community records through the API (kept in its own ``answers`` graph)."""

from __future__ import annotations

import datetime as dt
import uuid

import pyoxigraph as ox

from .errors import NotFound, ParseError
from .framework import framework_graphs
from .namespaces import LCC, RDF, XSD, community_base, community_graph, community_iri
from .store.stores import Stores

QUESTIONS = "https://w3id.org/lcc/questions/"


def question_iri(question: str) -> str:
    """A question IRI from an id (``early-1``, ``lc-3``) or a full IRI of the framework."""
    iri = question if question.startswith(QUESTIONS) else QUESTIONS + question
    slug = iri[len(QUESTIONS):]
    if not slug or not all(c.isalnum() or c == "-" for c in slug):
        raise ParseError(f"not a dialogue question: {question!r}")
    return iri


def record_answer(stores: Stores, community_id: str, question: str, text: str, date: str | None = None) -> dict:
    """Add an answer to a dialogue question; NotFound if the framework has no such question."""
    q = ox.NamedNode(question_iri(question))
    if not text.strip():
        raise ParseError("the answer text is empty")
    if len(text) > 20_000:
        raise ParseError("the answer is over 20,000 characters")
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError as exc:
        raise ParseError(f"not a date (YYYY-MM-DD): {day!r}") from exc
    question_exists = f"ASK {{ {q} a {ox.NamedNode(LCC + 'DialogueQuestion')} }}"
    if not stores.query_public(question_exists, default_graph=framework_graphs()).boolean:
        raise NotFound(f"no dialogue question {question!r}")
    node = ox.NamedNode(f"{community_base(community_id)}answers/{uuid.uuid4().hex[:12]}")
    me = ox.NamedNode(community_iri(community_id))
    new = [
        ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(LCC + "DialogueAnswer")),
        ox.Triple(node, ox.NamedNode(LCC + "community"), me),
        ox.Triple(node, ox.NamedNode(LCC + "answers"), q),
        ox.Triple(node, ox.NamedNode(LCC + "text"), ox.Literal(text.strip())),
        ox.Triple(node, ox.NamedNode(LCC + "date"), ox.Literal(day, datatype=ox.NamedNode(XSD + "date"))),
    ]
    from .indicators import framework_version
    from .judgements import stamp

    new = stamp(new, framework_version(stores.public))
    graph = community_graph(community_id, "answers")
    with stores.write_lock:
        stores.replace_graphs({graph: stores.public.get_graph(graph) + new})
    return {"answer": node.value, "question": q.value, "text": text.strip(), "date": day}
