"""Uploads own their subjects."""

from __future__ import annotations

import pytest

from lcc_graph.communities import replace_community
from lcc_graph.errors import OwnershipError
from lcc_graph.ownership import check_ownership
from lcc_graph.rdf_input import parse_rdf

PREFIX = b"@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"


def parse(community: str, body: bytes):
    return parse_rdf(PREFIX + body, "text/turtle", base_iri=f"https://w3id.org/lcc/communities/{community}/").triples


def test_own_resources_and_their_blank_nodes_pass():
    triples = parse("a", b"<../a> a lcc:Community . <p1> lcc:community <../a> ; rdfs:seeAlso [ rdfs:label 'x' ] .")
    check_ownership(triples, "a")


@pytest.mark.parametrize("body, needle", [
    (b"<p1> rdfs:label 'no owner' .", "has no lcc:community"),
    (b"<p1> lcc:community <../b> .", "another community"),
    (b"<../b/p1> lcc:community <../a> .", "namespace of another community"),
    (b"lcc:Partner lcc:community <../a> .", "ontology and vocabularies"),
    (b"_:x rdfs:label 'stray' .", "blank node"),
])
def test_foreign_subjects_are_refused(body, needle):
    with pytest.raises(OwnershipError, match=needle):
        check_ownership(parse("a", body), "a")


@pytest.mark.parametrize("body, term", [
    # a measurement of community b, uploaded by a: it would be a row of b's resource-relative report
    (b"@prefix dqv: <http://www.w3.org/ns/dqv#> . <m1> lcc:community <../a> ; dqv:computedOn <../b> ; "
     b"dqv:isMeasurementOf <https://w3id.org/lcc/indicators/partnerships-cross-sector> ; lcc:numerator 9 .",
     "http://www.w3.org/ns/dqv#computedOn"),
    # a version marker: reconcile() would take it for the committed version
    (b"<../a> lcc:dataVersion 99 .", "https://w3id.org/lcc#dataVersion"),
    (b"<x> lcc:community <../a> ; a <http://www.w3.org/ns/shacl#ValidationResult> .",
     "http://www.w3.org/ns/shacl#ValidationResult"),
    (b"<x> lcc:community <../a> ; a lcc:Assessment .", "https://w3id.org/lcc#Assessment"),
    # a proposal to change the framework, posing as one filed through /framework/proposals
    (b"<x> lcc:community <../a> ; a lcc:Proposal .", "https://w3id.org/lcc#Proposal"),
])
def test_terms_only_the_service_writes_are_refused(body, term):
    with pytest.raises(OwnershipError, match="written by the service") as caught:
        check_ownership(parse("a", body), "a")
    assert f"<{term}> is written by the service (assessments, findings, versions), never uploaded" in caught.value.details["problems"]


def test_a_subject_another_community_holds_is_refused(stores):
    shared = b"<http://example.org/bank> lcc:community <https://w3id.org/lcc/communities/%s> ."
    replace_community(stores.public, "b", parse("b", shared % b"b"))
    with pytest.raises(OwnershipError, match="already described"):
        check_ownership(parse("a", shared % b"a"), "a", stores.public)
    # the same community may describe it again (a second upload)
    check_ownership(parse("b", shared % b"b"), "b", stores.public)


def test_a_subject_another_community_owns_names_that_community(stores):
    """The owner is named by its community id, not by the graph that holds the subject."""
    shared = b"<http://example.org/bank> lcc:community <https://w3id.org/lcc/communities/%s> ."
    replace_community(stores.public, "a", parse("a", shared % b"a"))
    with pytest.raises(OwnershipError) as caught:
        check_ownership(parse("b", shared % b"b"), "b", stores.public)
    assert caught.value.details["problems"] == ["<http://example.org/bank> is already described by community 'a'"]


def test_without_a_store_every_store_free_check_still_runs():
    """check_ownership(triples, id) with no store: framework terms, look-alikes and foreign subjects."""
    body = (b"<http://example.org/x> a lcc:Criterion ; lcc:community <../a> . "
            b"<HTTPS://W3ID.ORG/lcc/criteria/balances> lcc:community <../a> . <../b/p> lcc:community <../a> .")
    with pytest.raises(OwnershipError) as caught:
        check_ownership(parse("a", body), "a")
    problems = caught.value.details["problems"]
    assert any(p.startswith("<http://example.org/x> is typed <https://w3id.org/lcc#Criterion>") for p in problems)
    assert any(p.startswith("<HTTPS://W3ID.ORG/lcc/criteria/balances> is not written in normal form") for p in problems)
    assert "<https://w3id.org/lcc/communities/b/p> lies in the namespace of another community ('b')" in problems
