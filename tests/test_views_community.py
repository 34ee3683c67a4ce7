"""The community views over a hand-made community whose every answer is known by hand.

tests/data/views/fixture.ttl: 5 partners (school and library public, bank and bookshop private,
club social); 3 partnerships (reading: school, bank, club; savings: school, bank; books:
library, bookshop). The network has 5 nodes and 3 + 1 + 1 = 5 edges, two of them between the
school and the bank; the bipartite view has 5 + 3 nodes and 3 + 2 + 2 member edges.
"""

from __future__ import annotations

import io
import json

import networkx as nx
import pyoxigraph as ox
import pytest

from lcc_graph import namespaces
from lcc_graph.errors import NotFound

from .conftest import DATA

FIXTURE = DATA / "views" / "fixture.ttl"
C = "https://w3id.org/lcc/communities/fixture/"
SCHOOL, LIBRARY, BANK, BOOKSHOP, CLUB = (C + f"partners/{p}" for p in ("school", "library", "bank", "bookshop", "club"))
READING, SAVINGS, BOOKS = (C + f"partnerships/{p}" for p in ("reading", "savings", "books"))
SECTORS = {SCHOOL: "public", LIBRARY: "public", BANK: "private", BOOKSHOP: "private", CLUB: "social"}


def fixture_triples() -> list[ox.Triple]:
    """The fixture community, parsed as an upload to /communities/fixture/data would be."""
    from lcc_graph.rdf_input import parse_rdf

    return parse_rdf(FIXTURE.read_bytes(), "text/turtle", base_iri=namespaces.community_base("fixture")).triples


