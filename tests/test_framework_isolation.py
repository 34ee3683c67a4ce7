"""The framework belongs to the service: uploads own only their own subjects (issue 12).

An upload cannot state framework classes or relations on any subject, nor declare classes and
properties; look-alike IRIs of other communities or of the framework are refused; and the views
read the framework from the framework graphs only, so that data put straight into a community's
graph (past the upload checks) changes nothing another community sees.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from lcc_graph.answers import record_answer
from lcc_graph.communities import replace_community
from lcc_graph.errors import NotFound, OwnershipError
from lcc_graph.namespaces import LCC, OWL, PROV, RDF, RDFS, SKOS, community_base
from lcc_graph.ownership import (
    canonical_iri, check_ownership, derive_framework_terms, framework_terms, normalise_iri,
)
from lcc_graph.rdf_input import parse_rdf
from lcc_graph.uploads import check_upload
from lcc_graph.validation import validate
from lcc_graph.views.criteria import criterion_details, get_criterion, list_criteria
from lcc_graph.views.dialogue import dialogue_context

from .validation_cases import swap, triples

PREFIX = (b"@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
          b"@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
          b"@prefix crit: <https://w3id.org/lcc/criteria/> .\n")
ME = "https://w3id.org/lcc/communities/me"
CRITERIA_SLUGS = {
    "balances", "change", "diversity", "dynamics", "inclusion", "infrastructures", "innovation", "learning", "needs",
    "opportunities", "outreach", "participation", "partnerships", "penetration", "policy-making", "reflection",
    "sharing", "talent", "transparency", "value-codes", "visibility",
}


def parse(body: bytes, community: str = "me") -> list[ox.Triple]:
    return parse_rdf(PREFIX + body, "text/turtle", base_iri=community_base(community)).triples


def problems_of(body: bytes, community: str = "me") -> list[str]:
    with pytest.raises(OwnershipError) as caught:
        check_ownership(parse(body, community), community)
    return caught.value.details["problems"]


# ---- framework classes and relations, on any subject


@pytest.mark.parametrize("body, subject, term", [
    # a criterion outside the community's base that claims the community: /criteria listed 22
    (b"<http://example.org/x> a lcc:Criterion ; lcc:community <../me> .", "<http://example.org/x>", LCC + "Criterion"),
    # a question that appeared on another community's dialogue page
    (b"<q> a lcc:DialogueQuestion ; lcc:community <../me> ; lcc:stage <https://w3id.org/lcc/stages/early> .",
     f"<{ME}/q>", LCC + "DialogueQuestion"),
    (b"<s> a lcc:Statement ; lcc:community <../me> .", f"<{ME}/s>", LCC + "Statement"),
    (b"<i> a lcc:Indicator ; lcc:community <../me> .", f"<{ME}/i>", LCC + "Indicator"),
    (b"<v> a lcc:FrameworkVersion ; lcc:community <../me> .", f"<{ME}/v>", LCC + "FrameworkVersion"),
    (b"<st> a lcc:Stage ; lcc:community <../me> .", f"<{ME}/st>", LCC + "Stage"),
    (b"<c> a skos:Concept ; lcc:community <../me> .", f"<{ME}/c>", SKOS + "Concept"),
    (b"<cs> a skos:ConceptScheme ; lcc:community <../me> .", f"<{ME}/cs>", SKOS + "ConceptScheme"),
    # a look-alike of the class IRI is the class
    (b"<x> lcc:community <../me> ; a <HTTP://W3ID.ORG/lcc#Criterion> .", f"<{ME}/x>", LCC + "Criterion"),
])
def test_framework_classes_are_refused_on_any_subject(body, subject, term):
    found = [p for p in problems_of(body) if p.startswith(f"{subject} is typed <{term}>")]
    assert found, problems_of(body)


def test_a_framework_class_on_a_blank_node_is_refused():
    found = problems_of(b"<x> lcc:community <../me> ; rdfs:seeAlso [ a lcc:Criterion ; skos:notation 'x' ] .")
    assert any(p.startswith("_:") and f"is typed <{LCC}Criterion>" in p for p in found), found


@pytest.mark.parametrize("body, subject, term", [
    (b"<k> a owl:Class ; lcc:community <../me> .", f"<{ME}/k>", OWL + "Class"),
    (b"<k> a rdfs:Class ; lcc:community <../me> .", f"<{ME}/k>", RDFS + "Class"),
    (b"<p> a owl:ObjectProperty ; lcc:community <../me> .", f"<{ME}/p>", OWL + "ObjectProperty"),
    (b"<p> a owl:DatatypeProperty ; lcc:community <../me> .", f"<{ME}/p>", OWL + "DatatypeProperty"),
    (b"<p> a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> ; lcc:community <../me> .", f"<{ME}/p>",
     RDF + "Property"),
])
def test_class_and_property_declarations_are_refused(body, subject, term):
    found = problems_of(body)
    assert f"{subject} is declared <{term}>: an upload is instance data, not classes or properties" in found, found


@pytest.mark.parametrize("body, subject, term", [
    (b"<Academy> lcc:community <../me> ; rdfs:subClassOf lcc:Partner .", f"<{ME}/Academy>", RDFS + "subClassOf"),
    (b"<rel> lcc:community <../me> ; rdfs:subPropertyOf lcc:community .", f"<{ME}/rel>", RDFS + "subPropertyOf"),
    (b"<rel> lcc:community <../me> ; rdfs:domain lcc:Partner .", f"<{ME}/rel>", RDFS + "domain"),
    (b"<K> lcc:community <../me> ; owl:equivalentClass lcc:Criterion .", f"<{ME}/K>", OWL + "equivalentClass"),
])
def test_ontology_axioms_are_refused_on_any_subject(body, subject, term):
    found = problems_of(body)
    assert f"{subject} states <{term}>: an upload is instance data, not an ontology axiom" in found, found


@pytest.mark.parametrize("body, subject, term", [
    # a fourth "dimension" of penetration
    (b"<d> lcc:community <../me> ; skos:broader crit:penetration .", f"<{ME}/d>", SKOS + "broader"),
    (b"<d> lcc:community <../me> ; skos:broaderTransitive crit:penetration .", f"<{ME}/d>", SKOS + "broaderTransitive"),
    (b"<d> lcc:community <../me> ; skos:narrower crit:balances .", f"<{ME}/d>", SKOS + "narrower"),
    (b"<d> lcc:community <../me> ; skos:narrowerTransitive crit:balances .", f"<{ME}/d>", SKOS + "narrowerTransitive"),
    (b"<d> lcc:community <../me> ; skos:related crit:balances .", f"<{ME}/d>", SKOS + "related"),
    (b"<d> lcc:community <../me> ; skos:exactMatch crit:balances .", f"<{ME}/d>", SKOS + "exactMatch"),
    (b"<d> lcc:community <../me> ; skos:inScheme <https://w3id.org/lcc/sectors/> .", f"<{ME}/d>", SKOS + "inScheme"),
    (b"<d> lcc:community <../me> ; skos:topConceptOf <https://w3id.org/lcc/criteria/> .", f"<{ME}/d>",
     SKOS + "topConceptOf"),
    (b"<d> lcc:community <../me> ; skos:hasTopConcept crit:balances .", f"<{ME}/d>", SKOS + "hasTopConcept"),
    (b"<d> lcc:community <../me> ; owl:sameAs crit:balances .", f"<{ME}/d>", OWL + "sameAs"),
    # a framework concept as the subject is refused by the term too, not only as a foreign subject
    (b"crit:balances skos:broader <d> . <d> lcc:community <../me> .", "<https://w3id.org/lcc/criteria/balances>",
     SKOS + "broader"),
])
def test_concept_relations_touching_the_framework_are_refused(body, subject, term):
    found = problems_of(body)
    assert any(p.startswith(f"{subject} states <{term}> ") and "framework's concepts and schemes" in p for p in found), found


def test_concept_relations_between_a_communitys_own_concepts_pass():
    check_ownership(parse(b"<a> lcc:community <../me> ; skos:broader <b> . <b> lcc:community <../me> ; "
                          b"skos:related <http://example.org/elsewhere> ."), "me")


@pytest.mark.parametrize("term", ["statement", "answeredBy", "computedBy", "rank", "valueProperty"])
def test_framework_relations_are_refused_on_any_subject(term):
    found = problems_of(b"<x> lcc:community <../me> ; lcc:%s <y> ." % term.encode())
    assert f"<{ME}/x> states <{LCC}{term}>, a relation of the framework's own terms" in found, found


def test_the_framework_terms_derived_from_the_ontology_are_the_reviewed_ones():
    """Derived from the ontology (classes it has instances of, and the classes below them;
    properties whose every domain is one); a change to the ontology shows here for review."""
    terms = framework_terms()
    assert terms.classes == {LCC + c for c in ("Criterion", "Statement", "FrameworkVersion", "DialogueQuestion",
                                                 "Indicator", "Query", "Stage", "ProposalKind",
                                                 "ProposalStatus")} | {PROV + "Plan"} | {
        SKOS + c for c in ("Concept", "ConceptScheme", "Collection")}
    assert terms.relations == {LCC + p for p in ("statement", "answeredBy", "computedBy", "qualitative", "rank",
                                                   "definingStatement", "introducedIn", "retiredIn", "valueProperty",
                                                   "valueScheme", "hint", "measuresKind",
                                                   # framework versions and the proposals that change them
                                                   "example", "acceptsProposal", "aboutCriterion", "acceptedIn",
                                                   "commentOn", "commentText", "mergeInto", "proposalKind",
                                                   "proposalStatus", "proposedBy", "proposedLesson", "proposedStage",
                                                   "proposedSuccessful", "proposedText", "reason")}
    community_classes = {LCC + c for c in ("Community", "Partner", "Partnership", "Infrastructure", "Initiative",
                                           "CitizenGroup", "Need", "Resource", "Policy", "Dialogue", "Evidence",
                                           "DialogueAnswer")}
    assert not community_classes & terms.classes
    assert not {LCC + p for p in ("community", "criterion", "stage", "answers", "sector")} & terms.relations


def test_a_class_below_a_framework_class_is_one():
    ontology = [
        ox.Triple(ox.NamedNode("http://e/q1"), ox.NamedNode(RDF + "type"), ox.NamedNode(LCC + "DialogueQuestion")),
        ox.Triple(ox.NamedNode("http://e/Sub"), ox.NamedNode(RDFS + "subClassOf"), ox.NamedNode(LCC + "DialogueQuestion")),
    ]
    assert derive_framework_terms(ontology).classes == {LCC + "DialogueQuestion", "http://e/Sub"}


def test_an_upload_goes_through_the_same_checks():
    with pytest.raises(OwnershipError, match="is typed <https://w3id.org/lcc#Criterion>"):
        check_upload(PREFIX + b"<http://example.org/x> a lcc:Criterion ; lcc:community <../me> .", "text/turtle", "me")


# ---- look-alike subjects


@pytest.mark.parametrize("body, written, normal, where", [
    (b"<%2e%2e/other/partners/x> lcc:community <../me> .", ME + "/%2e%2e/other/partners/x",
     "https://w3id.org/lcc/communities/other/partners/x", "the namespace of another community ('other')"),
    (b"<http://w3id.org/lcc/criteria/balances> lcc:community <../me> .", "http://w3id.org/lcc/criteria/balances",
     "https://w3id.org/lcc/criteria/balances", "the namespace of the ontology and vocabularies"),
    (b"<HTTPS://W3ID.ORG/lcc/criteria/balances> lcc:community <../me> .", "HTTPS://W3ID.ORG/lcc/criteria/balances",
     "https://w3id.org/lcc/criteria/balances", "the namespace of the ontology and vocabularies"),
    (b"<https://w3id.org:443/lcc/communities/other/p> lcc:community <../me> .",
     "https://w3id.org:443/lcc/communities/other/p", "https://w3id.org/lcc/communities/other/p",
     "the namespace of another community ('other')"),
])
def test_look_alike_subjects_are_refused_naming_both_forms(body, written, normal, where):
    found = problems_of(body)
    assert (f"<{written}> is not written in normal form: it normalises to <{normal}>, which lies in {where}; "
            "write each subject as its normal form") in found, found


def test_a_look_alike_of_the_communitys_own_iri_is_refused_too():
    found = problems_of(b"<HTTPS://w3id.org/lcc/communities/me/p> lcc:community <../me> .")
    assert found == [f"<HTTPS://w3id.org/lcc/communities/me/p> is not written in normal form: it normalises to "
                     f"<{ME}/p>; write each subject as its normal form"]


def test_a_look_alike_object_in_the_service_namespace_is_refused():
    found = problems_of(b"<p> lcc:community <../me> ; lcc:sector <http://w3id.org/lcc/sectors/public> .")
    assert any(p.startswith("<http://w3id.org/lcc/sectors/public> (used by ") and
               "normalises to <https://w3id.org/lcc/sectors/public>" in p for p in found), found


@pytest.mark.parametrize("iri, normal", [
    # RFC 3986 section 6.2.2 and 6.2.3 examples
    ("HTTP://www.Example.com/", "http://www.example.com/"),
    ("http://example.com/%7Esmith/home.html", "http://example.com/~smith/home.html"),
    ("http://example.com/a%2fb", "http://example.com/a%2Fb"),
    ("http://example.com:80/", "http://example.com/"),
    ("http://example.com:/", "http://example.com/"),
    ("http://example.com", "http://example.com/"),
    ("http://a/b/c/./../../g", "http://a/g"),
    ("http://a/b/c/%2E%2E/d", "http://a/b/d"),
    ("https://w3id.org/lcc/communities/me/%2e%2e/other/x", "https://w3id.org/lcc/communities/other/x"),
    ("mailto:Joe@Example.COM", "mailto:Joe@Example.COM"),
    ("urn:isbn:0451450523", "urn:isbn:0451450523"),
    ("https://w3id.org/lcc#Criterion", "https://w3id.org/lcc#Criterion"),
])
def test_normalise_iri(iri, normal):
    assert normalise_iri(iri) == normal


@pytest.mark.parametrize("iri", ["http://w3id.org/lcc/criteria/balances", "HTTPS://W3ID.ORG/lcc/criteria/balances",
                                 "https://x@w3id.org:8443/lcc/criteria/balances", "http://w3id.org/lcc/criteria/../criteria/balances"])
def test_the_service_namespace_has_one_canonical_form(iri):
    assert canonical_iri(iri) == "https://w3id.org/lcc/criteria/balances"
    assert canonical_iri("http://example.org/lcc/x") == "http://example.org/lcc/x"


# ---- the views read the framework from the framework graphs only

INJECTED = f"""
@prefix lcc: <https://w3id.org/lcc#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/lcc/communities/evil> a lcc:Community ; rdfs:label "Evil"@en ;
    lcc:stage <https://w3id.org/lcc/stages/early> .
