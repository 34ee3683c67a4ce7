"""Every catalogue query on hand-made fixtures whose answers were worked out by hand.

``tests/data/queries/communities.trig`` holds two small communities (alpha, beta) and their
findings; ``peers.trig`` eight stored assessments for the peer comparison. Queries run the way
the service runs them: bound by the catalogue, all graphs merged as the default graph.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from lcc_graph.catalogue import load_catalogue
from lcc_graph.indicators import (
    VALUE_PROPERTIES,
    assess_all,
    compute_indicators,
    load_indicators,
    upgrade_assessments,
)
from lcc_graph.namespaces import community_graph, framework_graph
from lcc_graph.resources import data_dir
from lcc_graph.store import EmbeddedStore

DATA = Path(__file__).parent / "data" / "queries"
C = "https://w3id.org/lcc/communities/"
ALPHA, BETA = C + "alpha", C + "beta"
A, B = ALPHA + "/", BETA + "/"
SECTOR = "https://w3id.org/lcc/sectors/"
FIELD = "https://w3id.org/lcc/fields/"
MODE = "https://w3id.org/lcc/learning-modes/"
CRIT = "https://w3id.org/lcc/criteria/"
IND = "https://w3id.org/lcc/indicators/"
NORM = "https://w3id.org/lcc/normalisations/"
QUERY = "https://w3id.org/lcc/queries/"
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)

CATALOGUE = load_catalogue()


def _store(path: Path, *fixtures: str) -> EmbeddedStore:
    store = EmbeddedStore(path)
    for ttl in sorted(data_dir("ontology").glob("*.ttl")):
        store.bulk_add(framework_graph(ttl.stem), (q.triple for q in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)))
    for name in fixtures:
        store.raw.bulk_extend(ox.parse(path=str(DATA / name), format=ox.RdfFormat.TRIG))
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """alpha and beta, their findings, and their assessments computed by ``assess_all``."""
    s = _store(tmp_path_factory.mktemp("queries") / "store", "communities.trig")
    assess_all(s, now=NOW)
    yield s
    s.close()


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    s = _store(tmp_path_factory.mktemp("peers") / "store", "peers.trig")
    yield s
    s.close()


def run(store: EmbeddedStore, query_id: str, **params: str) -> list[dict[str, str]]:
    """Bind and run a catalogue query with all graphs merged as the default graph."""
    text = CATALOGUE.get(query_id).bind(params)
    return store.query(text, default_graph=store.graphs()).values()


def pick(rows: list[dict[str, str]], *keys: str) -> list[tuple]:
    return [tuple(row.get(k) for k in keys) for row in rows]


def words(text: str | None) -> set[str]:
    return set((text or "").split())


# --------------------------------------------------------------------------- partnerships


def test_cross_sector_partnerships(store):
    rows = run(store, "cross-sector-partnerships", community=ALPHA)
    # ps1: college (public, education), bank (private, finance), club (social, sport);
    # ps4: bakery (private, business), club (social, sport); ps2 and ps3 span one sector each.
    assert pick(rows, "partnership", "members", "sectors", "fields") == [
        (A + "ps1", "3", "3", "3"),
        (A + "ps4", "2", "2", "2"),
    ]
    assert words(rows[0]["sectorList"]) == {"public", "private", "social"}
    assert words(rows[0]["fieldList"]) == {"education", "finance", "sport"}
    assert rows[0]["label"] == "College, Bank and Club"


def test_cross_sector_partnerships_min_sectors(store):
    all_four = run(store, "cross-sector-partnerships", community=ALPHA, min_sectors="0")
    assert sorted(r["partnership"] for r in all_four) == [A + "ps1", A + "ps2", A + "ps3", A + "ps4"]
    three = run(store, "cross-sector-partnerships", community=ALPHA, min_sectors="3")
    assert [r["partnership"] for r in three] == [A + "ps1"]


def test_absent_optional_parameter_returns_all_communities(store):
    rows = run(store, "cross-sector-partnerships")
    # alpha's ps1 and ps4, and beta's pact (public council, social heritage society)
    assert sorted((r["community"], r["partnership"]) for r in rows) == [
        (ALPHA, A + "ps1"), (ALPHA, A + "ps4"), (BETA, B + "ps1"),
    ]
    assert {r["community"] for r in run(store, "learning-modes")} == {ALPHA, BETA}


def test_sector_collaboration_matrix(store):
    rows = run(store, "sector-collaboration-matrix", community=ALPHA)
    got = {(r["dimension"], r["a"].rsplit("/", 1)[1], r["b"].rsplit("/", 1)[1]): int(r["partnerships"]) for r in rows}
    assert got == {
        # sectors: ps1 joins all three, ps4 private and social
        ("sector", "private", "public"): 1,
        ("sector", "private", "social"): 2,
        ("sector", "public", "social"): 1,
        # fields: a college, a bank and a sport club (ps1); library-college; bank-bakery; bakery-club
        ("field", "education", "finance"): 1,
        ("field", "education", "sport"): 1,
        ("field", "finance", "sport"): 1,
        ("field", "culture", "education"): 1,
        ("field", "business", "finance"): 1,
        ("field", "business", "sport"): 1,
    }


def test_partnerships_outside_public_authorities(store):
    rows = run(store, "partnerships-outside-public-authorities")
    # ps1 and ps2 have a public member, and so has beta's pact
    assert [(r["partnership"], r["members"], words(r["sectorList"])) for r in rows] == [
        (A + "ps3", "2", {"private"}),
        (A + "ps4", "2", {"private", "social"}),
    ]


# --------------------------------------------------------------------------- initiatives and citizens


def test_initiative_origins(store):
    rows = run(store, "initiative-origins", community=ALPHA)
    got = {(r["leaderKind"], (r.get("sector") or "").rsplit("/", 1)[-1]): int(r["initiatives"]) for r in rows}
    assert got == {
        ("citizen group", ""): 1,  # i1, led by the newcomers
        ("single partner", "public"): 1,  # i2, the library
        ("single partner", "private"): 1,  # i5, the bank
        ("partnership", "public"): 1,  # i3, led by ps1: one row per member sector
        ("partnership", "private"): 1,
        ("partnership", "social"): 1,
        ("infrastructure", "public"): 1,  # i4, the council with the college and the bank
        ("infrastructure", "private"): 1,
    }


def test_citizen_involvement(store):
    rows = run(store, "citizen-involvement", community=ALPHA)
    assert pick(rows, "group", "targetedBy", "coDesignedWithIt", "ledByIt") == [
        (A + "g1", "1", "1", "1"),  # the language cafe: for, with and by the newcomers
        (A + "g2", "1", "0", "0"),
        (A + "g3", "1", "1", "0"),
        (A + "g4", "1", "0", "0"),
        (A + "g5", "0", "0", "0"),
    ]


def test_inclusion_reach(store):
    rows = run(store, "inclusion-reach")
    got = [(r["group"], words(r["inclusionNeeds"]), r.get("initiative"), r["coDesigned"]) for r in rows]
    assert got == [
        (A + "g1", {"language", "migration-background"}, A + "i1", "true"),
        (A + "g2", {"digital-skills"}, A + "i2", "false"),
        (A + "g5", {"disability"}, None, "false"),  # no initiative reaches the deaf residents
        (B + "g1", {"disability"}, B + "i1", "false"),
    ]


def test_outreach_disengaged(store):
    rows = run(store, "outreach-disengaged", community=ALPHA)
    assert sorted(pick(rows, "group", "reachedBy", "how")) == sorted([
        (A + "g1", A + "i1", "initiative targeting it"),
        (A + "g1", A + "i1", "initiative co-designed with it"),
        (A + "g1", A + "i1", "initiative it leads"),
        (A + "g1", A + "ps1", "partnership linking to it"),
        (A + "g1", A + "pol1", "policy involving it"),
        (A + "g3", A + "i3", "initiative targeting it"),
        (A + "g3", A + "i3", "initiative co-designed with it"),
    ])


def test_needs_coverage(store):
    rows = run(store, "needs-coverage", community=ALPHA)
    assert [(r["need"], r["isEmerging"], r["expressers"], r["discussedWithExpressers"], r["identifiedBy"], r["addressedBy"])
            for r in rows] == [
        (A + "n1", "true", "1", "1", A + "inf1", "1"),  # identifiedBy and identifiesNeed: one identifier
        (A + "n3", "true", "1", "0", A + "ps2", "0"),
        (A + "n2", "false", "1", "0", A + "p4", "1"),  # discussed, but with the parents, not the seniors
    ]
    assert [r["need"] for r in run(store, "needs-coverage", community=ALPHA, emerging="true")] == [A + "n1", A + "n3"]
    assert [r["need"] for r in run(store, "needs-coverage", community=ALPHA, emerging="false")] == [A + "n2"]


def test_talent_innovation_entrepreneurship(store):
    rows = run(store, "talent-innovation-entrepreneurship", community=ALPHA)
    got = {(r["purpose"].rsplit("/", 1)[1], r["actor"]): (r["roles"], r["initiatives"]) for r in rows}
    member = "member of the leader"
    # roles always come in one order: leads, member of the leader, co-designs, targeted
    assert got == {
        # i3 (innovation, entrepreneurship) is led by ps1: its members take part; youth co-design it
        ("innovation", A + "p1"): (member, "1"),
        ("innovation", A + "p2"): (member, "1"),
        ("innovation", A + "p3"): (member, "1"),
        ("innovation", A + "g3"): ("co-designs, targeted", "1"),
        ("entrepreneurship", A + "p1"): (member, "1"),
        ("entrepreneurship", A + "p2"): (member, "1"),
        ("entrepreneurship", A + "p3"): (member, "1"),
        ("entrepreneurship", A + "g3"): ("co-designs, targeted", "1"),
        # talent: the coding club (i5, led by the bank); the job fair (i4) is completed: not current work
        ("talent", A + "p2"): ("leads", "1"),
    }


def test_learning_modes(store):
    rows = run(store, "learning-modes")
    got = {(r["community"], r["mode"].rsplit("/", 1)[1]): (r["initiatives"], r["participantsTotal"]) for r in rows}
    assert got == {
        (ALPHA, "formal"): ("1", "25"),
        (ALPHA, "non-formal"): ("3", "67"),  # 40 + 15 + 12
        (ALPHA, "informal"): ("1", "200"),
        (BETA, "formal"): ("1", "30"),
        (BETA, "non-formal"): ("0", "0"),
        (BETA, "informal"): ("0", "0"),
    }


def test_penetration(store):
    alpha, beta = run(store, "penetration")
    # current initiatives only: i1, i3, i5 (i2 and i4 are completed).
    # 5 partners + 5 groups; involved: g1 (i1), p1, p2, p3 (members of ps1, leading i3), g3 (i3), p2 (i5) -> 5
    assert Decimal(alpha["horizontal"]) == Decimal("0.5")
    # levels: citizens, neighbourhood (i1), organisations, municipal, regional (i3); depth: i1, i5 recurring,
    # i3 co-leading; participants 40 + 15 + 12
    assert pick([alpha], "partnersAndGroups", "involved", "levelsLinked", "multiLevelInitiatives", "initiatives",
                "oneOffInitiatives", "recurringInitiatives", "sustainedInitiatives", "coLeadingInitiatives",
                "participantsTotal") == [("10", "5", "5", "2", "3", "0", "2", "0", "1", "67")]
    assert pick([beta], "partnersAndGroups", "involved", "levelsLinked", "initiatives", "oneOffInitiatives",
                "participantsTotal") == [("3", "3", "1", "1", "1", "30")]


def test_unsuccessful_practices(store):
    rows = run(store, "unsuccessful-practices")
    assert pick(rows, "community", "kind", "item", "about", "criterion", "lessons") == [
        (ALPHA, "evidence", A + "e1", A + "i2", CRIT + "learning", "Ask participants when they can come."),
        (ALPHA, "initiative", A + "i2", None, None, "Ask participants when they can come."),
        (BETA, "evidence", B + "e1", B + "i1", CRIT + "inclusion", "The routes were too long."),
    ]


def test_criteria_coverage(store):
    rows = run(store, "criteria-coverage", community=ALPHA)
    assert len(rows) == 21
    got = {r["criterion"].rsplit("/", 1)[1]: (r["evidenceItems"], r["initiatives"], r["dialogues"], r["findings"])
           for r in rows}
    assert got["learning"] == ("1", "1", "0", "0")  # e1 about i2
    assert got["partnerships"] == ("1", "0", "0", "1")  # e2 is about a partnership; finding f1
    assert got["inclusion"] == ("0", "0", "0", "1")
    assert got["value-codes"] == got["reflection"] == got["balances"] == got["sharing"] == ("0", "0", "1", "0")
    assert sum(1 for v in got.values() if v != ("0", "0", "0", "0")) == 7
    one = run(store, "criteria-coverage", criterion=CRIT + "needs")
    assert pick(one, "community", "findings") == [(ALPHA, "0"), (BETA, "1")]


# --------------------------------------------------------------------------- context, resources, dialogues


def test_community_context(store):
    rows = run(store, "community-context")
    assert pick(rows, "community", "population", "stage", "availableResources", "potentialResources") == [
        (ALPHA, "10000", "https://w3id.org/lcc/stages/early", "3", "1"),
        (BETA, "2000", "https://w3id.org/lcc/stages/mid", "0", "1"),
    ]


RESOURCES_ALPHA = [  # alpha: 10,000 inhabitants
    ("funding", "eur-per-year", "1", Decimal(20000), Decimal(0), Decimal(2000)),
    ("space", "m2", "1", Decimal(300), Decimal(0), Decimal(30)),
    ("staff", "fte", "1", Decimal(0), Decimal(2), Decimal(0)),
    ("volunteers", "volunteers", "1", Decimal(10), Decimal(0), Decimal(1)),
]


def _resource_rows(rows: list[dict[str, str]]) -> list[tuple]:
    return [(r["kind"].rsplit("/", 1)[1], r["unit"].removeprefix("https://w3id.org/lcc/units/"), r["resources"],
             Decimal(r["available"]), Decimal(r["potential"]), Decimal(r["availablePerThousandInhabitants"]))
            for r in rows]


def test_community_resources(store):
    assert _resource_rows(run(store, "community-resources", community=ALPHA)) == RESOURCES_ALPHA
    every = run(store, "community-resources")
    assert _resource_rows(every) == RESOURCES_ALPHA + [  # beta: 2,000 inhabitants, a potential grant only
        ("funding", "eur-per-year", "1", Decimal(0), Decimal(5000), Decimal(0))]
    assert [r["community"] for r in every] == [ALPHA] * 4 + [BETA]


def test_community_resources_do_not_change_when_a_resource_is_split(tmp_path):
    """alpha's 20,000 EUR budget as three parts (6,000.50 + 6,999.50 + 7,000) and its 300 m2 as
    three equal parts of 100: the same amounts and amounts per 1,000 inhabitants, more resources."""
    amount = ox.NamedNode("https://w3id.org/lcc#amount")
    parts = {A + "r1": ["6000.50", "6999.50", "7000.0"], A + "r2": ["100.0"] * 3}
    quads = []
    for q in ox.parse(path=str(DATA / "communities.trig"), format=ox.RdfFormat.TRIG):
        if q.subject.value not in parts:
            quads.append(q)
            continue
        for n, value in enumerate(parts[q.subject.value]):
            obj = ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
            quads.append(ox.Quad(ox.NamedNode(f"{q.subject.value}-{n}"), q.predicate,
                                 obj if q.predicate == amount else q.object, q.graph_name))
    s = _store(tmp_path / "store")
    try:
        s.raw.bulk_extend(quads)
        rows = _resource_rows(run(s, "community-resources", community=ALPHA))
    finally:
        s.close()
    assert [r[:2] + r[3:] for r in rows] == [r[:2] + r[3:] for r in RESOURCES_ALPHA]
    assert [r[2] for r in rows] == ["3", "3", "1", "1"]


def test_dialogues(store):
    rows = run(store, "dialogues", community=ALPHA)
    assert [(r["dialogue"], r["kind"].rsplit("/", 1)[1], words(r["criteria"]), r["participants"], r["citizenGroups"],
             r["otherCommunities"], r["date"]) for r in rows] == [
        (A + "d2", "critical-reflection", {"reflection", "balances"}, "2", "0", "1", "2024-03-05"),
        (A + "d3", "peer-visit", {"sharing"}, "1", "0", "1", "2024-05-01"),
        (A + "d1", "value-debate", {"value-codes"}, "2", "1", "0", "2024-01-10"),
    ]
    debates = run(store, "dialogues", kind="https://w3id.org/lcc/dialogue-kinds/value-debate")
    assert [r["dialogue"] for r in debates] == [A + "d1"]


def test_visibility(store):
    rows = run(store, "visibility", community=ALPHA)
    assert pick(rows, "kind", "item", "channelCount", "channels") == [
        ("infrastructure", A + "inf1", "1", "https://alpha.example/council"),
        ("infrastructure", A + "inf2", "0", ""),
        ("initiative", A + "i1", "1", "https://alpha.example/cafe"),
        ("initiative", A + "i2", "0", ""),
        ("initiative", A + "i3", "0", ""),
        ("initiative", A + "i4", "0", ""),
        ("initiative", A + "i5", "0", ""),
    ]


def test_infrastructures(store):
    rows = run(store, "infrastructures", community=ALPHA)
    assert [(r["infrastructure"], words(r["bridges"])) for r in rows] == [
        (A + "inf1", {"public", "private", "social"}), (A + "inf2", {"public"})]
    assert pick(rows, "members", "partnershipsFormed", "needsIdentified", "resourcesMobilised", "groupsLinked",
                "initiativesLed", "publicChannels") == [
        ("2", "1", "1", "1", "1", "1", "1"),
        ("0", "0", "0", "0", "0", "0", "0"),
    ]


def test_policy_making(store):
    rows = run(store, "policy-making", community=ALPHA)
    assert pick(rows, "policy", "adoptedBy", "adopterSector", "infrastructuresSupported", "partnershipsSupported",
                "initiativesSupported", "citizenGroupsInvolved") == [
        (A + "pol1", A + "p1", SECTOR + "public", "1", "0", "1", "1"),
        (A + "pol2", A + "p4", SECTOR + "public", "0", "1", "0", "0"),
    ]


def test_dialogue_questions(store):
    rows = run(store, "dialogue-questions", stage="https://w3id.org/lcc/stages/early", community=ALPHA)
    # the ten early questions and the twelve of "The learning community" (asked at every stage)
    assert len(rows) == 22 and len({r["question"] for r in rows}) == 22
    by_q = {r["question"].rsplit("/", 1)[1]: r for r in rows}
    assert by_q["early-7"]["answerText"] == "Four partnerships, two of them cross-sector."
    assert words(by_q["early-7"]["answeredBy"]) == {QUERY + "cross-sector-partnerships", QUERY + "sector-collaboration-matrix"}
    assert by_q["lc-1"]["answerText"] == "Mostly by single partners."
    assert by_q["lc-9"]["qualitative"] == "true" and "Trust" in by_q["lc-9"]["reason"]
    assert "answer" not in by_q["lc-3"]  # beta's answer is not alpha's
    mid = run(store, "dialogue-questions", stage="https://w3id.org/lcc/stages/mid")
    assert len(mid) == 12  # lc-1..12, each answered at most once (lc-1 by alpha, lc-3 by beta)
    answered = sorted((r["question"].rsplit("/", 1)[1], r["community"]) for r in mid if "answer" in r)
    assert answered == [("lc-1", ALPHA), ("lc-3", BETA)]


# --------------------------------------------------------------------------- indicators


EXPECTED = {  # indicator: (alpha count, alpha base, beta count, beta base); base None for a count
    "partnerships-cross-sector": (2, 4, 1, 1),
    "partnerships-three-sectors": (1, 4, 0, 1),
    "partnerships-citizen-links": (1, 4, 0, 1),
    "partnerships-visible-agenda": (2, 4, 0, 1),
    "cross-sector-ties": (4, 6, 1, 1),  # ps1: 3 of 3 pairs cross-sector, ps2, ps3: 0 of 1, ps4: 1 of 1
    "infrastructures-cross-sector": (1, 2, 0, 0),
    "initiatives-co-designed": (2, 4, 0, 1),
    "inclusion-groups-reached": (2, 3, 1, 1),
    "disengaged-groups-reached": (2, 2, 0, 0),
    "needs-discussed": (1, 3, 1, 1),
    "needs-addressed": (2, 3, 0, 1),
    # current initiatives only (alpha: i1, i3, i5; i2 and i4 are completed)
    "initiatives-citizen-led": (1, 3, 0, 1),
    "non-formal-learning": (4, 5, 0, 1),
    "horizontal-penetration": (5, 10, 3, 3),  # g1, g3, p1-p3 (members of ps1); not p4, g2 (i2), g4 (i4)
    "vertical-penetration": (2, 3, 0, 1),
    "depth-penetration": (1, 3, 0, 1),  # i3 co-leading; i2 (sustained) is completed
    "talent-initiatives": (1, 3, 0, 1),  # i5; i4 is completed
    "innovation-initiatives": (1, 3, 0, 1),
    "policies-involving-citizens": (1, 2, 0, 0),
    "reflection-dialogues": (2, None, 0, None),
}


def test_indicator_queries(store):
    assert {i.slug for i in load_indicators()} == set(EXPECTED)
    for slug, (ac, ab, bc, bb) in EXPECTED.items():
        rows = {r["community"]: r for r in run(store, f"indicator-{slug}")}
        for community, count, base in ((ALPHA, ac, ab), (BETA, bc, bb)):
            row = rows.get(community, {})
            assert int(row.get("count", 0)) == count, (slug, community)
            if base is not None:
                assert int(row.get("base", 0)) == base, (slug, community)
                if base:
                    assert Decimal(row["value"]) == pytest.approx(Decimal(count) / Decimal(base)), slug


def _measurements(triples: list[ox.Triple]) -> dict[tuple[str, str], Decimal]:
    """(indicator, normalisation) -> value, each value read by the property its normalisation names."""
    s = ox.Store()
    s.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    properties = {NORM + slug: ox.NamedNode(iri) for slug, iri in VALUE_PROPERTIES.items()}
    q = """PREFIX dqv: <http://www.w3.org/ns/dqv#>
    SELECT ?i ?p ?v WHERE { ?m a dqv:QualityMeasurement ; dqv:isMeasurementOf ?i ; ?p ?v }"""
    slug_of = {p: n.rsplit("/", 1)[1] for n, p in properties.items()}
    return {(r["i"].value.rsplit("/", 1)[1], slug_of[r["p"]]): Decimal(r["v"].value)
            for r in s.query(q) if r["p"] in slug_of and r["i"].value.startswith(IND)}


def test_value_properties_are_those_the_ontology_names():
    g = ox.Store()
    g.bulk_extend(ox.parse(path=str(data_dir("ontology") / "indicators.ttl"), format=ox.RdfFormat.TURTLE))
    named = {r["n"].value.rsplit("/", 1)[1]: r["p"].value
             for r in g.query("SELECT ?n ?p WHERE { ?n <https://w3id.org/lcc#valueProperty> ?p }")}
    assert named == VALUE_PROPERTIES == {
        "raw": "http://www.w3.org/ns/dqv#value",
        "per-1000-inhabitants": "https://w3id.org/lcc#perThousandInhabitants",
        "per-available-resource": "https://w3id.org/lcc#perAvailableResource",
        "per-potential-resource": "https://w3id.org/lcc#perPotentialResource",
    }


def test_assessment_measurements(store):
    graph = store.get_graph(community_graph("alpha", "assessment"))
    alpha = _measurements(graph)
    # 2 of 4 partnerships cross-sector; 10,000 inhabitants; 3 available and 1 potential resources
    assert alpha["partnerships-cross-sector", "raw"] == Decimal("0.5")
    assert alpha["partnerships-cross-sector", "per-1000-inhabitants"] == Decimal("0.2")
    assert alpha["partnerships-cross-sector", "per-available-resource"] == Decimal("0.666667")
    assert alpha["partnerships-cross-sector", "per-potential-resource"] == Decimal("2")
    assert alpha["reflection-dialogues", "raw"] == Decimal("2")
    assert len(alpha) == 20 * 4
    # one measurement per indicator, {assessment}/{indicator}, with its count and a share's base
    m = ox.NamedNode(A + "assessment/partnerships-cross-sector")
    about = {(t.predicate.value.rsplit("#", 1)[1], t.object.value) for t in graph
             if t.subject == m and t.predicate.value.split("#")[0] != "http://www.w3.org/1999/02/22-rdf-syntax-ns"}
    assert about == {("computedOn", ALPHA), ("isMeasurementOf", IND + "partnerships-cross-sector"),
                     ("numerator", "2"), ("denominator", "4"), ("value", "0.5"), ("perThousandInhabitants", "0.2"),
                     ("perAvailableResource", "0.666667"), ("perPotentialResource", "2"),
                     ("frameworkVersion", "https://w3id.org/lcc/criteria/")}  # the version it was judged under
    measured = [t.object.value for t in graph if t.predicate.value == "http://www.w3.org/ns/dqv#isMeasurementOf"]
    assert sum(1 for iri in measured if iri.startswith(IND)) == 20
    # beside them, the network metrics (lcc_graph.network_assessment): one of each community metric
    assert {iri for iri in measured if "/metrics/" in iri} >= {"https://w3id.org/lcc/metrics/partners",
                                                             "https://w3id.org/lcc/metrics/ei-index-sector"}
    beta = _measurements(store.get_graph(community_graph("beta", "assessment")))
    # no available resource: no per-available value; no infrastructure: no raw share
    assert not any(n == "per-available-resource" for _, n in beta)
    assert ("infrastructures-cross-sector", "raw") not in beta
    assert beta["infrastructures-cross-sector", "per-1000-inhabitants"] == Decimal(0)
    assert beta["reflection-dialogues", "raw"] == Decimal(0)
    assert beta["partnerships-cross-sector", "per-potential-resource"] == Decimal(1)
    assert len(beta) == 20 * 3 - 3  # three shares without a base: infrastructures, disengaged, policies


def test_compute_indicators_from_candidate_data_matches_store(store):
    data = store.get_graph(community_graph("alpha", "data"))
    from_data = compute_indicators(store, "alpha", data=data, now=NOW)
    from_store = compute_indicators(store, "alpha", now=NOW)
    assert set(from_data) == set(from_store) == set(store.get_graph(community_graph("alpha", "assessment")))


def test_assessments_in_an_older_shape_are_upgraded(tmp_path):
    s = _store(tmp_path / "store", "communities.trig")
    try:
        assert upgrade_assessments(s) == 0  # nothing assessed yet: nothing outdated
        assess_all(s, now=NOW)
        assert upgrade_assessments(s) == 0  # current shape: left alone
        # alpha's assessment as an earlier version stored it: one measurement per normalisation
        old = A + "assessment/partnerships-cross-sector/raw"
        s.update(f"""PREFIX dqv: <http://www.w3.org/ns/dqv#> PREFIX lcc: <https://w3id.org/lcc#>
        DROP GRAPH <{community_graph("alpha", "assessment")}> ;
        INSERT DATA {{ GRAPH <{community_graph("alpha", "assessment")}> {{
          <{old}> a dqv:QualityMeasurement ; lcc:community <{ALPHA}> ;
            dqv:isMeasurementOf <{IND}partnerships-cross-sector> ; lcc:normalisation <{NORM}raw> ; dqv:value 0.5 }} }}""")
        assert [r["community"] for r in run(s, "resource-relative-indicators")].count(ALPHA) == 0
        assert upgrade_assessments(s) == 2
        graph = s.get_graph(community_graph("alpha", "assessment"))
        assert not any(t.subject.value == old for t in graph)
        assert _measurements(graph)["partnerships-cross-sector", "raw"] == Decimal("0.5")
        assert [r["community"] for r in run(s, "resource-relative-indicators")].count(ALPHA) == 20
    finally:
        s.close()


def test_resource_relative_indicators(store):
    rows = run(store, "resource-relative-indicators", community=ALPHA, criterion=CRIT + "partnerships")
    got = {r["indicator"].rsplit("/", 1)[1]: (r["raw"], r["count"], r["base"], r["perThousandInhabitants"],
                                              r["perAvailableResource"], r["perPotentialResource"]) for r in rows}
    assert got == {
        "partnerships-cross-sector": ("0.5", "2", "4", "0.2", "0.666667", "2"),
        "partnerships-citizen-links": ("0.25", "1", "4", "0.1", "0.333333", "1"),
    }
    everything = run(store, "resource-relative-indicators")
    assert len([r for r in everything if r["community"] == ALPHA]) == 20
    # beta has no infrastructure: the row shows the per-1000 and per-potential zeros, no raw share
    infra = next(r for r in everything if r["community"] == BETA and r["indicator"].endswith("/infrastructures-cross-sector"))
    assert "raw" not in infra and infra["perThousandInhabitants"] == "0" and "perAvailableResource" not in infra


# --------------------------------------------------------------------------- peer comparison


def test_peer_comparison(peers):
    rows = run(peers, "peer-comparison", community=C + "c1")
    got = {(r["indicator"].rsplit("/", 1)[1], r["normalisation"].rsplit("/", 1)[1]):
           (r["value"], r["peers"], Decimal(r["percentile"]), r["band"]) for r in rows}
    assert got == {
        # peers c1-c5 hold 0.5, 0.2, 0.5, 0.9, 0.1: 2 below, 2 equal -> (2 + 1) / 5 = 60%
        ("partnerships-cross-sector", "raw"): ("0.5", "5", Decimal(60), "third quarter"),
        # 0.05 is the lowest of 0.05, 0.3, 0.2, 0.4, 0.25 -> 0.5 / 5 = 10%
        ("partnerships-cross-sector", "per-1000-inhabitants"): ("0.05", "5", Decimal(10), "bottom quarter"),
        # only c1 and c2 have it: (1 + 0.5) / 2 = 75%, but two peers are too few for a band
        ("needs-discussed", "raw"): ("1", "2", Decimal(75), "too few peers"),
    }
    assert {r["criterion"] for r in rows} == {CRIT + "partnerships", CRIT + "needs"}


def test_peer_comparison_factor_and_no_names(peers):
    rows = run(peers, "peer-comparison", community=C + "c1", factor="1.2")
    # within 1.2x: only c2 (12,000 inhabitants, 0.5 resources per 1,000) besides c1 itself
    assert {(r["indicator"].rsplit("/", 1)[1], r["normalisation"].rsplit("/", 1)[1]): r["peers"] for r in rows} == {
        ("partnerships-cross-sector", "raw"): "2",
        ("partnerships-cross-sector", "per-1000-inhabitants"): "2",
        ("needs-discussed", "raw"): "2",
    }
    everything = " ".join(v for r in run(peers, "peer-comparison", community=C + "c1") for v in r.values())
    assert "/communities/" not in everything  # no community, not even c1, is named


@pytest.mark.parametrize("factor, peers_found", [("1.5", "1"), ("3", "2")])
def test_peer_comparison_with_a_fractional_factor(peers, factor, peers_found):
    # c8 has 11 resources for 50,523 inhabitants (0.217722621380361419 per 1,000: all 18 decimal
    # digits); times 1.5 that overflowed Oxigraph's decimals, and c8 had no peers, not even itself.
    # Within 1.5x it is alone; within 3x c6 (50,000 inhabitants, 0.5 per 1,000) joins it.
    rows = run(peers, "peer-comparison", community=C + "c8", factor=factor)
    assert [(r["indicator"].rsplit("/", 1)[1], r["normalisation"].rsplit("/", 1)[1], r["value"], r["peers"])
            for r in rows] == [("partnerships-cross-sector", "raw", "0.3", peers_found)]


def test_peer_comparison_requires_a_community(peers):
    from lcc_graph.errors import QueryError

    with pytest.raises(QueryError, match="community"):
        CATALOGUE.get("peer-comparison").bind({})


# --------------------------------------------------------------------------- every question accounted for


def test_every_seed_question_is_answered_or_marked():
    g = ox.Store()
    for name in ("dialogue.ttl", "question-answers.ttl"):
        g.bulk_extend(ox.parse(path=str(data_dir("ontology") / name), format=ox.RdfFormat.TURTLE))
    questions = {r["q"].value for r in g.query("SELECT ?q WHERE { ?q a <https://w3id.org/lcc#DialogueQuestion> }")}
    expected = {f"https://w3id.org/lcc/questions/early-{k}" for k in range(1, 11)}
    expected |= {f"https://w3id.org/lcc/questions/lc-{k}" for k in range(1, 13)}
    assert questions == expected
    answered: dict[str, set[str]] = {}
    for r in g.query("SELECT ?q ?x WHERE { ?q <https://w3id.org/lcc#answeredBy> ?x }"):
        answered.setdefault(r["q"].value, set()).add(r["x"].value)
    qualitative = {
        r["q"].value: r["why"].value
        for r in g.query("""SELECT ?q ?why WHERE { ?q <https://w3id.org/lcc#qualitative> true ;
                            <http://www.w3.org/2000/01/rdf-schema#comment> ?why }""")
    }
    for q in expected:
        assert (q in answered) != (q in qualitative), f"{q} must be answered by a query or marked qualitative"
    assert all(len(why) > 40 for why in qualitative.values())
    for q, queries in answered.items():
        for query in queries:
            assert query.startswith(QUERY) and query[len(QUERY):] in CATALOGUE, f"{q}: {query} is not in the catalogue"