def load_fixture(data_dir) -> None:
    """A data directory with the framework and the fixture community."""
    from lcc_graph.communities import replace_community
    from lcc_graph.framework import install_framework
    from lcc_graph.store import open_stores

    s = open_stores(data_dir)
    try:
        install_framework(s.public)
        replace_community(s.public, "fixture", fixture_triples())
    finally:
        s.close()


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    """Stores holding the framework and the fixture community (read only in these tests)."""
    from lcc_graph.store import open_stores

    path = tmp_path_factory.mktemp("views") / "data"
    load_fixture(path)
    s = open_stores(path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def profile(fx):
    from lcc_graph.views.community import get_community

    return get_community(fx, "fixture")


def by_iri(items):
    return {i["iri"]: i for i in items}


# --------------------------------------------------------------------------- list


def test_list_has_the_fixture_with_counts_and_totals(fx):
    from lcc_graph.views.community import list_communities

    items = list_communities(fx)
    assert [c["id"] for c in items] == ["fixture"]
    c = items[0]
    assert c["label"] == "Fixture Town" and c["population"] == 12345 and c["stage"]["slug"] == "mid"
    assert c["counts"] == {"partners": 5, "partnerships": 3, "infrastructures": 1, "initiatives": 2,
                           "citizenGroups": 2, "needs": 1, "resources": 3, "policies": 1, "dialogues": 1,
                           "evidence": 1, "dialogueAnswers": 1}
    assert c["resources"]["available"] == {"count": 2, "totals": [
        {"kind": "funding", "kindLabel": "Funding", "unit": "eur-per-year", "unitLabel": "Euros per year", "count": 2, "amount": 1500.5}]}
    assert c["resources"]["potential"] == {"count": 1, "totals": [
        {"kind": "space", "kindLabel": "Space", "unit": "m2", "unitLabel": "Square metres", "count": 1, "amount": 200}]}
    assert c["resources"]["quantities"] == FIXTURE_QUANTITIES


# Per kind and unit: 1,000.50 + 500 EUR a year available (1,500.5 * 1,000 / 12,345 inhabitants
# = 121.5472 per 1,000), 200 m2 potential (0 available per 1,000).
FIXTURE_QUANTITIES = [
    {"kind": "funding", "kindLabel": "Funding", "unit": "eur-per-year", "unitLabel": "Euros per year", "available": 1500.5,
     "potential": 0, "per_1000": 121.5472, "count": 2},
    {"kind": "space", "kindLabel": "Space", "unit": "m2", "unitLabel": "Square metres", "available": 0, "potential": 200,
     "per_1000": 0.0, "count": 1},
]


def _split(triples: list[ox.Triple], resource: str, amounts: list[str]) -> list[ox.Triple]:
    """The resource replaced by parts (same properties, the given amounts), each mobilised and
    supported wherever the resource was."""
    node = ox.NamedNode(C + resource)
    amount = ox.NamedNode(namespaces.LCC + "amount")
    parts = [ox.NamedNode(f"{C}{resource}-part-{n}") for n in range(1, len(amounts) + 1)]
    out = [t for t in triples if t.subject != node and t.object != node]
    for part, value in zip(parts, amounts):
        for t in triples:
            if t.subject == node:
                obj = ox.Literal(value, datatype=ox.NamedNode(namespaces.XSD + "decimal")) if t.predicate == amount else t.object
                out.append(ox.Triple(part, t.predicate, obj))
            elif t.object == node:
                out.append(ox.Triple(t.subject, t.predicate, part))
    return out


def test_splitting_a_resource_into_parts_changes_no_amount(tmp_path):
    """The budget (1,000.50 EUR a year) as three equal parts of 333.50, the hall (200 m2) as
    100 + 50 + 50: the totals, potentials and amounts per 1,000 inhabitants stay exactly the same;
    only the number of resources changes."""
    from lcc_graph.communities import replace_community
    from lcc_graph.framework import install_framework
    from lcc_graph.store import open_stores
    from lcc_graph.views.community import get_community, list_communities

    data = _split(_split(fixture_triples(), "resources/budget", ["333.50"] * 3), "resources/hall", ["100", "50", "50"])
    s = open_stores(tmp_path / "data")
    try:
        install_framework(s.public)
        replace_community(s.public, "fixture", data)
        [c] = list_communities(s)
        split = [{**q, "count": None} for q in c["resources"]["quantities"]]
        assert split == [{**q, "count": None} for q in FIXTURE_QUANTITIES]
        assert [q["count"] for q in c["resources"]["quantities"]] == [4, 3]
        assert get_community(s, "fixture")["resources"]["quantities"] == c["resources"]["quantities"]
        assert c["resources"]["available"]["totals"][0]["amount"] == 1500.5
        assert c["resources"]["potential"]["totals"][0]["amount"] == 200
    finally:
        s.close()


def test_list_refuses_an_unknown_sort(fx):
    from lcc_graph.views.community import list_communities

    with pytest.raises(ValueError, match="cannot sort"):
        list_communities(fx, sort="size")


def test_list_picks_labels_by_language(fx):
    from lcc_graph.views.community import list_communities

    assert list_communities(fx, "he")[0]["label"] == "עיר הבדיקה"
    assert list_communities(fx, "ar")[0]["label"] == "Fixture Town"  # no Arabic label: English


# --------------------------------------------------------------------------- profile


def test_profile_identity(profile):
    assert profile["id"] == "fixture" and profile["iri"] == "https://w3id.org/lcc/communities/fixture"
    assert profile["label"] == "Fixture Town" and profile["labels"] == {"en": "Fixture Town", "he": "עיר הבדיקה"}
    assert profile["population"] == 12345
    assert profile["stage"]["slug"] == "mid" and profile["stage"]["label"] == "Mid stage"
    assert profile["partOf"] == []
    # a community named but not held is shown without an id, so that no page links to a 404
    assert [(c["iri"], c.get("id")) for c in profile["collaboratesWith"]] == [
        ("https://w3id.org/lcc/communities/elsewhere", None)]


def test_profile_partners_by_sector_and_field(profile):
    partners = profile["partners"]
    assert partners["count"] == 5 and len(partners["items"]) == 5
    assert [(g["sector"]["slug"], g["count"]) for g in partners["bySector"]] == [("public", 2), ("private", 2), ("social", 1)]
    public = partners["bySector"][0]
    assert {p["iri"] for p in public["partners"]} == {SCHOOL, LIBRARY}
    fields = {g["field"]["slug"]: g["count"] for g in partners["byField"]}
    assert fields == {"education": 2, "culture": 2, "finance": 1, "business": 1, "sport": 1}
    assert [g["field"]["slug"] for g in partners["byField"]][:2] == ["culture", "education"]  # largest first
    items = by_iri(partners["items"])
    assert {iri: p["sector"]["slug"] for iri, p in items.items()} == SECTORS
    assert [f["slug"] for f in items[LIBRARY]["fields"]] == ["culture", "education"]
    assert items[BANK]["levels"][0]["slug"] == "regional"


def test_profile_partnerships(profile):
    ps = by_iri(profile["partnerships"])
    assert set(ps) == {READING, SAVINGS, BOOKS}
    reading = ps[READING]
    assert reading["label"] == "Reading Alliance" and reading["memberCount"] == 3
    assert {m["iri"] for m in reading["members"]} == {SCHOOL, BANK, CLUB}
    assert reading["sectors"] == ["public", "private", "social"] and reading["crossSector"]
    assert reading["hasAgenda"] and reading["agenda"].startswith("Monthly meetings")
    assert [g["label"] for g in reading["citizenGroups"]] == ["Newcomers"]
    assert reading["startDate"] == "2022-01-10" and reading["endDate"] is None
    savings = ps[SAVINGS]
    assert savings["hasAgenda"] is False and savings["agenda"] is None and savings["citizenGroups"] == []
    assert savings["endDate"] == "2023-12-31" and savings["sectors"] == ["public", "private"]
    assert ps[BOOKS]["label"] == "Book Fair <2021>" and ps[BOOKS]["sectors"] == ["public", "private"]


def test_profile_infrastructures_initiatives_groups_needs(profile):
    [council] = profile["infrastructures"]
    assert [b["slug"] for b in council["bridges"]] == ["public", "private"]
    assert [p["iri"] for p in council["formsPartnerships"]] == [READING]
    assert council["publicChannels"] == ["https://fixture.example/council"]
    assert council["identifiesNeeds"][0]["label"] == "Language courses for newcomers"

    inis = {i["label"]: i for i in profile["initiatives"]}
    assert set(inis) == {"Evening language classes", "Senior coding club"}
    evening = inis["Evening language classes"]
    assert evening["ledBy"] == [{"iri": READING, "label": "Reading Alliance", "type": "Partnership"}]
    assert [g["label"] for g in evening["coDesignedWith"]] == ["Newcomers"]
    assert sorted(p["slug"] for p in evening["purposes"]) == ["inclusion", "learning"]
    assert evening["depth"]["slug"] == "recurring" and evening["participants"] == 40
    assert evening["status"]["slug"] == "active" and evening["successful"] is True
    coding = inis["Senior coding club"]
    assert coding["ledBy"][0]["type"] == "Partner" and coding["successful"] is False
    assert coding["coDesignedWith"] == [] and coding["endDate"] == "2023-02-15"

    groups = {g["label"]: g for g in profile["citizenGroups"]}
    assert groups["Newcomers"]["size"] == 300 and groups["Newcomers"]["engagement"]["slug"] == "disengaged"
    assert sorted(n["slug"] for n in groups["Newcomers"]["inclusionNeeds"]) == ["language", "migration-background"]
    assert groups["Seniors"]["inclusionNeeds"] == [] and groups["Seniors"]["engagement"]["slug"] == "engaged"

    [need] = profile["needs"]
    assert need["emerging"] is True
    assert [g["label"] for g in need["expressedBy"]] == [g["label"] for g in need["discussedWith"]] == ["Newcomers"]
    assert need["identifiedBy"][0]["type"] == "Infrastructure"


def test_profile_resources_policies_dialogues_evidence_answers(profile):
    resources = profile["resources"]
    assert resources["available"]["count"] == 2 and resources["potential"]["count"] == 1
    assert resources["available"]["totals"][0]["amount"] == 1500.5
    items = {r["label"]: r for r in resources["items"]}
    assert len(items) == 3
    assert items["School learning budget"]["amount"] == 1000.5
    assert items["School learning budget"]["unit"] == "eur-per-year"
    assert items["School learning budget"]["unitLabel"] == "Euros per year"
    assert items["Library hall"]["unit"] == "m2"
    assert resources["quantities"] == FIXTURE_QUANTITIES
    assert items["Library hall"]["availability"]["slug"] == "potential"
    assert items["Library hall"]["kind"]["slug"] == "space"
    assert items["Bank community grant"]["providedBy"][0]["iri"] == BANK

    [policy] = profile["policies"]
    assert policy["adoptedBy"][0]["iri"] == LIBRARY and len(policy["supports"]) == 2
    assert [g["label"] for g in policy["involves"]] == ["Newcomers"]
    [dialogue] = profile["dialogues"]
    assert dialogue["kind"]["slug"] == "value-debate" and dialogue["date"] == "2023-06-20"
    assert [c["slug"] for c in dialogue["criteria"]] == ["value-codes"]
    assert dialogue["criteria"][0]["label"] == "Value codes"
    assert len(dialogue["participants"]) == 2
    [evidence] = profile["evidence"]
    assert evidence["successful"] is False and evidence["lesson"].startswith("Seniors were not asked")
    assert [c["slug"] for c in evidence["criteria"]] == ["inclusion"]
    assert evidence["about"][0]["label"] == "Senior coding club"
    [answer] = profile["dialogueAnswers"]
    assert answer["question"]["slug"] == "early-1" and answer["text"].startswith("Newcomers who cannot")


def test_profile_counts_match_the_sections(profile):
    counts = profile["counts"]
    assert counts["partners"] == profile["partners"]["count"]
    for key in ("partnerships", "infrastructures", "initiatives", "citizenGroups", "needs", "policies",
                "dialogues", "evidence", "dialogueAnswers"):
        assert counts[key] == len(profile[key]), key
    assert counts["resources"] == len(profile["resources"]["items"])


@pytest.mark.parametrize("bad", ["atlantis", "Fixture", "fixture/partners", "x> } ; DROP ALL ; #", "", "-x"])
def test_unknown_or_malformed_id_is_not_found(fx, bad):
    from lcc_graph.views.community import get_community
    from lcc_graph.views.network import build_network, network_triples

    for view in (get_community, build_network, network_triples):
        with pytest.raises(NotFound, match="no community"):
            view(fx, bad)


def test_a_partner_is_not_a_community(fx):
    from lcc_graph.views.community import get_community

    with pytest.raises(NotFound):
        get_community(fx, "elsewhere")  # named by the fixture, but has no data of its own


# --------------------------------------------------------------------------- network


@pytest.fixture(scope="module")
def graph(fx):
    from lcc_graph.views.network import build_network

    return build_network(fx, "fixture")


@pytest.fixture(scope="module")
def bipartite(fx):
    from lcc_graph.views.network import build_network

    return build_network(fx, "fixture", view="bipartite")


def test_network_nodes_and_edges(graph):
    assert isinstance(graph, nx.MultiGraph)
    assert graph.number_of_nodes() == 5 and graph.number_of_edges() == 5
    assert {n: a["sector"] for n, a in graph.nodes(data=True)} == SECTORS
    assert graph.nodes[LIBRARY]["fields"] == ["culture", "education"]
    assert graph.nodes[LIBRARY]["fieldLabels"] == ["Culture", "Education"]
    assert graph.nodes[SCHOOL]["label"] == "Fixture Primary School"
    assert graph.number_of_edges(SCHOOL, BANK) == 2
    assert {a["label"] for a in graph.get_edge_data(SCHOOL, BANK).values()} == {"Reading Alliance", "Savings Lessons"}
    assert set(graph.get_edge_data(SCHOOL, BANK)) == {READING, SAVINGS}  # keyed by partnership
    assert graph.number_of_edges(LIBRARY, BOOKSHOP) == 1 and graph.number_of_edges(SCHOOL, CLUB) == 1
    assert graph.number_of_edges(SCHOOL, LIBRARY) == 0
    assert dict(graph.degree()) == {SCHOOL: 3, BANK: 3, CLUB: 2, LIBRARY: 1, BOOKSHOP: 1}
    assert graph.graph["label"] == "Fixture Town"


def test_bipartite_network(bipartite):
    kinds = nx.get_node_attributes(bipartite, "kind")
    assert sorted(kinds.values()).count("partner") == 5 and sorted(kinds.values()).count("partnership") == 3
    assert bipartite.number_of_nodes() == 8 and bipartite.number_of_edges() == 7
    for a, b in bipartite.edges():
        assert {kinds[a], kinds[b]} == {"partner", "partnership"}
    assert set(bipartite[READING]) == {SCHOOL, BANK, CLUB}
    assert bipartite.nodes[READING]["memberCount"] == 3 and bipartite.nodes[READING]["hasAgenda"] is True
    assert bipartite.nodes[BOOKS]["sectors"] == ["public", "private"]
    assert bipartite.degree(SCHOOL) == 2


def test_unknown_view_is_refused(fx):
    from lcc_graph.views.network import build_network

    with pytest.raises(ValueError, match="unknown network view"):
        build_network(fx, "fixture", view="circles")


def test_cytoscape_json_loads_into_networkx(graph, bipartite):
    from lcc_graph.views.network import to_cytoscape

    data = json.loads(json.dumps(to_cytoscape(graph)))
    assert set(data["elements"]) == {"nodes", "edges"}
    assert all(set(n) == {"data"} and n["data"]["id"] for n in data["elements"]["nodes"])
    assert len({e["data"]["id"] for e in data["elements"]["edges"]}) == 5  # unique edge ids
    assert data["data"]["nodeCount"] == 5 and data["data"]["edgeCount"] == 5
    g = nx.cytoscape_graph(data)
    assert g.is_multigraph() and g.number_of_nodes() == 5 and g.number_of_edges() == 5
    assert g.nodes[SCHOOL]["sector"] == "public" and g.number_of_edges(SCHOOL, BANK) == 2
    # ... and built by hand, as a Cytoscape.js client sees it
    h = nx.MultiGraph()
    h.add_nodes_from(n["data"]["id"] for n in data["elements"]["nodes"])
    h.add_edges_from((e["data"]["source"], e["data"]["target"]) for e in data["elements"]["edges"])
    assert (h.number_of_nodes(), h.number_of_edges()) == (5, 5)
    b = nx.cytoscape_graph(json.loads(json.dumps(to_cytoscape(bipartite))))
    assert (b.number_of_nodes(), b.number_of_edges()) == (8, 7)


def test_graphml_reads_back_with_networkx(graph, bipartite):
    from lcc_graph.views.network import to_graphml

    g = nx.read_graphml(io.BytesIO(to_graphml(graph)))
    assert g.is_multigraph() and (g.number_of_nodes(), g.number_of_edges()) == (5, 5)
    assert {n: a["sector"] for n, a in g.nodes(data=True)} == SECTORS
    assert g.nodes[LIBRARY]["fields"] == "culture education"
    assert g.number_of_edges(SCHOOL, BANK) == 2
    b = nx.read_graphml(io.BytesIO(to_graphml(bipartite)))
    assert (b.number_of_nodes(), b.number_of_edges()) == (8, 7)


def test_rdf_subgraph_parses_as_turtle_and_json_ld(fx):
    from lcc_graph.views.network import network_triples, serialize_triples

    triples = network_triples(fx, "fixture")
    a = ox.NamedNode(namespaces.RDF + "type")
    for media, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD)):
        parsed = list(ox.parse(serialize_triples(triples, media), format=fmt))
        assert len(parsed) == len(triples)
        assert len({q.subject for q in parsed if q.predicate == a and q.object == namespaces.lcc("Partner")}) == 5
        assert len({q.subject for q in parsed if q.predicate == a and q.object == namespaces.lcc("Partnership")}) == 3
        assert sum(1 for q in parsed if q.predicate.value == namespaces.ORG + "hasMember") == 7
        # Nothing but partners, partnerships and the community itself
        subjects = {q.subject.value for q in parsed}
        assert subjects == set(SECTORS) | {READING, SAVINGS, BOOKS, "https://w3id.org/lcc/communities/fixture"}


def test_svg_drawing_is_stable_and_complete(graph, bipartite):
    from lcc_graph.views.network import svg_drawing

    first, again = svg_drawing(graph), svg_drawing(graph)
    assert first == again
    assert len(first["nodes"]) == 5 and len(first["edges"]) == 5
    assert [item["label"] for item in first["legend"]] == ["Public sector", "Private sector", "Social sector"]
    colours = {n["id"]: n["colour"] for n in first["nodes"]}
    assert colours[SCHOOL] == colours[LIBRARY] != colours[BANK]
    school_bank = [e["d"] for e in first["edges"] if e["partnership"] in (READING, SAVINGS)
                   and e["label"] in ("Reading Alliance", "Savings Lessons")]
    assert len(set(school_bank)) == len(school_bank)  # parallel edges drawn apart
    b = svg_drawing(bipartite)
    assert len(b["nodes"]) == 8 and len(b["edges"]) == 7 and b["legend"][-1]["label"] == "partnership"
