"""Shape lint: IRIs everywhere, severity outside sh:sparql, criteria shapes complete, queries pySHACL accepts."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from lcc_graph.namespaces import CRITERIA, LCC, SH
from lcc_graph.validation.compile import compile_shapes
from lcc_graph.validation.lint import lint_shapes, reporting_shapes
from lcc_graph.validation.shapes import Graph, ShapesGraph, load_shapes, shape_files

CRITERIA_SLUGS = {
    "balances", "change", "diversity", "dynamics", "inclusion", "infrastructures", "innovation", "learning",
    "needs", "opportunities", "outreach", "participation", "partnerships", "penetration", "policy-making",
    "reflection", "sharing", "talent", "transparency", "value-codes", "visibility",
}
REQUIRED = {
    "partnerships", "infrastructures", "inclusion", "participation", "outreach", "needs", "transparency",
    "visibility", "diversity", "penetration", "learning", "reflection", "sharing", "value-codes",
    "policy-making", "talent", "innovation",
}
CRITERION = ox.NamedNode(LCC + "criterion")

HEAD = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix lcc: <https://w3id.org/lcc#> .
@prefix lccsh: <https://w3id.org/lcc/shapes/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
lccsh:p sh:declare lccsh:p-lcc . lccsh:p-lcc sh:prefix "lcc" ; sh:namespace "https://w3id.org/lcc#"^^xsd:anyURI .
"""
GOOD = """
lccsh:good a sh:NodeShape ; sh:targetClass lcc:Community ; sh:severity sh:Warning ;
    lcc:criterion <https://w3id.org/lcc/criteria/sharing> ; sh:message "m"@en ; lcc:hint "h"@en ;
    sh:sparql lccsh:good-q .
lccsh:good-q a sh:SPARQLConstraint ; sh:prefixes lccsh:p ;
    sh:select "SELECT $this WHERE { $this a lcc:Community . FILTER NOT EXISTS { $this lcc:collaboratesWith ?o } }" .
"""


def sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


def shapes_from(text: str) -> ShapesGraph:
    triples = [q.triple for q in ox.parse((HEAD + text).encode(), format=ox.RdfFormat.TURTLE)]
    return ShapesGraph(Graph(triples), [])


def _file(name: str) -> ShapesGraph:
    return load_shapes([p for p in shape_files() if p.name == name])


def test_the_shipped_shapes_pass_the_lint():
    assert lint_shapes(load_shapes()) == []


def test_the_two_shape_files_ship():
    assert [p.name for p in shape_files()] == ["criteria.ttl", "structure.ttl"]


def test_a_good_criteria_shape_passes():
    assert lint_shapes(shapes_from(GOOD)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(GOOD + "lccsh:good sh:property [ a sh:PropertyShape ; sh:path lcc:x ; sh:minCount 1 ; "
                     "sh:severity sh:Warning ; sh:message 'm'@en ; lcc:hint 'h'@en ; "
                     "lcc:criterion <https://w3id.org/lcc/criteria/sharing> ] .",
                     "need an IRI", id="blank-node shape"),
        pytest.param(GOOD.replace("sh:sparql lccsh:good-q .", "sh:sparql [ sh:prefixes lccsh:p ; sh:select \"SELECT $this WHERE { $this a lcc:Community }\" ] ."),
                     "need an IRI", id="blank-node sparql"),
        pytest.param(GOOD.replace("lccsh:good-q a sh:SPARQLConstraint ;", "lccsh:good-q a sh:SPARQLConstraint ; sh:severity sh:Warning ;"),
                     "sh:severity inside sh:sparql", id="severity inside sparql"),
        pytest.param(GOOD.replace("lcc:criterion <https://w3id.org/lcc/criteria/sharing> ;", ""),
                     "needs one lcc:criterion", id="no criterion"),
        pytest.param(GOOD.replace('sh:message "m"@en ;', ""), "English sh:message", id="no message"),
        pytest.param(GOOD.replace('lcc:hint "h"@en ;', ""), "English lcc:hint", id="no hint"),
        pytest.param(GOOD.replace("sh:severity sh:Warning ;", ""), "one sh:severity", id="no severity"),
        pytest.param(GOOD.replace("FILTER NOT EXISTS", "MINUS"), "pySHACL refuses", id="minus"),
        pytest.param(GOOD.replace("{ $this a", "{$this a").replace("WHERE { $this", "WHERE {$this"),
                     None, id="brace before $this is fine"),
        pytest.param(GOOD.replace(". FILTER NOT EXISTS { $this", ". FILTER NOT EXISTS { ?o lcc:x ?y . FILTER(?y=$this)"),
                     "after a space", id="$this glued to an operator"),
        pytest.param(GOOD.replace("SELECT $this WHERE", "SELECT $this ?other WHERE"), "project $this", id="projection"),
        pytest.param(GOOD.replace("sh:prefixes lccsh:p ;", ""), "sh:prefixes", id="no prefixes"),
        pytest.param(GOOD + "lccsh:pp a sh:PropertyShape ; sh:targetClass lcc:Community ; sh:path lcc:x ; sh:pattern \"a\" ; "
                     "sh:severity sh:Violation ; sh:message \"m\"@en .", "cannot translate", id="unsupported constraint"),
    ],
)
def test_the_lint_catches(text, expected):
    problems = lint_shapes(shapes_from(text))
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_structure_shapes_are_violations():
    g = _file("structure.ttl").graph
    shapes = reporting_shapes(g)
    assert len(shapes) > 50
    for shape in shapes:
        assert g.value(shape, sh("severity")) == sh("Violation"), shape.value