def test_every_indicator_is_tied_to_a_criterion_and_a_catalogue_query():
    indicators = load_indicators()
    assert len(indicators) >= 12
    criteria = {i.criterion for i in indicators}
    assert len(criteria) >= 10 and all(c.startswith(CRIT) for c in criteria)
    for ind in indicators:
        assert CATALOGUE.get(ind.query_id).kind == "indicator" and ind.label


# --------------------------------------------------------------------------- command line


def test_cli_query_queries_and_assess(tmp_path):
    import json

    import typer
    from typer.testing import CliRunner

    from lcc_graph.cli import queries as cli
    from lcc_graph.store import open_stores

    stores = open_stores(tmp_path / "data")
    for ttl in sorted(data_dir("ontology").glob("*.ttl")):
        stores.public.bulk_add(framework_graph(ttl.stem), (q.triple for q in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)))
    stores.public.raw.bulk_extend(ox.parse(path=str(DATA / "communities.trig"), format=ox.RdfFormat.TRIG))
    stores.close()
    app = typer.Typer()

    @app.command()
    def version() -> None:
        """(a second command, so that typer keeps sub-commands)"""

    cli.register(app)
    runner = CliRunner()
    where = ["--data-dir", str(tmp_path / "data")]
    done = runner.invoke(app, ["query", "cross-sector-partnerships", "--param", "community=alpha", "--format", "json", *where])
    assert done.exit_code == 0, done.output
    assert [r["partnership"] for r in json.loads(done.stdout)["rows"]] == [A + "ps1", A + "ps4"]
    csv = runner.invoke(app, ["query", "learning-modes", "-p", "community=beta", "-f", "csv", *where])
    assert csv.stdout.splitlines()[0] == "community,mode,initiatives,participantsTotal"
    table = runner.invoke(app, ["query", "learning-modes", "-p", "community=beta", *where])
    assert "learning-modes:" in table.stdout and "learning-modes:formal" in table.stdout
    bad = runner.invoke(app, ["query", "cross-sector-partnerships", "-p", "min_sectors=two", *where])
    assert bad.exit_code == 2 and "parameter min_sectors" in bad.output
    assert runner.invoke(app, ["query", "no-such-query", *where]).exit_code == 2
    listing = runner.invoke(app, ["queries"])
    assert listing.exit_code == 0 and "peer-comparison" in listing.stdout
    assessed = runner.invoke(app, ["assess", *where])
    assert assessed.exit_code == 0 and "assessed 2 communities" in assessed.output
    rows = runner.invoke(app, ["query", "resource-relative-indicators", "-p", "community=alpha", "-f", "json", *where])
    assert len(json.loads(rows.stdout)["rows"]) == 20
