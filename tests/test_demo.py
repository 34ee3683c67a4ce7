"""The synthetic demo data: deterministic, structurally valid, and varied where the criteria look."""

from __future__ import annotations

import io
import math
from datetime import date

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from lcc_graph import demo
from lcc_graph.namespaces import SLUG_RE, community_graph, sparql_prefixes

# The fixed schemes and slugs of DESIGN.md's vocabulary contract, written out here (not taken
# from the generator) so that a drift in the generator fails the test.
CONTRACT_SCHEMES = {
    "sectors": {"public", "private", "social"},
    "fields": {"education", "culture", "arts", "business", "finance", "sport", "health",
               "social-services", "administration", "religion", "media"},
    "inclusion-needs": {"language", "disability", "low-income", "digital-skills", "literacy",
                        "migration-background"},
    "learning-modes": {"formal", "non-formal", "informal"},
    "availability": {"available", "potential"},
    "resource-kinds": {"funding", "space", "staff", "volunteers", "digital"},
    "initiative-status": {"planned", "active", "completed", "discontinued"},
    "engagement": {"engaged", "disengaged"},
    "stages": {"early", "mid", "mature", "crisis", "role-model"},
    "levels": {"citizens", "neighbourhood", "organisations", "municipal", "regional", "national"},
    "depth": {"one-off", "recurring", "sustained", "co-leading"},
    "purposes": {"learning", "employment", "inclusion", "outreach", "talent", "innovation",
                 "entrepreneurship", "reflection", "value-debate", "visibility", "policy", "sharing"},
    "dialogue-kinds": {"value-debate", "critical-reflection", "expert-review", "peer-visit",
                       "public-consultation"},
    "units": {"ils-per-year", "eur-per-year", "usd-per-year", "gbp-per-year", "m2", "fte", "volunteers",
              "volunteer-hours-per-year", "items", "hours-per-week"},
}
CRITERIA = {"balances", "change", "diversity", "dynamics", "inclusion", "infrastructures",
            "innovation", "learning", "needs", "opportunities", "outreach", "participation",
            "partnerships", "penetration", "policy-making", "reflection", "sharing", "talent",
            "transparency", "value-codes", "visibility"}
QUESTIONS = {f"early-{k}" for k in range(1, 11)} | {f"lc-{k}" for k in range(1, 13)}
# which scheme each vocabulary-valued property takes its values from
PROPERTY_SCHEME = {
    "sector": "sectors", "bridges": "sectors", "field": "fields", "inclusionNeed": "inclusion-needs",
    "learningMode": "learning-modes", "availability": "availability", "resourceKind": "resource-kinds",
    "status": "initiative-status", "engagement": "engagement", "stage": "stages", "level": "levels",
    "depth": "depth", "purpose": "purposes", "dialogueKind": "dialogue-kinds", "unit": "units",
}
LCC = "https://w3id.org/lcc#"
UNITS = "https://w3id.org/lcc/units/"
XSD = "http://www.w3.org/2001/XMLSchema#"
P = sparql_prefixes()


@pytest.fixture(scope="module")
def twelve() -> list[demo.DemoCommunity]:
    return list(demo.generate(12, seed=0))


@pytest.fixture(scope="module")
def store(twelve: list[demo.DemoCommunity]) -> Store:
    store = Store()
    store.extend(demo.quads(twelve))
    return store


def _nquads(communities: list[demo.DemoCommunity]) -> bytes:
    buffer = io.BytesIO()
    demo.write(communities, buffer, "nquads")
    return buffer.getvalue()


def _per_graph(store: Store, where: str) -> set[str]:
    """Ids of the communities whose data graph matches ``where`` (?c is the community)."""
    query = f"{P}SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?c a lcc:Community . {where} }} }}"
    return {r["g"].value.split("/")[-2] for r in store.query(query)}


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_byte_identical_output(twelve: list[demo.DemoCommunity]) -> None:
    assert _nquads(list(demo.generate(12, seed=0))) == _nquads(twelve)


def test_another_seed_gives_other_communities(twelve: list[demo.DemoCommunity]) -> None:
    other = list(demo.generate(12, seed=1))
    assert _nquads(other) != _nquads(twelve)
    assert {c.id for c in other} != {c.id for c in twelve}