def test_criteria_shapes_are_findings_linked_to_real_criteria():
    g = _file("criteria.ttl").graph
    shapes = reporting_shapes(g)
    assert len(shapes) >= 20
    for shape in shapes:
        assert g.value(shape, sh("severity")) in (sh("Warning"), sh("Info")), shape.value
        assert g.value(shape, CRITERION).value[len(CRITERIA):] in CRITERIA_SLUGS, shape.value


def test_criteria_coverage():
    g = _file("criteria.ttl").graph
    covered = {g.value(s, CRITERION).value[len(CRITERIA):] for s in reporting_shapes(g)}
    assert REQUIRED <= covered, REQUIRED - covered
    assert len(covered) >= 16


def test_criteria_judge_structure_never_topics():
    """No criteria shape looks at fields (health, culture...), only at how the community works."""
    g = _file("criteria.ttl").graph
    for t in g.with_predicate(sh("select")):
        assert "/lcc/fields/" not in t.object.value and "lcc:field" not in t.object.value, t.subject.value


def test_every_reporting_shape_compiles_for_the_fast_engine():
    shapes = load_shapes()
    compiled = compile_shapes(shapes)
    assert {c.shape for c in compiled.checks} == {s.value for s in reporting_shapes(shapes.graph)}


def test_max_count_above_one_agrees_with_pyshacl():
    """sh:maxCount 2 (the shipped shapes use 0 and 1): counted per distinct value, as pySHACL does."""
    from lcc_graph.validation.candidate import candidate_store, store_triples
    from lcc_graph.validation.engine import run_fast
    from lcc_graph.validation.reference import run_pyshacl

    shapes = shapes_from("""
lccsh:two a sh:NodeShape ; sh:targetClass lcc:Partner ; sh:property lccsh:two-field .
lccsh:two-field sh:path lcc:field ; sh:maxCount 2 ; sh:severity sh:Violation ; sh:message "m"@en .
""")
    data = """
@prefix lcc: <https://w3id.org/lcc#> . @prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:one a lcc:Partner ; lcc:field ex:a .
ex:two a lcc:Partner ; lcc:field ex:a , ex:b .
ex:three a lcc:Partner ; lcc:field ex:a , ex:b , ex:c .
ex:typed a lcc:Partner ; lcc:field "1"^^xsd:integer , "1"^^xsd:decimal , "1" .
ex:blank a lcc:Partner ; lcc:field [ ] , [ ] , ex:a .
ex:untargeted lcc:field ex:a , ex:b , ex:c .
"""
    store = candidate_store([q.triple for q in ox.parse(data.encode(), format=ox.RdfFormat.TURTLE)])
    fast = {r.key() for r in run_fast(store, shapes)}
    reference = {r.key() for r in run_pyshacl(store_triples(store), shapes)}
    assert fast == reference
    assert {key[0].value for key in fast if isinstance(key[0], ox.NamedNode)} == {
        "https://example.org/three", "https://example.org/typed", "https://example.org/blank"}
