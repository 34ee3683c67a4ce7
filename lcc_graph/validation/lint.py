"""Lint for shapes: what pySHACL would silently get wrong, and what reports need."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..namespaces import CRITERIA, LCC, RDF
from .compile import UnsupportedShape, compile_shapes
from .shapes import SHAPES_BASE, Graph, ShapesGraph, all_shapes, sh, targeted_shapes

CONSTRAINTS = ("minCount", "maxCount", "class", "datatype", "nodeKind", "in", "hasValue", "node", "or", "and",
               "not", "xone", "sparql", "pattern", "minInclusive", "maxInclusive", "minExclusive",
               "maxExclusive", "minLength", "maxLength", "languageIn", "uniqueLang", "equals", "disjoint",
               "lessThan", "lessThanOrEquals", "closed", "qualifiedValueShape")
_HINT = ox.NamedNode(LCC + "hint")
_CRITERION = ox.NamedNode(LCC + "criterion")
_HEAD = re.compile(r"\s*SELECT\s+(DISTINCT\s+)?\$this(\s+\?value)?\s+WHERE\s*$", re.IGNORECASE)


def reporting_shapes(g: Graph) -> list:
    """Shapes that produce results: targeted shapes and the property shapes of targeted node
    shapes that have constraints of their own (a node shape that only groups property shapes
    reports nothing itself)."""
    candidates = list(targeted_shapes(g))
    for shape in list(candidates):
        candidates.extend(g.objects(shape, sh("property")))
    return [s for s in dict.fromkeys(candidates) if any(g.objects(s, sh(c)) for c in CONSTRAINTS)]


def _english(g: Graph, node, pred) -> list[str]:
    return [o.value for o in g.objects(node, pred) if isinstance(o, ox.Literal) and o.language == "en"]


def _name(node) -> str:
    return node.value if isinstance(node, (ox.NamedNode, ox.BlankNode)) else str(node)


def lint_shapes(shapes: ShapesGraph) -> list[str]:
    """Every problem found, one line each (empty when the shapes are fine).

    - every shape and every SPARQL constraint has an IRI under https://w3id.org/lcc/shapes/;
    - no sh:severity (nor sh:message) inside sh:sparql: pySHACL ignores a severity there;
    - every reporting shape states one sh:severity and one English sh:message;
    - every criteria shape (Warning or Info) has one lcc:criterion and an English lcc:hint;
    - SPARQL constraints pass pySHACL's checks (no MINUS, VALUES, SERVICE, unsafe subqueries),
      declare their prefixes, write ``$this`` after a space, brace or parenthesis, and project
      ``$this`` (and ``?value``) only;
    - the fast engine can translate every shape.
    """
    g = shapes.graph
    problems: list[str] = []
    rdf_type = ox.NamedNode(RDF + "type")
    for node in all_shapes(g) + [t.object for t in g.with_predicate(sh("sparql"))]:
        if not isinstance(node, ox.NamedNode) or not node.value.startswith(SHAPES_BASE):
            problems.append(f"{_name(node)}: shapes and SPARQL constraints need an IRI under {SHAPES_BASE}")
    for shape in all_shapes(g):
        if not set(g.objects(shape, rdf_type)) & {sh("NodeShape"), sh("PropertyShape")}:
            problems.append(f"{_name(shape)}: declare sh:NodeShape or sh:PropertyShape")
    for t in g.with_predicate(sh("sparql")):
        if g.objects(t.object, sh("severity")):
            problems.append(f"{_name(t.subject)}: sh:severity inside sh:sparql is ignored by pySHACL")
        if g.objects(t.object, sh("message")):
            problems.append(f"{_name(t.subject)}: put sh:message on the shape, not inside sh:sparql")
    for shape in reporting_shapes(g):
        severities = g.objects(shape, sh("severity"))
        if len(severities) != 1:
            problems.append(f"{_name(shape)}: state exactly one sh:severity")
        if len(_english(g, shape, sh("message"))) != 1:
            problems.append(f"{_name(shape)}: state exactly one English sh:message")
        if severities and severities[0] != sh("Violation"):
            criteria = g.objects(shape, _CRITERION)
            if len(criteria) != 1 or not criteria[0].value.startswith(CRITERIA):
                problems.append(f"{_name(shape)}: a criteria shape needs one lcc:criterion <{CRITERIA}{{slug}}>")
            if not _english(g, shape, _HINT):
                problems.append(f"{_name(shape)}: a criteria shape needs an English lcc:hint")
    problems.extend(_lint_queries(g))
    try:
        compile_shapes(shapes)
    except UnsupportedShape as exc:
        problems.append(f"the fast engine cannot translate the shapes: {exc}")
    return problems


def _lint_queries(g: Graph) -> list[str]:
    from pyshacl.errors import ValidationFailure
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    problems = []
    for t in g.with_predicate(sh("select")):
        name, text = _name(t.subject), t.object.value
        try:
            SPARQLQueryHelper(None, t.subject, text).check_invalid_sparql(text)
        except ValidationFailure as exc:
            problems.append(f"{name}: pySHACL refuses the query: {exc}")
        if not g.objects(t.subject, sh("prefixes")):
            problems.append(f"{name}: declare sh:prefixes")
        for m in re.finditer(r"\$this", text):
            if text[m.start() - 1] not in " \t\n{}()":
                problems.append(f"{name}: write $this after a space, brace or parenthesis (pySHACL binds it so)")
                break
        head = text[: text.index("{")] if "{" in text else text
        if not _HEAD.match(head):
            problems.append(f"{name}: project $this (and ?value) only, as SELECT [DISTINCT] $this [?value] WHERE")
    return problems