def test_community_i_does_not_depend_on_how_many_are_generated() -> None:
    assert list(demo.generate(5, seed=3)) == list(demo.generate(20, seed=3))[:5]


def test_count_is_bounded() -> None:
    assert list(demo.generate(0)) == []
    with pytest.raises(ValueError):
        next(demo.generate(demo.MAX_COMMUNITIES + 1))


# ---------------------------------------------------------------- structure


def test_ids_are_unique_slugs_and_labels_english() -> None:
    communities = list(demo.generate(200, seed=0))
    ids = [c.id for c in communities]
    assert len(set(ids)) == len(ids)
    assert all(SLUG_RE.match(i) for i in ids)
    for c in communities[:40]:
        labels = {t.object for t in c.triples if t.subject == c.iri and t.predicate.value.endswith("#label")}
        assert Literal(c.label, language="en") in labels
    assert any(
        t.object.language == "he" for c in communities[:40] for t in c.triples
        if isinstance(t.object, Literal) and t.predicate.value.endswith("#label")
    )


def test_every_subject_is_the_community_or_owned_by_it(store: Store,
                                                       twelve: list[demo.DemoCommunity]) -> None:
    stray = list(store.query(P + """
        SELECT ?g ?s WHERE { GRAPH ?g {
          ?c a lcc:Community . ?s ?p ?o .
          FILTER(?s != ?c)
          FILTER NOT EXISTS { ?s lcc:community ?c }
        } }"""))
    assert stray == []
    for c in twelve:
        base = c.iri.value + "/"
        for t in c.triples:
            assert t.subject == c.iri or t.subject.value.startswith(base)
            if t.predicate.value == LCC + "community":
                assert t.object == c.iri
    # exactly one community per graph, the graph's own
    rows = list(store.query(P + "SELECT ?g ?c WHERE { GRAPH ?g { ?c a lcc:Community } }"))
    assert len(rows) == 12
    assert all(r["g"].value == community_graph(r["c"].value.rsplit("/", 1)[1]) for r in rows)


def test_every_owned_resource_is_labelled_in_english(store: Store) -> None:
    unlabelled = list(store.query(P + """
        SELECT ?s WHERE { GRAPH ?g { ?s lcc:community ?c .
          FILTER NOT EXISTS { ?s rdfs:label ?l FILTER(langMatches(lang(?l), "en")) } } }"""))
    assert unlabelled == []


def test_vocabulary_values_are_the_fixed_slugs(twelve: list[demo.DemoCommunity]) -> None:
    seen: dict[str, set[str]] = {scheme: set() for scheme in CONTRACT_SCHEMES}
    for c in twelve:
        for t in c.triples:
            local = t.predicate.value.removeprefix(LCC)
            if local in PROPERTY_SCHEME:
                scheme = PROPERTY_SCHEME[local]
                prefix = f"https://w3id.org/lcc/{scheme}/"
                assert isinstance(t.object, NamedNode) and t.object.value.startswith(prefix), t
                slug = t.object.value.removeprefix(prefix)
                assert slug in CONTRACT_SCHEMES[scheme], t
                seen[scheme].add(slug)
            elif local == "criterion":
                assert t.object.value.removeprefix("https://w3id.org/lcc/criteria/") in CRITERIA
            elif local == "answers":
                assert t.object.value.removeprefix("https://w3id.org/lcc/questions/") in QUESTIONS
    # twelve communities use every concept of the small schemes
    for scheme in ("sectors", "learning-modes", "availability", "resource-kinds",
                   "initiative-status", "engagement", "depth", "dialogue-kinds"):
        assert seen[scheme] == CONTRACT_SCHEMES[scheme], scheme


def test_literals_have_the_right_datatypes(twelve: list[demo.DemoCommunity]) -> None:
    datatypes = {"population": "integer", "size": "integer", "participants": "integer",
                 "amount": "decimal", "startDate": "date", "endDate": "date", "date": "date",
                 "successful": "boolean", "emerging": "boolean", "publicChannel": "anyURI"}
    for c in twelve:
        for t in c.triples:
            local = t.predicate.value.removeprefix(LCC)
            if local in datatypes:
                assert t.object.datatype == NamedNode(XSD + datatypes[local]), t
                if datatypes[local] == "date":
                    date.fromisoformat(t.object.value)
                elif datatypes[local] == "integer":
                    assert int(t.object.value) > 0
                elif datatypes[local] == "decimal":
                    assert float(t.object.value) > 0


