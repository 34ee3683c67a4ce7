"""Known answers: the clean community, each criteria shape on its trigger and near miss, each structure rule."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from lcc_graph.validation import validate
from lcc_graph.validation.lint import reporting_shapes
from lcc_graph.validation.shapes import load_shapes, shape_files

from .validation_cases import SILENT, STRUCTURE, TRIGGERS, Case, iri, triples, value_term


def _matches(report, case: Case) -> list:
    focus = ox.NamedNode(iri(case.focus))
    value = value_term(case.value)
    return [
        r for r in report.results
        if r.source_shape == case.shape_iri and r.focus_node == focus and (value is None or r.value == value)
    ]


def _shapes_of(file_name: str) -> set[str]:
    g = load_shapes([p for p in shape_files() if p.name == file_name]).graph
    return {s.value for s in reporting_shapes(g)}


def test_the_clean_community_passes_with_no_finding():
    report = validate(triples(), "clean")
    assert report.conforms
    assert report.results == []
    assert report.counts == {"Violation": 0, "Warning": 0, "Info": 0}


@pytest.mark.parametrize("case", TRIGGERS, ids=lambda c: c.name)
def test_criteria_shape_fires_on_its_trigger(case: Case):
    report = validate(triples(case.update), "clean")
    found = _matches(report, case)
    assert len(found) == 1, [(r.source_shape, str(r.focus_node), str(r.value)) for r in report.results]
    result = found[0]
    assert result.severity in ("Warning", "Info")
    assert result.criterion and result.message and result.hint
    assert report.conforms, "a criteria finding never rejects an upload"


@pytest.mark.parametrize("case", SILENT, ids=lambda c: c.name)
def test_criteria_shape_stays_silent_on_a_near_miss(case: Case):
    report = validate(triples(case.update), "clean")
    assert not [r for r in report.results if r.source_shape == case.shape_iri], case.name


def test_every_criteria_shape_is_silent_on_clean_and_has_a_trigger():
    assert {c.shape_iri for c in TRIGGERS} == _shapes_of("criteria.ttl")


@pytest.mark.parametrize("case", STRUCTURE, ids=lambda c: c.name)
def test_structure_violation_is_caught_by_its_shape(case: Case):
    report = validate(triples(case.update), "clean")
    found = _matches(report, case)
    assert found, [(r.source_shape, str(r.focus_node), str(r.value)) for r in report.violations]
    assert all(r.severity == "Violation" for r in found)
    assert not report.conforms


def test_every_structure_shape_has_a_violation_case():
    assert {c.shape_iri for c in STRUCTURE} == _shapes_of("structure.ttl")


def test_a_subclass_instance_is_a_target_and_an_instance():
    """sh:targetClass and sh:class follow rdfs:subClassOf in the candidate (SHACL instances)."""
    update = (
        "INSERT DATA { ex:Academy <http://www.w3.org/2000/01/rdf-schema#subClassOf> lcc:Partner . "
        "ex:academy a ex:Academy ; lcc:community c:clean . ex:ps2 org:hasMember ex:academy }"
    )
    report = validate(triples(update), "clean")
    shapes = {(r.source_shape.rsplit("/", 1)[1], r.focus_node.value.rsplit("/", 1)[1]) for r in report.violations}
    assert shapes == {("Partner-sector", "academy")}


def test_many_communities_in_one_graph_give_each_its_own_results():
    cases = [TRIGGERS[0], TRIGGERS[1], STRUCTURE[0]]
    together: list[ox.Triple] = []
    separate = set()
    for n, case in enumerate(cases):
        data = triples(case.update, community=f"c{n}")
        together.extend(data)
        separate |= {r.key() for r in validate(data).results}
    assert {r.key() for r in validate(together).results} == separate