<http://example.org/x> a lcc:Criterion ; lcc:community <https://w3id.org/lcc/communities/evil> ;
    skos:notation "injected" ; skos:prefLabel "Injected"@en ; lcc:statement <http://example.org/st> .
<http://example.org/st> a lcc:Statement ; rdf:value "An injected statement" .
<http://example.org/dim> skos:broader <https://w3id.org/lcc/criteria/penetration> ; skos:prefLabel "Injected dimension"@en .
<https://w3id.org/lcc/criteria/balances> lcc:statement <http://example.org/st> ; skos:prefLabel "Hijacked"@en .
<https://w3id.org/lcc/questions/early-99> a lcc:DialogueQuestion ; lcc:stage <https://w3id.org/lcc/stages/early> ;
    lcc:criterion <https://w3id.org/lcc/criteria/balances> ; rdf:value "An injected question?"@en ;
    rdfs:label "Injected"@en .
<https://w3id.org/lcc/stages/early> skos:prefLabel "Hijacked stage"@en .
<https://w3id.org/lcc/shapes/injected> lcc:criterion <https://w3id.org/lcc/criteria/balances> ;
    <http://www.w3.org/ns/shacl#severity> <http://www.w3.org/ns/shacl#Warning> ; rdfs:label "Injected shape"@en .