def test_every_partnership_has_two_member_partners_of_its_community(store: Store) -> None:
    rows = list(store.query(P + """
        SELECT ?ps (COUNT(DISTINCT ?m) AS ?n) (SUM(IF(BOUND(?ok), 0, 1)) AS ?bad) WHERE { GRAPH ?g {
          ?ps a lcc:Partnership ; lcc:community ?c ; org:hasMember ?m .
          OPTIONAL { ?m a lcc:Partner ; lcc:community ?c . BIND(true AS ?ok) }
        } } GROUP BY ?ps"""))
    assert len(rows) >= 12 * 2
    assert all(int(r["n"].value) >= 2 and int(r["bad"].value) == 0 for r in rows)
    without = list(store.query(P + """
        SELECT ?ps WHERE { GRAPH ?g { ?ps a lcc:Partnership FILTER NOT EXISTS { ?ps org:hasMember ?m } } }"""))
    assert without == []


def test_every_partner_has_one_sector_one_level_and_one_or_two_fields(store: Store) -> None:
    rows = list(store.query(P + """
        SELECT ?p (COUNT(DISTINCT ?s) AS ?sectors) (COUNT(DISTINCT ?l) AS ?levels)
               (COUNT(DISTINCT ?f) AS ?fields) WHERE { GRAPH ?g {
          ?p a lcc:Partner . OPTIONAL { ?p lcc:sector ?s } OPTIONAL { ?p lcc:level ?l }
          OPTIONAL { ?p lcc:field ?f } } } GROUP BY ?p"""))
    assert len(rows) >= 12 * 4
    for r in rows:
        assert (int(r["sectors"].value), int(r["levels"].value)) == (1, 1)
        assert int(r["fields"].value) in (1, 2)


def test_links_point_to_things_of_the_right_class(store: Store) -> None:
    ranges = {
        "lcc:ledBy": "lcc:Partner lcc:Partnership lcc:Infrastructure lcc:CitizenGroup",
        "lcc:targets": "lcc:CitizenGroup", "lcc:coDesignedWith": "lcc:CitizenGroup",
        "lcc:linksCitizenGroup": "lcc:CitizenGroup", "lcc:expressedBy": "lcc:CitizenGroup",
        "lcc:discussedWith": "lcc:CitizenGroup", "lcc:involves": "lcc:CitizenGroup",
        "lcc:identifiedBy": "lcc:Partner lcc:Infrastructure", "lcc:providedBy": "lcc:Partner",
        "lcc:adoptedBy": "lcc:Partner", "lcc:mobilises": "lcc:Resource",
        "lcc:addressesNeed": "lcc:Need", "lcc:identifiesNeed": "lcc:Need",
        "lcc:formsPartnership": "lcc:Partnership", "lcc:supports": "lcc:Infrastructure lcc:Initiative",
        "lcc:participant": "lcc:Partner lcc:CitizenGroup", "lcc:about": "lcc:Initiative lcc:Partnership",
    }
    for prop, classes in ranges.items():
        bad = list(store.query(P + f"""
            SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s {prop} ?o ; lcc:community ?c .
              FILTER NOT EXISTS {{ VALUES ?k {{ {classes} }} ?o a ?k ; lcc:community ?c }} }} }}"""))
        assert bad == [], prop
    # policies are adopted by public partners; co-design only with targeted groups
    assert not bool(store.query(P + """ASK { GRAPH ?g { ?x lcc:adoptedBy ?p .
        FILTER NOT EXISTS { ?p lcc:sector <https://w3id.org/lcc/sectors/public> } } }"""))
    assert not bool(store.query(P + """ASK { GRAPH ?g { ?i lcc:coDesignedWith ?grp .
        FILTER NOT EXISTS { ?i lcc:targets ?grp } } }"""))


def test_part_of_and_collaborations_point_to_communities_of_the_set() -> None:
    communities = list(demo.generate(60, seed=0))
    population = {}
    for c in communities:
        population[c.iri] = int(next(t.object.value for t in c.triples if t.predicate.value == LCC + "population"))
    districts = 0
    for c in communities:
        for t in c.triples:
            if t.predicate.value == LCC + "partOf":
                districts += 1
                assert t.object in population and population[t.object] > population[c.iri]
                assert c.id.startswith(t.object.value.rsplit("/", 1)[1] + "-")
            elif t.predicate.value == LCC + "collaboratesWith":
                assert t.object in population and t.object != c.iri
    assert districts >= 2


# ---------------------------------------------------------------- orders of magnitude


def test_populations_span_orders_of_magnitude(twelve: list[demo.DemoCommunity]) -> None:
    pops = [int(t.object.value) for c in twelve for t in c.triples if t.predicate.value == LCC + "population"]
    assert len(pops) == 12
    assert math.log10(max(pops) / min(pops)) >= 2
    assert all(demo.MIN_POPULATION * 0.8 <= p <= demo.MAX_POPULATION * 1.2 for p in pops)


def test_partners_and_resources_scale_with_population() -> None:
    rows = []
    for c in demo.generate(100, seed=0):
        pop = int(next(t.object.value for t in c.triples if t.predicate.value == LCC + "population"))
        partners = sum(1 for t in c.triples if t.predicate.value.endswith("#type") and t.object.value == LCC + "Partner")
        rate = {t.subject: {UNITS + "eur-per-year": 1.0, UNITS + "ils-per-year": 1 / demo.ILS_PER_EUR}[t.object.value]
                for t in c.triples if t.object.value in (UNITS + "eur-per-year", UNITS + "ils-per-year")}
        funding = sum(float(t.object.value) * rate[t.subject] for t in c.triples
                      if t.predicate.value == LCC + "amount" and t.subject in rate)
        rows.append((pop, partners, funding))
    rows.sort()
    small, big = rows[:5], rows[-5:]
    assert big[-1][0] > 1_000_000 and small[0][0] < 1_200
    assert all(4 <= p <= 7 for _, p, _ in small)
    assert all(40 <= p <= 100 for _, p, _ in big)
    assert min(f for *_, f in big) > 100 * max(f for *_, f in small)


# ---------------------------------------------------------------- findings fire in some, not all