"""
GOOD = """
@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/lcc/communities/good> a lcc:Community ; rdfs:label "Good"@en ;
    lcc:stage <https://w3id.org/lcc/stages/early> .
"""


def _turtle(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]


@pytest.fixture
def injected(stores):
    """The framework, a community 'good', and a community 'evil' whose data graph holds framework
    statements put there directly (past the upload checks)."""
    replace_community(stores.public, "good", _turtle(GOOD))
    replace_community(stores.public, "evil", _turtle(INJECTED))
    return stores


def test_criteria_list_only_the_frameworks_21(injected):
    criteria = list_criteria(injected)
    assert {c["slug"] for c in criteria} == CRITERIA_SLUGS
    balances = get_criterion(injected, "balances")
    assert balances["label"] == "Balances"
    assert all("injected" not in s["text"] for s in balances["statements"])
    assert all("example.org" not in s["iri"] for c in criteria for s in c["statements"])
    penetration = get_criterion(injected, "penetration")
    assert len(penetration["dimensions"]) == 3
    assert all("example.org" not in d["iri"] for d in penetration["dimensions"])
    with pytest.raises(NotFound):
        get_criterion(injected, "injected")


def test_a_criterions_questions_and_shapes_are_the_frameworks(injected):
    details = criterion_details(injected, "balances")
    assert all(q["id"] != "early-99" for q in details["questions"])
    assert all(s["iri"] != "https://w3id.org/lcc/shapes/injected" for s in details["shapes"])


def test_another_communitys_dialogue_does_not_show_an_injected_question(injected):
    page = dialogue_context(injected, "good", "en")
    assert page["stage"]["label"] == "Early stage"
    shown = {q["id"] for q in page["questions"]} | {q["id"] for q in page["all_questions"]}
    assert "early-1" in shown and "early-99" not in shown
    assert all("injected" not in (q["text"] or "") for q in page["all_questions"])


def test_an_answer_to_an_injected_question_is_refused(injected):
    with pytest.raises(NotFound):
        record_answer(injected, "good", "early-99", "an answer")
    assert record_answer(injected, "good", "early-1", "an answer")["question"].endswith("/early-1")


def test_concept_labels_are_the_frameworks(injected):
    """A sector relabelled in one community's graph keeps the framework's label for everyone."""
    from lcc_graph.views.community import concept_labels

    injected.public.replace_graphs({"https://w3id.org/lcc/graphs/communities/evil/relabel": _turtle(
        "<https://w3id.org/lcc/sectors/public> <http://www.w3.org/2004/02/skos/core#inScheme> "
        "<https://w3id.org/lcc/sectors/> ; <http://www.w3.org/2004/02/skos/core#prefLabel> \"Hijacked\"@en . "
        "<https://w3id.org/lcc/sectors/fourth> <http://www.w3.org/2004/02/skos/core#inScheme> "
        "<https://w3id.org/lcc/sectors/> ; <http://www.w3.org/2004/02/skos/core#prefLabel> \"Fourth\"@en .")})
    labels = concept_labels(injected, "en")
    assert labels["https://w3id.org/lcc/sectors/public"] == "Public sector"
    assert "https://w3id.org/lcc/sectors/fourth" not in labels


# ---- counts are never negative


@pytest.mark.parametrize("update, shape", [
    (swap("c:clean", "lcc:population", "12000", "-5"), "Community-population-minimum"),
    (swap("ex:i3", "lcc:participants", "60", "-1"), "Initiative-participants-minimum"),
    (swap("ex:youth", "lcc:size", "500", "-500"), "CitizenGroup-size-minimum"),
    (swap("ex:budget", "lcc:amount", "15000.0", "-15000.0"), "Resource-amount-minimum"),
])
def test_a_negative_count_is_a_structure_violation(update, shape):
    report = validate(triples(update), "clean")
    assert not report.conforms
    assert [r.source_shape.rsplit("/", 1)[1] for r in report.violations] == [shape]
    assert "0 or more" in report.violations[0].message