FINDINGS = {
    "disengaged group targeted by no initiative": """
        ?grp a lcc:CitizenGroup ; lcc:engagement <https://w3id.org/lcc/engagement/disengaged> .
        FILTER NOT EXISTS { ?i lcc:targets ?grp }""",
    "no public-private partnership though both sectors exist": """
        FILTER EXISTS { ?a lcc:sector <https://w3id.org/lcc/sectors/public> }
        FILTER EXISTS { ?b lcc:sector <https://w3id.org/lcc/sectors/private> }
        FILTER NOT EXISTS { ?ps org:hasMember ?x, ?y .
          ?x lcc:sector <https://w3id.org/lcc/sectors/public> . ?y lcc:sector <https://w3id.org/lcc/sectors/private> }""",
    "no private partner at all": """
        FILTER NOT EXISTS { ?b lcc:sector <https://w3id.org/lcc/sectors/private> }""",
    "single-sector partnership": """
        ?ps a lcc:Partnership . FILTER NOT EXISTS { ?ps org:hasMember ?x, ?y .
          ?x lcc:sector ?s1 . ?y lcc:sector ?s2 FILTER(?s1 != ?s2) }""",
    "partnership without agenda": "?ps a lcc:Partnership FILTER NOT EXISTS { ?ps lcc:agenda ?a }",
    "no partnership linked to citizens": "FILTER NOT EXISTS { ?ps lcc:linksCitizenGroup ?grp }",
    "need not discussed with who expressed it": """
        ?n lcc:expressedBy ?grp FILTER NOT EXISTS { ?n lcc:discussedWith ?grp }""",
    "missing learning mode": """
        VALUES ?m { <https://w3id.org/lcc/learning-modes/formal> <https://w3id.org/lcc/learning-modes/non-formal>
                    <https://w3id.org/lcc/learning-modes/informal> }
        FILTER NOT EXISTS { ?i lcc:learningMode ?m }""",
    "inclusion-need group not co-designing": """
        ?i lcc:targets ?grp . ?grp lcc:inclusionNeed ?need FILTER NOT EXISTS { ?i lcc:coDesignedWith ?grp }""",
    "no value-debate dialogue": """
        FILTER NOT EXISTS { ?d lcc:dialogueKind <https://w3id.org/lcc/dialogue-kinds/value-debate> }""",
    "no critical reflection": """
        FILTER NOT EXISTS { ?d lcc:dialogueKind ?k
          VALUES ?k { <https://w3id.org/lcc/dialogue-kinds/critical-reflection>
                      <https://w3id.org/lcc/dialogue-kinds/expert-review> } }""",
    "no collaboration with other communities": "FILTER NOT EXISTS { ?c lcc:collaboratesWith ?o }",
    "no policy": "FILTER NOT EXISTS { ?pol a lcc:Policy }",
    "policies but none supports an infrastructure": """
        FILTER EXISTS { ?pol a lcc:Policy } FILTER EXISTS { ?inf a lcc:Infrastructure }
        FILTER NOT EXISTS { ?p lcc:supports ?i . ?i a lcc:Infrastructure }""",
    "infrastructure bridging one sector only": """
        ?inf a lcc:Infrastructure FILTER NOT EXISTS { ?inf lcc:bridges ?s1, ?s2 FILTER(?s1 != ?s2) }""",
    "infrastructure without public channel": "?inf a lcc:Infrastructure FILTER NOT EXISTS { ?inf lcc:publicChannel ?u }",
    "an initiative that did not work": "?i a lcc:Initiative ; lcc:successful false",
    "evidence of something that did not work": "?e a lcc:Evidence ; lcc:successful false",
    "emerging need": "?n lcc:emerging true",
    "no infrastructure": "FILTER NOT EXISTS { ?inf a lcc:Infrastructure }",
    "infrastructure not linked to citizens": """
        ?inf a lcc:Infrastructure FILTER NOT EXISTS { ?inf lcc:identifiesNeed ?n }
        FILTER NOT EXISTS { ?n2 lcc:identifiedBy ?inf } FILTER NOT EXISTS { ?i lcc:ledBy ?inf }""",
    "no public channel at all": "FILTER NOT EXISTS { ?x lcc:publicChannel ?u }",
    "need addressed by no initiative": "?n a lcc:Need FILTER NOT EXISTS { ?i lcc:addressesNeed ?n }",
    "partner or group involved in nothing": """
        { ?x a lcc:Partner } UNION { ?x a lcc:CitizenGroup }
        FILTER NOT EXISTS { ?m org:hasMember ?x } FILTER NOT EXISTS { ?l lcc:ledBy ?x }
        FILTER NOT EXISTS { ?t lcc:targets ?x } FILTER NOT EXISTS { ?k lcc:linksCitizenGroup ?x }""",
}


@pytest.mark.parametrize("finding", FINDINGS)
def test_each_finding_fires_in_some_communities_and_not_in_others(store: Store, finding: str) -> None:
    fires = _per_graph(store, FINDINGS[finding])
    assert 0 < len(fires) < 12, (finding, sorted(fires))


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_outreach_both_ways_in_any_twelve(seed: int) -> None:
    """Some community leaves a disengaged group unreached; another reaches every one it has."""
    store = Store()
    store.extend(demo.quads(demo.generate(12, seed=seed)))
    unreached = _per_graph(store, FINDINGS["disengaged group targeted by no initiative"])
    all_reached = _per_graph(store, """
        ?grp lcc:engagement <https://w3id.org/lcc/engagement/disengaged> .
        FILTER NOT EXISTS { ?other lcc:engagement <https://w3id.org/lcc/engagement/disengaged> .
                            FILTER NOT EXISTS { ?i lcc:targets ?other } }""")
    assert unreached and all_reached and not unreached & all_reached


# (pattern switch, finding, when it applies): None = the finding fires exactly when the switch is
# off; "on" = exactly when it is on; another switch's name = only while that one is off
SWITCHES = [
    ("value_debate", "no value-debate dialogue", None),
    ("reflection", "no critical reflection", None),
    ("public_private", "no public-private partnership though both sectors exist", "no_private"),
    ("no_private", "no private partner at all", "on"),
    ("single_sector", "single-sector partnership", "on"),
    ("all_agendas", "partnership without agenda", None),
    ("links_groups", "no partnership linked to citizens", None),
    ("needs_discussed", "need not discussed with who expressed it", None),
    ("all_modes", "missing learning mode", None),
    ("co_design_all", "inclusion-need group not co-designing", None),
    ("policy", "no policy", None),
    ("has_infra", "no infrastructure", None),
    ("any_channel", "no public channel at all", None),
    ("needs_addressed", "need addressed by no initiative", None),
    ("emerging", "emerging need", "on"),
    ("failures", "an initiative that did not work", "on"),
    ("failures", "evidence of something that did not work", "on"),
]


def check_switches(communities: list[demo.DemoCommunity], seed: int) -> None:
    store = Store()
    store.extend(demo.quads(communities))
    fired = {finding: _per_graph(store, FINDINGS[finding]) for _, finding, _ in SWITCHES}
    no_collab = _per_graph(store, FINDINGS["no collaboration with other communities"])
    for i, c in enumerate(communities):
        on = demo.patterns(i, seed=seed)
        for switch, finding, when in SWITCHES:
            fires = c.id in fired[finding]
            if when == "on":
                assert fires == on[switch], (c.id, finding)
            elif when is None or not on[when]:
                assert fires == (not on[switch]), (c.id, finding)
            else:
                assert not fires, (c.id, finding)
        if i > 0:
            assert (c.id in no_collab) == (not on["collaborates"])


def test_patterns_match_the_data() -> None:
    """``patterns(i)`` says what community i was built with; the data shows exactly that."""
    check_switches(list(demo.generate(36, seed=2)), seed=2)


def test_every_block_of_twelve_has_each_switch_both_ways() -> None:
    for block in range(3):
        rows = [demo.patterns(block * 12 + j, seed=4) for j in range(12)]
        for switch in demo.PATTERNS:
            assert 0 < sum(r[switch] for r in rows) < 12, switch


# ---------------------------------------------------------------- serialisation


@pytest.mark.parametrize("fmt", ["nquads", "trig", "turtle"])
def test_write_round_trips(twelve: list[demo.DemoCommunity], fmt: str, tmp_path) -> None:
    path = tmp_path / f"demo.{fmt}"
    demo.write(twelve, path, fmt)
    rdf_format = {"nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "turtle": RdfFormat.TURTLE}[fmt]
    parsed = list(parse(path=str(path), format=rdf_format))
    expected = [Quad(t.subject, t.predicate, t.object, c.graph) for c in twelve for t in c.triples]
    assert len(parsed) == len(expected)
    if fmt == "turtle":
        assert {(q.subject, q.predicate, q.object) for q in parsed} == {
            (q.subject, q.predicate, q.object) for q in expected}
    else:
        assert set(parsed) == set(expected)
        assert {q.graph_name.value for q in parsed} == {community_graph(c.id) for c in twelve}


def test_write_to_a_stream_and_refuse_unknown_formats(twelve: list[demo.DemoCommunity]) -> None:
    buffer = io.BytesIO()
    demo.write(twelve[:2], buffer, "trig")
    assert buffer.getvalue().startswith(b"@prefix")
    with pytest.raises(ValueError):
        demo.write(twelve, io.BytesIO(), "rdfxml")


def test_free_text_is_plain_strings(store: Store) -> None:
    rows = list(store.query(P + """
        SELECT DISTINCT ?p (DATATYPE(?o) AS ?dt) WHERE { GRAPH ?g {
          VALUES ?p { lcc:agenda lcc:lesson lcc:text } ?s ?p ?o } }"""))
    assert {r["p"].value.removeprefix(LCC) for r in rows} == {"agenda", "lesson", "text"}
    assert {r["dt"].value for r in rows} == {XSD + "string"}


# ---------------------------------------------------------------- resources as quantities


def _measures() -> dict[str, set[str]]:
    """Unit IRI -> the resource kinds it measures, read from the shipped vocabularies."""
    from lcc_graph.resources import ontology_files

    vocab = [p for p in ontology_files() if p.name == "vocabularies.ttl"]
    store = Store()
    store.load(path=str(vocab[0]), format=RdfFormat.TURTLE)
    out: dict[str, set[str]] = {}
    for r in store.query(P + "SELECT ?u ?k WHERE { ?u skos:inScheme <https://w3id.org/lcc/units/> ; lcc:measuresKind ?k }"):
        out.setdefault(r["u"].value, set()).add(r["k"].value)
    return out


def test_every_amount_has_one_unit_of_the_scheme_that_fits_its_kind() -> None:
    measures = _measures()
    units_seen = set()
    for c in demo.generate(60, seed=0):
        props: dict = {}
        for t in c.triples:
            props.setdefault(t.subject, {}).setdefault(t.predicate.value.removeprefix(LCC), []).append(t.object)
        resources = [p for p in props.values() if "amount" in p]
        assert resources and all(len(p["amount"]) == 1 and len(p.get("unit", [])) == 1 for p in resources), c.id
        for p in resources:
            unit, [kind] = p["unit"][0].value, [k.value for k in p["resourceKind"]]
            assert kind in measures.get(unit, set()), (c.id, unit, kind)
            units_seen.add(unit.removeprefix(UNITS))
    assert units_seen == {"ils-per-year", "eur-per-year", "m2", "fte", "volunteers", "items"}


def _totals(c: demo.DemoCommunity) -> dict[tuple[str, str, str], "Decimal"]:
    from decimal import Decimal

    props: dict = {}
    for t in c.triples:
        props.setdefault(t.subject, {})[t.predicate.value.removeprefix(LCC)] = t.object.value
    out: dict = {}
    for p in props.values():
        if "amount" in p:
            key = (p["availability"], p["resourceKind"], p["unit"])
            out[key] = out.get(key, Decimal(0)) + Decimal(p["amount"])
    return out


def test_amounts_are_realistic_for_the_population() -> None:
    """Per 1,000 inhabitants, whatever the size (shekels at demo.ILS_PER_EUR): funding 500-20,000 EUR
    a year (a 50,000-inhabitant town: 25,000 to 1,000,000, mostly 10^5 to 10^6), 1-50 m2 (hundreds
    to thousands), 0.01-0.3 FTE (a few), 0.1-3 volunteers (tens)."""
    per_1000 = {"eur-per-year": (500, 20_000), "m2": (1, 50), "fte": (0.01, 0.3), "volunteers": (0.1, 3)}
    for c in demo.generate(60, seed=0):
        pop = int(next(t.object.value for t in c.triples if t.predicate.value == LCC + "population"))
        if pop < 5_000:  # a village's single volunteer or room rounds up
            continue
        by_unit: dict[str, float] = {}
        for (_, _, unit), amount in _totals(c).items():
            slug = unit.removeprefix(UNITS)
            value = float(amount) / demo.ILS_PER_EUR if slug == "ils-per-year" else float(amount)
            slug = "eur-per-year" if slug == "ils-per-year" else slug
            by_unit[slug] = by_unit.get(slug, 0.0) + value
        assert {"eur-per-year", "m2", "fte"} <= set(by_unit), c.id  # every community has these three
        for slug, (lo, hi) in per_1000.items():
            if slug in by_unit:
                assert lo <= by_unit[slug] * 1000 / pop <= hi, (c.id, pop, slug, by_unit[slug])


def test_some_communities_record_a_resource_in_three_parts_with_the_same_totals() -> None:
    """A split resource's parts add up exactly to what the whole would have been."""
    split = 0
    for i, c in enumerate(demo.generate(24, seed=0)):
        parts = {t.subject.value for t in c.triples if t.subject.value.endswith(("-part-2", "-part-3"))}
        if not parts:
            continue
        split += 1
        whole = sorted(parts)[0].rsplit("-part-", 1)[0]
        labels = {t.object.value for t in c.triples
                  if t.subject.value.startswith(whole) and t.predicate.value.endswith("#label")}
        assert {label.rsplit(" (part ", 1)[1] for label in labels} == {"1 of 3)", "2 of 3)", "3 of 3)"}
        mobilisers = {(t.subject, t.object.value) for t in c.triples if t.predicate.value == LCC + "mobilises"
                      and t.object.value.startswith(whole)}
        assert mobilisers and len(mobilisers) % 3 == 0  # every part wherever the whole was
    assert 3 <= split <= 15
